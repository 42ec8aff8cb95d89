"""Input attributions (sknn.inspection) and AttributionDisplay."""

import threading
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import (
    ConvNetClassifier,
    ConvNetRegressor,
    LogicGateNeuron,
    MLPClassifier,
    MLPRegressor,
    ThresholdPerceptron,
)
from sknn.inspection import gradient_x_input, integrated_gradients, saliency


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    # a little noise breaks the ties of max pooling over blank pixels, where the
    # function has a kink and central differences average the two one-sided slopes
    X = X[:300] / 16 + np.random.default_rng(0).uniform(0, 0.05, (300, 64))
    return X, y[:300]


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y)


def _numeric(f, X, h=1e-6):
    """Central differences of a per-row scalar function f of flat float64 X."""
    G = np.zeros_like(X)
    for j in range(X.shape[1]):
        E = np.zeros_like(X)
        E[:, j] = h
        G[:, j] = (f(X + E) - f(X - E)) / (2 * h)
    return G


def _proba_of(est, index):
    rows = np.arange(len(index))
    return lambda X: est.predict_proba(X)[rows, index]


def _predicted(est, X):
    return np.searchsorted(est.classes_, est.predict(X))


SMOOTH_CLASSIFIERS = {
    "mlp-tanh": lambda: MLPClassifier((8,), activation="tanh", alpha=1.0, solver="lbfgs",
                                      random_state=0),
    "mlp-logistic-2-layers": lambda: MLPClassifier((6, 5), activation="logistic", alpha=0.1,
                                                   solver="lbfgs", random_state=0),
    "mlp-wide-deep": lambda: MLPClassifier((6,), activation="tanh", wide_and_deep=True,
                                           solver="lbfgs", alpha=1.0, random_state=0),
    "mlp-batchnorm-dropout": lambda: MLPClassifier((8,), activation="tanh", batch_norm=True,
                                                   dropout=0.2, max_iter=100, learning_rate_init=0.01,
                                                   random_state=0),
}


@pytest.mark.parametrize("name", sorted(SMOOTH_CLASSIFIERS))
def test_saliency_matches_central_differences_mlp(iris, name):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS[name](), X, y)
    Xs = X[::15]
    index = _predicted(clf, Xs)
    assert len(np.unique(index)) == 3  # the rows cover every class
    assert_allclose(saliency(clf, Xs), _numeric(_proba_of(clf, index), Xs),
                    rtol=1e-5, atol=1e-9)


CONVNETS = {
    "fused-maxpool": dict(pool="max"),
    "batchnorm-maxpool": dict(pool="max", batch_norm=True),
    "avgpool-dropouts": dict(pool="avg", dropout=0.2, spatial_dropout=0.1),
    "two-blocks-valid": dict(filters=(3, 4), padding="valid", pool=None),
}


