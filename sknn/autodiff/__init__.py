"""Forward- and reverse-mode automatic differentiation, for teaching and as a test oracle.

* :class:`Variable` (reverse mode) builds a graph and fills every input's ``grad`` in
  one backward pass: the algorithm backpropagation specializes.
* :class:`Dual` (forward mode) carries one directional derivative along with each
  value: one pass per input direction.

Both wrap float64 NumPy arrays, broadcast like NumPy, and support ``+ - * / **``,
unary ``-``, ``@``, ``.sum()``, ``.mean()``, ``.T`` and the functions below, which
also accept plain numbers and arrays (then they are NumPy's).

Examples
--------
>>> from sknn.autodiff import Variable, tanh
>>> w = Variable([0.5, -1.0])
>>> loss = tanh(w @ [2.0, 1.0]) ** 2
>>> loss.backward()
>>> w.grad.shape
(2,)
"""

import numpy as np

from .forward import Dual
from .forward import gradient as forward_gradient
from .reverse import Variable
from .reverse import gradient as reverse_gradient

__all__ = [
    "Dual",
    "Variable",
    "exp",
    "forward_gradient",
    "log",
    "relu",
    "reverse_gradient",
    "sigmoid",
    "tanh",
]


def _elementwise(name, numpy_version):
    """Function ``name(x)`` calling ``x.name()`` on Variable/Dual, NumPy otherwise."""

    def function(x):
        if isinstance(x, (Variable, Dual)):
            return getattr(x, name)()
        return numpy_version(np.asarray(x, dtype=np.float64))

    function.__name__ = name
    function.__doc__ = f"Elementwise {name} of a Variable, a Dual, or an array."
    return function


exp = _elementwise("exp", np.exp)
log = _elementwise("log", np.log)
tanh = _elementwise("tanh", np.tanh)
sigmoid = _elementwise("sigmoid", lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)))
relu = _elementwise("relu", lambda z: np.maximum(z, 0.0))
