"""class_weight of MLPClassifier and ConvNetClassifier: scikit-learn's weights and error
sentences, equal to repeated samples (L-BFGS) and to the matching sample_weight, a higher
minority recall, and the usual round trips (Pipeline, GridSearchCV, clone, joblib, skops)."""

import io
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import recall_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import compute_class_weight

from sknn import ConvNetClassifier, MLPClassifier, ThresholdPerceptron

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)


def mlp(**params):
    return MLPClassifier(**{"hidden_layer_sizes": (6,), "max_iter": 20, "random_state": 0,
                            **params})


def convnet(**params):
    return ConvNetClassifier(**{"filters": (2,), "dense_layers": (6,), "max_iter": 5,
                                "batch_size": 16, "random_state": 0, **params})


ESTIMATORS = [mlp, convnet]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def per_sample(class_weight, y):
    """scikit-learn's class weights, one per sample of y."""
    classes = np.unique(y)
    weights = compute_class_weight(class_weight, classes=classes, y=y)
    return weights[np.searchsorted(classes, y)]


@pytest.fixture(scope="module")
def imbalanced():
    # random_state=0 separates the classes so well that both models find the minority;
    # here they overlap (unweighted held-out recall about 0.5).
    X, y = make_classification(n_samples=2000, weights=[0.95, 0.05], random_state=2)
    return train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)


# -- the same arithmetic as repeated samples and as sample_weight -----------------------

@pytest.mark.parametrize("X, y, class_weight", [
    (X_IRIS, Y_IRIS, {0: 1, 1: 3, 2: 2}),
    (X_IRIS[:100], Y_IRIS[:100], {0: 4, 1: 1}),
])
def test_lbfgs_class_weight_equals_repeating_samples(X, y, class_weight):
    weighted = mlp(solver="lbfgs", max_iter=30, class_weight=class_weight).fit(X, y)
    repeats = np.array([class_weight[label] for label in y])
    repeated = mlp(solver="lbfgs", max_iter=30).fit(np.repeat(X, repeats, axis=0),
                                                    np.repeat(y, repeats))
    for ours, theirs in zip(weighted.coefs_, repeated.coefs_):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-8)
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-9)


def test_lbfgs_balanced_with_integer_sample_weight_equals_repeating_samples():
    # "balanced" counts each class by its total sample_weight (as LogisticRegression),
    # so a count of k balances as k copies.
    X, y = X_IRIS[30:], Y_IRIS[30:]  # 20, 50 and 50 samples
    counts = np.random.RandomState(0).randint(1, 4, size=len(y))
    weighted = mlp(solver="lbfgs", max_iter=30, class_weight="balanced").fit(
        X, y, sample_weight=counts)
    repeated = mlp(solver="lbfgs", max_iter=30, class_weight="balanced").fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts))
    for ours, theirs in zip(weighted.coefs_, repeated.coefs_):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("make", ESTIMATORS)
@pytest.mark.parametrize("class_weight", ["balanced", {0: 0.5, 1: 2.0, 2: 7.0}])
def test_class_weight_equals_scikit_learn_weights_as_sample_weight(make, class_weight):
    X, y = X_IRIS[20:], Y_IRIS[20:]  # unequal class sizes, so "balanced" is not uniform
    ours = make(class_weight=class_weight).fit(X, y)
    reference = make().fit(X, y, sample_weight=per_sample(class_weight, y))
    np.testing.assert_array_equal(ours.network_.params, reference.network_.params)
    assert ours.loss_curve_ == reference.loss_curve_


@pytest.mark.parametrize("make", ESTIMATORS)
def test_class_weight_multiplies_sample_weight(make):
    X, y = X_IRIS[20:], Y_IRIS[20:]
    sw = np.random.RandomState(1).uniform(0.5, 2.0, size=len(y))
    cw = {0: 3.0, 2: 0.25}  # class 1 keeps weight 1
    ours = make(class_weight=cw).fit(X, y, sample_weight=sw)
    reference = make().fit(X, y, sample_weight=sw * np.array([3.0, 1.0, 0.25])[y])
    np.testing.assert_allclose(ours.network_.params, reference.network_.params, rtol=1e-6)