@pytest.mark.parametrize("name", sorted(CONVNETS))
def test_saliency_matches_central_differences_convnet(digits, name):
    X, y = digits
    params = dict(input_shape=(8, 8), filters=(4,), dense_layers=(16,), activation="tanh",
                  dtype="float64", max_iter=5, random_state=0)
    clf = _fit(ConvNetClassifier(**{**params, **CONVNETS[name]}), X, y)
    Xs = X[:3]
    index = _predicted(clf, Xs)
    expected = _numeric(_proba_of(clf, index), Xs)
    assert np.abs(expected).max() > 1e-3
    assert_allclose(saliency(clf, Xs), expected, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_saliency_of_a_convnet_regressor_matches_central_differences(digits, loss):
    X, _ = digits
    images = X.reshape(-1, 8, 8)
    Y = np.column_stack([images[:, :4, :4].mean(axis=(1, 2)), images[:, 4:, 4:].mean(axis=(1, 2))])
    reg = _fit(ConvNetRegressor(input_shape=(8, 8), filters=(4,), dense_layers=(16,), loss=loss,
                                activation="tanh", pool="avg", dtype="float64", max_iter=5,
                                random_state=0), X, Y)
    Xs = X[:3]
    for k in range(2):
        expected = _numeric(lambda Z, k=k: reg.predict(Z)[:, k], Xs)
        assert np.abs(expected).max() > 1e-3
        assert_allclose(saliency(reg, Xs, target=k), expected, rtol=1e-5, atol=1e-8)
    with pytest.raises(ValueError, match="target=None but ConvNetRegressor has 2 outputs"):
        saliency(reg, Xs)
    # integrated gradients' completeness: the attributions sum to f(x) - f(baseline)
    ig = integrated_gradients(reg, Xs, target=1, n_steps=200)
    gap = reg.predict(Xs)[:, 1] - reg.predict(np.zeros_like(Xs))[:, 1]
    assert_allclose(ig.sum(axis=1), gap, rtol=1e-3, atol=1e-6)


def test_explains_a_scikit_learn_mlp_through_from_weights(iris):
    # scikit-learn's MLP has no input gradients; its weights in sknn give them, and they
    # are the gradients of scikit-learn's own predict_proba
    from sklearn.neural_network import MLPClassifier as SkMLP
    X, y = iris
    sk = _fit(SkMLP((7,), activation="tanh", alpha=1.0, solver="lbfgs", random_state=0),
              X, y)
    ours = MLPClassifier.from_weights(sk.coefs_, sk.intercepts_, classes=sk.classes_,
                                      activation="tanh")
    Xs = X[::15]
    target = sk.predict(Xs)
    expected = _numeric(_proba_of(sk, np.searchsorted(sk.classes_, target)), Xs)
    assert_allclose(saliency(ours, Xs), expected, rtol=1e-5, atol=1e-9)


def test_binary_targets_and_decision_function(iris):
    X, y = iris
    yb = np.where(y == 2, "virginica", "other")
    clf = _fit(MLPClassifier((5,), activation="tanh", solver="lbfgs", alpha=1.0,
                             random_state=0), X, yb)
    Xs = X[::20]
    for k, label in enumerate(clf.classes_):
        index = np.full(len(Xs), k)
        assert_allclose(saliency(clf, Xs, target=label),
                        _numeric(_proba_of(clf, index), Xs), rtol=1e-5, atol=1e-9)
    # the binary logit is the log-odds of classes_[1]; for classes_[0] it changes sign
    g1 = saliency(clf, Xs, target="virginica", response_method="decision_function")
    assert_allclose(g1, _numeric(clf.decision_function, Xs), rtol=1e-5, atol=1e-9)
    g0 = saliency(clf, Xs, target="other", response_method="decision_function")
    assert_allclose(g0, -g1)


def test_per_row_targets_multiclass_logits(iris):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    Xs = X[::25]
    target = clf.classes_[np.arange(len(Xs)) % 3]
    rows = np.arange(len(Xs))
    expected = _numeric(lambda Z: clf.decision_function(Z)[rows, target], Xs)
    got = saliency(clf, Xs, target=target, response_method="decision_function")
    assert_allclose(got, expected, rtol=1e-5, atol=1e-9)


def test_multilabel_default_is_most_probable_label(iris):
    X, y = iris
    Y = np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)
    clf = _fit(MLPClassifier((6,), activation="tanh", solver="lbfgs", alpha=1.0,
                             random_state=0), X, Y)
    Xs = X[::30]
    index = clf.predict_proba(Xs).argmax(axis=1)
    assert_allclose(saliency(clf, Xs), _numeric(_proba_of(clf, index), Xs),
                    rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_output_index(loss):
    X, Y = make_regression(60, 5, n_targets=2, random_state=0)
    Y = np.abs(Y) / 100 if loss == "poisson" else Y / 100
    reg = _fit(MLPRegressor(loss=loss, hidden_layer_sizes=(6,), activation="tanh",
                            solver="lbfgs", random_state=0), X, Y)
    Xs = X[:4]
    for k in range(2):
        expected = _numeric(lambda Z, k=k: reg.predict(Z)[:, k], Xs)
        assert_allclose(saliency(reg, Xs, target=k), expected, rtol=1e-5, atol=1e-9)
    with pytest.raises(ValueError, match="target=None but MLPRegressor has 2 outputs"):
        saliency(reg, Xs)
    with pytest.raises(ValueError, match=r"output index in \[0, 2\)"):
        saliency(reg, Xs, target=2)
    with pytest.raises(ValueError, match="response_method='predict_proba' is not available"):
        saliency(reg, Xs, target=0, response_method="predict_proba")


def test_logic_gate_neuron():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    gate = LogicGateNeuron.from_gate("and")
    p = gate.predict_proba(X)[:, 1]
    # one neuron: d sigma(w.x + b)/dx = sigma' * w, and IG from the zero baseline is exact
    # up to quadrature
    assert_allclose(saliency(gate, X, target=1), (p * (1 - p))[:, None] * gate.coef_.ravel())
    ig = integrated_gradients(gate, X, target=1, n_steps=200)
    p0 = gate.predict_proba(np.zeros((1, 2)))[0, 1]
    assert_allclose(ig.sum(axis=1), p - p0, rtol=1e-2, atol=1e-6)


def test_gradient_x_input_is_input_times_saliency(iris):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    assert_allclose(gradient_x_input(clf, X[:7], target=1), X[:7] * saliency(clf, X[:7], target=1))


# -- the core: Sequential.twin and backward(input_grad=True) ----------------------------------
def _core_network():
    from sknn.nn.layers import (
        Activation, BatchNormalization, Conv2D, ConvMaxPool2D, Dense, Dropout, Flatten,
        MaxPool2D, Reshape)
    from sknn.nn.network import Sequential
    layers = [Reshape((6, 6, 1)), ConvMaxPool2D(2, activation="tanh"),
              Conv2D(3, padding="same"), BatchNormalization(), Activation("tanh"),
              MaxPool2D(), Flatten(), Dense(4, "tanh"), Dropout(0.5), Dense(3)]
    net = Sequential(layers).build((36,), np.random.default_rng(0), np.float64)
    rng = np.random.default_rng(1)
    # non-trivial running statistics, so inference-mode batch norm is not the identity
    net.layers[3].state["running_mean"][:] = rng.normal(size=3)
    net.layers[3].state["running_var"][:] = rng.uniform(0.5, 2, size=3)
    return net


def test_twin_gives_inference_input_gradients_and_leaves_the_network_alone():
    from sknn.nn.gradcheck import assert_close, numerical_gradient
    net = _core_network()
    X = np.random.default_rng(2).normal(size=(3, 36))
    R = np.random.default_rng(3).normal(size=(3, 3))
    net.forward(X, training=True)  # a training pass leaves caches and gradients behind
    net.backward(R.copy())
    state = {k: v.copy() for k, v in net.layers[3].state.items()}
    grads = net.grads.copy()
    caches = [getattr(layer, "_cache", None) for layer in net.layers]
    twin = net.twin()
    twin.forward(X, training=False)
    dX = twin.backward(R.copy(), input_grad=True).copy()
    assert twin.params is net.params
    assert_array_equal(net.grads, grads)
    assert all(getattr(layer, "_cache", None) is c for layer, c in zip(net.layers, caches))
    assert all(not layer.keep_cache for layer in net.leaves)
    assert net.layers[0].skip_input_grad  # the network's own flags are untouched
    for k, v in net.layers[3].state.items():
        assert_array_equal(v, state[k])
    # the network's inference function (dropout off, batch norm on running statistics)
    numeric = numerical_gradient(lambda: float(np.sum(R * net.forward(X))), X)
    assert_close(dX, numeric, "the network's input")


def test_dense_first_layer_computes_dx_only_when_asked():
    from sknn.nn.layers import Dense, SkipConcat
    from sknn.nn.network import Sequential
    for layers in ([Dense(3, "tanh"), Dense(2)], [SkipConcat([Dense(3, "tanh")]), Dense(2)]):
        net = Sequential(layers).build((4,), np.random.default_rng(0), np.float64)
        X = np.random.default_rng(1).normal(size=(5, 4))
        net.forward(X, training=True)
        assert net.backward(np.ones((5, 2))) is None
        net.forward(X, training=True)
        dX = net.backward(np.ones((5, 2)), input_grad=True)
        assert dX.shape == (5, 4) and np.abs(dX).max() > 0


# -- integrated gradients -------------------------------------------------------------------
def _completeness_error(est, X, baseline, n_steps, index):
    ig = integrated_gradients(est, X, baseline=baseline, n_steps=n_steps,
                              target=est.classes_[index])
    base = np.broadcast_to(baseline, X.shape)
    rows = np.arange(len(X))
    delta = est.predict_proba(X)[rows, index] - est.predict_proba(base)[rows, index]
    return ig.reshape(len(X), -1).sum(axis=1), delta


@pytest.mark.parametrize("name", ["mlp-tanh", "mlp-logistic-2-layers"])
def test_integrated_gradients_completeness_mlp(iris, name):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS[name](), X, y)
    Xs, index = X[::10], _predicted(clf, X[::10])
    baseline = X.min(axis=0)  # far from every row: f changes substantially
    sums, delta = _completeness_error(clf, Xs, baseline, 50, index)
    assert np.abs(delta).min() > 1e-2
    assert_allclose(sums, delta, rtol=1e-2)
    # the midpoint rule is second order: doubling the steps cuts the error about 4x
    e10 = np.abs(np.subtract(*_completeness_error(clf, Xs, baseline, 10, index)))
    e20 = np.abs(np.subtract(*_completeness_error(clf, Xs, baseline, 20, index)))
    assert np.median(e10 / e20) > 3


