"""L-BFGS evaluates the full-batch loss in row blocks (``LBFGS_BLOCK_BYTES``): the
weighted sum of the blocks' mean losses and gradients is the whole batch's, to
rounding, and the fits follow scikit-learn's."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkClassifier

from sknn import MLPClassifier, MLPRegressor
from sknn.nn import train

X_CLS, Y_CLS = make_classification(300, 6, n_classes=3, n_informative=4, random_state=0)
X_REG, Y_REG = make_regression(300, 6, n_targets=2, random_state=0)


def _fitted(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def _evaluate(est, X, y, sample_weight, blocks):
    """Penalized loss and gradient of ``est``'s network on (X, y), in the given blocks."""
    net = est.network_
    Y = (est._label_binarizer.transform(y).astype(float) if hasattr(est, "classes_")
         else y.reshape(len(y), -1))
    n_eff = train._effective_size(X.shape[0], sample_weight)
    config = est._train_config(X.shape[0], incremental=False)
    total = np.empty_like(net.grads)
    value = train._full_batch_loss_and_grad(net, est._loss, X, Y, sample_weight, n_eff,
                                            config, train._weighted_blocks(
                                                blocks, sample_weight, n_eff), total)
    return value, net.grads.copy()


def _blocks(n, rows):
    return [slice(s, min(s + rows, n)) for s in range(0, n, rows)]


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weights", ["none", "random", "zero block"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_blocks_sum_to_the_whole_batch(kind, weights, sparse):
    est, X, y = ((MLPClassifier(hidden_layer_sizes=(7,), alpha=1e-2, l1=1e-3), X_CLS, Y_CLS) if kind == "classifier"
                 else (MLPRegressor(hidden_layer_sizes=(7,), alpha=1e-2), X_REG, Y_REG))
    est.set_params(solver="lbfgs", max_iter=3, random_state=0)
    X = sp.csr_matrix(X) if sparse else X
    _fitted(est, X, y)
    rng = np.random.default_rng(0)
    sample_weight = {"none": None, "random": rng.uniform(0, 3, 300),
                     "zero block": np.r_[np.zeros(64), rng.uniform(0, 3, 236)]}[weights]
    whole = _evaluate(est, X, y, sample_weight, [slice(0, 300)])
    blocked = _evaluate(est, X, y, sample_weight, _blocks(300, 64))  # 5 blocks, last of 44
    assert np.abs(whole[1]).max() > 1e-3  # a gradient worth comparing
    assert blocked[0] == pytest.approx(whole[0], rel=1e-12)
    np.testing.assert_allclose(blocked[1], whole[1], rtol=1e-10, atol=1e-13)


def test_row_blocks_cover_the_rows_within_the_byte_budget(monkeypatch):
    est = _fitted(MLPClassifier((50,), solver="lbfgs", max_iter=1), X_CLS, Y_CLS)
    net = est.network_
    per_row = net.activations_per_row * net.params.dtype.itemsize
    monkeypatch.setattr(train, "LBFGS_BLOCK_BYTES", 40 * per_row)
    blocks = train._row_blocks(net, 300)
    assert [(b.start, b.stop) for b in blocks] == [(s, min(s + 40, 300)) for s in range(0, 300, 40)]
    monkeypatch.setattr(train, "LBFGS_BLOCK_BYTES", 10**12)
    assert train._row_blocks(net, 300) == [slice(0, 300)]


def test_batch_normalization_keeps_the_whole_batch(monkeypatch):
    """Its training statistics are the batch's: blocks would change the loss."""
    est = _fitted(MLPClassifier((8,), batch_norm=True, solver="lbfgs", max_iter=1), X_CLS, Y_CLS)
    monkeypatch.setattr(train, "LBFGS_BLOCK_BYTES", 1)
    assert train._row_blocks(est.network_, 300) == [slice(0, 300)]


