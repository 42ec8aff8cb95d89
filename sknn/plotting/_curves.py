"""Curves over training epochs: training and validation loss, validation score, per-layer
gradient norms."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..diagnostics import GradientNormHistory
from ._base import estimator_name, final_estimator, get_axes, import_pyplot


class LossCurveDisplay:
    """Training and validation loss per epoch, with the validation score beside them.

    Build it with :meth:`from_estimator`; the constructor only stores the curves.
    An estimator fitted with ``early_stopping=True`` keeps the loss on its held-out
    data in ``validation_loss_curve_``: it is drawn dash-dotted in the training loss's
    colour on the same y-axis (the two losses follow one formula, penalty included, so
    their gap is the generalization gap). Its validation scores
    (``validation_scores_``: accuracy for classifiers, R² for regressors) are drawn
    dashed in that colour against a second y-axis on the right, with a dotted vertical
    line at the best-scored epoch, whose weights the estimator keeps. Displays drawn on
    the same axes share that second axis, so several estimators compare on one plot.
    Non-finite values (a diverging fit) leave gaps.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Training loss at the end of each epoch.
    validation_scores : array-like of shape (n_epochs,), default=None
        Held-out score at the end of each epoch, or None.
    validation_loss_curve : array-like of shape (n_epochs,), default=None
        Held-out loss at the end of each epoch, or None.
    estimator_name : str, default=None
        Used in the legend.

    Attributes
    ----------
    loss_line_ : matplotlib Line2D
    validation_loss_line_ : matplotlib Line2D or None
        None without a validation loss curve.
    score_line_ : matplotlib Line2D or None
        None without validation scores.
    ax_ : matplotlib Axes
        The axes of the loss curves.
    score_ax_ : matplotlib Axes or None
        The twin axes of the validation score (shares the x-axis with ``ax_``).
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.plotting import LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((16,), early_stopping=True, max_iter=50, random_state=0)
    >>> disp = LossCurveDisplay.from_estimator(clf.fit(X, y))
    >>> disp.ax_.get_xlabel(), disp.ax_.get_ylabel()
    ('epoch', 'loss')
    >>> [line.get_label() for line in disp.ax_.get_lines()]
    ['training loss (MLPClassifier)', 'validation loss (MLPClassifier)']
    """

    def __init__(self, *, loss_curve, validation_scores=None, validation_loss_curve=None,
                 estimator_name=None):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.validation_loss_curve = validation_loss_curve
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, loss_kw=None, score_kw=None,
                       validation_loss_kw=None):
        """Draw the curves of a fitted estimator.

        Parameters
        ----------
        estimator : estimator
            A fitted sknn network estimator trained by a stochastic solver, or a
            Pipeline / fitted search ending in one.
        ax : matplotlib Axes, default=None
            Where to draw the losses; a new figure when None.
        name : str, default=None
            Legend label; the estimator's class name when None.
        loss_kw, score_kw, validation_loss_kw : dict, default=None
            Keyword arguments for the ``Axes.plot`` calls of the training loss, the
            validation score and the validation loss.

        Returns
        -------
        display : LossCurveDisplay
        """
        est = final_estimator(estimator)
        check_is_fitted(est)
        curve = getattr(est, "loss_curve_", None)
        if not curve:
            raise ValueError(f"{type(est).__name__} has no loss_curve_: one is recorded "
                             "only by the stochastic solvers, not by 'lbfgs'.")
        disp = cls(loss_curve=list(curve),
                   validation_scores=getattr(est, "validation_scores_", None),
                   validation_loss_curve=getattr(est, "validation_loss_curve_", None),
                   estimator_name=name or estimator_name(estimator))
        return disp.plot(ax=ax, loss_kw=loss_kw, score_kw=score_kw,
                         validation_loss_kw=validation_loss_kw)

    def plot(self, ax=None, *, loss_kw=None, score_kw=None, validation_loss_kw=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw the losses; a new figure when None.
        loss_kw, score_kw, validation_loss_kw : dict, default=None
            Keyword arguments for the ``Axes.plot`` calls of the training loss, the
            validation score and the validation loss.

        Returns
        -------
        display : LossCurveDisplay
            ``self``, with ``figure_``, ``ax_`` and the lines set.
        """
        plt = import_pyplot("LossCurveDisplay")
        self.figure_, self.ax_ = get_axes(plt, ax)
        suffix = f" ({self.estimator_name})" if self.estimator_name else ""
        (self.loss_line_,) = self.ax_.plot(
            _epochs(self.loss_curve), self.loss_curve,
            **{"label": "training loss" + suffix, **(loss_kw or {})})
        color = self.loss_line_.get_color()
        self.ax_.set_xlabel("epoch")
        self.validation_loss_line_ = None
        if _has_values(self.validation_loss_curve):
            (self.validation_loss_line_,) = self.ax_.plot(
                _epochs(self.validation_loss_curve), self.validation_loss_curve,
                **{"color": color, "linestyle": "-.", "label": "validation loss" + suffix,
                   **(validation_loss_kw or {})})
        self.ax_.set_ylabel("loss" if self.validation_loss_line_ else "training loss")
        self.score_ax_ = self.score_line_ = None
        if _has_values(self.validation_scores):
            self._plot_scores(color, suffix, score_kw)
        self._draw_legend()
        return self

    def _plot_scores(self, color, suffix, score_kw):
        # Several displays drawn on one axes share one validation-score axis.
        self.score_ax_ = _twin_of(self.ax_) or self.ax_.twinx()
        scores = np.asarray(self.validation_scores, dtype=float)
        (self.score_line_,) = self.score_ax_.plot(
            _epochs(scores), scores,
            **{"color": color, "linestyle": "--", "label": "validation score" + suffix,
               **(score_kw or {})})
        finite = np.where(np.isfinite(scores), scores, -np.inf)
        if np.isfinite(finite).any():  # the first best epoch: the one early stopping keeps
            self.score_ax_.axvline(int(np.argmax(finite)) + 1, color=color, linestyle=":",
                                   linewidth=1)
        self.score_ax_.set_ylabel("validation score")

    def _draw_legend(self):
        twin = _twin_of(self.ax_)
        lines = [ln for a in (self.ax_, twin) if a is not None
                 for ln in a.get_lines() if not ln.get_label().startswith("_")]
        # The legend goes on the top-most axes, or the twin's lines would hide it.
        for a in (self.ax_, twin):
            if a is not None and a.get_legend() is not None:
                a.get_legend().remove()
        (twin or self.ax_).legend(lines, [ln.get_label() for ln in lines],
                                  loc="center right")


