"""README's first command: ``python -m sknn demo`` runs every section."""

import subprocess
import sys

import pytest

from sknn import demo


@pytest.mark.parametrize("section", sorted(demo.SECTIONS))
def test_each_demo_section_runs_and_reports(section, capsys):
    demo.run([section])
    out = capsys.readouterr().out
    assert f"== {section}:" in out and len(out.splitlines()) >= 2


def test_demo_results_are_the_textbooks(capsys):
    demo.run(["gates", "perceptron", "autodiff"])
    out = capsys.readouterr().out
    assert "xor_network (hidden OR, NAND; output AND) -> [0, 1, 1, 0]" in out
    assert "coef_ = [[1.0, 1.0], [0.95, 0.9]], intercept_ = [1.0, 0.9]" in out
    assert out.count("df/dx = 5, df/dy = -1") == 2


def test_command_line_entry_point():
    result = subprocess.run([sys.executable, "-m", "sknn", "demo", "autodiff"],
                            capture_output=True, text=True, check=True)
    assert "df/dx = 5" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "sknn", "demo", "nope"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "unknown demo section" in bad.stderr
