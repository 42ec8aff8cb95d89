"""ONNX export (sknn.onnx): onnxruntime's outputs equal sknn's own predictions.

Labels must be identical; probabilities, decision values and regression outputs agree
to 1e-5 relative in float32 graphs and 1e-10 in float64 ones (models fitted in the
same precision as the graph). Each case also asserts which layer classes the fitted
network holds, so the grid provably covers every converter.
"""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris

from sknn import ConvNetClassifier, ConvNetRegressor, LogicGateNeuron, MLPClassifier, \
    MLPRegressor, ThresholdPerceptron

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")
sknn_onnx = pytest.importorskip("sknn.onnx")

RTOL = {np.float32: 1e-5, np.float64: 1e-10}


def run(onx, X):
    """onnxruntime's outputs for X."""
    sess = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, {sess.get_inputs()[0].name: X})


def assert_close(actual, expected, dtype, scale=None):
    """Elementwise relative agreement; ``scale`` makes it relative to that magnitude
    instead (regression outputs near 0 come from sums that cancel)."""
    atol = 0 if scale is None else RTOL[dtype] * scale
    np.testing.assert_allclose(actual, expected, rtol=RTOL[dtype], atol=atol)


def layer_names(est):
    return {type(layer).__name__ for layer in est.network_.leaves}


def check_classifier(est, X, dtype):
    """Labels identical and probabilities within tolerance, without zipmap."""
    labels, proba = run(sknn_onnx.to_onnx(est, X[:1], options={"zipmap": False}), X)
    np.testing.assert_array_equal(labels, est.predict(X))
    assert proba.dtype == dtype
    assert_close(proba, est.predict_proba(X), dtype)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


# -- MLPs ---------------------------------------------------------------------------------
ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu",
               "softplus"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_classifier_each_activation(iris, activation, dtype):
    X, y = iris[0].astype(dtype), iris[1]
    clf = MLPClassifier((6, 5), activation=activation, max_iter=60, random_state=0).fit(X, y)
    assert clf.network_.dtype == dtype
    check_classifier(clf, X, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params, layers", [
    (dict(batch_norm=True), {"BatchNormalization", "Activation"}),
    (dict(dropout=0.3), {"Dropout"}),
    (dict(wide_and_deep=True), {"SkipConcat"}),
    (dict(wide_and_deep=True, batch_norm=True, dropout=0.2, activation="gelu"),
     {"SkipConcat", "BatchNormalization", "Dropout"}),
])
def test_mlp_classifier_layers(iris, params, layers, dtype):
    X, y = iris[0].astype(dtype), iris[1]
    clf = MLPClassifier((7,), max_iter=60, random_state=0, **params).fit(X, y)
    assert layers <= layer_names(clf)
    check_classifier(clf, X, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mlp_classifier_binary_string_labels(iris, dtype):
    X = iris[0].astype(dtype)
    y = np.where(iris[1] == 1, "versicolor", "other")
    clf = MLPClassifier((5,), max_iter=80, random_state=0).fit(X, y)
    assert clf.n_outputs_ == 1
    labels, proba = run(sknn_onnx.to_onnx(clf, X[:1], options={"zipmap": False}), X)
    np.testing.assert_array_equal(labels, clf.predict(X))
    # 1 - p cancels where p is near 1, in sknn as in the graph: compare p, and 1 - p
    # to a few units of float precision
    expected = clf.predict_proba(X)
    assert_close(proba[:, 1], expected[:, 1], dtype)
    np.testing.assert_allclose(proba[:, 0], expected[:, 0], atol=4 * np.finfo(dtype).eps)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mlp_classifier_multilabel(iris, dtype):
    X = iris[0].astype(dtype)
    Y = np.column_stack([iris[1] == 0, iris[1] == 2, X[:, 0] > 0]).astype(int)
    clf = MLPClassifier((8,), max_iter=80, random_state=0).fit(X, Y)
    labels, proba = run(sknn_onnx.to_onnx(clf, X[:1], options={"zipmap": False}), X)
    assert labels.shape == Y.shape
    np.testing.assert_array_equal(labels, clf.predict(X))
    assert_close(proba, clf.predict_proba(X), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber", "poisson"])
def test_mlp_regressor_each_loss(loss, dtype):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5)).astype(dtype)
    y = np.exp(0.3 * X[:, 0]) + 0.5 * X[:, 1] ** 2
    reg = MLPRegressor(hidden_layer_sizes=(8,), loss=loss, activation="tanh", max_iter=40, random_state=0)
    reg.fit(X, y)
    (pred,) = run(sknn_onnx.to_onnx(reg, X[:1]), X)
    assert pred.shape == (len(X), 1) and pred.dtype == dtype
    expected = reg.predict(X)
    assert_close(pred.ravel(), expected, dtype, scale=np.abs(expected).max())