def test_balanced_with_sample_weight_is_logistic_regressions_weighting():
    X, y = X_IRIS[20:], Y_IRIS[20:]
    sw = np.random.RandomState(2).uniform(0.5, 2.0, size=len(y))
    per_class = compute_class_weight("balanced", classes=np.unique(y), y=y, sample_weight=sw)
    ours = mlp(class_weight="balanced").fit(X, y, sample_weight=sw)
    reference = mlp().fit(X, y, sample_weight=sw * per_class[y])
    np.testing.assert_allclose(ours.network_.params, reference.network_.params, rtol=1e-6)


@pytest.mark.parametrize("make", ESTIMATORS)
def test_early_stopping_validation_scores_use_the_class_weights(make):
    X, y = X_IRIS, Y_IRIS
    params = dict(early_stopping=True, validation_fraction=0.3, max_iter=8)
    cw = {0: 0.05, 1: 1.0, 2: 20.0}
    ours = make(class_weight=cw, **params).fit(X, y)
    # The same split and training with the weights given as sample_weight: the held-out
    # accuracy is weighted there, so equal scores mean the class weights reached it.
    reference = make(**params).fit(X, y, sample_weight=per_sample(cw, y))
    assert ours.validation_scores_ == reference.validation_scores_
    unweighted = make(**params).fit(X, y)
    assert ours.validation_scores_ != unweighted.validation_scores_


@pytest.mark.parametrize("make", ESTIMATORS)
def test_held_out_samples_are_scored_with_their_class_weights(make, monkeypatch):
    model = make(class_weight={0: 0.05, 1: 1.0, 2: 20.0}, early_stopping=True, max_iter=3)
    scored, score = [], type(model)._score

    def recording_score(self, X, y, sample_weight=None):
        scored.append((y, sample_weight))
        return score(self, X, y, sample_weight)

    monkeypatch.setattr(type(model), "_score", recording_score)
    model.fit(X_IRIS, Y_IRIS)
    assert len(scored) == 3  # one validation score per epoch
    for y_val, weights in scored:
        assert len(y_val) == 15  # validation_fraction=0.1 of 150
        np.testing.assert_array_equal(weights, np.array([0.05, 1.0, 20.0], weights.dtype)[y_val])


@pytest.mark.parametrize("make", ESTIMATORS)
def test_partial_fit_dict_equals_sample_weight(make):
    cw = {0: 2.0, 1: 0.5, 2: 1.0}
    ours, reference = make(class_weight=cw), make()
    for rows in (slice(0, 75), slice(75, 150)):
        X, y = X_IRIS[rows], Y_IRIS[rows]  # the first batch lacks class 2
        ours.partial_fit(X, y, classes=[0, 1, 2])
        reference.partial_fit(X, y, classes=[0, 1, 2],
                              sample_weight=np.array([cw[label] for label in y]))
    np.testing.assert_array_equal(ours.network_.params, reference.network_.params)


def test_string_labels_take_string_keys():
    labels = np.array(["setosa", "versicolor", "virginica"])[Y_IRIS]
    cw = {"setosa": 1.0, "versicolor": 5.0, "virginica": 0.5}
    ours = mlp(class_weight=cw).fit(X_IRIS, labels)
    reference = mlp().fit(X_IRIS, labels, sample_weight=np.array([1.0, 5.0, 0.5])[Y_IRIS])
    np.testing.assert_array_equal(ours.network_.params, reference.network_.params)


# -- what class weights are for ----------------------------------------------------------

@pytest.mark.parametrize("make, params", [
    (mlp, dict(hidden_layer_sizes=(16,), max_iter=200)),
    (convnet, dict(filters=(4,), dense_layers=(16,), max_iter=20, batch_size=32)),
])
def test_balanced_raises_minority_recall_on_held_out_data(imbalanced, make, params):
    X_train, X_test, y_train, y_test = imbalanced
    recalls = {}
    for cw in (None, "balanced"):
        model = make_pipeline(StandardScaler(), make(class_weight=cw, **params))
        recalls[cw] = recall_score(y_test, model.fit(X_train, y_train).predict(X_test))
    assert recalls["balanced"] >= recalls[None] + 0.2, recalls  # measured: +0.40 for both


