"""Deploying with ONNX: export a pipeline and a convnet, run them with onnxruntime.

Two models trained on scikit-learn's bundled 8x8 digits:

* a ``Pipeline`` of ``StandardScaler`` and an ``MLPClassifier`` with batch
  normalization (the case a shortcut converter gets silently wrong);
* a ``ConvNetClassifier`` on flat rows with ``input_shape=(8, 8)``.

``import sknn.onnx`` registers sknn's converters with skl2onnx, so the standard
``skl2onnx.to_onnx(model, X[:1])`` call converts either one. onnxruntime then predicts
without sknn, NumPy's training code or even Python (its C++, C#, Java and JavaScript
APIs load the same file). The script checks that labels are identical and measures the
largest relative difference of the probabilities, then plots both sets of
probabilities against each other.

Run with ``python examples/plot_onnx_export.py``; it needs ``pip install sknn[onnx]
onnxruntime``, and the plot needs matplotlib.
"""

import warnings

import numpy as np
import onnxruntime as ort
import skl2onnx
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sknn.onnx  # noqa: F401  (registers the converters)
from sknn import ConvNetClassifier, MLPClassifier


def fit_models():
    """The two models, fitted in float32 (the graphs will be float32 too)."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    pipe = make_pipeline(StandardScaler(), MLPClassifier((64,), batch_norm=True,
                                                         max_iter=30, random_state=0))
    cnn = ConvNetClassifier(input_shape=(8, 8), filters=(16,), dense_layers=(32,),
                            max_iter=8, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        models = {"pipeline (MLP, batch norm)": pipe.fit(X_train, y_train),
                  "ConvNetClassifier": cnn.fit(X_train, y_train)}
    return models, X_test, y_test


def export_and_compare(model, X):
    """Convert, run in onnxruntime, compare with sknn; return both probability arrays."""
    # zipmap=False: probabilities as one (n, n_classes) array instead of a list of dicts
    onx = skl2onnx.to_onnx(model, X[:1], options={"zipmap": False})
    sess = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    labels, proba = sess.run(None, {"X": X})
    expected = model.predict_proba(X)
    same = np.array_equal(labels, model.predict(X))
    rel = np.max(np.abs(proba - expected) / expected)
    print(f"  {len(onx.SerializeToString()) / 1024:.0f} kB graph of "
          f"{len(onx.graph.node)} nodes; labels identical: {same}; "
          f"largest relative difference of probabilities: {rel:.1e}")
    return expected, proba


def plot(results):
    """sknn's probabilities against onnxruntime's, one panel per model."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: skipping the plot)")
        return
    fig, axes = plt.subplots(1, len(results), figsize=(9, 4))
    for ax, (name, (expected, proba)) in zip(axes, results.items()):
        ax.loglog(expected.ravel(), proba.ravel(), ".", markersize=2)
        ax.set(title=name, xlabel="sknn predict_proba", ylabel="onnxruntime")
    fig.tight_layout()
    plt.show()


def main():
    models, X_test, y_test = fit_models()
    results = {}
    for name, model in models.items():
        print(f"{name}: test accuracy {model.score(X_test, y_test):.3f}")
        results[name] = export_and_compare(model, X_test)
    plot(results)


if __name__ == "__main__":
    main()