def test_mlp_regressor_multioutput_batch_norm_wide_and_deep():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 4))
    Y = np.column_stack([X.sum(axis=1), X[:, 0] * X[:, 1], np.sin(X[:, 2])])
    reg = MLPRegressor(hidden_layer_sizes=(9, 6), batch_norm=True, wide_and_deep=True, activation="elu",
                       max_iter=40, random_state=0).fit(X, Y)
    (pred,) = run(sknn_onnx.to_onnx(reg, X[:1]), X)
    expected = reg.predict(X)
    assert_close(pred, expected, np.float64, scale=np.abs(expected).max())


# -- the other estimators -----------------------------------------------------------------
def test_logic_gate_neuron():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    for neuron in (LogicGateNeuron.from_gate("nand"),
                   LogicGateNeuron().fit(X, [0, 0, 0, 1])):
        check_classifier(neuron, X, np.float64)


@pytest.mark.parametrize("target", ["binary", "multiclass", "indicator"])
def test_threshold_perceptron_labels_and_decision_values(iris, target):
    X = iris[0]
    y = {"binary": iris[1] == 0, "multiclass": iris[1],
         "indicator": np.column_stack([iris[1] == 0, iris[1] == 2]).astype(int)}[target]
    per = ThresholdPerceptron(random_state=0, max_iter=20).fit(X, y)
    labels, scores = run(sknn_onnx.to_onnx(per, X[:1], options={"zipmap": False}), X)
    np.testing.assert_array_equal(labels, per.predict(X))
    z = per.decision_function(X)
    # one unit gives [-z, z]: one column per class, as skl2onnx's linear models
    expected = np.column_stack([-z, z]) if z.ndim == 1 else z
    assert_close(scores, expected, np.float64)


# -- convolutional networks ---------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params, layers", [
    (dict(), {"ConvMaxPool2D"}),
    (dict(activation="gelu"), {"ConvMaxPool2D"}),  # not monotone: activation before pool
    (dict(batch_norm=True), {"Conv2D", "BatchNormalization", "MaxPool2D", "Activation"}),
    (dict(batch_norm=True, activation="selu", pool="avg"), {"BatchNormalization", "AvgPool2D"}),
    (dict(pool="avg", strides=2, padding="valid", kernel_size=2), {"AvgPool2D"}),
    (dict(strides=(2, 1), kernel_size=(3, 2), pool=None, spatial_dropout=0.2),
     {"Conv2D", "SpatialDropout2D"}),
    (dict(filters=(3, 4), padding="valid", kernel_size=[(2, 3), (2, 2)], activation="leaky_relu",
          dropout=0.2, dense_layers=(6,)), {"MaxPool2D", "ConvMaxPool2D", "Dropout"}),
])
def test_convnet(digits, params, layers, dtype):
    X, y = digits[0].astype(dtype), digits[1]
    kw = dict(filters=(4,), dense_layers=(8,), max_iter=2, random_state=0,
              dtype=np.dtype(dtype).name)
    clf = ConvNetClassifier(input_shape=(8, 8), **{**kw, **params}).fit(X, y)
    assert layers <= layer_names(clf)
    check_classifier(clf, X, dtype)


@pytest.mark.parametrize("form", ["(n, H, W)", "(n, H, W, C)", "flat (H, W)",
                                  "flat (H, W, C)", "1-D signal"])
