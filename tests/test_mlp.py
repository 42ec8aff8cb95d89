"""What sknn's MLPs add to scikit-learn's, and the data shapes they accept."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes, load_iris, make_multilabel_classification
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifier, MLPRegressor
from sknn.nn.layers import BatchNormalization, Dropout, SkipConcat

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
X_DIAB, Y_DIAB = load_diabetes(return_X_y=True)
X_DIAB = StandardScaler().fit_transform(X_DIAB)
Y_DIAB = (Y_DIAB - Y_DIAB.mean()) / Y_DIAB.std()


def clf(**kw):
    params = {"hidden_layer_sizes": (16,), "max_iter": 60, "random_state": 0,
              "learning_rate_init": 0.01, "batch_size": 16, **kw}
    return MLPClassifier(**params)


def reg(**kw):
    params = {"hidden_layer_sizes": (16,), "max_iter": 60, "random_state": 0,
              "learning_rate_init": 0.01, **kw}
    return MLPRegressor(**params)


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop", "adagrad", "adamax", "nadam",
                                    "adamw", "lbfgs"])
def test_every_solver_learns(solver):
    # Adagrad's steps shrink as squared gradients accumulate: it wants a larger rate.
    est = clf(solver=solver, learning_rate_init=0.1 if solver == "adagrad" else 0.01)
    est.fit(X_IRIS, Y_IRIS)
    assert est.score(X_IRIS, Y_IRIS) > 0.9


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu", "leaky_relu",
                                        "elu", "selu", "gelu", "softplus"])
def test_every_activation_learns(activation):
    est = clf(activation=activation, kernel_initializer="auto").fit(X_IRIS, Y_IRIS)
    assert est.score(X_IRIS, Y_IRIS) > 0.85


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber"])
def test_every_regression_loss_learns(loss):
    assert reg(loss=loss).fit(X_DIAB, Y_DIAB).score(X_DIAB, Y_DIAB) > 0.4


def test_poisson_loss_predicts_positive_rates():
    y = np.random.RandomState(0).poisson(np.exp(0.5 * X_DIAB[:, 2]))
    est = reg(loss="poisson").fit(X_DIAB, y)
    assert est.out_activation_ == "exp" and np.all(est.predict(X_DIAB) > 0)
    assert np.corrcoef(est.predict(X_DIAB), np.exp(0.5 * X_DIAB[:, 2]))[0, 1] > 0.8


@pytest.mark.parametrize("schedule", ["exponential", "cosine", "invscaling", "adaptive"])
def test_schedules_change_the_learning_rate(schedule):
    # tol=1.0 makes every epoch a "no improvement" one, so "adaptive" hits a plateau.
    est = clf(solver="sgd", learning_rate=schedule, max_iter=20, tol=1.0,
              n_iter_no_change=3).fit(X_IRIS, Y_IRIS)
    assert est._optimizer.learning_rate < est.learning_rate_init


def test_constant_schedule_keeps_the_rate():
    est = clf(solver="adam").fit(X_IRIS, Y_IRIS)
    assert est._optimizer.learning_rate == est.learning_rate_init


def test_dropout_and_batch_norm_build_their_layers_and_learn():
    est = clf(hidden_layer_sizes=(32, 16), dropout=0.2, batch_norm=True).fit(X_IRIS, Y_IRIS)
    kinds = [type(layer) for layer in est.network_.leaves]
    assert kinds.count(Dropout) == 2 and kinds.count(BatchNormalization) == 2
    assert est.score(X_IRIS, Y_IRIS) > 0.9


def test_l1_makes_weights_sparser_than_l2():
    l1 = clf(alpha=0.0, l1=0.5, max_iter=200).fit(X_IRIS, Y_IRIS)
    l2 = clf(alpha=0.0, max_iter=200).fit(X_IRIS, Y_IRIS)
    small = [np.mean(np.abs(e.coefs_[0]) < 1e-2) for e in (l1, l2)]
    assert small[0] > small[1] + 0.1


def test_max_norm_caps_every_units_incoming_norm():
    est = clf(max_norm=0.5, learning_rate_init=0.1).fit(X_IRIS, Y_IRIS)
    for W in est.coefs_:
        assert np.all(np.linalg.norm(W, axis=0) <= 0.5 + 1e-9)


def test_clipnorm_bounds_each_step(monkeypatch):
    from sknn.nn import optimizers

    seen = []
    original = optimizers.Adam.step

    def spy(self, params, grads):
        seen.append(np.linalg.norm(grads))
        return original(self, params, grads)

    monkeypatch.setattr(optimizers.Adam, "step", spy)
    clf(clipnorm=0.01, max_iter=3).fit(X_IRIS, Y_IRIS)
    assert max(seen) <= 0.01 * (1 + 1e-6)


def test_wide_and_deep_concatenates_input_to_last_hidden_layer():
    est = reg(hidden_layer_sizes=(30,), wide_and_deep=True).fit(X_DIAB, Y_DIAB)
    assert isinstance(est.network_.layers[0], SkipConcat)
    assert [W.shape for W in est.coefs_] == [(10, 30), (30 + 10, 1)]
    assert est.score(X_DIAB, Y_DIAB) > 0.4


def test_mc_dropout_classifier_averages_noisy_passes():
    est = clf(hidden_layer_sizes=(64,), dropout=0.5).fit(X_IRIS, Y_IRIS)
    a, b = est.predict_proba(X_IRIS, mc_samples=20), est.predict_proba(X_IRIS, mc_samples=20)
    assert not np.allclose(a, b)  # dropout really is on
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    np.testing.assert_allclose(a, b, atol=0.25)
    assert np.array_equal(est.predict_proba(X_IRIS), est.predict_proba(X_IRIS))  # off again


def test_mc_dropout_regressor_returns_spread():
    est = reg(dropout=0.3).fit(X_DIAB, Y_DIAB)
    mean, std = est.predict(X_DIAB[:7], mc_samples=30, return_std=True)
    assert mean.shape == std.shape == (7,) and np.all(std > 0)
    with pytest.raises(ValueError, match="needs mc_samples"):
        est.predict(X_DIAB, return_std=True)
    with pytest.raises(ValueError, match="needs dropout"):
        reg().fit(X_DIAB, Y_DIAB).predict(X_DIAB, mc_samples=5)


def test_summary_is_a_keras_like_table():
    text = clf(hidden_layer_sizes=(8,)).fit(X_IRIS, Y_IRIS).summary()
    assert "(None, 8)" in text and "(None, 3)" in text
    assert f"Total params: {4 * 8 + 8 + 8 * 3 + 3}" in text


@pytest.mark.parametrize("bad, error", [("a", TypeError), (2.5, TypeError), (0, ValueError),
                                        (-5, ValueError)])
def test_summary_refuses_a_batch_size_that_is_not_a_positive_int(bad, error):
    est = clf(hidden_layer_sizes=(8,)).fit(X_IRIS, Y_IRIS)
    with pytest.raises(error, match="batch_size"):
        est.summary(batch_size=bad)


def test_from_weights_builds_a_fitted_model():
    W1, b1 = np.array([[20.0, -20.0], [20.0, -20.0]]), np.array([-10.0, 30.0])
    W2, b2 = np.array([[20.0], [20.0]]), np.array([-30.0])
    est = MLPClassifier.from_weights([W1, W2], [b1, b2], classes=[0, 1], activation="logistic")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(est.predict(X), [0, 1, 1, 0])
    np.testing.assert_array_equal(est.coefs_[0], W1)
    with pytest.raises(ValueError, match="output unit"):
        MLPClassifier.from_weights([W1, W2], [b1, b2], classes=[0, 1, 2])


def test_multilabel_uses_sigmoid_outputs():
    X, Y = make_multilabel_classification(80, 6, n_classes=3, random_state=0)
    est = clf(max_iter=200).fit(X, Y)
    assert est.out_activation_ == "logistic" and est.predict(X).shape == Y.shape
    assert est.predict_proba(X).shape == (80, 3) and est.score(X, Y) > 0.4


def test_multi_output_regression():
    Y = np.column_stack([Y_DIAB, -Y_DIAB])
    est = reg().fit(X_DIAB, Y)
    assert est.predict(X_DIAB).shape == (len(X_DIAB), 2) and est.score(X_DIAB, Y) > 0.4


def test_sparse_X_gives_the_dense_result():
    Xs = sp.csr_matrix(np.where(np.abs(X_IRIS) > 0.5, X_IRIS, 0.0))
    dense = clf().fit(Xs.toarray(), Y_IRIS)
    sparse = clf().fit(Xs, Y_IRIS)
    np.testing.assert_allclose(sparse.predict_proba(Xs), dense.predict_proba(Xs.toarray()),
                               rtol=1e-6, atol=1e-9)


def test_float32_stays_float32_float64_stays_float64():
    for dtype in (np.float32, np.float64):
        est = reg().fit(X_DIAB.astype(dtype), Y_DIAB)
        assert est.coefs_[0].dtype == dtype and est.predict(X_DIAB.astype(dtype)).dtype == dtype


def test_sample_weight_equals_repeating_rows():
    rng = np.random.RandomState(0)
    w = rng.randint(1, 4, len(X_DIAB))
    params = dict(solver="lbfgs", max_iter=30, hidden_layer_sizes=(4,))
    weighted = reg(**params).fit(X_DIAB, Y_DIAB, sample_weight=w)
    repeated = reg(**params).fit(np.repeat(X_DIAB, w, axis=0), np.repeat(Y_DIAB, w))
    np.testing.assert_allclose(weighted.predict(X_DIAB), repeated.predict(X_DIAB), rtol=1e-6)


def test_partial_fit_only_for_stochastic_solvers():
    assert not hasattr(clf(solver="lbfgs"), "partial_fit")
    est = clf()
    for _ in range(30):
        est.partial_fit(X_IRIS, Y_IRIS, classes=np.unique(Y_IRIS))
    assert est.score(X_IRIS, Y_IRIS) > 0.9 and est.t_ == 30 * len(X_IRIS)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf().partial_fit(X_IRIS, Y_IRIS)


def test_warm_start_continues_from_previous_weights():
    est = clf(warm_start=True, max_iter=5).fit(X_IRIS, Y_IRIS)
    first = est.loss_curve_[-1]
    est.fit(X_IRIS, Y_IRIS)
    assert len(est.loss_curve_) == 10 and est.loss_curve_[5] < first


def test_early_stopping_restores_the_best_epoch():
    est = clf(early_stopping=True, max_iter=200, n_iter_no_change=5).fit(X_IRIS, Y_IRIS)
    assert len(est.validation_scores_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.validation_scores_[-1] <= est.best_validation_score_


# -- batch normalization's running statistics go with the weights they were learnt with --
def _running_stats(est):
    return [a.copy() for layer in est.network_.leaves for a in layer.state.values()]


def _assert_same_model(est, network):
    """``est`` predicts with exactly ``network``'s weights and running statistics."""
    kept = [a for layer in network.leaves for a in layer.state.values()]
    assert kept, "the network has no batch-normalization statistics to compare"
    np.testing.assert_array_equal(est.network_.params, network.params)
    for now, then in zip(_running_stats(est), kept):
        np.testing.assert_array_equal(now, then)


