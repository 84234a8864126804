"""The README's snippets, run or checked as a user who cloned the repository would.

Every fenced block of README.md gets one verdict here, and a block this file has no rule for
fails `test_readme_block`, so a new snippet is either run or skipped with its reason:

- shell lines that call `kerlint`, `python -m kerlint` or `flake8` run in a small project
  (a bad model as `model.py`, `train.py`, `src/`, `examples/`) with the installed kerlint;
- `[tool.kerlint]` TOML must be accepted by kerlint's configuration loader (a `kerlint check`
  that finds it exits 0 or 1, never 2), the ruff TOML by ruff; the Helix TOML only parses;
- the GitHub Actions workflow parses, and its `kerlint` steps run in the small project;
- Install, "Try it" and pre-commit run from a git clone of a copy of this working tree:
  `test_install_from_git`, `test_install_from_clone`, `test_try_it`, `test_pre_commit_config`.
  The pip installs need PyPI (libcst, click, setuptools) and skip when it cannot be reached.

Skipped, each with its reason in `SKIPPED`: the test extra (it installs TensorFlow; .ci/run runs
that very command), the `lsp` extra and editor setup, the fuzz, sweep and benchmark tools
(minutes to hours, downloads), Python fragments showing `# noqa`, and output shown as text.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser under its old name
    import tomli as tomllib

README = ROOT / "README.md"
SEED = ROOT / "tests" / "data" / "sample_model.py"  # KER203 at 6:46, KER101 at 9:5
BIN = Path(sys.executable).parent  # the installed kerlint, flake8 and ruff of this test run


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    line: int  # of the opening fence, 1-based
    section: str

    @property
    def id(self) -> str:
        return f"L{self.line}-{self.lang or 'text'}-{re.sub(r'[^A-Za-z0-9]+', '-', self.section).strip('-')}"


def readme_blocks(text: str) -> list[Block]:
    """The fenced blocks, dedented (some sit in list items), with the heading above each."""
    blocks, section, lines, i = [], "", text.splitlines(), 0
    while i < len(lines):
        fence = re.match(r"^( *)```(\S*)\s*$", lines[i])
        if fence is None:
            if lines[i].startswith("#"):
                section = lines[i].lstrip("#").strip()
            i += 1
            continue
        indent, start = len(fence.group(1)), i
        i += 1
        body = []
        while lines[i].strip() != "```":
            body.append(lines[i][indent:])
            i += 1
        blocks.append(Block(fence.group(2), "\n".join(body) + "\n", start + 1, section))
        i += 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))
SHELL = ("sh", "bash", "shell", "console")

# Shell blocks that are not run, by a text they contain, with the reason.
SKIPPED = {
    '.[test]': "installs the test extra, TensorFlow with it: .ci/run runs this very command",
    '.[lsp]': "editor setup: downloads pygls from PyPI (tests/test_server.py runs the server)",
    "tools/fuzz.py": "the fuzz and the real-code sweep: minutes to hours, and the sweep downloads wheels "
                     "(tests/test_fuzz.py runs a bounded fuzz)",
    "tools/bench.py": "benchmark: downloads packages into ~/.cache and runs for minutes",
}
# Blocks the install tests below run together (the Install variables feed the others).
INSTALL_VARS, INSTALL, TRY_IT, PRE_COMMIT = "install-vars", "install", "try-it", "pre-commit"
RUN_FROM_A_CLONE = {
    INSTALL_VARS: "every test_install_*, test_pre_commit_config",
    INSTALL: "test_install_from_git, test_install_from_clone",
    TRY_IT: "test_try_it",
    PRE_COMMIT: "test_pre_commit_config",
}
SKIPPED_LINES = {"pip install flake8": "downloads flake8 from PyPI (the test extra has it)"}
COMMAND = re.compile(r"^(kerlint|python -m kerlint|flake8|cat \S+ \| kerlint|rm -rf \.kerlint_cache)(\s|$)")


def shell_kind(block: Block) -> str:
    for marker, reason in SKIPPED.items():
        if marker in block.text:
            return "skip: " + reason
    if "git remote get-url origin" in block.text:
        return INSTALL_VARS
    if "$KERLINT_SHA" in block.text and "pip install" in block.text:
        return INSTALL
    if "python3 -m venv" in block.text:
        return TRY_IT
    if ".pre-commit-config.yaml" in block.text:
        return PRE_COMMIT
    lines = commands(block)
    if lines and all(COMMAND.match(line) or line in SKIPPED_LINES for line in lines):
        return "commands"
    return "unknown"


def commands(block: Block) -> list[str]:
    """The block's command lines, without their trailing comments."""
    found = []
    for line in block.text.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            found.append(line)
    return found