def test_convnet_input_shapes(digits, form):
    X, y = digits
    X = X.astype(np.float32)
    images = X.reshape(-1, 4, 8, 2)  # two channels, so channel order matters
    X, input_shape = {"(n, H, W)": (X.reshape(-1, 8, 8), None),
                      "(n, H, W, C)": (images, None),
                      "flat (H, W)": (X, (8, 8)),
                      "flat (H, W, C)": (images.reshape(len(X), -1), (4, 8, 2)),
                      "1-D signal": (X, None)}[form]
    clf = ConvNetClassifier(input_shape, filters=(3,), dense_layers=(), kernel_size=(3, 2),
                            max_iter=2, random_state=0).fit(X, y)
    check_classifier(clf, X, np.float32)


def test_convnet_explicit_layers_channel_softmax_and_reshape(digits):
    from sknn.nn.layers import Activation, Conv2D, MaxPool2D, Reshape
    X, y = digits[0].astype(np.float32), digits[1]
    # a softmax over channels of NHWC maps, and a reshape that mixes rows and channels
    layers = [Conv2D(3, padding="same"), Activation("softmax"), MaxPool2D(2, strides=1),
              Reshape((7, 21, 1)), Conv2D(2, kernel_size=(2, 3), activation="tanh")]
    clf = ConvNetClassifier(input_shape=(8, 8), layers=layers, dense_layers=(),
                            max_iter=2, random_state=0).fit(X, y)
    check_classifier(clf, X, np.float32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss, params, layers", [
    ("squared_error", dict(), {"ConvMaxPool2D"}),
    ("absolute_error", dict(batch_norm=True, dropout=0.2), {"BatchNormalization", "Dropout"}),
    ("huber", dict(pool="avg", spatial_dropout=0.2), {"AvgPool2D", "SpatialDropout2D"}),
    ("poisson", dict(activation="tanh", strides=2, pool=None), {"Conv2D"}),
])
def test_convnet_regressor_each_loss(digits, loss, params, layers, dtype):
    images = digits[0].reshape(-1, 8, 8).astype(dtype) / 16
    y = images[:, :4, :4].mean(axis=(1, 2)) * 4  # non-negative, for the poisson loss too
    reg = ConvNetRegressor(filters=(4,), dense_layers=(8,), max_iter=2, random_state=0,
                           loss=loss, dtype=np.dtype(dtype).name, **params).fit(images, y)
    assert layers <= layer_names(reg)
    (pred,) = run(sknn_onnx.to_onnx(reg, images[:1]), images)
    assert pred.shape == (len(images), 1) and pred.dtype == dtype
    expected = reg.predict(images)
    assert_close(pred.ravel(), expected, dtype, scale=np.abs(expected).max())


def test_convnet_regressor_multioutput_flat_input(digits):
    X = digits[0].astype(np.float32) / 16
    images = X.reshape(-1, 8, 8)
    Y = np.column_stack([images[:, :4, :4].mean(axis=(1, 2)), images[:, 4:, 4:].std(axis=(1, 2))])
    reg = ConvNetRegressor(input_shape=(8, 8), filters=(4, 4), dense_layers=(8,), max_iter=2,
                           random_state=0).fit(X, Y)
    (pred,) = run(sknn_onnx.to_onnx(reg, X[:1]), X)
    expected = reg.predict(X)
    assert pred.shape == expected.shape == (len(X), 2)
    assert_close(pred, expected, np.float32, scale=np.abs(expected).max())


# -- the case a shortcut gets silently wrong: batch norm, on 1,000 rows ------------------
def test_batch_norm_pipeline_and_convnet_on_1000_rows():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    X, y = load_digits(return_X_y=True)
    X, y = X[:1000].astype(np.float32), y[:1000]
    pipe = make_pipeline(StandardScaler(), MLPClassifier((32,), batch_norm=True,
                                                         max_iter=30, random_state=0))
    pipe.fit(X, y)
    check_classifier(pipe, X, np.float32)
    cnn = ConvNetClassifier(input_shape=(8, 8), filters=(6,), dense_layers=(16,),
                            batch_norm=True, max_iter=3, random_state=0).fit(X / 16, y)
    check_classifier(cnn, X / 16, np.float32)


