"""Build the Performance page's tables and bar chart from ``benchmarks/results/*.json``.

``conf.py`` calls :func:`generate` before Sphinx reads the sources; it writes
``performance_results.rst`` (included by ``performance.rst``) and the chart
``_static/performance_ratios.png``. Nothing on the page is typed by hand: rerunning a
benchmark with ``--json`` and rebuilding the site updates it. Any JSON file in that
folder that follows the schema of ``benchmarks/_results.py`` is picked up, so a new
benchmark needs no change here.
"""

import json
from pathlib import Path

RESULTS_PAGE = "performance_results.rst"
CHART = "_static/performance_ratios.png"


def load_results(results_dir):
    """The benchmark records of ``results_dir``, sorted by benchmark name."""
    records = []
    for path in sorted(Path(results_dir).glob("*.json")):
        record = json.loads(path.read_text())
        if record.get("schema") != 1:
            raise ValueError(f"{path}: unknown benchmark result schema {record.get('schema')!r}")
        records.append(record)
    return records


def _cell(value):
    if value is None:
        return "-"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _table(record):
    header = ["", *record["columns"]]
    body = [[row["name"], *map(_cell, row["values"])] for row in record["rows"]]
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *body]:
        lines.append(f"   * - {row[0] or ' '}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return lines


def _machine_line(machines):
    cpus = sorted({f"{m['cpu']} ({m['cpus']} logical CPUs)" for m in machines})
    return "; ".join(cpus)


def page_text(records, chart):
    """reStructuredText of the results: the machine, the chart and one table each."""
    if not records:
        return "No benchmark results are stored yet (``benchmarks/results/*.json``).\n"
    dates = sorted(r["date"][:10] for r in records)
    lines = [
        f"Measured on: {_machine_line([r['machine'] for r in records])}, between "
        f"{dates[0]} and {dates[-1]} (UTC), Python {records[0]['machine']['python']}, "
        f"NumPy {records[0]['machine']['numpy']}, scikit-learn "
        f"{records[0]['machine']['scikit-learn']}, PyTorch "
        f"{records[0]['machine']['torch'] or 'not installed'}.", "",
    ]
    if any(r["ratios"] for r in records):
        lines += [f".. figure:: /{chart}", "   :alt: bar chart of the time ratios", "",
                  "   Time ratios, sknn over the other library: below 1 (left of the line) "
                  "sknn is faster.", ""]
    for record in records:
        lines += [record["title"], "-" * len(record["title"]), "", record["description"], ""]
        lines += _table(record) + [""]
        for ratio in record["ratios"]:
            lines.append(f"* {ratio['name']}: **{ratio['value']:.2f}** ({ratio['meaning']})")
        settings = ", ".join(f"{k}={v}" for k, v in record["settings"].items())
        lines += ["", f"Measured {record['date']} with ``{record['command']}`` ({settings}).", ""]
    return "\n".join(lines)


def draw_chart(records, path):
    """One horizontal bar per ratio of every benchmark, with a line at 1."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ratios = [r for record in records for r in record["ratios"]]
    if not ratios:
        return
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(ratios) + 1.2), layout="constrained")
    names = [r["name"] for r in ratios][::-1]
    values = [r["value"] for r in ratios][::-1]
    colors = ["tab:green" if v <= 1 else "tab:orange" for v in values]
    bars = ax.barh(names, values, color=colors)
    ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], padding=3)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xlabel("time ratio, sknn / other (below 1: sknn is faster)")
    ax.set_xlim(0, max(values) * 1.2)
    cpus = records[0]["machine"]["cpus"]
    ax.set_title(f"sknn against scikit-learn and PyTorch\n(one shared {cpus}-CPU machine)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def generate(results_dir, docs_dir):
    """Write the results page and the chart for ``results_dir`` into ``docs_dir``."""
    docs_dir = Path(docs_dir)
    records = load_results(results_dir)
    draw_chart(records, docs_dir / CHART)
    text = page_text(records, CHART)
    target = docs_dir / RESULTS_PAGE
    if not target.exists() or target.read_text() != text:  # unchanged: no rebuild
        target.write_text(text)
    return records