def test_integrated_gradients_completeness_convnet(digits):
    X, y = digits
    clf = _fit(ConvNetClassifier(input_shape=(8, 8), filters=(4,), dense_layers=(16,),
                                 activation="tanh", pool="avg", dtype="float64",
                                 max_iter=5, random_state=0), X, y)
    Xs = X[:5]
    sums, delta = _completeness_error(clf, Xs, np.zeros(64), 50, _predicted(clf, Xs))
    assert np.abs(delta).min() > 1e-2
    assert_allclose(sums, delta, rtol=1e-2)


def test_default_target_is_the_prediction_at_x(iris):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    Xs = X[::10]
    assert_allclose(integrated_gradients(clf, Xs),
                    integrated_gradients(clf, Xs, target=clf.predict(Xs)))
    assert_allclose(saliency(clf, Xs), saliency(clf, Xs, target=clf.predict(Xs)))


def test_baseline_forms(iris):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    Xs = X[:6]
    row = np.full(4, 0.5)
    expected = integrated_gradients(clf, Xs, baseline=np.tile(row, (6, 1)), target=0)
    assert_allclose(integrated_gradients(clf, Xs, baseline=row, target=0), expected)
    assert_allclose(integrated_gradients(clf, Xs, baseline=0.5, target=0), expected)
    assert_allclose(integrated_gradients(clf, Xs, baseline=None, target=0),
                    integrated_gradients(clf, Xs, baseline=np.zeros(4), target=0))