# -- skl2onnx's containers and options ---------------------------------------------------
def test_column_transformer_and_grid_search(iris):
    import skl2onnx
    from sklearn.compose import ColumnTransformer
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler
    X, y = iris[0].astype(np.float32), iris[1]
    pre = ColumnTransformer([("a", StandardScaler(), [0, 1]), ("b", MinMaxScaler(), [2, 3])])
    pipe = Pipeline([("pre", pre), ("mlp", MLPClassifier(max_iter=40, random_state=0))])
    search = GridSearchCV(pipe, {"mlp__hidden_layer_sizes": [(4,), (6,)]}, cv=2).fit(X, y)
    for model in (search.best_estimator_, search):
        onx = skl2onnx.to_onnx(model, X[:1], options={id(search.best_estimator_[-1]):
                                                      {"zipmap": False}})
        labels, proba = run(onx, X)
        np.testing.assert_array_equal(labels, search.predict(X))
        assert_close(proba, search.predict_proba(X), np.float32)


@pytest.mark.parametrize("zipmap", [True, "columns"])
def test_zipmap(iris, zipmap):
    X, y = iris[0].astype(np.float32), np.array(["setosa", "versicolor", "virginica"])[iris[1]]
    clf = MLPClassifier((5,), max_iter=40, random_state=0).fit(X, y)
    options = {} if zipmap is True else {"zipmap": zipmap}
    labels, *probas = run(sknn_onnx.to_onnx(clf, X[:1], options=options), X)
    expected = clf.predict_proba(X)
    np.testing.assert_array_equal(labels, clf.predict(X))
    if zipmap is True:  # one {class: probability} dict per row
        got = np.array([[row[c] for c in clf.classes_] for row in probas[0]])
    else:  # one output per class
        got = np.column_stack(probas)
    assert_close(got, expected, np.float32)


# -- errors and import hygiene ------------------------------------------------------------
def test_layer_without_onnx_form_is_named(digits):
    from sknn.nn.layers import Conv2D

    class Doubling(Conv2D):  # a user's subclass: its forward may compute anything
        pass

    X, y = digits[0].astype(np.float32), digits[1]
    clf = ConvNetClassifier(input_shape=(8, 8), layers=[Doubling(2)], dense_layers=(),
                            max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="Doubling.*has no ONNX form"):
        sknn_onnx.to_onnx(clf, X[:1])


def test_activation_without_onnx_form_is_named(digits):
    from sknn.nn.activations import ReLU
    from sknn.nn.layers import Activation, Conv2D

    class Clipped(ReLU):
        name = "clipped"

    X, y = digits[0].astype(np.float32), digits[1]
    clf = ConvNetClassifier(input_shape=(8, 8), layers=[Conv2D(2), Activation(Clipped())],
                            dense_layers=(), max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="Clipped.*has no ONNX form"):
        sknn_onnx.to_onnx(clf, X[:1])


def test_old_target_opset_is_refused(iris):
    X, y = iris[0].astype(np.float32), iris[1]
    clf = MLPClassifier((3,), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="target_opset >= 13"):
        sknn_onnx.to_onnx(clf, X[:1], target_opset=12)


def test_float_labels_become_int64(iris):
    X, y = iris[0].astype(np.float32), iris[1].astype(np.float64)
    clf = MLPClassifier((3,), max_iter=5, random_state=0).fit(X, y)
    labels, _ = run(sknn_onnx.to_onnx(clf, X[:1], options={"zipmap": False}), X)
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels, clf.predict(X))


def test_import_sknn_never_imports_onnx_and_a_missing_extra_is_named():
    # one fresh interpreter: import sknn, list what came in, then hide skl2onnx
    code = """
import sys, sknn
from sknn import MLPClassifier
print(sorted(m for m in sys.modules
             if m.split(".")[0] in ("onnx", "skl2onnx", "onnxruntime") or m == "sknn.onnx"))
sys.modules["skl2onnx"] = None
try:
    import sknn.onnx
except ImportError as exc:
    print(exc)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == "[]"
    assert "pip install 'sknn[onnx]'" in out[1]
