"""predict's light path for plain float ndarrays gives what the full checks give.

``_validate_predict_input`` returns a 2-D float ndarray (an image array for the
convolutional networks) as it is and ``predict``
decodes binary and multiclass labels itself (issue 13: one-row latency). These tests
compare both shortcuts with scikit-learn's own functions on the same fitted models.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.validation import validate_data

from sknn import MLPClassifier, MLPRegressor
from sknn._validation import is_ready_matrix


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


@pytest.mark.parametrize("labels", [np.array([3, 7]), np.array(["no", "yes"]),
                                    np.array([0, 1, 2]), np.array(["a", "b", "c", "d"])])
def test_decoded_labels_equal_label_binarizers(labels):
    X, y = make_classification(300, 6, n_informative=4, n_classes=len(labels),
                               random_state=0)
    clf = _fit(MLPClassifier((8,), max_iter=5, random_state=0), X, labels[y])
    proba = clf.predict_proba(X)
    proba[:5] = 1.0 / len(labels)  # ties: the first class, as argmax / thresholding
    expected_input = proba[:, 1:] if len(labels) == 2 else proba
    fresh = LabelBinarizer().fit(labels[y])
    np.testing.assert_array_equal(clf._decode(proba), fresh.inverse_transform(expected_input))
    np.testing.assert_array_equal(clf.predict(X), fresh.inverse_transform(
        clf.predict_proba(X)[:, 1:] if len(labels) == 2 else clf.predict_proba(X)))


def test_multilabel_targets_still_decode_through_the_binarizer():
    X, _ = make_classification(200, 5, random_state=0)
    Y = (np.random.default_rng(0).random((200, 3)) > 0.5).astype(int)
    clf = _fit(MLPClassifier((8,), max_iter=3, random_state=0), X, Y)
    np.testing.assert_array_equal(clf.predict(X), (clf.predict_proba(X) > 0.5).astype(int))


@pytest.mark.parametrize("make", [
    lambda X: X[:1], lambda X: np.asfortranarray(X[:7]), lambda X: X[:5].astype(np.float32),
    lambda X: X[::2][:4], lambda X: X[:3].tolist()])
def test_light_path_predicts_as_the_checked_path(make):
    X, y = make_classification(200, 5, random_state=0)
    for est in (MLPClassifier((8,), max_iter=3, random_state=0),
                MLPRegressor(hidden_layer_sizes=(8,), max_iter=3, random_state=0)):
        _fit(est, X, y.astype(float) if isinstance(est, MLPRegressor) else y)
        rows = make(X)
        checked = validate_data(est, rows, reset=False, ensure_all_finite=False,
                                **est._x_validation())
        np.testing.assert_array_equal(est.predict(rows), est.predict(np.array(checked)))


@pytest.mark.parametrize("X, ready, ready_nd", [
    (np.zeros((2, 3)), True, True), (np.zeros((2, 3), dtype=np.float32), True, True),
    (np.zeros((2, 4)), False, False), (np.zeros((0, 3)), False, False),
    (np.zeros((2, 3, 1)), False, True), (np.zeros((2, 3, 4, 5)), False, True),
    (np.zeros((2, 4, 3, 1)), False, False), (np.zeros((0, 3, 4, 1)), False, False),
    (np.zeros((2, 3), dtype=">f8"), False, False), (np.zeros((2, 3), dtype=int), False, False),
    (np.zeros((2, 3), dtype=np.float16), False, False),
    (np.zeros((2, 3)).view(np.recarray), False, False), ([[0.0, 0.0, 0.0]], False, False)])
def test_only_plain_float_arrays_skip_the_checks(X, ready, ready_nd):
    assert is_ready_matrix(X, 3, dtype=(np.float64, np.float32)) is ready
    assert is_ready_matrix(X, 3, dtype=(np.float64, np.float32), allow_nd=True) is ready_nd


def _images():
    rng = np.random.default_rng(0)
    return rng.random((40, 6, 6, 2), dtype=np.float32), np.arange(40) % 3


@pytest.mark.parametrize("make", [
    lambda X: X[:1], lambda X: np.asfortranarray(X[:5]), lambda X: X[::2][:4],
    lambda X: X[:3, :, ::-1], lambda X: X[:3].astype(np.float64), lambda X: X[:2].tolist(),
    lambda X: np.ascontiguousarray(X[:3].transpose(0, 2, 1, 3))])
def test_image_light_path_is_what_the_checks_return(make):
    """For image arrays the light path is taken exactly where scikit-learn's
    validate_data would return X itself, silently; predictions agree with the checked
    path everywhere."""
    from sknn import ConvNetClassifier, ConvNetRegressor

    X, y = _images()
    for est in (ConvNetClassifier(filters=(3,), dense_layers=(4,), max_iter=2, random_state=0),
                ConvNetRegressor(filters=(3,), dense_layers=(4,), max_iter=2, random_state=0)):
        _fit(est, X, y.astype(float) if isinstance(est, ConvNetRegressor) else y)
        rows = make(X)
        options = est._x_validation()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            checked = validate_data(est, rows, reset=False, ensure_all_finite=False, **options)
        if is_ready_matrix(rows, est.n_features_in_, **options):
            assert checked is rows
        np.testing.assert_array_equal(est.predict(rows), est.predict(np.array(checked)))


def test_light_path_keeps_the_errors_and_warnings_of_the_checks():
    pd = pytest.importorskip("pandas")
    X, y = make_classification(100, 4, random_state=0)
    clf = _fit(MLPClassifier((4,), max_iter=2, random_state=0), X, y)
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(X[:1])
    with pytest.raises(ValueError, match="X has 3 features"):
        clf.predict(X[:1, :3])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.predict(np.full((1, 4), np.nan))
    named = _fit(MLPClassifier((4,), max_iter=2, random_state=0),
                 pd.DataFrame(X, columns=list("abcd")), y)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        named.predict(X[:1])
