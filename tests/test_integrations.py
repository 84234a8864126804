"""The tools people already run, each run for real: flake8 with kerlint's plugin, ruff reading
kerlint's `# noqa` comments, and pre-commit installing and running the hooks of this repository."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from .conftest import ROOT, run_kerlint

SEED = (ROOT / "tests" / "data" / "sample_model.py").read_text()  # KER203 at 6:46, KER101 at 9:5
DIAG = re.compile(r"^\S+:\d+:\d+: KER\d{3} .*$", re.M)


def _need(module: str):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")


def flake8(cwd, *args):
    _need("flake8")
    return subprocess.run([sys.executable, "-m", "flake8", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


# --- flake8 ------------------------------------------------------------------------------


def test_flake8_plugin_is_registered():
    proc = flake8(ROOT, "--version")
    assert "kerlint: " in proc.stdout, "the flake8.extension entry point is missing: reinstall kerlint"


def test_flake8_reports_what_kerlint_reports_at_the_same_position(tmp_path):
    (tmp_path / "model.py").write_text(SEED)
    ours = run_kerlint("check", "--output-format", "concise", "model.py", cwd=tmp_path)
    theirs = flake8(tmp_path, "--select", "KER", "model.py")
    assert theirs.returncode == 1, theirs.stderr
    assert DIAG.findall(theirs.stdout) == DIAG.findall(ours.stdout)
    assert "model.py:6:46: KER203 noise_shape [None, 50, 1]" in theirs.stdout
    assert "model.py:9:5: KER101 Dense output is linear" in theirs.stdout


def test_flake8_reads_stdin_and_kerlint_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.kerlint]\nignore = ["KER203"]\n')
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "KER", "-"], input=SEED, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    codes = [line.split()[1] for line in DIAG.findall(proc.stdout)]
    assert "KER101" in codes and "KER203" not in codes


def test_flake8_noqa_comments(tmp_path):
    lines = SEED.splitlines()
    lines[8] += "  # noqa: KER101"
    lines[5] += "  # noqa: E501"  # another tool's code: KER203 stays
    (tmp_path / "a.py").write_text("\n".join(lines) + "\n")
    found = DIAG.findall(flake8(tmp_path, "--select", "KER", "a.py").stdout)
    assert [line.split()[1] for line in found if "KER101" in line or "KER203" in line] == ["KER203"]
    # flake8 matches listed codes as prefixes: `# noqa: KER2` covers KER203.
    lines[5] = lines[5].replace("E501", "KER2")
    (tmp_path / "a.py").write_text("\n".join(lines) + "\n")
    found = DIAG.findall(flake8(tmp_path, "--select", "KER", "a.py").stdout)
    assert not [line for line in found if "KER101" in line or "KER203" in line]
    # kerlint reads the same comments the same way.
    ours = run_kerlint("check", "--output-format", "concise", "--select", "KER101,KER203", "a.py", cwd=tmp_path)
    assert ours.returncode == 0, ours.stdout



# An LSTM that cannot use cuDNN (KER501, on by default) and a long validated run without
# EarlyStopping (KER306, opt-in), written over several lines as people write fit().
TRAIN = """\
import numpy as np
import keras
from keras import layers

x_train = np.load("x_train.npy")
y_train = np.load("y_train.npy")

