"""Plots of sknn models, following scikit-learn's Display convention.

Each ``XDisplay.from_estimator(est, ...)`` computes what to draw from a fitted
estimator (a Pipeline or a fitted search ending in one works too), draws it, and
returns the display; ``display.plot(ax=...)`` draws it again elsewhere. The drawn
objects are in ``display.figure_`` and ``display.ax_``.

matplotlib is an optional dependency (``pip install matplotlib``, or
``pip install ".[plots]"`` from a checkout); it is imported only when something is drawn. Decision boundaries need no sknn class: use
:class:`sklearn.inspection.DecisionBoundaryDisplay` with any sknn classifier.
"""

from ._attributions import AttributionDisplay
from ._conv import ConvFiltersDisplay, FeatureMapsDisplay
from ._curves import GradientNormDisplay, LossCurveDisplay

__all__ = ["AttributionDisplay", "ConvFiltersDisplay", "FeatureMapsDisplay",
           "GradientNormDisplay", "LossCurveDisplay"]
