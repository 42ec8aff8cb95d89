"""Convolutional network classifier on the NumPy core (channels-last images).

Everything but the output (parameters, input shapes, layers) is
:class:`~sknn._convnet_base._ConvNetMixin`.
"""

from ._base import BaseNetwork
from ._classifier import NetworkClassifierMixin
from ._convnet_base import ATTRS_DOC, NOTES_DOC, PARAMS_DOC, _ConvNetMixin


class ConvNetClassifier(_ConvNetMixin, NetworkClassifierMixin, BaseNetwork):
    __doc__ = (
        """Convolutional neural network classifier (scikit-learn compatible).

    The network is ``[Conv2D -> (BatchNormalization) -> activation -> pool ->
    (SpatialDropout2D)] * len(filters) -> Flatten -> [Dense -> (Dropout)] *
    len(dense_layers) -> Dense(n_classes)``, trained by the same minibatch loop as
    :class:`~sknn.MLPClassifier` with a softmax (or logistic) log-loss output.
"""
        + PARAMS_DOC
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
    """
    )