def the_block(kind: str) -> Block:
    found = [b for b in BLOCKS if b.lang in SHELL and shell_kind(b) == kind]
    assert len(found) == 1, f"the README should have one {kind} block, found {[b.id for b in found]}"
    return found[0]


# --- running things as a user ------------------------------------------------------------


def user_env(**extra) -> dict:
    """The environment of a user's shell: this run's tools first on PATH, no kerlint settings
    from the developer's environment, pip quick to give up when PyPI cannot be reached."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KERLINT_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", NO_COLOR="1", PIP_DEFAULT_TIMEOUT="20",
               PIP_RETRIES="1", PIP_DISABLE_PIP_VERSION_CHECK="1", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid")
    env.update(extra)
    return env


def bash(script: str, cwd: Path, timeout: int = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env or user_env())


def user_project(root: Path) -> Path:
    """A small project with the README's file names: a model kerlint finds faults in."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, root / "model.py")
    shutil.copy(SEED, root / "train.py")
    (root / "src").mkdir(exist_ok=True)
    shutil.copy(SEED, root / "src" / "net.py")
    shutil.copytree(ROOT / "examples", root / "examples", dirs_exist_ok=True)
    return root


def assert_ran(proc: subprocess.CompletedProcess, what: str):
    """Exit 0 (nothing found) or 1 (found, or a diff): 2 is a usage or configuration error."""
    assert proc.returncode in (0, 1), f"{what}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, f"{what}:\n{proc.stderr}"


NETWORK_ERRORS = ("No matching distribution found", "Could not find a version that satisfies",
                  "NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
                  "Network is unreachable", "ConnectTimeout", "Read timed out")


def assert_installed(proc: subprocess.CompletedProcess, what: str):
    if proc.returncode != 0 and any(e in proc.stdout + proc.stderr for e in NETWORK_ERRORS):
        pytest.skip(f"{what}: PyPI cannot be reached (libcst, click and setuptools come from it)")
    assert proc.returncode == 0, f"{what}: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"


def make_venv(path: Path) -> Path:
    """The user's virtualenv. virtualenv (pre-commit's dependency) makes it in a second from
    its cached wheels; the standard library's venv takes 5-15 s to run ensurepip."""
    if importlib.util.find_spec("virtualenv"):
        cmd = [sys.executable, "-m", "virtualenv", "-q", str(path)]
    else:
        cmd = [sys.executable, "-m", "venv", str(path)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return path


# The files a clone of the repository holds that installing and linting read.
CLONED = ("kerlint", "examples", "pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", ".pre-commit-hooks.yaml")


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A git clone of this working tree as it is now (its own commit, so that uncommitted work
    is what gets installed), cloned through a file:// URL as from a server: `origin` is that URL."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("kerlint-repo")
    upstream = base / "upstream"
    upstream.mkdir()
    for name in CLONED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, upstream / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy(source, upstream / name)
    script = "git init -q && git add -A && git commit -q -m snapshot && cd .. && git clone -q file://$PWD/upstream clone"
    proc = bash(script, upstream)
    assert proc.returncode == 0, proc.stderr
    return base / "clone"


def install_vars(clone: Path) -> str:
    """The Install variables block, run in the clone: a script prefix the others follow."""
    return f"cd {clone}\n{the_block(INSTALL_VARS).text}\n"


# --- every block ---------------------------------------------------------------------------


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.id)
def test_readme_block(block: Block, tmp_path):
    if block.lang in SHELL:
        kind = shell_kind(block)
        if kind.startswith("skip: "):
            pytest.skip(kind[len("skip: "):])
        if kind in RUN_FROM_A_CLONE:
            pytest.skip(f"{kind}: run from a clone by {RUN_FROM_A_CLONE[kind]}")
        assert kind == "commands", f"{block.id}: no rule for this block in tests/test_readme.py:\n{block.text}"
        run_commands(block, user_project(tmp_path / "project"), tmp_path)
    elif block.lang == "toml":
        check_toml(block, tmp_path)
    elif block.lang == "yaml":
        check_yaml(block, tmp_path)
    elif block.lang == "lua":
        pytest.skip("editor setup (Neovim's init.lua)")
    elif block.lang == "python":
        pytest.skip("fragments showing where `# noqa` goes, not a program")
    else:
        assert block.lang in ("", "text"), f"{block.id}: no rule for ```{block.lang} blocks in tests/test_readme.py"
        pytest.skip("output or input shown as text (what kerlint prints, IPython's %load_ext, a schema)")