model = keras.Sequential([
    keras.Input(shape=(40, 8)),
    layers.LSTM(64, recurrent_dropout=0.2),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(
    x_train,
    y_train,
    epochs=50,
    validation_split=0.2,
)
"""


def _codes(proc) -> list[str]:
    return [line.split()[1] for line in DIAG.findall(proc.stdout)]


def test_flake8_select_turns_on_an_opt_in_rule(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    # KER alone, which flake8 needs to show any kerlint code, keeps kerlint's default set.
    assert _codes(flake8(tmp_path, "--select", "KER", "train.py")) == ["KER501"]
    # Naming the opt-in rule in flake8 runs it, as `kerlint check --extend-select KER306` would.
    assert _codes(flake8(tmp_path, "--select", "KER306", "train.py")) == ["KER306"]
    assert _codes(flake8(tmp_path, "--extend-select", "KER306", "train.py")) == ["KER501", "KER306"]
    assert "KER306" in _codes(flake8(tmp_path, "--select", "KER3", "train.py"))
    # A flake8 configuration file selects the same way.
    (tmp_path / ".flake8").write_text("[flake8]\nextend-select = KER306\n")
    assert _codes(flake8(tmp_path, "--select", "KER", "train.py")) == ["KER501", "KER306"]


def test_flake8_ignore_still_wins_over_its_select(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    assert _codes(flake8(tmp_path, "--select", "KER306", "--extend-ignore", "KER306", "train.py")) == []
    assert "KER306" not in _codes(flake8(tmp_path, "--select", "KER3", "--ignore", "KER306", "train.py"))
    assert _codes(flake8(tmp_path, "--select", "KER", "--ignore", "KER501", "train.py")) == []


def test_noqa_on_a_multi_line_call_goes_on_its_first_line(tmp_path):
    # KER306 is reported at `history = model.fit(`, the call's first line.
    lines = TRAIN.splitlines()
    first, last = lines.index("history = model.fit("), len(lines) - 1
    on_first = lines.copy()
    on_first[first] += "  # noqa: KER306"
    on_last = lines.copy()
    on_last[last] += "  # noqa: KER306"
    (tmp_path / "first.py").write_text("\n".join(on_first) + "\n")
    (tmp_path / "last.py").write_text("\n".join(on_last) + "\n")
    select = ("--select", "KER306")
    assert _codes(flake8(tmp_path, *select, "first.py")) == []
    assert run_kerlint("check", *select, "first.py", cwd=tmp_path).returncode == 0
    # flake8 reads only the reported line; kerlint also accepts the call's last line.
    assert _codes(flake8(tmp_path, *select, "last.py")) == ["KER306"]
    assert run_kerlint("check", *select, "last.py", cwd=tmp_path).returncode == 0


# --- ruff --------------------------------------------------------------------------------

RUFF_SNIPPET = '[tool.ruff.lint]\nexternal = ["KER"]\n'


def test_readme_shows_the_ruff_external_setting():
    assert RUFF_SNIPPET in (ROOT / "README.md").read_text()


def test_ruff_keeps_kerlint_noqa_comments_with_external(tmp_path):
    _need("ruff")
    (tmp_path / "a.py").write_text("x = 1  # noqa: KER101\n")
    ruff = [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "RUF100,RUF102", "a.py"]
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "a"\n')
    without = subprocess.run(ruff, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    # Without the setting ruff calls KER101 an invalid code, and its --fix deletes the comment.
    assert without.returncode == 1 and "KER101" in without.stdout, without.stdout + without.stderr
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "a"\n\n' + RUFF_SNIPPET)
    with_external = subprocess.run(ruff, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert with_external.returncode == 0, with_external.stdout + with_external.stderr


# --- pre-commit --------------------------------------------------------------------------


def _git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid")
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def test_pre_commit_hooks_file_declares_both_hooks():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for hook in ("kerlint", "kerlint-fix"):
        block = text.split(f"- id: {hook}\n", 1)[1].split("\n- id:", 1)[0]
        assert "types_or: [python, jupyter]" in block
        assert "require_serial: true" in block
        assert "language: python" in block
    assert "entry: kerlint check --fix" in text


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_try_repo_runs_both_hooks(tmp_path):
    """pre-commit installs this repository into its own virtualenv (dependencies from PyPI, as
    on a user's machine) and runs the hooks on a repository with a bad model committed.
    try-repo installs HEAD plus modified tracked files: a new file counts once it is added."""
    _need("pre_commit")
    repo = tmp_path / "user-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "model.py").write_text(SEED)
    (repo / "README.txt").write_text("not python\n")
    (repo / "pyproject.toml").write_text('[tool.kerlint]\nselect = ["KER101", "KER203"]\n')
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "bad model")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)

    # Both hooks (kerlint, then kerlint-fix) in one run: each try-repo builds pre-commit's
    # environment for the repository from scratch, which is the slow part.
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--all-files", "--verbose"],
        cwd=repo, capture_output=True, text=True, env=env, timeout=900,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    check_part = output.split("kerlint (fix)", 1)[0]
    assert "model.py:6:46: KER203" in check_part and "model.py:9:5: KER101" in check_part
    assert "README.txt" not in check_part
    fixed = (repo / "model.py").read_text()
    assert "tf.keras.layers.Dense(len(label_to_idx), activation='softmax')" in fixed, output
    assert "noise_shape=[None, None, 1]" in fixed
    assert "files were modified by this hook" in output
    # What the fix hook left passes the check (run directly: another try-repo would build
    # pre-commit's environment again, a minute for nothing new).
    proc = run_kerlint("check", "model.py", cwd=repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_snippets():
    readme = (ROOT / "README.md").read_text()
    assert "repo: https://" in readme and "- id: kerlint" in readme  # .pre-commit-config.yaml
    assert "flake8 --select KER" in readme
    assert "[tool.kerlint]" in readme and "per-file-ignores" in readme
    assert "--output-format sarif" in readme and "github/codeql-action/upload-sarif" in readme


def test_readme_config_example_is_accepted(tmp_path):
    readme = (ROOT / "README.md").read_text()
    # The block may start with comment lines naming its file (`# pyproject.toml`).
    block = re.search(r"```toml\n(?:#[^\n]*\n)*(\[tool\.kerlint\].*?)```", readme, re.S)
    assert block, "README has no [tool.kerlint] toml block"
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(block.group(1)))
    (tmp_path / "m.py").write_text(SEED)
    proc = run_kerlint("check", ".", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
