"""transform: a fitted network's hidden activations as features (issue 12, section 2).

Values are checked against the fitted weights computed by hand; Pipeline, search,
clone, partial_fit, persistence, set_output and feature names against scikit-learn.
"""

import importlib.util
import io
import re
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import config_context
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import (
    check_get_feature_names_out_error,
    check_global_output_transform_pandas,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
)

from sknn import ConvNetClassifier, ConvNetRegressor, MLPClassifier, MLPRegressor
from sknn import io as sknn_io
from sknn._base import BaseNetwork
from sknn.nn.layers import BatchNormalization, Conv2D, Dense, Flatten

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)


pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def relu(Z):
    return np.maximum(Z, 0)


def mlp_hidden(est, X, act):
    """Every hidden layer's activations, from coefs_ and intercepts_."""
    out, A = [], X
    for W, b in zip(est.coefs_[:-1], est.intercepts_[:-1]):
        A = act(A @ W + b)
        out.append(A)
    return out


def small_convnet(cls=ConvNetClassifier, **params):
    defaults = dict(filters=(2,), kernel_size=3, pool=None, dense_layers=(5,), max_iter=3,
                    batch_size=16, random_state=0, dtype="float64")
    return cls(**{**defaults, **params})


def naive_same_conv_relu(X, W, b):
    """'same' 3x3 convolution (cross-correlation) + relu by loops, channels last."""
    n, H, Wd, C = X.shape
    Xp = np.pad(X, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = np.zeros((n, H, Wd, W.shape[-1]))
    for i in range(H):
        for j in range(Wd):
            out[:, i, j] = np.tensordot(Xp[:, i:i + 3, j:j + 3], W, axes=3) + b
    return relu(out)


ESTIMATORS = [
    MLPClassifier((6, 4), solver="lbfgs", random_state=0),
    MLPRegressor(hidden_layer_sizes=(6, 4), solver="lbfgs", random_state=0),
    small_convnet(),
    small_convnet(ConvNetRegressor),
]


def ids(est):
    return type(est).__name__


# -- values -------------------------------------------------------------------------
@pytest.mark.parametrize("activation, act", [("relu", relu), ("tanh", np.tanh)])
def test_mlp_layers_are_the_hidden_activations_of_the_fitted_weights(activation, act):
    clf = MLPClassifier((7, 5, 3), activation=activation, solver="lbfgs", max_iter=50,
                        random_state=0).fit(X_IRIS, Y_IRIS)
    hidden = mlp_hidden(clf, X_IRIS, act)
    for k, expected in enumerate(hidden):
        np.testing.assert_allclose(clf.transform(X_IRIS, layer=k), expected, rtol=1e-12)
        np.testing.assert_array_equal(clf.transform(X_IRIS, layer=k - 3),
                                      clf.transform(X_IRIS, layer=k))
    np.testing.assert_array_equal(clf.transform(X_IRIS), clf.transform(X_IRIS, layer=2))
    # the default layer is what the output layer reads
    np.testing.assert_allclose(clf.transform(X_IRIS) @ clf.coefs_[-1] + clf.intercepts_[-1],
                               clf.decision_function(X_IRIS), rtol=1e-12)


def test_dropout_is_off_and_monte_carlo_noise_never_leaks_in():
    reg = MLPRegressor(hidden_layer_sizes=(8,), dropout=0.5, max_iter=20,
                       random_state=0).fit(X_IRIS, Y_IRIS)
    reg.predict(X_IRIS, mc_samples=3)
    first = reg.transform(X_IRIS)
    np.testing.assert_array_equal(reg.transform(X_IRIS), first)
    np.testing.assert_allclose(first, mlp_hidden(reg, X_IRIS, relu)[0], rtol=1e-12)


def test_batch_norm_layers_are_normalized_then_activated():
    clf = MLPClassifier((6, 4), activation="tanh", batch_norm=True, max_iter=20,
                        random_state=0).fit(X_IRIS, Y_IRIS)
    norms = [layer for layer in clf.network_.leaves if isinstance(layer, BatchNormalization)]
    A = X_IRIS
    for k, (W, b, bn) in enumerate(zip(clf.coefs_, clf.intercepts_, norms)):
        Z = (A @ W + b - bn.state["running_mean"]) / np.sqrt(bn.state["running_var"]
                                                             + bn.epsilon)
        A = np.tanh(bn.params["gamma"] * Z + bn.params["beta"])
        np.testing.assert_allclose(clf.transform(X_IRIS, layer=k), A, rtol=1e-10)


def test_wide_and_deep_gives_the_deep_path_without_the_input():
    reg = MLPRegressor(hidden_layer_sizes=(6, 4), wide_and_deep=True, solver="lbfgs",
                       max_iter=50, random_state=0).fit(X_IRIS, Y_IRIS)
    deep = reg.transform(X_IRIS)
    assert deep.shape == (150, 4)
    np.testing.assert_allclose(deep, mlp_hidden(reg, X_IRIS, relu)[1], rtol=1e-12)
    # the output layer reads [deep, X]: transform is the deep part of its input
    np.testing.assert_allclose(np.hstack([deep, X_IRIS]) @ reg.coefs_[-1]
                               + reg.intercepts_[-1], reg.predict(X_IRIS)[:, None],
                               rtol=1e-10)


def test_convnet_flattened_features_then_dense_hidden_layers():
    X = np.random.default_rng(0).random((20, 6, 6))
    clf = small_convnet().fit(X, [0, 1] * 10)
    conv, dense, out = clf.network_.layers[0], clf.network_.layers[2], clf.network_.layers[3]
    assert isinstance(conv, Conv2D) and isinstance(dense, Dense)
    flat = naive_same_conv_relu(X[..., None], conv.params["W"], conv.params["b"])
    flat = flat.reshape(20, -1)
    np.testing.assert_allclose(clf.transform(X, layer=0), flat, rtol=1e-10, atol=1e-12)
    hidden = relu(flat @ dense.params["W"] + dense.params["b"])
    np.testing.assert_allclose(clf.transform(X), hidden, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(clf.transform(X, layer=-2), clf.transform(X, layer=0))
    np.testing.assert_allclose(hidden @ out.params["W"] + out.params["b"],
                               clf.decision_function(X)[:, None], rtol=1e-10)
    assert list(clf.get_feature_names_out()) == [f"convnetclassifier{i}" for i in range(5)]


def test_convnet_without_dense_layers_and_with_explicit_layers():
    X = np.random.default_rng(0).random((20, 6, 6))
    y = [0, 1] * 10
    bare = small_convnet(dense_layers=()).fit(X, y)
    assert bare.transform(X).shape == (20, 6 * 6 * 2)  # the flattened features
    explicit = small_convnet(layers=[Conv2D(3, kernel_size=3, activation="relu"), Flatten(),
                                     Dense(7, "tanh"), Dense(4, "relu")]).fit(X, y)
    # a 'valid' 3x3 convolution leaves 4x4 maps of 3 channels
    assert [explicit.transform(X, layer=k).shape[1] for k in range(3)] == [48, 7, 4]


# -- dtype, batching, input -----------------------------------------------------------
def test_dtype_is_that_of_predict_proba():
    X32 = X_IRIS.astype(np.float32)
    clf = MLPClassifier((5,), max_iter=5, random_state=0).fit(X32, Y_IRIS)
    assert clf.transform(X_IRIS).dtype == clf.predict_proba(X_IRIS).dtype == np.float32
    for dtype in ("float32", "float64"):
        conv = small_convnet(dtype=dtype).fit(X_IRIS, Y_IRIS)
        assert conv.transform(X_IRIS).dtype == conv.predict_proba(X_IRIS).dtype == dtype


@pytest.mark.parametrize("est", ESTIMATORS, ids=ids)
def test_batches_are_bounded_and_give_the_same_values(est, monkeypatch):
    est = clone(est).fit(X_IRIS, Y_IRIS)
    whole = est.transform(X_IRIS, layer=0)
    rows = []
    first = est.network_.layers[0]
    forward = type(first).forward

    def spy(layer, X, training=False):
        rows.append(X.shape[0])
        return forward(layer, X, training)

    monkeypatch.setattr(BaseNetwork, "_predict_rows", lambda self: 7)
    monkeypatch.setattr(type(first), "forward", spy)
    np.testing.assert_allclose(est.transform(X_IRIS, layer=0), whole, rtol=1e-12)
    assert max(rows) == 7 and sum(rows) == 150


def test_sparse_input_gives_the_dense_result():
    clf = MLPClassifier((5,), max_iter=20, random_state=0).fit(X_IRIS, Y_IRIS)
    np.testing.assert_allclose(clf.transform(sp.csr_matrix(X_IRIS)), clf.transform(X_IRIS),
                               rtol=1e-12)


@pytest.mark.parametrize("est", ESTIMATORS, ids=ids)
def test_input_and_model_are_never_modified(est):
    est = clone(est).fit(X_IRIS, Y_IRIS)
    X, params = X_IRIS.copy(), est.network_.params.copy()
    est.transform(X)
    est.transform(X, layer=0)
    np.testing.assert_array_equal(X, X_IRIS)
    np.testing.assert_array_equal(est.network_.params, params)


def test_overflow_is_refused_naming_x():
    # a network fitted in float32 cannot hold X = 1e300
    reg = MLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs",
                       random_state=0).fit(X_IRIS.astype(np.float32), Y_IRIS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="X is too large for this network"):
            reg.transform(np.full((3, 4), 1e300))


# -- the layer keyword ------------------------------------------------------------------
@pytest.mark.parametrize("layer", ["0", 1.0, True, None, np.float64(0), [0]])
def test_layer_of_another_type_is_refused(layer):
    clf = MLPClassifier((4, 3), max_iter=5, random_state=0).fit(X_IRIS, Y_IRIS)
    with pytest.raises(TypeError, match=r"layer must be an int indexing the hidden layers"):
        clf.transform(X_IRIS, layer=layer)


@pytest.mark.parametrize("layer", [2, -3, 10**30])
def test_layer_out_of_range_is_refused_before_x_is_read(layer):
    clf = MLPClassifier((4, 3), max_iter=5, random_state=0).fit(X_IRIS, Y_IRIS)
    message = (f"layer={layer} is out of range: this MLPClassifier has 2 hidden layer(s) "
               "of widths [4, 3]; use 0 to 1, or -2 to -1 counting from the last.")
    with pytest.raises(ValueError, match=re.escape(message)):
        clf.transform([["not", "numbers"]], layer=layer)
    assert clf.transform(X_IRIS, layer=np.int64(-2)).shape == (150, 4)


def test_convnet_range_message_says_what_layer_0_is():
    clf = small_convnet().fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match=r"widths \[8, 5\] \(layer 0 is the flattened "):
        clf.transform(X_IRIS, layer=2)