# -- batching, shapes, inputs ----------------------------------------------------------------
def test_batches_do_not_change_results(iris):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    full_s = saliency(clf, X)
    full_ig = integrated_gradients(clf, X[:9], n_steps=12)
    clf._predict_batch_rows = 5  # fewer rows than path points: the steps are chunked too
    assert_allclose(saliency(clf, X), full_s)
    assert_allclose(integrated_gradients(clf, X[:9], n_steps=12), full_ig)


def test_path_points_per_pass_stay_within_the_prediction_batch(iris, monkeypatch):
    from sknn.nn.network import Sequential
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    clf._predict_batch_rows = 64
    sizes, forward = [], Sequential.forward

    def spy(self, Xb, training=False):
        sizes.append(Xb.shape[0])
        return forward(self, Xb, training)

    monkeypatch.setattr(Sequential, "forward", spy)
    integrated_gradients(clf, X, n_steps=10)  # 6 rows x 10 steps per pass
    integrated_gradients(clf, X[:3], n_steps=500)  # 1 row, 64 of the 500 steps per pass
    assert max(sizes) <= 64 and 60 in sizes and 64 in sizes


@pytest.mark.parametrize("shape", [(8, 8), (8, 8, 1), (64,)])
def test_convnet_outputs_have_the_shape_of_x(digits, shape):
    X, y = digits
    kw = dict(input_shape=(8, 8)) if shape == (64,) else {}
    clf = _fit(ConvNetClassifier(filters=(3,), dense_layers=(8,), max_iter=2,
                                 random_state=0, **kw), X.reshape(-1, *shape), y)
    Xs = X[:4].reshape(-1, *shape)
    for attribute in (saliency, gradient_x_input, integrated_gradients):
        out = attribute(clf, Xs)
        assert out.shape == Xs.shape and out.dtype == np.float32
        assert np.all(np.isfinite(out)) and np.abs(out).max() > 0