def test_early_stopping_restores_the_best_epochs_batch_norm_statistics():
    from _epoch_callback import NetworkRecorder

    recorder = NetworkRecorder()
    est = clf(batch_norm=True, early_stopping=True, n_iter_no_change=3, max_iter=100)
    est.set_callbacks(recorder).fit(X_IRIS, Y_IRIS)
    best = int(np.argmax(est.validation_scores_))  # the first best epoch is kept
    assert best < est.n_iter_ - 1, "the last epoch was the best: restoring proves nothing"
    _assert_same_model(est, recorder.networks[best])


def test_restore_best_weights_callback_restores_batch_norm_statistics():
    from _epoch_callback import NetworkRecorder
    from sknn.callbacks import EarlyStopping

    recorder = NetworkRecorder()
    stopper = EarlyStopping(patience=3, min_delta=0.02, restore_best_weights=True)
    est = clf(batch_norm=True, max_iter=100).set_callbacks(stopper, recorder).fit(X_IRIS, Y_IRIS)
    losses, best, best_epoch = est.loss_curve_, np.inf, None
    for i, value in enumerate(losses):  # the last epoch improving the best by > min_delta
        if value < best - 0.02:
            best, best_epoch = value, i
    assert best_epoch < len(losses) - 1, "the last epoch was the best: restoring proves nothing"
    _assert_same_model(est, recorder.networks[best_epoch])


def test_diverged_continued_fit_keeps_its_batch_norm_statistics():
    est = reg(batch_norm=True, solver="sgd", max_iter=5).fit(X_DIAB, Y_DIAB)
    before, stats = est.network_.params.copy(), _running_stats(est)
    est.set_params(learning_rate_init=1e10)
    with pytest.raises(ValueError, match="keeps the weights it had before this call"):
        for _ in range(20):  # the huge step overflows within a few calls
            est.partial_fit(X_DIAB, Y_DIAB * 1e30)
            before, stats = est.network_.params.copy(), _running_stats(est)
    np.testing.assert_array_equal(est.network_.params, before)
    for now, then in zip(_running_stats(est), stats):
        np.testing.assert_array_equal(now, then)
        assert np.all(np.isfinite(now))
