"""Hyperparameter searches on a Dask cluster through joblib's Dask backend.

A ``LocalCluster`` with two single-threaded worker *processes* stands in for a real
cluster: estimators, data and results cross process boundaries exactly as they would
between machines. With the same seeds, the distributed search must give the same
results as the local one, number for number.
"""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifier
from sknn.callbacks import EarlyStopping

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")]

X, Y = load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    with cluster, distributed.Client(cluster) as client:
        yield client


def compare(local, remote):
    for key in ("params", "mean_test_score", "std_test_score", "rank_test_score"):
        assert list(remote.cv_results_[key]) == list(local.cv_results_[key]), key
    for split in range(local.n_splits_):
        key = f"split{split}_test_score"
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    np.testing.assert_array_equal(remote.predict_proba(X), local.predict_proba(X))


def test_grid_search_on_dask_workers_matches_the_local_search(client):
    model = make_pipeline(StandardScaler(), MLPClassifier(max_iter=30, random_state=0))
    grid = {"mlpclassifier__hidden_layer_sizes": [(4,), (16,)],
            "mlpclassifier__alpha": [1e-4, 1e-1]}
    local = GridSearchCV(model, grid, cv=3).fit(X, Y)
    with joblib.parallel_backend("dask"):
        remote = GridSearchCV(model, grid, cv=3, n_jobs=-1).fit(X, Y)
    compare(local, remote)
    # Both worker processes really ran tasks (the fits), not only this process.
    counts = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(counts) == 2 and all(n > 0 for n in counts.values()), counts


def test_randomized_search_with_callbacks_on_dask_workers(client):
    # Callbacks travel to the workers inside the pickled estimators.
    model = MLPClassifier(max_iter=60, n_iter_no_change=np.inf, random_state=0)
    model.set_callbacks(EarlyStopping(patience=3, min_delta=0.01))
    space = {"hidden_layer_sizes": [(4,), (8,), (16,)],
             "learning_rate_init": [1e-3, 1e-2, 3e-2], "solver": ["adam", "sgd"]}
    local = RandomizedSearchCV(model, space, n_iter=4, cv=2, random_state=0).fit(X, Y)
    with joblib.parallel_backend("dask"):
        remote = RandomizedSearchCV(model, space, n_iter=4, cv=2, random_state=0,
                                    n_jobs=-1).fit(X, Y)
    compare(local, remote)
    assert remote.best_estimator_.n_iter_ < 60  # early stopping acted in the refit