def _has_values(curve):
    return curve is not None and len(curve) > 0


def _epochs(curve):
    """x-values of a per-epoch curve: epochs counted from 1."""
    return np.arange(1, len(curve) + 1)


def _twin_of(ax):
    """The twin axes (same position, shared x) made by an earlier display, if any."""
    for other in ax.get_shared_x_axes().get_siblings(ax):
        if (other is not ax and other.figure is ax.figure
                and other.get_position().bounds == ax.get_position().bounds
                and other.yaxis.get_label_position() == "right"):
            return other
    return None


class GradientNormDisplay:
    """Per-layer gradient norms recorded by :class:`~sknn.diagnostics.GradientNormHistory`.

    ``kind="epochs"`` draws one line per layer over the epochs; ``kind="layers"``
    draws the norm against depth (input layer on the left): the median over epochs,
    with a band over the middle half of the epochs (25th to 75th percentile). That
    shape shows gradients vanishing (falling towards the input) or exploding. The
    y-axis is logarithmic.

    Parameters
    ----------
    norms : array-like of shape (n_epochs, n_layers)
    layer_names : list of str of length n_layers
    estimator_name : str, default=None

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.diagnostics import GradientNormHistory
    >>> from sknn.plotting import GradientNormDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((8, 8), max_iter=20, random_state=0)
    >>> clf = clf.set_callbacks(GradientNormHistory()).fit(X, y)
    >>> disp = GradientNormDisplay.from_estimator(clf, kind="layers")
    >>> len(disp.layer_names)
    3
    """

    def __init__(self, *, norms, layer_names, estimator_name=None):
        self.norms = norms
        self.layer_names = layer_names
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, kind="epochs", ax=None, name=None):
        """Draw the history recorded while ``estimator`` was fitted.

        Parameters
        ----------
        estimator : estimator
            Fitted with a :class:`~sknn.diagnostics.GradientNormHistory` among its
            callbacks (``est.set_callbacks(GradientNormHistory())`` before ``fit``); a
            Pipeline or fitted search ending in one works too.
        kind : {"epochs", "layers"}, default="epochs"
        ax : matplotlib Axes, default=None
        name : str, default=None
            Title; the estimator's class name when None.

        Returns
        -------
        display : GradientNormDisplay
        """
        est = final_estimator(estimator)
        found = [cb for cb in getattr(est, "_skl_callbacks", [])
                 if isinstance(cb, GradientNormHistory)]
        if not found or not len(found[0].norms_):
            raise ValueError(
                f"{type(est).__name__} recorded no gradient norms: call "
                "est.set_callbacks(GradientNormHistory()) before fit, or use "
                "GradientNormDisplay.from_history(history).")
        return cls.from_history(found[0], kind=kind, ax=ax,
                                name=name or estimator_name(estimator))

    @classmethod
    def from_history(cls, history, *, kind="epochs", ax=None, name=None):
        """Draw a :class:`~sknn.diagnostics.GradientNormHistory` directly.

        Parameters
        ----------
        history : GradientNormHistory
        kind : {"epochs", "layers"}, default="epochs"
        ax : matplotlib Axes, default=None
        name : str, default=None

        Returns
        -------
        display : GradientNormDisplay
        """
        disp = cls(norms=history.norms_, layer_names=list(history.layer_names_),
                   estimator_name=name)
        return disp.plot(ax=ax, kind=kind)

    def plot(self, ax=None, *, kind="epochs", cmap="viridis"):
        """Draw the norms.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
        kind : {"epochs", "layers"}, default="epochs"
        cmap : str, default="viridis"
            Colormap running from the input layer to the output layer
            (``kind="epochs"``).

        Returns
        -------
        display : GradientNormDisplay
        """
        if kind not in ("epochs", "layers"):
            raise ValueError(f"kind={kind!r} is not one of ['epochs', 'layers']")
        plt = import_pyplot("GradientNormDisplay")
        norms = np.asarray(self.norms, dtype=float)
        self.figure_, self.ax_ = get_axes(plt, ax)
        if kind == "epochs":
            colors = plt.get_cmap(cmap)(np.linspace(0, 0.9, norms.shape[1]))
            epochs = np.arange(1, norms.shape[0] + 1)
            self.lines_ = [self.ax_.plot(epochs, norms[:, j], color=colors[j], label=label)[0]
                           for j, label in enumerate(self.layer_names)]
            self.ax_.set_xlabel("epoch")
            self.ax_.legend(fontsize="small", title="layer (input first)")
        else:
            depth = np.arange(1, norms.shape[1] + 1)
            label = self.estimator_name or "median over epochs"
            low, mid, high = np.percentile(norms, [25, 50, 75], axis=0)
            self.lines_ = self.ax_.plot(depth, mid, marker="o", label=label)
            self.ax_.fill_between(depth, low, high, color=self.lines_[0].get_color(),
                                  alpha=0.2)
            self.ax_.set_xticks(depth)
            self.ax_.set_xlabel("layer (1 = next to the input)")
            self.ax_.legend()
        self.ax_.set_yscale("log")
        self.ax_.set_ylabel("gradient norm")
        if self.estimator_name and kind == "epochs":
            self.ax_.set_title(self.estimator_name)
        return self
