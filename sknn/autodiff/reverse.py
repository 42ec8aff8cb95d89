"""Reverse-mode automatic differentiation: a computation graph of :class:`Variable`.

Every operation records its inputs and a closure that, given the gradient of the
final output with respect to its own result, adds its contribution to each input's
``grad`` (the chain rule, one edge at a time). :meth:`Variable.backward` visits the
graph once, in reverse topological order, so every gradient of a scalar output costs
a single backward pass, however many inputs there are.

Values are float64 NumPy arrays (0-d for scalars). Binary operators broadcast like
NumPy; the gradient flowing into an operand that was broadcast is summed back to
that operand's shape.

Examples
--------
>>> from sknn.autodiff import Variable
>>> x, y = Variable(1.0), Variable(2.0)
>>> f = (x + y) * (2 * x - 3)
>>> f.backward()
>>> float(x.grad), float(y.grad)
(5.0, -1.0)
"""

import numpy as np

from ._operators import DerivedOperators


def as_float_array(x, what):
    """``x`` as a float64 array, or a TypeError naming ``what`` when it is not numeric."""
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be a number or numeric array, got {type(x).__name__}") from exc


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``, undoing NumPy broadcasting of an operand.

    Broadcasting copies an operand along new leading axes and along its size-1 axes;
    each copy contributed to the output, so their gradients add up.
    """
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def matmul_operands(a, b):
    """2-D views of the operands of ``a @ b`` (vectors become a row / a column).

    Raises ValueError for anything but 1-D or 2-D operands with matching inner sizes.
    """
    if a.ndim not in (1, 2) or b.ndim not in (1, 2):
        raise ValueError(
            f"@ supports 1-D and 2-D operands only, got shapes {a.shape} and {b.shape}"
        )
    a2 = a if a.ndim == 2 else a[None, :]
    b2 = b if b.ndim == 2 else b[:, None]
    if a2.shape[1] != b2.shape[0]:
        raise ValueError(f"@ inner dimensions differ: shapes {a.shape} and {b.shape}")
    return a2, b2


class Variable(DerivedOperators):
    """A node of a reverse-mode computation graph.

    Parameters
    ----------
    value : float or array-like
        The node's value, stored as a float64 array (never the caller's array
        itself, so later in-place edits by either side cannot leak across).

    Attributes
    ----------
    value : ndarray of any shape
        The forward value.
    grad : ndarray of the shape of ``value``
        d(output)/d(this node) after the output's :meth:`backward`; zeros before.
    """

    # Makes ``ndarray + Variable`` call Variable.__radd__ instead of looping over it.
    __array_priority__ = 1000

    def __init__(self, value, _parents=(), _op=""):
        self.value = np.array(as_float_array(value, "value"))
        self.grad = np.zeros_like(self.value)
        self._parents = _parents
        self._backward = lambda: None
        self._op = _op

    def __repr__(self):
        return f"Variable({self.value!r}, op={self._op!r})"

    @property
    def shape(self):
        """tuple of int : shape of ``value``."""
        return self.value.shape

    # -- binary operators ------------------------------------------------------------
    def __add__(self, other):
        other = _lift(other)
        out = Variable(self.value + other.value, (self, other), "+")

        def _backward():
            self.grad += unbroadcast(out.grad, self.shape)
            other.grad += unbroadcast(out.grad, other.shape)

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _lift(other)
        out = Variable(self.value * other.value, (self, other), "*")

        def _backward():
            self.grad += unbroadcast(out.grad * other.value, self.shape)
            other.grad += unbroadcast(out.grad * self.value, other.shape)

        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = _lift(other)
        out = Variable(self.value / other.value, (self, other), "/")

        def _backward():
            self.grad += unbroadcast(out.grad / other.value, self.shape)
            # d(a/b)/db = -a / b**2 = -(a/b) / b
            other.grad += unbroadcast(-out.grad * out.value / other.value, other.shape)

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, Variable):
            # a**b = exp(b log a) covers a variable exponent (a > 0 required)
            return (exponent * self.log()).exp()
        p = as_float_array(exponent, "exponent")
        out = Variable(self.value**p, (self,), "**")

        def _backward():
            self.grad += unbroadcast(out.grad * p * self.value ** (p - 1), self.shape)

        out._backward = _backward
        return out

    def __rpow__(self, base):
        return Variable(base) ** self

    def __matmul__(self, other):
        other = _lift(other)
        matmul_operands(self.value, other.value)
        out = Variable(self.value @ other.value, (self, other), "@")

        def _backward():
            a2, b2 = matmul_operands(self.value, other.value)
            g = out.grad.reshape(a2.shape[0], b2.shape[1])
            self.grad += (g @ b2.T).reshape(self.shape)
            other.grad += (a2.T @ g).reshape(other.shape)

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1.0


    # -- reductions and shape ----------------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis`` (all axes by default), like :func:`numpy.sum`."""
        out = Variable(np.sum(self.value, axis=axis, keepdims=keepdims), (self,), "sum")

        def _backward():
            g = out.grad
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            # every summed element received the same upstream gradient
            self.grad += np.broadcast_to(g, self.shape)

        out._backward = _backward
        return out

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis`` (all axes by default)."""
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (total.value.size / self.value.size)

    @property
    def T(self):
        """Variable : the transpose (reversed axes)."""
        out = Variable(self.value.T, (self,), "T")

        def _backward():
            self.grad += out.grad.T

        out._backward = _backward
        return out

    # -- elementwise functions ---------------------------------------------------------
    def _unary(self, value, local_derivative, op):
        """Node ``op(self)`` whose derivative, elementwise, is ``local_derivative``."""
        out = Variable(value, (self,), op)

        def _backward():
            self.grad += out.grad * local_derivative

        out._backward = _backward
        return out

    def exp(self):
        """Elementwise e**x."""
        e = np.exp(self.value)
        return self._unary(e, e, "exp")

    def log(self):
        """Elementwise natural logarithm."""
        return self._unary(np.log(self.value), 1.0 / self.value, "log")

    def tanh(self):
        """Elementwise hyperbolic tangent."""
        t = np.tanh(self.value)
        return self._unary(t, 1.0 - t * t, "tanh")

    def sigmoid(self):
        """Elementwise logistic function 1 / (1 + e**-x)."""
        # written with tanh so that large |x| neither overflows nor divides by zero
        s = 0.5 * (1.0 + np.tanh(0.5 * self.value))
        return self._unary(s, s * (1.0 - s), "sigmoid")

    def relu(self):
        """Elementwise max(x, 0); the derivative at 0 is taken as 0."""
        positive = self.value > 0
        return self._unary(np.where(positive, self.value, 0.0), positive * 1.0, "relu")

    # -- the reverse pass --------------------------------------------------------------
    def backward(self, seed=None):
        """Fill ``grad`` of every node this one depends on, in one reverse pass.

        Gradients of all nodes in the graph are reset first, so calling ``backward``
        twice gives the same result rather than doubling it.

        Parameters
        ----------
        seed : array-like of the shape of ``value``, optional
            d(loss)/d(this node). Defaults to 1, which is only meaningful for a
            scalar (size-1) output.
        """
        if seed is None:
            if self.value.size != 1:
                raise ValueError(
                    f"backward() on an output of shape {self.shape} needs a seed "
                    "gradient of that shape; only scalar outputs default to seed 1."
                )
            seed = 1.0
        seed = as_float_array(seed, "seed")
        if seed.size != 1 and seed.shape != self.shape:
            raise ValueError(f"seed has shape {seed.shape}, expected the output's {self.shape}")
        order = self._topological_order()
        for node in order:
            node.grad = np.zeros_like(node.value)
        self.grad = np.array(np.broadcast_to(seed, self.shape), dtype=np.float64)
        for node in reversed(order):
            node._backward()

    def _topological_order(self):
        """Nodes reachable from ``self``, each after all of its parents."""
        order, seen, stack = [], set(), [(self, False)]
        # iterative depth-first search: deep graphs would exceed Python's recursion limit
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._parents if id(p) not in seen)
        return order


_lift = Variable._lift  # constants become Variables with zero derivative


def gradient(f, *inputs):
    """Gradient of a scalar function by one reverse pass.

    Parameters
    ----------
    f : callable
        Takes as many :class:`Variable` as ``inputs`` and returns a scalar Variable.
    *inputs : float or array-like
        Point at which to differentiate.

    Returns
    -------
    grads : tuple of ndarray
        ``grads[i]`` has the shape of ``inputs[i]``.
    """
    variables = [Variable(x) for x in inputs]
    f(*variables).backward()
    return tuple(v.grad for v in variables)