def run_commands(block: Block, project: Path, tmp_path: Path):
    for line in commands(block):
        if line in SKIPPED_LINES:
            continue  # the reason is in SKIPPED_LINES
        # Paths under /tmp (`--cache-dir /tmp/kc`) go to this test's folder instead.
        proc = bash(line.replace("/tmp/", f"{tmp_path}/"), project)
        assert_ran(proc, line)
        if re.match(r"flake8 --(extend-)?select KER \.", line):  # kerlint's default set
            assert re.search(r"^\./model\.py:9:5: KER101 ", proc.stdout, re.M), proc.stdout


def check_toml(block: Block, tmp_path: Path):
    data = tomllib.loads(block.text)  # every TOML block parses
    if "kerlint" in data.get("tool", {}):
        project = user_project(tmp_path / "project")
        (project / "pyproject.toml").write_text(block.text)
        proc = bash("kerlint check --no-cache model.py", project)
        assert_ran(proc, f"kerlint with the README's configuration (line {block.line})")
    elif block.text.startswith("# ") and block.text.split("\n", 1)[0].endswith("kerlint.toml"):
        check_kerlint_toml(block, data, tmp_path)
    elif "ruff" in data.get("tool", {}):
        if shutil.which("ruff", path=str(BIN)) is None:
            pytest.skip("ruff is not installed (pip install -e '.[test]')")
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "a"\n\n' + block.text)
        (tmp_path / "a.py").write_text("x = 1  # noqa: KER101\n")
        proc = bash("ruff check --no-cache a.py", tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    else:
        assert "language-server" in data, f"{block.id}: no rule for this TOML in tests/test_readme.py"
        pytest.skip("editor setup (Helix's languages.toml): it parses, Helix is not run")


def check_kerlint_toml(block: Block, data: dict, tmp_path: Path):
    """A kerlint.toml / .kerlint.toml block, its path in its first comment: written there in a
    user's project (with a root configuration for its ``extend`` to reach), and linted with."""
    project = user_project(tmp_path / "project")
    path = project / block.text.split("\n", 1)[0][2:].strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block.text)
    if "extend" in data:
        extended = (path.parent / data["extend"]).resolve()
        extended.parent.mkdir(parents=True, exist_ok=True)
        extended.write_text('[tool.kerlint]\nselect = ["KER"]\n')
    shutil.copy(SEED, path.parent / "train.py")
    proc = bash("kerlint check --no-cache --show-settings train.py", path.parent)
    assert_ran(proc, f"kerlint --show-settings with the README's {path.name} (line {block.line})")
    assert f"Settings path: {path}" in proc.stdout, proc.stdout
    proc = bash("kerlint check --no-cache train.py", path.parent)
    assert_ran(proc, f"kerlint with the README's {path.name} (line {block.line})")


