"""Learning-rate schedules: they set ``optimizer.learning_rate`` between epochs.

scikit-learn's three (``constant``, ``invscaling``, ``adaptive``) keep its exact
arithmetic; ``exponential`` and ``cosine`` decay are Keras's per-epoch forms.
"""

import math

SCHEDULES = ("constant", "invscaling", "adaptive", "exponential", "cosine")


class Schedule:
    """Constant rate; the base of every schedule.

    ``epoch_end`` is called after each epoch with the number of samples seen so far
    (``t``) and the number of epochs done; ``on_plateau`` when the monitored quantity
    stopped improving, and returns whether training should stop.
    """

    def epoch_end(self, optimizer, t, epoch):
        """Update ``optimizer.learning_rate`` after an epoch."""

    def on_plateau(self, optimizer, verbose=False):
        """No improvement for ``n_iter_no_change`` epochs: stop (True) or go on."""
        return True


class InvScaling(Schedule):
    """``lr = lr_init / (t + 1) ** power_t``, with ``t`` the number of samples seen."""

    def __init__(self, power_t=0.5):
        self.power_t = power_t

    def epoch_end(self, optimizer, t, epoch):
        try:  # Python floats: an overflow raises here instead of warning in numpy
            scale = float(t + 1) ** float(self.power_t)
        except OverflowError:
            scale = math.inf
        # scikit-learn's expression; past float range the rate is its limit, 0
        optimizer.learning_rate = float(optimizer.learning_rate_init) / scale


class Adaptive(Schedule):
    """Divide the rate by 5 at each plateau; stop once it is at most 1e-6."""

    def on_plateau(self, optimizer, verbose=False):
        if optimizer.learning_rate <= 1e-6:
            return True
        optimizer.learning_rate /= 5.0
        if verbose:
            print(f"Setting learning rate to {optimizer.learning_rate:f}")
        return False


class ExponentialDecay(Schedule):
    """``lr = lr_init * decay_rate ** epoch``."""

    def __init__(self, decay_rate=0.96):
        self.decay_rate = decay_rate

    def epoch_end(self, optimizer, t, epoch):
        optimizer.learning_rate = optimizer.learning_rate_init * self.decay_rate**epoch


class CosineDecay(Schedule):
    """``lr = lr_init * (1 + cos(pi * epoch / n_epochs)) / 2``, reaching 0 at the end."""

    def __init__(self, n_epochs):
        self.n_epochs = max(int(n_epochs), 1)

    def epoch_end(self, optimizer, t, epoch):
        progress = min(epoch / self.n_epochs, 1.0)
        lr = 0.5 * optimizer.learning_rate_init * (1.0 + math.cos(math.pi * progress))
        optimizer.learning_rate = lr


def get(name, *, power_t=0.5, decay_rate=0.96, n_epochs=200):
    """The schedule called ``name`` (one of :data:`SCHEDULES`)."""
    if name == "constant":
        return Schedule()
    if name == "invscaling":
        return InvScaling(power_t)
    if name == "adaptive":
        return Adaptive()
    if name == "exponential":
        return ExponentialDecay(decay_rate)
    if name == "cosine":
        return CosineDecay(n_epochs)
    raise ValueError(f"learning_rate={name!r} is not one of {list(SCHEDULES)}")
