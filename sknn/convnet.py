"""Convolutional networks on the NumPy core (channels-last images): classifier and regressor.

Both are :class:`~sknn._convnet_base._ConvNetMixin` (parameters, input shapes, layers)
on the shared classifier or regressor output, as the two MLPs are.
"""

from sklearn.utils._param_validation import StrOptions

from ._base import BaseNetwork, store_arguments
from ._class_weight import CLASS_WEIGHT_CONSTRAINT
from ._classifier import NetworkClassifierMixin
from ._convnet_base import ATTRS_DOC, NOTES_DOC, PARAMS_DOC, _ConvNetMixin
from ._regressor import LOSS_DOC, REGRESSION_LOSSES, NetworkRegressorMixin
from ._transform import HiddenRepresentationMixin


class ConvNetClassifier(HiddenRepresentationMixin, _ConvNetMixin, NetworkClassifierMixin,
                        BaseNetwork):
    __doc__ = (
        """Convolutional neural network classifier (scikit-learn compatible).

    The network is ``[Conv2D -> (BatchNormalization) -> activation -> pool ->
    (SpatialDropout2D)] * len(filters) -> Flatten -> [Dense -> (Dropout)] *
    len(dense_layers) -> Dense(n_classes)``, trained by the same minibatch loop as
    :class:`~sknn.MLPClassifier` with a softmax (or logistic) log-loss output.
"""
        + PARAMS_DOC
        + """    class_weight : dict, "balanced" or None, default=None
        Weight of each class's samples, multiplied into ``sample_weight``, as in
        :class:`~sknn.MLPClassifier` ("balanced" is ``n_samples / (n_classes *
        bincount(y))``; ``partial_fit`` takes a dict only).
"""
        + ATTRS_DOC
        + """    classes_ : ndarray of shape (n_classes,)
"""
        + NOTES_DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sknn import ConvNetClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ConvNetClassifier(input_shape=(8, 8), filters=(16,), dense_layers=(32,),
    ...                         max_iter=10, random_state=0)
    >>> clf.fit(X[:1000] / 16, y[:1000]).score(X[1000:] / 16, y[1000:]) > 0.88
    True
    >>> clf.predict_proba(X[:2] / 16).shape
    (2, 10)
    >>> clf.transform(X[:2] / 16).shape  # the dense hidden layer, as features
    (2, 32)
    >>> clf.transform(X[:2] / 16).shape  # the dense hidden layer, as features
    (2, 32)
    """
    )


    _parameter_constraints = {
        **_ConvNetMixin._parameter_constraints,
        "class_weight": CLASS_WEIGHT_CONSTRAINT,
    }

    def __init__(self, input_shape=None, filters=(32, 64), kernel_size=3, strides=1, *,
                 padding="same", pool="max", pool_size=2, batch_norm=False,
                 spatial_dropout=0.0, dense_layers=(128,), dropout=0.0, activation="relu",
                 layers=None, solver="adam", alpha=0.0001, l1=0.0, batch_size=64,
                 learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
                 max_iter=10, shuffle=True, random_state=None, tol=1e-4, verbose=False,
                 warm_start=False, momentum=0.9, nesterovs_momentum=True,
                 early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, max_norm=None, clipnorm=None,
                 kernel_initializer="auto", dtype="float32", class_weight=None):
        store_arguments(self, locals())

class ConvNetRegressor(HiddenRepresentationMixin, _ConvNetMixin, NetworkRegressorMixin,
                       BaseNetwork):
    __doc__ = (
        """Convolutional neural network regressor (scikit-learn compatible).

    The network of :class:`~sknn.ConvNetClassifier` (same parameters, input formats,
    layers and callbacks) ending in ``Dense(n_outputs)`` with an identity output
    (``exp`` for ``loss="poisson"``), trained with the losses of
    :class:`~sknn.MLPRegressor`. With ``dropout``, ``predict(X, mc_samples=k,
    return_std=True)`` also gives the spread of ``k`` Monte Carlo dropout passes.
"""
        + PARAMS_DOC.replace("\n    padding :", LOSS_DOC + "    padding :", 1)
        + ATTRS_DOC
        + NOTES_DOC
        + """
    Examples
    --------
    The mean brightness of each digit's top-left quadrant, learned from the images:

    >>> from sklearn.datasets import load_digits
    >>> from sknn import ConvNetRegressor
    >>> X = load_digits().images / 16
    >>> y = X[:, :4, :4].mean(axis=(1, 2))
    >>> reg = ConvNetRegressor(filters=(8,), dense_layers=(32,), pool="avg", batch_size=32,
    ...                        learning_rate_init=0.01, max_iter=20, random_state=0)
    >>> reg.fit(X[:1000], y[:1000]).score(X[1000:], y[1000:]) > 0.9
    True
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> reg.transform(X[:2]).shape  # the dense hidden layer, as features
    (2, 32)
    """
    )

    _parameter_constraints = {
        **_ConvNetMixin._parameter_constraints,
        "loss": [StrOptions(set(REGRESSION_LOSSES))],
    }

    def __init__(self, input_shape=None, filters=(32, 64), kernel_size=3, strides=1, *,
                 loss="squared_error", padding="same", pool="max", pool_size=2,
                 batch_norm=False, spatial_dropout=0.0, dense_layers=(128,), dropout=0.0,
                 activation="relu", layers=None, solver="adam", alpha=0.0001, l1=0.0,
                 batch_size=64, learning_rate="constant", learning_rate_init=0.001,
                 power_t=0.5, max_iter=10, shuffle=True, random_state=None, tol=1e-4,
                 verbose=False, warm_start=False, momentum=0.9, nesterovs_momentum=True,
                 early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, max_norm=None, clipnorm=None,
                 kernel_initializer="auto", dtype="float32"):
        store_arguments(self, locals())