def test_a_network_without_hidden_layers_has_nothing_to_transform():
    clf = MLPClassifier(hidden_layer_sizes=(), max_iter=5, random_state=0).fit(X_IRIS, Y_IRIS)
    for call in (lambda: clf.transform(X_IRIS), clf.get_feature_names_out):
        with pytest.raises(ValueError, match=r"no hidden layer .*hidden_layer_sizes=\(\)"):
            call()


@pytest.mark.parametrize("est", ESTIMATORS, ids=ids)
def test_unfitted_and_cloned_estimators_are_not_fitted(est):
    fitted = clone(est).fit(X_IRIS, Y_IRIS)
    for model in (clone(est), clone(fitted)):
        with pytest.raises(NotFittedError):
            model.transform(X_IRIS)
        with pytest.raises(NotFittedError):
            model.get_feature_names_out()


# -- in scikit-learn ---------------------------------------------------------------
DIGITS = load_digits(return_X_y=True)


def test_mlp_in_the_middle_of_a_pipeline():
    X_train, X_test, y_train, y_test = train_test_split(*DIGITS, random_state=0)
    pipe = make_pipeline(StandardScaler(), MLPClassifier((32,), max_iter=60, random_state=0),
                         LogisticRegression(max_iter=1000)).fit(X_train, y_train)
    scaler, mlp, logreg = pipe.steps[0][1], pipe.steps[1][1], pipe.steps[2][1]
    features = mlp.transform(scaler.transform(X_test))
    np.testing.assert_array_equal(pipe.predict(X_test), logreg.predict(features))
    assert logreg.n_features_in_ == 32
    assert pipe.score(X_test, y_test) >= 0.95  # measured 0.962
    assert list(pipe[:-1].get_feature_names_out()) == [f"mlpclassifier{i}" for i in range(32)]


