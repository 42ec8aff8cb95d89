"""Prediction speed of an exported sknn model in onnxruntime against sknn's predict_proba.

Two fitted float32 models, each converted with ``sknn.onnx`` to a float32 graph without
zipmap: the MLP of ``bench_mlp.py`` (784-256-128-10, relu) and the convnet of
``bench_convnet.py`` (conv16-maxpool-conv32-maxpool-dense128-10), trained for one epoch
on the first 8,000 MNIST test images (speed does not depend on accuracy). Measured in
the same process, alternating, ``--repeats`` times, reporting medians and ratios:

* latency: one row per call (``--calls`` calls), as a web service predicts;
* throughput: ``--rows`` rows in one call (MNIST tiled), as a batch job does.

Both use their default threads (BLAS's for sknn, onnxruntime's intra-op pool). The
machine may be shared: compare ratios from one run, not times across runs.

With ``--json [PATH]`` the ratios are also written in the schema of ``_results.py``, for
the documentation's Performance page.

Run: ``python benchmarks/bench_onnx.py [--rows 100000] [--conv-rows 10000] [--repeats 5]``
"""

import argparse
import time
import warnings

import _results

import numpy as np
import onnxruntime as ort
from _data import cpu_model, mnist_split
from sklearn.exceptions import ConvergenceWarning

from sknn import ConvNetClassifier, MLPClassifier
from sknn.onnx import to_onnx


def fit_models(X, y):
    """The two benchmark models, one epoch each, float32."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier((256, 128), batch_size=128, max_iter=1, random_state=0).fit(X, y)
        cnn = ConvNetClassifier(input_shape=(28, 28), filters=(16, 32), dense_layers=(128,),
                                max_iter=1, random_state=0).fit(X, y)
    return {"mlp": mlp, "convnet": cnn}


def session(est, X):
    onx = to_onnx(est, X[:1], options={"zipmap": False})
    sess = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return lambda rows: sess.run(["probabilities"], {name: rows})[0]


def seconds(fn, rows, calls):
    """Median seconds of ``calls`` calls of ``fn(rows)``."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn(rows)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def bench(name, est, X, n_rows, calls, repeats):
    run_onnx = session(est, X)
    big = np.resize(X, (n_rows, X.shape[1]))  # MNIST rows tiled
    # same outputs first: speed of a wrong graph is no result
    assert np.allclose(run_onnx(X[:1000]), est.predict_proba(X[:1000]), rtol=1e-4, atol=1e-6)
    runners = {"sknn": est.predict_proba, "onnxruntime": run_onnx}
    lat = {k: [] for k in runners}
    thr = {k: [] for k in runners}
    for _ in range(repeats):  # alternating, so load drifts hit both alike
        for key, fn in runners.items():
            lat[key].append(seconds(fn, X[:1], calls))
            thr[key].append(seconds(fn, big, 1))
    lat = {k: float(np.median(v)) for k, v in lat.items()}
    thr = {k: n_rows / float(np.median(v)) for k, v in thr.items()}
    print(f"{name}: latency one row: sknn {1e6 * lat['sknn']:.0f} us, onnxruntime "
          f"{1e6 * lat['onnxruntime']:.0f} us -> onnxruntime {lat['sknn'] / lat['onnxruntime']:.1f}x "
          "faster")
    print(f"{name}: throughput {n_rows:,} rows: sknn {thr['sknn']:,.0f} rows/s, onnxruntime "
          f"{thr['onnxruntime']:,.0f} rows/s -> onnxruntime "
          f"{thr['onnxruntime'] / thr['sknn']:.2f}x sknn's")
    return lat, thr


def _json_rows_and_ratios(results):
    """Rows (latency s, rows/s) per model and runtime, and the ratios sknn / onnxruntime."""
    labels = {"sknn": "sknn predict_proba", "onnxruntime": "onnxruntime"}
    rows, ratios = [], []
    for model, (lat, thr) in results.items():
        rows += [(f"{model}, {labels[k]}", (lat[k], thr[k])) for k in lat]
        ratios += [(f"ONNX {model} one-row latency: sknn / onnxruntime",
                    lat["sknn"] / lat["onnxruntime"],
                    "time per one-row call; below 1 means sknn is faster"),
                   (f"ONNX {model} throughput time: sknn / onnxruntime",
                    thr["onnxruntime"] / thr["sknn"],
                    "time per row in one large call; below 1 means sknn is faster")]
    return rows, ratios


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--conv-rows", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    _results.add_json_option(parser, "onnx")
    args = parser.parse_args(argv)
    print(f"{cpu_model()}; onnxruntime {ort.__version__}; medians of {args.repeats} "
          "alternating repeats")
    X, _, y, _ = mnist_split(dtype=np.float32)
    models = fit_models(X, y)
    results = {
        "MLP": bench("MLP 784-256-128-10", models["mlp"], X, args.rows, args.calls,
                     args.repeats),
        "convnet": bench("convnet conv16-conv32-dense128", models["convnet"], X,
                         args.conv_rows, args.calls, args.repeats)}
    if args.json:
        rows, ratios = _json_rows_and_ratios(results)
        _results.write(
            args.json, benchmark="onnx",
            title="Prediction: sknn against its ONNX export in onnxruntime (MNIST models)",
            description="Median latency of a one-row call (seconds) and throughput of one "
                        "large call (rows per second) of the fitted MLP 784-256-128-10 and "
                        "convnet conv16-conv32-dense128, float32, in one process, alternating.",
            command="python benchmarks/bench_onnx.py --json",
            settings={"rows": args.rows, "conv_rows": args.conv_rows, "calls": args.calls,
                      "repeats": args.repeats},
            columns=["one-row latency (s)", "throughput (rows/s)"], rows=rows, ratios=ratios)


if __name__ == "__main__":
    main()
