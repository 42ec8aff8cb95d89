"""Input attributions drawn: bars per feature, or a heat map over the image."""

import numpy as np

from .. import inspection
from ._base import get_axes, import_pyplot

METHODS = {
    "integrated_gradients": inspection.integrated_gradients,
    "saliency": inspection.saliency,
    "gradient_x_input": inspection.gradient_x_input,
}


class AttributionDisplay:
    """How much each input value pushed one output, as bars or as a heat map.

    Tabular inputs get one horizontal bar per feature (the ``max_features`` largest
    in absolute value, largest on top; red pushes ``f`` up, blue down). Images (a
    convnet with inputs of height and width above 1) get a heat map of the
    attributions summed over channels, on a diverging colormap centred at 0 with a
    colorbar, and the image's outline drawn over it. Build it with
    :meth:`from_estimator`; see :mod:`sknn.inspection` for the methods.

    Parameters
    ----------
    attributions : ndarray of shape (n_features,) or (height, width)
        One value per feature, or per pixel.
    feature_names : list of str, default=None
        Bar labels; ``x0, x1, ...`` when None. Ignored for images.
    image : ndarray of shape (height, width), default=None
        The input, outlined over the heat map.
    title : str, default=None

    Attributes
    ----------
    bars_ : matplotlib BarContainer or None
        The bars (tabular inputs), else None.
    image_ : matplotlib AxesImage or None
        The heat map (images), else None.
    colorbar_ : matplotlib Colorbar or None
        The heat map's colorbar, else None.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.plotting import AttributionDisplay
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> clf = MLPClassifier((8,), solver="lbfgs", random_state=0).fit(X, y)
    >>> disp = AttributionDisplay.from_estimator(clf, X.iloc[:1], target=0)
    >>> [t.get_text() for t in disp.ax_.get_yticklabels()][-1] in X.columns
    True
    """

    def __init__(self, *, attributions, feature_names=None, image=None, title=None):
        self.attributions = attributions
        self.feature_names = feature_names
        self.image = image
        self.title = title

    @classmethod
    def from_estimator(cls, estimator, X, *, method="integrated_gradients", target=None,
                       response_method="auto", baseline=None, n_steps=50,
                       feature_names=None, max_features=20, ax=None, cmap="RdBu_r",
                       name=None):
        """Compute attributions of ``X`` and draw them (averaged over its rows).

        Parameters
        ----------
        estimator : estimator
            A fitted gradient-trained sknn estimator, or a Pipeline / fitted search
            ending in one (attributions are then over the network's input).
        X : {array-like, sparse matrix}
            Rows as ``predict`` takes them; pass one row (``X[:1]``) to explain one
            prediction. With several rows the drawn values are their mean.
        method : {"integrated_gradients", "saliency", "gradient_x_input"}, \
default="integrated_gradients"
        target, response_method
            As :func:`sknn.inspection.saliency`.
        baseline, n_steps
            As :func:`sknn.inspection.integrated_gradients` (that method only).
        feature_names : list of str, default=None
            Bar labels; the estimator's ``feature_names_in_`` (a Pipeline's
            ``get_feature_names_out`` before the network) when None and available.
        max_features : int, default=20
            Bars drawn at most.
        ax : matplotlib Axes, default=None
        cmap : str, default="RdBu_r"
            Diverging colormap: bars take its two ends, heat maps all of it.
        name : str, default=None
            Title prefix; the estimator's class name when None.

        Returns
        -------
        display : AttributionDisplay
        """
        if method not in METHODS:
            raise ValueError(f"method={method!r} is not one of {sorted(METHODS)}")
        if not isinstance(max_features, (int, np.integer)) or max_features < 1:
            raise ValueError(f"max_features must be a positive int, got {max_features!r}")
        kwargs = dict(target=target, response_method=response_method)
        if method == "integrated_gradients":
            kwargs.update(baseline=baseline, n_steps=n_steps)
        elif baseline is not None:
            raise ValueError(f"baseline is used by method='integrated_gradients' only, "
                             f"not by method={method!r}")
        attributions = METHODS[method](estimator, X, **kwargs)
        est, preprocess = inspection._unwrap(estimator)
        n = attributions.shape[0]
        shape = tuple(est.network_.input_shape)
        what = f"{method.replace('_', ' ')} for " + _output_name(estimator, est, X, target)
        title = f"{name or type(est).__name__}: {what}"
        if len(shape) == 3 and min(shape[:2]) > 1:  # an image: a heat map
            Xt = X if preprocess is None else preprocess.transform(X)
            image = np.asarray(Xt, dtype=float).reshape(n, *shape).mean(axis=(0, 3))
            values = attributions.reshape(n, *shape).sum(axis=3).mean(axis=0)
            disp = cls(attributions=values, image=image, title=title)
        else:
            names = _feature_names(est, preprocess, feature_names, attributions[0].size)
            disp = cls(attributions=attributions.reshape(n, -1).mean(axis=0),
                       feature_names=names, title=title)
        return disp.plot(ax=ax, max_features=max_features, cmap=cmap)

    def plot(self, ax=None, *, max_features=20, cmap="RdBu_r"):
        """Draw the bars or the heat map.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
        max_features : int, default=20
            Bars drawn at most (tabular inputs).
        cmap : str, default="RdBu_r"

        Returns
        -------
        display : AttributionDisplay
        """
        plt = import_pyplot("AttributionDisplay")
        self.figure_, self.ax_ = get_axes(plt, ax)
        self.bars_ = self.image_ = self.colorbar_ = None
        values = np.asarray(self.attributions, dtype=float)
        if values.ndim == 2:
            self._heat_map(values, plt.get_cmap(cmap))
        else:
            self._bars(values, plt.get_cmap(cmap), max_features)
        if self.title:
            self.ax_.set_title(self.title, fontsize="medium")
        return self

    def _bars(self, values, cmap, max_features):
        names = self.feature_names
        if names is None:
            names = [f"x{j}" for j in range(values.size)]
        order = np.argsort(-np.abs(values), kind="stable")[:max_features][::-1]
        colors = [cmap(0.85) if v > 0 else cmap(0.15) for v in values[order]]
        self.bars_ = self.ax_.barh(np.arange(order.size), values[order], color=colors)
        self.ax_.set_yticks(np.arange(order.size), [str(names[j]) for j in order])
        self.ax_.axvline(0, color="0.3", linewidth=0.8)
        self.ax_.set_xlabel("attribution")

    def _heat_map(self, values, cmap):
        limit = float(np.abs(values).max()) or 1.0  # symmetric: white is exactly 0
        self.image_ = self.ax_.imshow(values, cmap=cmap, vmin=-limit, vmax=limit,
                                      interpolation="nearest")
        self.colorbar_ = self.figure_.colorbar(self.image_, ax=self.ax_, label="attribution")
        image = None if self.image is None else np.asarray(self.image, dtype=float)
        if image is not None and np.ptp(image) > 0:
            level = image.min() + 0.5 * np.ptp(image)  # the stroke's outline
            self.ax_.contour(image, levels=[level], colors="0.2", linewidths=0.8)
        self.ax_.set_xticks([])
        self.ax_.set_yticks([])


def _output_name(estimator, est, X, target):
    """Words for the title: which output the attributions explain."""
    classifier = hasattr(est, "classes_")
    if target is None and classifier and np.shape(X)[0] == 1:
        label = np.asarray(estimator.predict(X)).ravel()[0].item()
        return f"class {label!r} (predicted)"
    if target is None:
        return "the predicted classes" if classifier else "the prediction"
    if np.ndim(target) > 0:
        return "the given targets"
    target = np.asarray(target).item()  # a Python scalar: repr without np.int64(...)
    return f"class {target!r}" if classifier else f"output {target}"


def _feature_names(est, preprocess, names, n_features):
    """Names of the network's input features, checked against their number."""
    if names is None and preprocess is not None:
        try:
            names = preprocess.get_feature_names_out()
        except (AttributeError, ValueError):  # a step that cannot name its outputs
            names = None
    elif names is None:
        names = getattr(est, "feature_names_in_", None)
    if names is not None and len(names) != n_features:
        raise ValueError(f"feature_names has {len(names)} entries, but the network has "
                         f"{n_features} input features")
    return names