def test_sparse_x_is_densified_per_batch(iris):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    Xs = np.where(np.abs(X[:10]) < 0.5, 0.0, X[:10])
    for attribute in (saliency, gradient_x_input, integrated_gradients):
        out = attribute(clf, sp.csr_matrix(Xs), target=1)
        assert isinstance(out, np.ndarray)
        assert_allclose(out, attribute(clf, Xs, target=1))


def test_float32_network(iris):
    X, y = iris
    clf = _fit(MLPClassifier((8,), activation="tanh", max_iter=50, random_state=0),
               X.astype(np.float32), y)
    g64 = saliency(clf, X[:5])
    assert g64.dtype == np.float32
    assert_allclose(saliency(clf, X[:5].astype(np.float32)), g64)


# -- the fitted estimator stays as it was ------------------------------------------------------
def test_attributions_leave_training_state_alone(iris):
    X, y = iris
    kw = dict(hidden_layer_sizes=(8,), activation="tanh", batch_size=50, random_state=0)
    a = MLPClassifier(**kw).partial_fit(X, y, classes=[0, 1, 2])
    b = MLPClassifier(**kw).partial_fit(X, y, classes=[0, 1, 2])
    grads, params = a.network_.grads.copy(), a.network_.params.copy()
    saliency(a, X)
    integrated_gradients(a, X[:20])
    assert_array_equal(a.network_.grads, grads)  # callbacks read these after an epoch
    assert_array_equal(a.network_.params, params)
    for _ in range(3):
        a.partial_fit(X, y)
        gradient_x_input(a, X[:10])
        b.partial_fit(X, y)
    assert_array_equal(a.network_.params, b.network_.params)
    a.set_params(warm_start=True, max_iter=3).fit(X, y)
    b.set_params(warm_start=True, max_iter=3).fit(X, y)
    assert_array_equal(a.network_.params, b.network_.params)


def test_dropout_stays_off_and_mc_flag_untouched(iris):
    X, y = iris
    clf = _fit(MLPClassifier((8,), dropout=0.3, max_iter=20, random_state=0), X, y)
    first = saliency(clf, X[:5])
    assert_array_equal(saliency(clf, X[:5]), first)  # no dropout noise
    clf.predict_proba(X[:5], mc_samples=3)  # Monte Carlo dropout still works after
    assert not any(getattr(layer, "mc", False) for layer in clf.network_.leaves)


def test_concurrent_predictions_and_attributions(iris):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    proba, sal = clf.predict_proba(X), saliency(clf, X)
    errors = []

    def work(k):
        try:
            for _ in range(20):
                if k % 2:
                    assert_array_equal(clf.predict_proba(X), proba)
                else:
                    assert_allclose(saliency(clf, X), sal)
        except Exception as exc:  # reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# -- pipelines, searches, copies ---------------------------------------------------------------
