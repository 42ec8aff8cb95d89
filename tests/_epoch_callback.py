"""A scikit-learn callback that runs one method at the end of every epoch (test helper).

scikit-learn's callback protocol has four hooks; the test witnesses only need the
epoch's end, so they subclass this and implement :meth:`EpochCallback.on_epoch`.
"""

import copy


class EpochCallback:
    """Calls ``on_epoch(estimator)`` after each epoch; its return value asks to stop."""

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.task_name == "epoch":
            return self.on_epoch(estimator)
        return False

    def on_epoch(self, estimator):
        raise NotImplementedError


class NetworkRecorder(EpochCallback):
    """Keeps a copy of the network (weights and batch-norm statistics) at the end of
    every epoch."""

    def __init__(self):
        self.networks = []

    def on_epoch(self, estimator):
        self.networks.append(copy.deepcopy(estimator.network_))
