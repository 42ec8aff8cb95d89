"""Forward-mode vs reverse-mode autodiff on the textbook's graph, and why backprop is reverse

The textbook differentiates f(x, y) = (x + y)(2x - 3) at (x, y) = (1, 2):

* **forward mode** pushes a tangent along with every value, so one pass gives the
  derivative along one direction: df/dx needs a pass seeded with (dx, dy) = (1, 0),
  df/dy another seeded with (0, 1);
* **reverse mode** records the graph on the way forward and then sends df/df = 1
  backwards once, which yields df/dx and df/dy together.

A neural network's loss has one output and millions of inputs (its weights), so
reverse mode's one backward pass beats forward mode's one pass per weight: that is
backpropagation. The second half of this script counts passes for growing ``n``.

Run with ``python examples/autodiff_forward_vs_reverse.py``.
"""

import numpy as np

from sknn.autodiff import Dual, Variable, tanh


def f(x, y):
    """The textbook's function; works on floats, Variables and Duals alike."""
    return (x + y) * (2 * x - 3)


def textbook_forward_mode():
    """Print both partial derivatives by forward mode: one pass per input."""
    print("Forward mode: one pass per input direction")
    for name, (tx, ty) in {"x": (1.0, 0.0), "y": (0.0, 1.0)}.items():
        out = f(Dual(1.0, tx), Dual(2.0, ty))
        print(f"  seed (dx, dy) = ({tx:g}, {ty:g}) -> f = {out.value:g}, df/d{name} = {out.tangent:g}")


def textbook_reverse_mode():
    """Print both partial derivatives by reverse mode: one backward pass."""
    print("Reverse mode: one forward pass, then one backward pass")
    x, y = Variable(1.0), Variable(2.0)
    out = f(x, y)
    out.backward()
    print(f"  f = {out.value:g}, df/dx = {x.grad:g}, df/dy = {y.grad:g}")


def draw_graph():
    """Draw the computational graph with each node's value and its adjoint df/dnode."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("  (matplotlib is not installed: skipping the graph)")
        return
    x, y = Variable(1.0), Variable(2.0)
    s = x + y
    t = 2 * x
    u = t - 3
    out = s * u
    out.backward()  # every node's .grad is now df/dnode, its adjoint
    nodes = {  # name: (position, label, Variable)
        "x": ((0, 2), "x", x), "y": ((0, 0), "y", y),
        "s": ((2, 1), "s = x + y", s), "t": ((2, 3), "t = 2x", t),
        "u": ((4, 3), "u = t - 3", u), "f": ((6, 2), "f = s u", out),
    }
    edges = [("x", "s"), ("y", "s"), ("x", "t"), ("t", "u"), ("s", "f"), ("u", "f")]
    fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    for a, b in edges:
        (xa, ya), (xb, yb) = nodes[a][0], nodes[b][0]
        ax.annotate("", xy=(xb - 0.45, yb), xytext=(xa + 0.45, ya),
                    arrowprops=dict(arrowstyle="->", color="grey"))
    for (px, py), label, var in nodes.values():
        ax.text(px, py, f"{label}\nvalue {var.value:g}\nadjoint {var.grad:g}",
                ha="center", va="center", fontsize=10,
                bbox=dict(boxstyle="round", facecolor="#e8f0fb", edgecolor="C0"))
    ax.set(xlim=(-0.8, 6.8), ylim=(-0.8, 3.8))
    ax.axis("off")
    ax.set_title("f(x, y) = (x + y)(2x - 3) at (1, 2): values flow right (forward), "
                 "adjoints df/dnode flow left (reverse)", fontsize=10)
    plt.show()


class CountingLoss:
    """A small network-like loss of n weights that counts how often it is evaluated."""

    def __init__(self, n, seed=0):
        rng = np.random.default_rng(seed)
        self.X = rng.standard_normal((20, n))
        self.y = rng.standard_normal(20)
        self.calls = 0

    def __call__(self, w):
        self.calls += 1
        residual = tanh(self.X @ w) - self.y
        return (residual * residual).mean()


def count_passes(n):
    """Gradient of an n-weight loss both ways; return passes used and the largest gap."""
    w0 = np.random.default_rng(1).standard_normal(n) * 0.1
    loss = CountingLoss(n)
    w = Variable(w0)
    loss(w).backward()
    reverse_calls, reverse_grad = loss.calls, w.grad

    loss.calls = 0
    forward_grad = np.empty(n)
    for i in range(n):
        out = loss(Dual(w0, np.eye(n)[i]))  # tangent: unit vector along weight i
        forward_grad[i] = out.tangent
    return reverse_calls, loss.calls, np.max(np.abs(forward_grad - reverse_grad))


def main():
    """Run the textbook example, then the pass-count comparison."""
    textbook_forward_mode()
    textbook_reverse_mode()
    draw_graph()
    print("\nGradient of a loss with n weights (forward passes through the loss):")
    print(f"  {'n':>5} {'reverse':>8} {'forward':>8}  max |difference|")
    for n in (1, 10, 100, 1000):
        reverse_calls, forward_calls, gap = count_passes(n)
        # reverse also runs one backward pass, about as costly as a forward one
        print(f"  {n:>5} {reverse_calls:>8} {forward_calls:>8}  {gap:.1e}")
    print("Reverse mode stays at 1 forward + 1 backward pass; forward mode needs n.")


if __name__ == "__main__":
    main()