# -- scikit-learn's parameter checks and error sentences ---------------------------------

def sgd_error(call):
    with pytest.raises(ValueError) as info:
        call()
    return str(info.value)


@pytest.mark.parametrize("make", [mlp, convnet, ThresholdPerceptron])
def test_balanced_partial_fit_is_refused_with_sgdclassifiers_sentence(make):
    sentence = sgd_error(lambda: SGDClassifier(class_weight="balanced").partial_fit(
        X_IRIS, Y_IRIS, classes=[0, 1, 2]))
    with pytest.raises(ValueError) as info:
        make(class_weight="balanced").partial_fit(X_IRIS, Y_IRIS, classes=[0, 1, 2])
    assert sentence in str(info.value)


@pytest.mark.parametrize("make", ESTIMATORS)
def test_balanced_partial_fit_is_refused_after_fit_and_set_params(make):
    model = make(class_weight="balanced").fit(X_IRIS, Y_IRIS)
    before = model.network_.params.copy()
    with pytest.raises(ValueError, match="'balanced' is not supported for partial_fit"):
        model.partial_fit(X_IRIS, Y_IRIS)
    np.testing.assert_array_equal(model.network_.params, before)
    model = make().partial_fit(X_IRIS, Y_IRIS, classes=[0, 1, 2]).set_params(
        class_weight="balanced")
    with pytest.raises(ValueError, match="'balanced' is not supported for partial_fit"):
        model.partial_fit(X_IRIS, Y_IRIS)


@pytest.mark.parametrize("make", ESTIMATORS)
@pytest.mark.parametrize("class_weight", [{0: 1.0, 7: 2.0}, {"a": 1.0}])
def test_a_key_that_is_no_class_gets_scikit_learns_sentence(make, class_weight):
    sentence = sgd_error(lambda: SGDClassifier(class_weight=class_weight).fit(X_IRIS, Y_IRIS))
    with pytest.raises(ValueError) as info:
        make(class_weight=class_weight).fit(X_IRIS, Y_IRIS)
    assert sentence in str(info.value) and "the classes are [0, 1, 2]" in str(info.value)


@pytest.mark.parametrize("make", ESTIMATORS)
@pytest.mark.parametrize("class_weight", ["balance", [1.0, 2.0], 3.0])
def test_bad_class_weight_types_get_scikit_learns_parameter_error(make, class_weight):
    sentence = sgd_error(lambda: SGDClassifier(class_weight=class_weight).fit(X_IRIS, Y_IRIS))
    name = type(make()).__name__
    with pytest.raises(ValueError) as info:
        make(class_weight=class_weight).fit(X_IRIS, Y_IRIS)
    assert str(info.value) == sentence.replace("SGDClassifier", name)


@pytest.mark.parametrize("make", ESTIMATORS)
@pytest.mark.parametrize("class_weight, match", [
    ({0: np.nan}, "finite, non-negative"),
    ({0: np.inf}, "finite, non-negative"),
    ({0: -1.0}, "finite, non-negative"),
    ({0: 0.0, 1: 0.0, 2: 0.0}, "every sample of y weight 0"),
    ({0: 1e300}, "beyond the float32 range"),
])
def test_unusable_weights_are_refused_before_training(make, class_weight, match):
    model = make(class_weight=class_weight)
    with pytest.raises(ValueError, match=match):
        model.fit(X_IRIS.astype(np.float32), Y_IRIS)  # trained in float32
    assert not hasattr(model, "network_")


def test_balanced_refuses_a_class_whose_sample_weights_sum_to_zero():
    sw = np.where(Y_IRIS == 1, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"total sample_weight, which is 0 or negative "
                                         r"for classes \[1\]"):
        mlp(class_weight="balanced").fit(X_IRIS, Y_IRIS, sample_weight=sw)


@pytest.mark.parametrize("make", ESTIMATORS)
def test_a_batch_whose_samples_all_weigh_zero_makes_no_step(make):
    # Unshuffled batches of 10: the first five hold class 0 only (weight 0). Without
    # four of them training is the same (no ZeroDivisionError from penalties divided by
    # a batch weight of 0; no optimizer step on no data).
    X, y = X_IRIS[:100], Y_IRIS[:100]
    params = dict(batch_size=10, shuffle=False, alpha=1e-3, n_iter_no_change=100,
                  class_weight={0: 0.0, 1: 1.0})
    ours = make(**params).fit(X, y)
    reference = make(**params).fit(X[40:], y[40:])
    np.testing.assert_allclose(ours.network_.params, reference.network_.params, rtol=1e-6)