def check_yaml(block: Block, tmp_path: Path):
    data = yaml.safe_load(block.text)
    assert "jobs" in data, f"{block.id}: no rule for this YAML in tests/test_readme.py"
    steps = [step for job in data["jobs"].values() for step in job["steps"]]
    runs = [step["run"] for step in steps if "run" in step]
    installs = [run for run in runs if run.startswith("pip install")]
    assert installs and all("git+" in run for run in installs), installs
    # The job itself needs GitHub (checkout, setup-python, the upload) and the network (pip):
    # its kerlint steps run here, in a project with faults.
    project = user_project(tmp_path / "project")
    for run in runs:
        if not run.startswith("kerlint"):
            continue
        proc = bash(run, project)
        assert_ran(proc, run)
        if "--output-format github" in run:
            assert proc.returncode == 1 and re.search(r"^::\w+ file=model\.py,line=9,", proc.stdout, re.M), proc.stdout
        if "sarif" in run:
            assert proc.returncode == 0  # --exit-zero
            assert json.loads((project / "kerlint.sarif").read_text())["version"] == "2.1.0"


def test_every_readme_block_has_a_verdict():
    unknown = [b.id for b in BLOCKS if b.lang in SHELL and shell_kind(b) == "unknown"]
    assert not unknown, f"README shell blocks tests/test_readme.py neither runs nor skips: {unknown}"


def test_no_snippet_installs_kerlint_from_a_package_index():
    """kerlint is on no index: every pip line installs it from a clone, `.` or a git URL."""
    for block in BLOCKS:
        for line in block.text.splitlines():
            line = re.sub(r"\s+#.*$", "", line)
            if "pip install" not in line:
                continue
            args = re.split(r"&&|;|\|", line.split("pip install", 1)[1])[0].split()
            assert "kerlint" not in args, f"{block.id}: {line.strip()}"
    text = README.read_text(encoding="utf-8")
    assert "kerlint.invalid" not in text and "rev: v0.1.0" not in text


# --- Install, Try it, pre-commit: from a clone ---------------------------------------------


def install_line(clone: Path, tmp_path: Path, which: str) -> subprocess.CompletedProcess:
    """One Install line in a new virtualenv of a user's project, then kerlint on its model."""
    from_clone, from_git = commands(the_block(INSTALL))
    assert from_git.startswith('pip install "kerlint @ git+') and from_clone.startswith("pip install -e")
    line = from_git if which == "git" else from_clone
    venv = make_venv(tmp_path / "venv")
    project = user_project(tmp_path / "project")
    script = (install_vars(clone) + f"cd {project}\n. {venv}/bin/activate\nset -e\n{line}\n"
              "kerlint check --output-format concise model.py || test $? -eq 1\npip show kerlint")
    proc = bash(script, project, timeout=300)
    assert_installed(proc, line)
    assert "model.py:9:5: KER101" in proc.stdout, proc.stdout
    return proc


def test_install_from_git(clone, tmp_path):
    proc = install_line(clone, tmp_path, "git")
    assert "Editable project location" not in proc.stdout


def test_install_from_clone(clone, tmp_path):
    proc = install_line(clone, tmp_path, "clone")
    assert f"Editable project location: {clone}" in proc.stdout


def test_install_vars_name_the_clone(clone):
    proc = bash(install_vars(clone) + 'echo "$KERLINT_REPO|$KERLINT_SHA|$KERLINT_CLONE"', clone)
    repo, sha, folder = proc.stdout.strip().split("|")
    assert repo == f"file://{clone.parent / 'upstream'}"
    assert re.fullmatch(r"[0-9a-f]{40}", sha) and folder == str(clone)


def test_try_it(clone):
    """"Try it" as written, in the clone: a virtualenv, kerlint installed from the clone, and
    the example's three faults."""
    block = the_block(TRY_IT)
    script = block.text
    if importlib.util.find_spec("virtualenv"):  # the same virtualenv, 10 s sooner (make_venv)
        script = script.replace("python3 -m venv .venv", f"{sys.executable} -m virtualenv -q .venv")
    proc = bash(script, clone, timeout=300)
    if "examples/sentiment_model.py" not in proc.stdout:  # the install failed: why?
        assert_installed(proc, block.text.strip())
    assert proc.returncode == 1, proc.stderr  # kerlint found the example's faults
    assert "examples/sentiment_model.py:6:46: KER203" in proc.stdout, proc.stdout + proc.stderr
    assert "Found 3 errors." in proc.stdout


