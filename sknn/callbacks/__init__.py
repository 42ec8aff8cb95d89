"""Training callbacks for sknn's gradient-trained estimators.

They follow scikit-learn's ``FitCallback`` protocol, so they are set the same way as
scikit-learn's own :class:`~sklearn.callback.ProgressBar` and
:class:`~sklearn.callback.ScoringMonitor`, and run beside them::

    clf = MLPClassifier(early_stopping=True).set_callbacks(
        EarlyStopping("validation_score", patience=5, restore_best_weights=True),
        ModelCheckpoint("best.joblib", monitor="validation_score"),
        CSVLogger("training.csv"),
    )

Set them on the sknn estimator itself, also when it sits inside a ``Pipeline`` or a
``GridSearchCV``: :func:`sklearn.base.clone` passes them on to every clone a search
fits, and each fit keeps its own record (best score, open file), so one callback
instance serves parallel fits. They act between epochs of the stochastic solvers;
``solver="lbfgs"`` has no epochs.

Ctrl-C during ``fit`` stops training after a warning and leaves a usable model;
with ``EarlyStopping(restore_best_weights=True)`` (or ``early_stopping=True``) it
holds the best weights seen so far, and a ``ModelCheckpoint`` file holds the best
model saved so far.
"""

from ._base import MONITORS, SknnCallback
from ._checkpoint import ModelCheckpoint
from ._logging import CSVLogger
from ._lr import LearningRateScheduler, ReduceLROnPlateau
from ._stopping import EarlyStopping, TerminateOnNaN
from ._tensorboard import TensorBoard

__all__ = [
    "MONITORS",
    "CSVLogger",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ReduceLROnPlateau",
    "SknnCallback",
    "TensorBoard",
    "TerminateOnNaN",
]
