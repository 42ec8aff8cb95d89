"""Operators both autodiff modes derive from their primitives (+, unary -, /, @)."""


class DerivedOperators:
    """Subtraction and the reflected operators, written once for both modes.

    A subclass defines ``__add__``, ``__mul__``, ``__neg__``, ``__truediv__`` and
    ``__matmul__``, and its constructor takes a constant alone (zero derivative).
    """

    @classmethod
    def _lift(cls, x):
        """Wrap a constant operand in the subclass."""
        return x if isinstance(x, cls) else cls(x)

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __rsub__(self, other):
        return self._lift(other) + (-self)

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __rmatmul__(self, other):
        return self._lift(other) @ self

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other
