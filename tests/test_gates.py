"""Tests of LogicGateNeuron (one sigmoid neuron) and the textbook's XOR network."""

import io
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

import sknn
from sknn import LogicGateNeuron, MLPClassifier, xor_network
from sknn.gates import GATES, NotLinearlySeparableWarning, linearly_separable

X2 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
X1 = np.array([[0], [1]])
TRUTH_TABLES = {
    "or": (X2, np.array([0, 1, 1, 1])),
    "and": (X2, np.array([0, 0, 0, 1])),
    "nand": (X2, np.array([1, 1, 1, 0])),
    "nor": (X2, np.array([1, 0, 0, 0])),
    "not": (X1, np.array([1, 0])),
}
XOR = np.array([0, 1, 1, 0])


@parametrize_with_checks([LogicGateNeuron()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# -- the textbook's weights -----------------------------------------------------------
@pytest.mark.parametrize("gate", sorted(TRUTH_TABLES))
def test_from_gate_computes_the_gate(gate):
    X, y = TRUTH_TABLES[gate]
    neuron = LogicGateNeuron.from_gate(gate)
    np.testing.assert_array_equal(neuron.predict(X), y)
    assert neuron.intercept_ == GATES[gate][0]
    np.testing.assert_array_equal(neuron.coef_, GATES[gate][1:])


def test_from_gate_textbook_values_and_shapes():
    neuron = LogicGateNeuron.from_gate("OR")  # names are case-insensitive
    assert neuron.coef_.shape == (2,)
    assert isinstance(neuron.intercept_, float)
    assert (neuron.intercept_, *neuron.coef_) == (-10.0, 20.0, 20.0)
    np.testing.assert_array_equal(neuron.classes_, [0, 1])
    z = neuron.decision_function(X2)
    np.testing.assert_array_equal(z, [-10, 10, 10, 30])
    np.testing.assert_allclose(neuron.predict_proba(X2)[:, 1], expit(z), rtol=1e-12)
    np.testing.assert_allclose(neuron.predict_proba(X2).sum(axis=1), 1.0)


def test_unknown_gate_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown gate 'xor'.*'and', 'nand', 'nor', 'not', 'or'"):
        LogicGateNeuron.from_gate("xor")


def test_from_weights_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"coef \(theta1, theta2, ...\) must be a 1-D array"):
        LogicGateNeuron.from_weights([[1.0, 2.0]], 0.0)
    with pytest.raises(ValueError, match="classes must be two distinct labels"):
        LogicGateNeuron.from_weights([1.0], 0.0, classes=[0, 1, 2])


def test_probabilities_are_stable_for_huge_logits():
    neuron = LogicGateNeuron.from_weights([1.0], 0.0)
    X = np.array([[-800.0], [-300.0], [0.0], [300.0], [800.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow RuntimeWarning
        proba = neuron.predict_proba(X)
    assert np.all(np.isfinite(proba))
    np.testing.assert_array_equal(proba[:, 1], [0.0, expit(-300.0), 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(neuron.predict(X), [0, 0, 0, 1, 1])  # 0.5 is not > 0.5


def test_writing_coef_changes_the_neuron():
    neuron = LogicGateNeuron.from_gate("and")
    neuron.coef_[...] = [40.0, 40.0]  # 40 + 40 - 30 > 0 but also 40 - 30 > 0: OR-like
    np.testing.assert_array_equal(neuron.predict(X2), [0, 1, 1, 1])


# -- learning -------------------------------------------------------------------------
@pytest.mark.parametrize("gate", sorted(TRUTH_TABLES))
def test_fit_learns_each_gate_exactly(gate):
    X, y = TRUTH_TABLES[gate]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither convergence nor separability warnings
        neuron = LogicGateNeuron().fit(X, y)
    assert neuron.score(X, y) == 1.0
    assert neuron.n_iter_ < neuron.max_iter  # stopped by the tol rule
    # The learned boundary has the textbook weights' signs.
    assert np.all(np.sign(neuron.coef_) == np.sign(GATES[gate][1:]))
    assert np.sign(neuron.intercept_) == np.sign(GATES[gate][0])


def test_fit_is_deterministic():
    X, y = TRUTH_TABLES["and"]
    a, b = LogicGateNeuron().fit(X, y), LogicGateNeuron().fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.intercept_ == b.intercept_
    assert a.loss_curve_ == b.loss_curve_


@pytest.mark.parametrize("solver,lr", [("sgd", 5.0), ("lbfgs", 0.1)])
def test_other_solvers_learn_and(solver, lr):
    X, y = TRUTH_TABLES["and"]
    neuron = LogicGateNeuron(solver=solver, learning_rate_init=lr).fit(X, y)
    assert neuron.score(X, y) == 1.0


def test_single_neuron_is_logistic_regression():
    # Same model and loss: a tightly converged neuron matches sklearn's unpenalized fit.
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X[:, :4])
    with pytest.warns(NotLinearlySeparableWarning):  # these 4 features overlap
        neuron = LogicGateNeuron(solver="lbfgs", tol=1e-10, max_iter=500).fit(X, y)
    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(neuron.coef_, ref.coef_[0], rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(neuron.intercept_, ref.intercept_[0], rtol=1e-3, atol=1e-3)


def test_xor_warns_not_linearly_separable_with_accuracy():
    with pytest.warns(NotLinearlySeparableWarning,
                      match=r"not linearly separable.*accuracy reached 0\.50"):
        neuron = LogicGateNeuron().fit(X2, XOR)
    assert neuron.score(X2, XOR) == 0.5
    assert issubclass(NotLinearlySeparableWarning, UserWarning)


def test_separable_but_unfinished_fit_is_a_convergence_warning():
    X, y = TRUTH_TABLES["and"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogicGateNeuron(solver="sgd", learning_rate_init=0.01, max_iter=2).fit(X, y)
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert any("linearly separable, but after 2 epoch(s)" in m for m in messages)
    assert not any(w.category is NotLinearlySeparableWarning for w in caught)


def test_partial_fit_does_not_judge_separability():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogicGateNeuron().partial_fit(X2, XOR, classes=[0, 1])


def test_linearly_separable():
    assert not linearly_separable(X2.astype(float), XOR)
    for X, y in TRUTH_TABLES.values():
        assert linearly_separable(X.astype(float), y)
    assert not linearly_separable(sp.csr_matrix(X2.astype(float)), XOR)


def test_string_labels_and_float32():
    y = np.array(["off", "on", "on", "on"])
    neuron = LogicGateNeuron().fit(X2.astype(np.float32), y)
    np.testing.assert_array_equal(neuron.predict(X2), y)
    assert neuron.coef_.dtype == np.float32


# -- bad input ------------------------------------------------------------------------
def test_nan_in_x_is_rejected():
    X = X2.astype(float)
    X[0, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        LogicGateNeuron().fit(X, XOR)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        LogicGateNeuron.from_gate("or").predict(X)


def test_wrong_shapes_are_rejected():
    with pytest.raises(ValueError, match="X has 3 features, but LogicGateNeuron is expecting 2"):
        LogicGateNeuron.from_gate("and").predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        LogicGateNeuron().fit(np.array([0.0, 1.0]), [0, 1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LogicGateNeuron().fit(X2, [0, 1, 1])


@pytest.mark.parametrize("y,what", [
    ([0, 1, 2, 1], r"got 3 classes: \[0, 1, 2\]"),
    ([[0, 1], [1, 0], [1, 1], [0, 0]], r"got multilabel-indicator y of shape \(4, 2\)"),
])
def test_non_binary_targets_are_rejected(y, what):
    with pytest.raises(ValueError, match=f"Only binary classification is supported.*{what}"):
        LogicGateNeuron().fit(X2, y)


def test_multiclass_classes_in_partial_fit_are_rejected():
    with pytest.raises(ValueError, match="got 3 classes"):
        LogicGateNeuron().partial_fit(X2, [0, 1, 1, 0], classes=[0, 1, 2])


def test_continuous_targets_are_rejected():
    with pytest.raises(ValueError, match="Unknown label type"):
        LogicGateNeuron().fit(X2, [0.1, 0.5, 0.3, 2.2])


def test_bad_parameter_names_the_value():
    with pytest.raises(ValueError, match="learning_rate_init"):
        LogicGateNeuron(learning_rate_init=-1.0).fit(X2, XOR)


# -- persistence ----------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: LogicGateNeuron.from_gate("nand"),
                                  lambda: LogicGateNeuron().fit(*TRUTH_TABLES["nor"])])
def test_joblib_round_trip(make):
    neuron = make()
    buffer = io.BytesIO()
    joblib.dump(neuron, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(loaded.coef_, neuron.coef_)
    assert loaded.intercept_ == neuron.intercept_
    np.testing.assert_array_equal(loaded.predict_proba(X2), neuron.predict_proba(X2))


# -- the XOR network ------------------------------------------------------------------
def test_xor_network_predicts_xor():
    net = xor_network()
    assert isinstance(net, MLPClassifier)
    assert sknn.xor_network is xor_network
    np.testing.assert_array_equal(net.predict(X2), XOR)
    assert net.activation == "logistic"
    assert [W.shape for W in net.coefs_] == [(2, 2), (2, 1)]
    np.testing.assert_array_equal(net.intercepts_[0], [-10, 30])
    np.testing.assert_array_equal(net.intercepts_[1], [-30])


def test_xor_network_hidden_units_are_or_and_nand():
    net = xor_network()
    hidden = expit(X2 @ net.coefs_[0] + net.intercepts_[0])  # a^(2) of the textbook's table
    np.testing.assert_allclose(hidden[:, 0], TRUTH_TABLES["or"][1], atol=1e-4)
    np.testing.assert_allclose(hidden[:, 1], TRUTH_TABLES["nand"][1], atol=1e-4)
    out = expit(hidden @ net.coefs_[1] + net.intercepts_[1])[:, 0]
    np.testing.assert_allclose(out, XOR, atol=1e-4)
    np.testing.assert_allclose(net.predict_proba(X2)[:, 1], out, rtol=1e-12)


def test_example_prints_tables_warning_and_xor_network(capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "examples" / "plot_logic_gates.py"
    spec = importlib.util.spec_from_file_location("plot_logic_gates", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    fig = example.main()
    out = capsys.readouterr().out
    assert "NAND (theta0, theta1, ...) = ( 30.00, -20.00, -20.00)" in out
    assert "NotLinearlySeparableWarning" in out and "accuracy reached 0.50" in out
    assert "   1   1 |  1.0000     0.0000 |          0.0000 | 0" in out
    if fig is not None:  # matplotlib is installed
        import matplotlib.pyplot as plt

        assert len(fig.axes) >= 6
        plt.close(fig)