def test_pipeline_attributes_the_network_input():
    X, y = load_iris(return_X_y=True)
    pipe = _fit(make_pipeline(StandardScaler(), MLPClassifier(
        (8,), activation="tanh", solver="lbfgs", alpha=1.0, random_state=0)), X, y)
    scaler, clf = pipe[0], pipe[-1]
    Xs = X[::15]
    Z = scaler.transform(Xs)
    assert_allclose(saliency(pipe, Xs), saliency(clf, Z))
    # chain rule through z = (x - mean_) / scale_: divide by scale_ for raw-x gradients
    raw = _numeric(_proba_of(pipe, _predicted(pipe, Xs)), Xs)
    assert_allclose(saliency(pipe, Xs) / scaler.scale_, raw, rtol=1e-5, atol=1e-9)
    # baselines are given in X's space and transformed like X; None is the scaled zero
    assert_allclose(integrated_gradients(pipe, Xs, baseline=scaler.mean_),
                    integrated_gradients(clf, Z), atol=1e-12)
    # with a DataFrame X, a baseline row is given X's column names before transforming
    pipe_df = _fit(clone(pipe), *load_iris(return_X_y=True, as_frame=True))
    X_df = load_iris(as_frame=True).data.iloc[::15]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = integrated_gradients(pipe_df, X_df, baseline=pipe_df[0].mean_)
    assert_allclose(got, integrated_gradients(pipe_df[-1], pipe_df[0].transform(X_df)),
                    atol=1e-12)
    # the search's best pipeline works the same way
    from sklearn.model_selection import GridSearchCV
    search = _fit(GridSearchCV(pipe, {"mlpclassifier__alpha": [1.0]}, cv=2), X, y)
    assert_allclose(saliency(search, Xs), saliency(search.best_estimator_, Xs))


def test_survives_clone_joblib_and_skops(iris, tmp_path):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-batchnorm-dropout"](), X, y)
    expected = integrated_gradients(clf, X[:5], n_steps=10)
    refit = _fit(clone(clf), X, y)
    assert_allclose(integrated_gradients(refit, X[:5], n_steps=10), expected)
    joblib.dump(clf, tmp_path / "m.joblib")
    loaded = joblib.load(tmp_path / "m.joblib")
    assert_allclose(integrated_gradients(loaded, X[:5], n_steps=10), expected)
    skops = pytest.importorskip("skops")  # noqa: F841
    from sknn.io import load, save
    save(clf, tmp_path / "m.skops")
    assert_allclose(integrated_gradients(load(tmp_path / "m.skops"), X[:5], n_steps=10),
                    expected)


# -- errors --------------------------------------------------------------------------------
def test_estimators_without_gradients_are_refused(iris):
    X, y = iris
    with pytest.raises(TypeError, match="ThresholdPerceptron: a threshold unit's step"):
        saliency(ThresholdPerceptron().fit(X, y), X)
    with pytest.raises(TypeError, match="got LogisticRegression"):
        saliency(LogisticRegression().fit(X, y), X)
    with pytest.raises(NotFittedError):
        integrated_gradients(MLPClassifier(), X)


