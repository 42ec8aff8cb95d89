"""Labels that mix types get one clear error from every sknn classifier (issue 9)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from sknn import ConvNetClassifier, LogicGateNeuron, MLPClassifier, ThresholdPerceptron
from sknn._labels import check_label_types

X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
CLASSIFIERS = [
    lambda: MLPClassifier(hidden_layer_sizes=(3,), max_iter=5),
    lambda: ConvNetClassifier(max_iter=1),
    lambda: LogicGateNeuron(max_iter=5),
    lambda: ThresholdPerceptron(max_iter=5),
]
MIXED = {
    "int and str": (np.array([0, "a", 0, "a"], dtype=object), "int, str"),
    "str and None": (np.array(["a", None, "a", None], dtype=object), "NoneType, str"),
}


@pytest.mark.parametrize("make", CLASSIFIERS, ids=lambda m: type(m()).__name__)
@pytest.mark.parametrize("case", MIXED)
def test_mixed_label_types_name_y_and_the_types(make, case):
    y, names = MIXED[case]
    # scikit-learn refuses these labels too, without a sentence worth repeating:
    # "'<' not supported between ..." (TypeError) or "Unknown label type: unknown"
    with pytest.raises((TypeError, ValueError)):
        LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=rf"y mixes label types \({names}\)"):
        make().fit(X, y)


@pytest.mark.parametrize("make", CLASSIFIERS, ids=lambda m: type(m()).__name__)
def test_partial_fit_classes_are_checked_too(make):
    with pytest.raises(ValueError, match=r"mixes label types \(int, str\)"):
        make().partial_fit(X, [0, 0, 0, 0], classes=np.array([0, "a"], dtype=object))


def test_from_weights_classes_are_checked_too():
    from sknn import LogicGateNeuron, MLPClassifier

    mixed = np.array([0, "a"], dtype=object)
    with pytest.raises(ValueError, match="mixes label types"):
        MLPClassifier.from_weights([np.ones((2, 1))], [np.zeros(1)], classes=mixed)
    with pytest.raises(ValueError, match="mixes label types"):
        LogicGateNeuron.from_weights([1.0, 1.0], 0.0, classes=mixed)


def test_numbers_of_several_kinds_are_one_kind():
    check_label_types(np.array([0, 1.0, True, np.int64(2)], dtype=object))  # they sort fine


@pytest.mark.parametrize("y", [
    np.array(["a", "b", "a", "b"], dtype=object),
    np.array([0, "a", 0, "a"]),  # NumPy already made these strings
])
def test_labels_of_one_kind_pass(y):
    check_label_types(y)
    LogisticRegression().fit(X, y)
    ThresholdPerceptron(max_iter=5).fit(X, y)


NOT_CLASSES = {
    "NaN": ([np.nan, 1.0], r"classes must be finite labels; got nan"),
    "infinity": ([0.0, np.inf], r"classes must be finite labels; got inf"),
    "2-D": ([[0, 1]], r"classes must be a 1-D list of labels; got an array of shape \(1, 2\)"),
}


@pytest.mark.parametrize("make", CLASSIFIERS, ids=lambda m: type(m()).__name__)
@pytest.mark.parametrize("case", NOT_CLASSES)
def test_partial_fit_refuses_non_finite_or_nested_classes(make, case, recwarn):
    # scikit-learn's MLP leaks "invalid value encountered in cast" for the NaN case
    # and trains a multilabel model for the nested one; sknn names `classes`.
    classes, message = NOT_CLASSES[case]
    with pytest.raises(ValueError, match=message):
        make().partial_fit(X, [0, 1, 0, 1], classes=classes)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


@pytest.mark.parametrize("case", NOT_CLASSES)
def test_from_weights_refuses_non_finite_or_nested_classes(case, recwarn):
    classes, message = NOT_CLASSES[case]
    with pytest.raises(ValueError, match=message):
        MLPClassifier.from_weights([np.ones((2, 1))], [np.zeros(1)], classes=classes)
    with pytest.raises(ValueError, match=message):
        LogicGateNeuron.from_weights([1.0, 1.0], 0.0, classes=classes)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