@pytest.mark.parametrize("block_bytes", [None, 2**14])
def test_blocked_lbfgs_follows_sklearn(block_bytes, monkeypatch):
    """A fit of 2,000 rows: in ~1,000-row blocks by default, ~9 rows when forced."""
    if block_bytes is not None:
        monkeypatch.setattr(train, "LBFGS_BLOCK_BYTES", block_bytes)
    X, y = make_classification(2000, 10, random_state=0)
    params = dict(hidden_layer_sizes=(100,), solver="lbfgs", max_iter=15, random_state=0)
    ours = _fitted(MLPClassifier(**params), X, y)
    assert len(train._row_blocks(ours.network_, 2000)) > 1
    sk = _fitted(SkClassifier(**params), X, y)
    assert ours.n_iter_ == sk.n_iter_
    assert ours.loss_ == pytest.approx(sk.loss_, rel=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-5, atol=1e-8)


def test_memory_check_sizes_lbfgs_by_its_row_block(monkeypatch):
    """100,000 rows of MLP(100) activations take ~180 MB as one batch, ~2 MiB a block:
    with 40 MB available the fit runs, unless batch normalization needs the whole batch."""
    import sknn._sizes

    X, y = make_classification(100_000, 20, random_state=0)  # 16 MB
    monkeypatch.setattr(sknn._sizes, "available_memory", lambda: 40 * 2**20)
    est = _fitted(MLPClassifier((100,), solver="lbfgs", max_iter=2), X, y)
    assert len(train._row_blocks(est.network_, len(X))) > 50
    with pytest.raises(ValueError, match="a training batch of 100000 rows"):
        MLPClassifier((100,), solver="lbfgs", max_iter=2, batch_norm=True).fit(X, y)


@given(n=st.integers(1, 120), n_features=st.integers(1, 6), block=st.integers(1, 130),
       dtype=st.sampled_from([np.float32, np.float64]),
       weights=st.sampled_from(["none", "random", "sparse zeros"]),
       kind=st.sampled_from(["classifier", "regressor"]), seed=st.integers(0, 2**16))
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
def test_any_blocking_gives_the_whole_batch(n, n_features, block, dtype, weights, kind, seed):
    """For any rows, features, block size (a last short block included), dtype and
    weights (some zero), the blocked evaluation is the whole batch's to rounding."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_features)).astype(dtype)
    if kind == "classifier":
        y = np.arange(n) % 3
        est = MLPClassifier(hidden_layer_sizes=(5,), alpha=1e-2, l1=1e-3)
    else:
        y = rng.standard_normal(n)
        est = MLPRegressor(hidden_layer_sizes=(5,), alpha=1e-2)
    _fitted(est.set_params(solver="lbfgs", max_iter=2, random_state=0), X, y)
    sample_weight = {"none": None, "random": rng.uniform(0.1, 3, n),
                     "sparse zeros": rng.uniform(0, 3, n) * (rng.random(n) < 0.5)}[weights]
    if sample_weight is not None and not sample_weight.sum():
        sample_weight[0] = 1.0  # an all-zero weighting takes the whole-batch path anyway
    whole = _evaluate(est, X, y, sample_weight, [slice(0, n)])
    blocked = _evaluate(est, X, y, sample_weight, _blocks(n, block))
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    assert blocked[0] == pytest.approx(whole[0], rel=rtol, abs=rtol)
    scale = np.abs(whole[1]).max()
    np.testing.assert_allclose(blocked[1], whole[1], rtol=rtol, atol=rtol * scale)


def test_float32_weights_whose_sum_overflows_float32(monkeypatch):
    """300 weights of 3e37 sum to 9e39, beyond float32: the shares and the penalty
    divisor are summed in float64, so blocked and whole-batch fits agree (the blocks
    used to divide inf by inf and report a divergence)."""
    X = X_CLS.astype(np.float32)
    sample_weight = np.full(len(X), 3e37, dtype=np.float32)
    fits = []
    for block_bytes in (10**12, 2**12):
        monkeypatch.setattr(train, "LBFGS_BLOCK_BYTES", block_bytes)
        est = MLPClassifier(hidden_layer_sizes=(7,), solver="lbfgs", max_iter=20, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fits.append(est.fit(X, Y_CLS, sample_weight=sample_weight))
    whole, blocked = fits
    assert len(train._row_blocks(blocked.network_, len(X))) > 1
    assert np.isfinite(blocked.loss_) and blocked.loss_ == pytest.approx(whole.loss_, rel=1e-4)
