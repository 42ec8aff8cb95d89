"""The perceptron's learning rule, step by step, then a two-unit cat/dog perceptron

Part 1 replays the textbook's worked example: two threshold logic units (cat, dog)
start with every weight at 1, see one sample x = (0.5, 1) labelled cat = [1, 0], and
update with eta = 0.1:

    theta_ij <- theta_ij + eta * (y_j - a_j) * x_i        (x_0 = 1 feeds the bias)

Part 2 trains the same two units on made-up animals and shows what the textbook warns
about: the units decide independently, so an animal can come out "cat and dog" (both
fire) or "neither". In the figure the two units' lines leave a band between them
where neither fires; with other data or another seed the band is one where both fire.

Run with ``python examples/plot_perceptron.py``; the plot needs matplotlib and is
skipped without it.
"""

import numpy as np

from sknn import ThresholdPerceptron


def worked_example():
    """Print one update of the textbook's example by hand and check the estimator agrees."""
    x, y, eta = np.array([0.5, 1.0]), np.array([1, 0]), 0.1
    W, b = np.ones((2, 2)), np.ones(2)  # rows: cat unit, dog unit
    print("Part 1: the worked example (x = (0.5, 1), label cat = [1, 0], eta = 0.1)")
    print(f"  start:  W = {W.tolist()}, b = {b.tolist()}")
    z = W @ x + b
    a = (z > 0).astype(int)
    print(f"  scores z = W x + b = {z.tolist()} -> outputs a = {a.tolist()}")
    error = y - a
    print(f"  errors y - a = {error.tolist()}: only the dog unit was wrong")
    W += eta * np.outer(error, x)
    b += eta * error
    print(f"  update: W = {W.round(6).tolist()}, b = {b.round(6).tolist()}")
    model = ThresholdPerceptron(init="ones", eta0=0.1, shuffle=False, max_iter=1, tol=None)
    model.fit([x], [y])
    agrees = np.array_equal(model.coef_, W) and np.array_equal(model.intercept_, b)
    print(f"  ThresholdPerceptron gives coef_ = {model.coef_.tolist()}, "
          f"intercept_ = {model.intercept_.tolist()} (agrees: {agrees})")  # fmt: skip
    return model


def animals(n=40, seed=0):
    """Made-up animals: features (ear pointiness, body size), labels [cat, dog]."""
    rng = np.random.default_rng(seed)
    cats = rng.normal([0.8, 0.3], 0.1, size=(n, 2))
    dogs = rng.normal([0.4, 0.7], 0.1, size=(n, 2))
    X = np.vstack([cats, dogs])
    Y = np.repeat([[1, 0], [0, 1]], n, axis=0)
    return X, Y


def cat_dog():
    """Train two units on the animals; show that an in-between animal can be both or neither."""
    X, Y = animals()
    # a seed whose two lines are far enough apart to show a "neither" band
    model = ThresholdPerceptron(eta0=0.1, random_state=3).fit(X, Y)
    print("\nPart 2: two threshold units, cat and dog, trained independently")
    print(f"  epochs: {model.n_iter_}, training accuracy (both units right): {model.score(X, Y):.2f}")
    names = {(1, 0): "cat", (0, 1): "dog", (1, 1): "cat AND dog", (0, 0): "neither"}
    # scan a grid of possible animals and report one of each outcome the units give
    grid = np.stack(np.meshgrid(np.linspace(0, 1.2, 61), np.linspace(0, 1.2, 61)), -1).reshape(-1, 2)
    outputs = [tuple(o) for o in model.predict(grid)]
    for outcome, name in names.items():
        hits = [i for i, o in enumerate(outputs) if o == outcome]
        if hits:
            ears, size = grid[hits[len(hits) // 2]]
            print(f"  {name:12s} {list(outcome)}: {len(hits) / len(grid):6.2%} of the grid, "
                  f"e.g. ears {ears:.2f}, size {size:.2f}")  # fmt: skip
    return model, X, Y


def plot(model, X, Y):
    """Shade each region by what the two units answer, over the animals (needs matplotlib)."""
    try:
        import matplotlib.pyplot as plt
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch
    except ImportError:
        print("  (matplotlib is not installed: skipping the plot)")
        return
    # outcome code: 0 neither, 1 cat, 2 dog, 3 cat AND dog
    xs = np.linspace(0, 1.2, 241)
    grid = np.stack(np.meshgrid(xs, xs), -1).reshape(-1, 2)
    out = model.predict(grid)
    code = (out[:, 0] + 2 * out[:, 1]).reshape(len(xs), len(xs))
    colors = ["#d9d9d9", "#a6cee3", "#fdbf6f", "#cab2d6"]
    labels = ["neither", "cat", "dog", "cat AND dog"]
    fig, ax = plt.subplots(figsize=(6.5, 5.5), layout="constrained")
    ax.pcolormesh(xs, xs, code, cmap=ListedColormap(colors), vmin=-0.5, vmax=3.5,
                  shading="auto")
    ax.scatter(*X[Y[:, 0] == 1].T, marker="o", color="tab:blue", edgecolor="k", label="cat")
    ax.scatter(*X[Y[:, 1] == 1].T, marker="s", color="tab:orange", edgecolor="k",
               label="dog")
    line_x = np.linspace(0, 1.2, 2)
    for (w1, w2), b, name, style in zip(model.coef_, model.intercept_,
                                        ["cat unit", "dog unit"], ["-", "--"]):
        ax.plot(line_x, -(w1 * line_x + b) / w2, "k" + style, label=f"{name}: z = 0")
    ax.set(xlim=(0, 1.2), ylim=(0, 1.2), xlabel="ear pointiness", ylabel="body size",
           title="Two independent threshold units:\nan animal can be both, or neither")
    handles, _ = ax.get_legend_handles_labels()
    regions = [Patch(color=c, label=f"region: {lab}") for k, (c, lab)
               in enumerate(zip(colors, labels)) if (code == k).any()]  # those drawn
    ax.legend(handles=handles + regions, loc="upper left", bbox_to_anchor=(1.02, 1),
              fontsize="small")
    plt.show()


def main():
    """Run both parts (and plot when matplotlib is available)."""
    worked_example()
    model, X, Y = cat_dog()
    plot(model, X, Y)


if __name__ == "__main__":
    main()