def test_a_validation_set_that_weighs_nothing_is_refused_before_training():
    sw = np.zeros(150)
    sw[[0, 60, 120]] = 1.0  # of the 15 held-out samples, none of these three
    model = mlp(early_stopping=True, class_weight={0: 1.0, 1: 2.0})
    with pytest.raises(ValueError, match="Every sample held out for early stopping weighs 0"):
        model.fit(X_IRIS, Y_IRIS, sample_weight=sw)
    assert not hasattr(model, "n_iter_")  # refused before the first epoch


@pytest.mark.parametrize("class_weight", ["balanced", {0: 2.0}])
def test_multilabel_targets_refuse_class_weight(class_weight):
    Y = np.c_[Y_IRIS == 0, Y_IRIS == 2].astype(int)
    with pytest.raises(ValueError, match="needs single-label y .* Pass sample_weight"):
        mlp(class_weight=class_weight).fit(X_IRIS, Y)


def test_the_callers_weights_and_dict_are_not_modified():
    sw = np.linspace(0.5, 1.5, 150)
    cw = {0: 2.0, 1: 1.0, 2: 0.5}
    sw_before, cw_before = sw.copy(), dict(cw)
    mlp(class_weight=cw).fit(X_IRIS, Y_IRIS, sample_weight=sw)
    np.testing.assert_array_equal(sw, sw_before)
    assert cw == cw_before


# -- Pipeline, GridSearchCV, clone, joblib, skops ------------------------------------------

def test_grid_search_tunes_class_weight_in_a_pipeline(imbalanced):
    X_train, _, y_train, _ = imbalanced
    pipe = make_pipeline(StandardScaler(), mlp(hidden_layer_sizes=(8,), max_iter=50))
    search = GridSearchCV(pipe, {"mlpclassifier__class_weight": [None, "balanced",
                                                                 {0: 1, 1: 5}]},
                          scoring="recall", cv=3).fit(X_train, y_train)
    assert len(search.cv_results_["params"]) == 3
    assert search.best_params_["mlpclassifier__class_weight"] is not None


@pytest.mark.parametrize("make", ESTIMATORS)
def test_clone_keeps_class_weight_and_fits_the_same(make):
    original = make(class_weight={0: 3.0, 1: 1.0, 2: 0.5})
    copy = clone(original)
    assert copy.class_weight == original.class_weight
    np.testing.assert_array_equal(copy.fit(X_IRIS, Y_IRIS).network_.params,
                                  original.fit(X_IRIS, Y_IRIS).network_.params)


@pytest.mark.parametrize("make", ESTIMATORS)
def test_joblib_round_trip_keeps_class_weight_and_predictions(make):
    est = make(class_weight="balanced").fit(X_IRIS[20:], Y_IRIS[20:])
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    assert loaded.class_weight == "balanced"
    np.testing.assert_array_equal(loaded.predict_proba(X_IRIS), est.predict_proba(X_IRIS))


@pytest.mark.parametrize("make", ESTIMATORS)
def test_skops_round_trip_keeps_class_weight_and_predictions(make):
    skops_io = pytest.importorskip("skops.io")
    import sknn

    labels = np.array(["a", "b", "c"])[Y_IRIS]
    for cw in ({0: 2.0, 1: 1.0, 2: 0.5}, {"a": 2.0, "c": 0.5}):
        y = Y_IRIS if 0 in cw else labels
        est = make(class_weight=cw).fit(X_IRIS, y)
        loaded = skops_io.loads(skops_io.dumps(est), trusted=sknn.TRUSTED_TYPES)
        assert loaded.class_weight == cw
        np.testing.assert_array_equal(loaded.predict_proba(X_IRIS), est.predict_proba(X_IRIS))
        loaded.set_params(warm_start=True, max_iter=1).fit(X_IRIS, y)  # still trains
