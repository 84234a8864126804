"""tools/bench.py's own logic, without running anything: the large files it generates and the
tables it prints."""

from __future__ import annotations

import ast
import importlib.util

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "tools" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("shape", ["functions", "table", "chain"])
def test_large_files_are_python_of_the_size_asked(bench, tmp_path, shape):
    files = bench.generate_large(tmp_path, shapes=[shape], sizes=(0, 0.02))
    small, big = (files[shape, mb].read_text() for mb in (0, 0.02))
    ast.parse(big)
    assert 20_000 <= len(big) <= 21_000 and len(small) < 1_000
    assert "model.compile(" in big and "model.fit(" in big  # Keras code kerlint analyses, not skips


def test_per_mb_is_above_the_size_0_run(bench):
    def row(mb, chars, wall, rss):
        run = {"wall": wall, "peak_rss_mb": rss}
        return {"shape": "table", "mb": mb, "chars": chars, "kerlint": run, "parse": run}

    per = bench._per_mb([row(0, 0, 1.0, 35), row(0.5, 500_000, 6.0, 585), row(1, 1_000_000, 10.0, 1_035)])["table"]
    assert per["kerlint s/MB"] == pytest.approx(10.0)  # (6 - 1) / 0.5, the worse of the two
    assert per["kerlint MB/MB"] == pytest.approx(1_100)


def test_the_issue_table_says_which_corpus_and_the_ratios(bench, capsys):
    case = lambda wall, cpu: {"median_s": wall, "median_cpu_s": cpu, "peak_rss_mb": 120.0}  # noqa: E731
    report = {
        "kerlint": "abc1234", "reps": 3,
        "machine": {"cores": 2, "load_before": [3.0, 0, 0], "load_after": [4.0, 0, 0]},
        "corpus": {"total": {"files": 1004, "lines": 317_184}, "packages": ["keras==3.15.1"],
                   "generated": {"files": 100}},
        "cases": {"floor": case(10.0, 10.0), "kerlint cold": case(6.0, 12.0), "kerlint one": case(0.6, 0.5),
                  "one floor": case(0.5, 0.4)},
        "ratios": {"cold/(floor cpu/cores)": 1.2, "cpu: cold/floor": 1.2, "one/one floor": 1.2},
        "editor": {"lines": 1_004, "median_ms": 150.0, "median_cpu_ms": 140.0},
    }
    bench.print_issue_table(report)
    out = capsys.readouterr().out
    assert "keras-io is not on this machine" in out
    assert "| `kerlint check --no-cache`, 2 workers | 12.00 | 6.00 | wall / (floor CPU / cores) 1.20 (target ≤ 1.2);" in out
    assert "| language server: re-diagnose 1,004 lines | 0.140 | 0.150 | target < 0.2 s |" in out
    assert "| ruff `check --no-cache --isolated` (default rules) | — | — |  |" in out


def test_the_cold_ratio_is_also_given_rep_by_rep(bench, capsys):
    run = lambda wall, cpu: {"wall": wall, "cpu": cpu, "peak_rss_mb": 100.0}  # noqa: E731
    samples = {"floor": [run(10.0, 10.0), run(12.0, 12.0), run(11.0, 11.0)],
               "kerlint cold": [run(6.0, 11.5), run(6.6, 12.4), run(7.0, 13.0)]}
    report = bench.summarize(samples, {"files": 10, "lines": 100}, cores=2)
    r = report["ratios"]
    assert r["cold/(floor cpu/cores)"] == pytest.approx(6.6 / (11.0 / 2))  # the medians'
    assert r["cold/(floor cpu/cores), per rep: min"] == pytest.approx(6.6 / 6.0)  # rep by rep, as run
    assert r["cold/(floor cpu/cores), per rep: max"] == pytest.approx(7.0 / 5.5)
    report.update({"kerlint": "abc1234", "reps": 3,
                   "machine": {"cores": 2, "load_before": [1.0, 0, 0], "load_after": [1.0, 0, 0]},
                   "corpus": {"total": {"files": 10, "lines": 100}, "packages": ["keras==3.15.1"],
                              "generated": {"files": 0}}})
    bench.print_issue_table(report)
    assert "wall / (floor CPU / cores) 1.20 (target ≤ 1.2), 1.10 to 1.27 rep by rep;" in capsys.readouterr().out
