"""What the user sees: the text report, JSON, filters, exit codes and --plot."""

import builtins
import json
import subprocess
import sys

from kerlint.logs.report import sparkline

from .conftest import DATA, REAL, SEEDS


def test_exit_codes(run_log):
    assert run_log(SEEDS / "seed_000.txt").exit_code == 1
    assert run_log(REAL / "ker304_fixed_v2.txt").exit_code == 0
    assert run_log(SEEDS / "seed_000.txt", "--exit-zero").exit_code == 0


def test_clean_log_says_so(run_log):
    r = run_log(REAL / "ker101_fixed_v1.txt")
    assert r.exit_code == 0
    assert r.stdout.rstrip().endswith("No problem found.")
    assert "Run 1: epochs 1-10 of 10" in r.stdout


def test_select_and_ignore(run_log):
    r = run_log(SEEDS / "seed_000.txt", "--output-format", "json", "--select", "KER601,KER603")
    assert r.codes() == ["KER601", "KER603"]
    r = run_log(SEEDS / "seed_003.txt", "--output-format", "json", "--ignore", "KER612")
    assert r.codes() == ["KER601", "KER602"]
    r = run_log(SEEDS / "seed_004_reconstructed.txt", "--select", "KER60")
    assert r.exit_code == 0  # KER610 and KER612 are not selected
    r = run_log(SEEDS / "seed_004_reconstructed.txt", "--select", "ker61")
    assert r.exit_code == 1


def test_json_is_strict_json(run_log):
    r = run_log(DATA / "keras2_backspace_nan.txt", "--output-format", "json")

    def no_constants(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    report = json.loads(r.stdout, parse_constant=no_constants)
    assert set(report) == {"source", "format", "runs", "diagnostics", "summary",
                           "checked_source"}
    assert report["checked_source"] is None  # no --source
    assert report["summary"] == {"runs": 1, "epochs": 5, "diagnostics": 1}
    d = report["diagnostics"][0]
    assert set(d) == {"code", "name", "run", "epochs", "message", "explanation", "rules",
                      "evidence", "fix", "source_findings"}
    assert d["source_findings"] == []
    assert d["rules"] == [{"code": "KER304", "name": "learning-rate-out-of-range"},
                          {"code": "KER207", "name": "layer-after-output"}]
    batches = report["runs"][0]["epochs"][2]["batches"]
    assert batches[0] == {"step": 32, "loss": 0.41, "accuracy": 0.81}
    assert any(b["loss"] == "nan" for b in batches)


def test_text_report_notes(run_log):
    out = run_log(SEEDS / "seed_003.txt").stdout
    assert "the log ends at the header of epoch 8" in out
    assert "Run 1: epochs 6-7 of 50" in out
    out = run_log(REAL / "overfit_fixed_v1.txt").stdout
    assert "EarlyStopping stopped the run at epoch 5" in out
    assert "EarlyStopping restored the weights of epoch 2" in out


def test_long_runs_are_elided_but_keep_diagnosed_epochs(tmp_path, run_log):
    val = [1.0 - 0.01 * i for i in range(30)] + [0.71 + 0.02 * i for i in range(30)]
    hist = {"loss": [1.0 - 0.015 * i for i in range(60)], "val_loss": val}
    p = tmp_path / "h.json"
    p.write_text(json.dumps(hist))
    out = run_log(p).stdout
    rows = [line for line in out.splitlines() if line[:8].strip().isdigit()]
    numbers = [int(line.split()[0]) for line in rows]
    assert numbers[:10] == list(range(1, 11)) and numbers[-10:] == list(range(51, 61))
    assert 30 in numbers and "KER604" in rows[numbers.index(30)]
    assert "    ..." in out.splitlines()


def test_sparklines():
    line, log_scale = sparkline([1.0, 2.0, 3.0, 4.0])
    assert line == "\u2581\u2583\u2586\u2588" and not log_scale
    line, log_scale = sparkline([0.001, 0.01, 0.1, 1000.0])
    assert log_scale and line[0] == "\u2581" and line[-1] == "\u2588"
    assert sparkline([1.0, float("nan"), 2.0], ascii_only=True)[0] == "_!#"
    assert len(sparkline([float(i) for i in range(500)])[0]) == 60


def test_plot_without_matplotlib_says_how_to_get_it(monkeypatch, tmp_path, run_log):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    r = run_log(SEEDS / "seed_000.txt", "--plot", tmp_path / "p.png")
    assert r.exit_code == 2
    assert "pip install 'kerlint[plot]'" in r.stderr
    assert not (tmp_path / "p.png").exists()


def test_plot_without_matplotlib_in_a_real_process(tmp_path):
    # what a user without the extra sees: one line, exit 2, no traceback, no file
    hide = "import sys; sys.modules['matplotlib'] = None; from kerlint.cli import main; main()"
    out = tmp_path / "p.png"
    proc = subprocess.run([sys.executable, "-c", hide, "log", str(SEEDS / "seed_000.txt"),
                           "--plot", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == ("kerlint log: --plot needs matplotlib, which is not installed: "
                           "pip install 'kerlint[plot]' (or pip install matplotlib)\n")
    assert proc.stdout == "" and not out.exists()


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# matplotlib is in the test extra: these run, they do not skip
def test_plot_of_seed_000_has_a_loss_and_a_metrics_panel(tmp_path, run_log):
    out = tmp_path / "seed0.png"
    r = run_log(SEEDS / "seed_000.txt", "--plot", out)
    assert r.exit_code == 1
    assert r.stdout.rstrip().endswith(f"Plot written to {out}")
    assert _png_size(out) == (1144, 396)  # 2 panels of 5.2 x 3.6 in at 110 dpi


def test_plot_of_seed_003_adds_the_loss_inside_epoch_7(tmp_path, run_log):
    out = tmp_path / "seed3.png"
    r = run_log(SEEDS / "seed_003.txt", "--plot", out, "--output-format", "json")
    assert r.exit_code == 1
    assert r.json()["diagnostics"]  # the JSON stays clean: no "Plot written" line in it
    assert _png_size(out) == (1716, 396)  # a third panel: the running loss of epoch 7


def test_plot_of_two_runs_has_a_row_per_run(tmp_path, run_log):
    out = tmp_path / "seed2.png"
    assert run_log(SEEDS / "seed_002.txt", "--plot", out).exit_code == 1
    assert _png_size(out) == (1144, 792)