def test_frozen_extractor_is_not_refitted():
    X_train, X_test, y_train, y_test = train_test_split(*DIGITS, random_state=0)
    X_a, X_b, y_a, y_b = train_test_split(X_train, y_train, test_size=0.5, random_state=0)
    extractor = make_pipeline(StandardScaler(), MLPClassifier((32,), max_iter=60,
                                                              random_state=0))
    extractor.fit(X_a, y_a)
    weights = extractor[-1].network_.params.copy()
    pipe = make_pipeline(FrozenEstimator(extractor), LogisticRegression(max_iter=1000))
    pipe.fit(X_b, y_b)
    np.testing.assert_array_equal(extractor[-1].network_.params, weights)
    np.testing.assert_array_equal(pipe.predict(X_test),
                                  pipe[-1].predict(extractor.transform(X_test)))


def test_metadata_routing_passes_layer_through_a_pipeline():
    with config_context(enable_metadata_routing=True):
        mlp = MLPClassifier((6, 3), max_iter=20, random_state=0)
        pipe = make_pipeline(StandardScaler(), mlp.set_transform_request(layer=True))
        pipe.fit(X_IRIS, Y_IRIS)
        routed = pipe.transform(X_IRIS, layer=0)
    assert routed.shape == (150, 6)
    np.testing.assert_array_equal(routed, mlp.transform(pipe[0].transform(X_IRIS), layer=0))