def test_bad_inputs_give_predicts_errors(iris):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    for bad in (X[:, :3], X[0], [["a", "b", "c", "d"]]):
        with pytest.raises(ValueError) as from_predict:
            clf.predict(bad)
        with pytest.raises(ValueError) as from_saliency:
            saliency(clf, bad)
        assert str(from_saliency.value) == str(from_predict.value)
    X_nan = X[:3].copy()
    X_nan[1, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        integrated_gradients(clf, X_nan)


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("attribute", [saliency, gradient_x_input, integrated_gradients])
def test_x_beyond_a_float32_network_gives_predicts_error(iris, attribute):
    X, y = iris
    clf = MLPClassifier((5,), max_iter=30, random_state=0).fit(X.astype(np.float32), y)
    with pytest.raises(ValueError) as from_predict:
        clf.predict(X[:2] * 1e40)  # beyond float32's 3.4e38
    with pytest.raises(ValueError) as from_attribution:
        attribute(clf, X[:2] * 1e40)
    assert str(from_attribution.value) == str(from_predict.value)
    assert "X is too large for this network" in str(from_predict.value)


def test_bad_parameters(iris):
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    for n_steps in (0, 10**6, 2.5):
        with pytest.raises(ValueError, match="'n_steps' parameter of integrated_gradients"):
            integrated_gradients(clf, X[:2], n_steps=n_steps)
    with pytest.raises(ValueError, match=r"baseline has shape \(3,\); expected a scalar, "
                                         r"one sample of shape \(4,\)"):
        integrated_gradients(clf, X[:2], baseline=np.zeros(3))
    with pytest.raises(ValueError, match="Input baseline contains NaN"):
        integrated_gradients(clf, X[:2], baseline=np.full(4, np.nan))
    with pytest.raises(ValueError, match=r"target=7 is not one of the classes \[0, 1, 2\]"):
        saliency(clf, X[:2], target=7)
    with pytest.raises(ValueError, match=r"target must be one label or one per row"):
        saliency(clf, X[:2], target=[0, 1, 2])
    with pytest.raises(ValueError, match="'response_method' parameter of saliency"):
        saliency(clf, X[:2], response_method="proba")
    with pytest.raises(ValueError, match="response_method='predict' is not available"):
        saliency(clf, X[:2], response_method="predict")


# -- AttributionDisplay ----------------------------------------------------------------------
@pytest.fixture
def plt():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    yield plt
    plt.close("all")


def test_display_bars_with_feature_names(plt):
    from sknn.plotting import AttributionDisplay
    X, y = load_iris(return_X_y=True, as_frame=True)
    pipe = _fit(make_pipeline(StandardScaler(), MLPClassifier(
        (8,), activation="tanh", solver="lbfgs", alpha=1.0, random_state=0)), X, y)
    disp = AttributionDisplay.from_estimator(pipe, X.iloc[:1], max_features=3)
    ig = integrated_gradients(pipe, X.iloc[:1])[0]
    top = np.argsort(-np.abs(ig))[:3][::-1]  # drawn bottom to top: largest last
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == list(X.columns[top])
    assert_allclose([b.get_width() for b in disp.bars_], ig[top])
    bars = list(disp.bars_)
    assert "class 0 (predicted)" in disp.ax_.get_title()
    assert disp.image_ is None and disp.colorbar_ is None
    # several rows: their mean; explicit names; another axes
    _, ax = plt.subplots()
    disp = AttributionDisplay.from_estimator(pipe, X.iloc[:10], method="saliency", target=2,
                                             feature_names=list("abcd"), ax=ax)
    assert disp.ax_ is ax and len(disp.bars_) == 4
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == list("abcd")
    assert_allclose(sorted(b.get_width() for b in disp.bars_),
                    sorted(saliency(pipe, X.iloc[:10], target=2).mean(axis=0)))
    # red bars push f up, blue ones down (RdBu_r's two ends)
    bars += list(disp.bars_)
    cmap = plt.get_cmap("RdBu_r")
    signs = {b.get_width() > 0 for b in bars}
    assert signs == {True, False}
    for b in bars:
        assert b.get_facecolor() == pytest.approx(cmap(0.85 if b.get_width() > 0 else 0.15))


def test_display_heat_map_for_convnet(plt, digits):
    from sknn.plotting import AttributionDisplay
    X, y = digits
    clf = _fit(ConvNetClassifier(filters=(4,), dense_layers=(16,), max_iter=3,
                                 random_state=0), X.reshape(-1, 8, 8), y)
    image = X[:1].reshape(1, 8, 8)
    disp = AttributionDisplay.from_estimator(clf, image, target=3, n_steps=20)
    expected = integrated_gradients(clf, image, target=3, n_steps=20)[0]
    assert_allclose(disp.image_.get_array(), expected, rtol=1e-6)
    lo, hi = disp.image_.get_clim()
    assert lo == -hi == -np.abs(expected).max()  # centred at 0
    assert disp.colorbar_ is not None and disp.image_.get_cmap().name == "RdBu_r"
    assert disp.bars_ is None and "class 3" in disp.ax_.get_title()


def test_display_errors(plt, iris):
    from sknn.plotting import AttributionDisplay
    X, y = iris
    clf = _fit(SMOOTH_CLASSIFIERS["mlp-tanh"](), X, y)
    with pytest.raises(ValueError, match="method='lime' is not one of"):
        AttributionDisplay.from_estimator(clf, X[:1], method="lime")
    with pytest.raises(ValueError, match="feature_names has 2 entries, but the network has 4"):
        AttributionDisplay.from_estimator(clf, X[:1], feature_names=["a", "b"])
    with pytest.raises(ValueError, match="baseline is used by method='integrated_gradients'"):
        AttributionDisplay.from_estimator(clf, X[:1], method="saliency", baseline=0.0)
    with pytest.raises(ValueError, match="max_features must be a positive int"):
        AttributionDisplay.from_estimator(clf, X[:1], max_features=0)
