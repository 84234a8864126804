"""What a run imports before it answers: ``kerlint check`` is read without click in the common
case (cli.check_params), and a run whose files are all cache hits or pre-scan clears imports
neither LibCST nor the rules nor the analysis. The fast reading must give check() exactly
the arguments click gives it, and leave to click every case it would treat otherwise."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kerlint import cli

from .conftest import ROOT

SEED = (ROOT / "tests" / "data" / "sample_model.py").read_text()


@pytest.fixture(autouse=True)
def no_kerlint_environment(monkeypatch):
    for name in ("KERLINT_OUTPUT_FORMAT", "KERLINT_NO_CACHE", "KERLINT_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)


def click_params(args) -> dict:
    ctx = cli.check_cmd.make_context("check", list(args))
    return dict(ctx.params)


def environment():
    import os

    return {k: v for k, v in os.environ.items() if not (k.startswith("_") and k.endswith("_COMPLETE"))}


READ_WITHOUT_CLICK = [
    [],
    ["."],
    ["a.py", "-", "b"],
    ["--isolated", "--exit-zero", "--output-format", "concise", "--cache-dir", "DIR", "corpus"],
    ["--no-cache", "one.py", "--output-format=json", "--color", "never"],
    ["--select", "KER1,KER2", "--select=KER3", "--ignore", "KER101", "--extend-select", "KER9"],
    ["--fix", "--unsafe-fixes", "--no-unsafe-fixes", "--diff", "--fix-only", "--show-fixes", "--statistics"],
    ["--fixable", "KER1", "--extend-fixable", "KER2", "--unfixable", "KER3", "--no-respect-gitignore"],
    ["--respect-gitignore", "--extend-exclude", "gen/", "--exclude", "a,b", "--force-exclude", "--add-noqa"],
    ["--show-files", "--show-settings", "-o", "out.txt", "-v", "-q", "--verbose", "--quiet"],
    ["--output-file", "out.txt", "--stdin-filename", "x.py", "--config", "missing.toml", "-"],
    ["--select", "", "--select=", "x y"],
    ["--color", "always", "--color=auto"],
]


@pytest.mark.parametrize("args", READ_WITHOUT_CLICK)
def test_check_is_read_as_click_reads_it(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kerlint.toml").write_text("")
    fast = cli.check_params(["check", *args], environment())
    assert fast is not None, args
    assert fast == click_params(args)
    assert {type(v) for k, v in fast.items() if k in ("paths", "select", "exclude")} <= {tuple}


LEFT_TO_CLICK = [
    ["--help"], ["-h"], ["--version"], ["--no-such-flag"], ["-vq"], ["-oout.txt"], ["-o=out.txt"], ["--", "x.py"],
    ["--fix=1"], ["--select"], ["--select", "--fix"], ["--output-format", "xml"], ["--color", "sometimes"],
    ["--config", "."], ["--output-file", "."], ["--selec", "KER1"],
]


@pytest.mark.parametrize("args", LEFT_TO_CLICK)
def test_what_click_would_check_or_refuse_goes_to_click(args):
    assert cli.check_params(["check", *args], environment()) is None


def test_other_commands_the_environment_and_completion_go_to_click():
    assert cli.check_params([], {}) is None
    assert cli.check_params(["rule", "KER101"], {}) is None
    assert cli.check_params(["--isolated", "check"], {}) is None
    assert cli.check_params(["check", "."], {}) is not None
    for name in ("KERLINT_OUTPUT_FORMAT", "KERLINT_NO_CACHE", "KERLINT_CACHE_DIR", "_KERLINT_COMPLETE"):
        assert cli.check_params(["check", "."], {name: ""}) is None


def test_an_unreadable_path_goes_to_click(tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    secret = tmp_path / "secret.py"
    secret.write_text("x = 1\n")
    secret.chmod(0)
    try:
        assert cli.check_params(["check", str(secret)], {}) is None
    finally:
        secret.chmod(0o644)


def test_the_fast_reading_knows_every_option_of_check():
    names = {p.name for p in cli.check_cmd.params}
    assert set(cli.check_params(["check"], {})) == names
    for param in cli.check_cmd.params:
        for opt in param.opts + param.secondary_opts:
            if opt.startswith("-"):
                assert opt in {**cli._FLAGS, **cli._SWITCHES, **cli._LISTS, **cli._VALUES}, opt


def _in_process(monkeypatch, capsys, failure, fast: bool):
    def failing(**params):
        raise failure

    monkeypatch.setattr(cli, "check", failing)
    with pytest.raises(SystemExit) as stop:
        if fast:
            cli._check_without_click(cli.check_params(["check", "."], {}))
        else:
            cli.main(["check", "."], prog_name="kerlint")
    out, err = capsys.readouterr()
    return stop.value.code, out, err


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), EOFError(), ValueError("boom")])
def test_an_interruption_or_a_bug_ends_as_with_click(failure, monkeypatch, capsys):
    slow = _in_process(monkeypatch, capsys, failure, fast=False)
    assert _in_process(monkeypatch, capsys, failure, fast=True) == slow
    assert slow[0] in (1, 2)


# --- what a run imports ----------------------------------------------------------------------


def imported(*args, cwd) -> tuple[set, subprocess.CompletedProcess]:
    """The modules ``python -m kerlint ARGS`` imports (``-X importtime`` lists each one)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "kerlint", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)
    modules = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    return modules, proc


def heavy(modules) -> set:
    return {m for m in modules if m.split(".")[0] in ("libcst", "click")
            or m.startswith(("kerlint.rules", "kerlint.analysis", "kerlint.extract", "kerlint.interp"))}


def test_a_run_of_cache_hits_imports_no_parser_rules_or_click(tmp_path):
    (tmp_path / "m.py").write_text(SEED)
    (tmp_path / "plain.py").write_text("print('hello')\n")
    args = ("check", "--output-format", "concise", "--cache-dir", str(tmp_path / "cache"), "m.py", "plain.py")
    cold_modules, cold = imported(*args, cwd=tmp_path)
    assert "libcst" in cold_modules and cold.returncode == 1
    modules, warm = imported(*args, cwd=tmp_path)
    assert heavy(modules) == set(), warm.stderr[-2000:]
    assert warm.stdout == cold.stdout and warm.returncode == 1


def test_a_file_the_prescan_clears_is_not_parsed(tmp_path):
    (tmp_path / "plain.py").write_text("print('hello')\n")
    modules, proc = imported("check", "--no-cache", "plain.py", cwd=tmp_path)
    assert proc.returncode == 0 and heavy(modules) == set()


def test_help_still_comes_from_click(tmp_path):
    modules, proc = imported("check", "--help", cwd=tmp_path)
    assert proc.returncode == 0 and "click" in modules and "--output-format" in proc.stdout