def test_regressor_features_in_a_grid_search():
    X, y = load_diabetes(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPRegressor(learning_rate_init=0.01, max_iter=50,
                                                        random_state=0), Ridge())
    grid = {"mlpregressor__hidden_layer_sizes": [(8,), (16,)], "ridge__alpha": [0.1, 10.0]}
    search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    width = best.get_params()["mlpregressor__hidden_layer_sizes"][0]
    assert best[-1].n_features_in_ == width and search.best_score_ > 0.3


def test_fit_transform_and_partial_fit():
    clf = MLPClassifier((5,), random_state=0)
    features = clf.fit_transform(X_IRIS, Y_IRIS)
    np.testing.assert_array_equal(features, clf.transform(X_IRIS))
    streamed = MLPClassifier((5,), random_state=0)
    streamed.partial_fit(X_IRIS, Y_IRIS, classes=[0, 1, 2])
    before = streamed.transform(X_IRIS)
    streamed.partial_fit(X_IRIS, Y_IRIS)
    after = streamed.transform(X_IRIS)
    assert before.shape == after.shape == (150, 5) and not np.array_equal(before, after)
    np.testing.assert_allclose(after, mlp_hidden(streamed, X_IRIS, relu)[0], rtol=1e-12)


@pytest.mark.parametrize("est", ESTIMATORS, ids=ids)
def test_joblib_and_skops_round_trips_keep_transform(est, tmp_path):
    est = clone(est).fit(X_IRIS, Y_IRIS)
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    loaded = [joblib.load(buffer)]
    if importlib.util.find_spec("skops") is not None:  # the optional "persist" extra
        sknn_io.save(est, tmp_path / "model.skops")
        loaded.append(sknn_io.load(tmp_path / "model.skops"))
    for model in loaded:
        for layer in (0, -1):
            np.testing.assert_array_equal(model.transform(X_IRIS, layer=layer),
                                          est.transform(X_IRIS, layer=layer))
        np.testing.assert_array_equal(model.get_feature_names_out(),
                                      est.get_feature_names_out())


# -- feature names and set_output ----------------------------------------------------
SKLEARN_CHECKS = [check_get_feature_names_out_error, check_set_output_transform,
                  check_transformer_get_feature_names_out]
PANDAS_CHECKS = [check_set_output_transform_pandas, check_global_output_transform_pandas,
                 check_transformer_get_feature_names_out_pandas]


@pytest.mark.parametrize("est", ESTIMATORS, ids=ids)
@pytest.mark.parametrize("check", SKLEARN_CHECKS + PANDAS_CHECKS, ids=lambda c: c.__name__)
def test_scikit_learns_feature_name_and_set_output_checks(est, check):
    if check in PANDAS_CHECKS:
        pytest.importorskip("pandas")
    with warnings.catch_warnings():
        # the checks fit on frames and transform arrays (and back) on purpose
        warnings.filterwarnings("ignore", "X (does not have valid|has) feature names")
        check(type(est).__name__, est)


def test_feature_names_follow_scikit_learns_class_name_prefix():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X_IRIS, columns=["a", "b", "c", "d"])
    clf = MLPClassifier((3,), max_iter=5, random_state=0).fit(frame, Y_IRIS)
    pca = PCA(3).fit(frame)
    expected = [name.replace("pca", "mlpclassifier") for name in pca.get_feature_names_out()]
    assert list(clf.get_feature_names_out()) == expected
    assert list(clf.get_feature_names_out(["a", "b", "c", "d"])) == expected
    for wrong in (["a", "b", "c", "x"], ["a", "b"]):
        with pytest.raises(ValueError) as sklearn_error:
            pca.get_feature_names_out(wrong)
        with pytest.raises(ValueError, match=re.escape(str(sklearn_error.value))):
            clf.get_feature_names_out(wrong)


def test_pandas_output_names_the_default_layer_and_refuses_other_widths():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X_IRIS, index=np.arange(150) * 2)
    clf = MLPClassifier((3, 4, 3), max_iter=5, random_state=0).fit(frame.values, Y_IRIS)
    clf.set_output(transform="pandas")
    out = clf.transform(frame)
    assert list(out.columns) == list(clf.get_feature_names_out())
    assert (out.index == frame.index).all()
    assert clf.transform(frame, layer=0).shape == (150, 3)  # same width: the same names
    with pytest.raises(ValueError, match=r"layer=1 has 4 units, but set_output names"):
        clf.transform(frame, layer=1)
    assert clf.set_output(transform="default").transform(frame, layer=1).shape == (150, 4)
    pandas = clone(clf.set_output(transform="pandas"))  # clone keeps the configuration
    assert isinstance(pandas.fit(frame.values, Y_IRIS).transform(frame), pd.DataFrame)