def test_pre_commit_config(clone, tmp_path):
    """The pre-commit block writes a config that pre-commit accepts, naming the clone's origin
    and a commit of it, with a hook its .pre-commit-hooks.yaml declares. Not run: installing the
    hook's environment takes pre-commit 20-60 s and PyPI; test_integrations.py's
    test_pre_commit_try_repo_runs_both_hooks installs and runs the hooks from a local path."""
    project = tmp_path / "project"
    project.mkdir()
    proc = bash(install_vars(clone) + f"cd {project}\n" + the_block(PRE_COMMIT).text, project)
    assert proc.returncode == 0, proc.stderr
    config_file = project / ".pre-commit-config.yaml"
    (repo,) = yaml.safe_load(config_file.read_text())["repos"]
    assert repo["repo"] == f"file://{clone.parent / 'upstream'}"
    assert bash(f"git cat-file -e {repo['rev']}^{{commit}}", clone.parent / "upstream").returncode == 0
    hooks = {hook["id"] for hook in yaml.safe_load((clone / ".pre-commit-hooks.yaml").read_text())}
    assert {hook["id"] for hook in repo["hooks"]} <= hooks
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed: the config was checked by hand above")
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(config_file)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- what the README says about ruff and --stdin-filename ----------------------------------


def flat_readme() -> str:
    return " ".join(README.read_text(encoding="utf-8").split())


def test_stdin_filename_takes_per_file_ignores_always_and_exclude_only_with_force_exclude(tmp_path):
    assert ("match `per-file-ignores` like that file; `exclude` applies to it only with `--force-exclude`"
            in flat_readme())
    project = user_project(tmp_path / "project")
    (project / "gen").mkdir()
    shutil.copy(SEED, project / "gen" / "m.py")
    (project / "pyproject.toml").write_text(
        '[tool.kerlint]\nextend-exclude = ["gen"]\n\n[tool.kerlint.per-file-ignores]\n"gen/*.py" = ["KER101"]\n')
    check = "kerlint check --no-cache --output-format concise"
    plain = bash(f"{check} - --stdin-filename gen/m.py < gen/m.py", project)
    assert plain.returncode == 1 and "gen/m.py:6:46: KER203" in plain.stdout  # exclude does not apply
    assert "KER101" not in plain.stdout  # per-file-ignores does
    forced = bash(f"{check} --force-exclude - --stdin-filename gen/m.py < gen/m.py", project)
    assert forced.returncode == 0 and "KER" not in forced.stdout, forced.stdout


def ruff(cwd: Path, *args) -> subprocess.CompletedProcess:
    if shutil.which("ruff", path=str(BIN)) is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    return subprocess.run([str(BIN / "ruff"), "check", "--no-cache", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("external", [False, True], ids=["plain", "external-KER"])
def test_ruff_noqa_rules_and_external(tmp_path, external):
    """What the README says of ruff: with its default rules `# noqa: KER101` alone is left
    alone; RUF102's fix deletes it and RUF100's fix deletes a mixed comment whole, unless KER
    is an external code."""
    text = flat_readme()
    assert "RUF102 (invalid-rule-code) reports `# noqa: KER101` as an invalid code" in text
    assert "its fix deletes the whole comment, kerlint's codes too (`# noqa: KER101, E501` goes)" in text
    config = '[project]\nname = "a"\n' + ('\n[tool.ruff.lint]\nexternal = ["KER"]\n' if external else "")
    (tmp_path / "pyproject.toml").write_text(config)
    alone, mixed = "x = 1  # noqa: KER101\n", "y = 2  # noqa: KER101, E501\n"
    (tmp_path / "a.py").write_text(alone)
    assert ruff(tmp_path, "a.py").returncode == 0  # ruff's default rules
    proc = ruff(tmp_path, "--select", "RUF102", "--fix", "a.py")
    assert (tmp_path / "a.py").read_text() == (alone if external else "x = 1\n"), proc.stdout
    (tmp_path / "b.py").write_text(mixed)
    proc = ruff(tmp_path, "--select", "RUF100", "--fix", "b.py")
    assert (tmp_path / "b.py").read_text() == ("y = 2  # noqa: KER101\n" if external else "y = 2\n"), proc.stdout
