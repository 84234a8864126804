"""What the package says about itself, and what its sdist holds: the MIT license as a file and as
an SPDX expression, project URLs on one base, and an sdist from which the tests run (their
conftest, fixtures, snapshots and data, the docs, tools and example they read)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from .conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser under its old name
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# What the tests read outside kerlint/ (tests/README.md says which test reads what).
FOR_THE_TESTS = ("tests", "docs", "examples", "tools")
NOT_SOURCE = ("__pycache__", "*.pyc", ".git", ".venv", "venv", "*.egg-info", "build", "dist", ".kerlint_cache",
              ".hypothesis", ".benchmarks", ".pytest_cache", ".ruff_cache")


def test_license_is_mit_as_a_file_and_an_spdx_expression():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) the kerlint authors\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
    project = PYPROJECT["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert not [c for c in project.get("classifiers", []) if c.startswith("License ::")]  # PEP 639 forbids both


def test_build_requires_a_setuptools_that_takes_the_spdx_license():
    """setuptools reads `license = "MIT"` from 77 on (PEP 639); an older one rejects it."""
    (setuptools,) = [Requirement(r) for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    assert not setuptools.specifier.contains("76.1.0") and setuptools.specifier.contains("77.0.3")


def test_project_urls_share_the_repository_base():
    urls = PYPROJECT["project"]["urls"]
    base = urls["Homepage"]
    assert set(urls) == {"Homepage", "Documentation", "Issues"}
    assert all(url == base or url.startswith(base + "/") for url in urls.values()), urls
    assert urls["Documentation"].endswith("/docs/rules.md") and (ROOT / "docs" / "rules.md").exists()


# --- the sdist -----------------------------------------------------------------------------


def _tree_copy(dest: Path) -> Path:
    """The working tree without what git ignores: what a checkout holds."""
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    return dest


def _build_requires() -> list[str]:
    return PYPROJECT["build-system"]["requires"]


def _installed_satisfies(requirements) -> bool:
    from importlib.metadata import PackageNotFoundError, version

    for text in requirements:
        req = Requirement(text)
        try:
            if not req.specifier.contains(Version(version(req.name)), prereleases=True):
                return False
        except PackageNotFoundError:
            return False
    return True


def _backend_env(tmp_path: Path) -> dict:
    """An environment whose PYTHONPATH holds the build requirements: the installed ones when
    they are new enough, else the ones pip fetches into a folder (what `build` does)."""
    env = dict(os.environ, PIP_DEFAULT_TIMEOUT="20", PIP_RETRIES="1")
    if _installed_satisfies(_build_requires()):
        return env
    target = tmp_path / "build-requires"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
                           *_build_requires()], capture_output=True, text=True, timeout=300, env=env)
    if proc.returncode != 0:
        pytest.skip(f"neither `build` nor setuptools {_build_requires()} here, and pip could not fetch them: "
                    f"{proc.stderr.strip().splitlines()[-1:]}")
    env["PYTHONPATH"] = str(target)
    return env


def _build_sdist(tree: Path, out: Path, tmp_path: Path) -> Path:
    if importlib.util.find_spec("build"):
        proc = subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(out), str(tree)],
                              capture_output=True, text=True, timeout=300)
    else:  # what `python -m build --sdist` does: the PEP 517 backend, with its requirements
        hook = "import sys, setuptools.build_meta as b; print(b.build_sdist(sys.argv[1]))"
        proc = subprocess.run([sys.executable, "-c", hook, str(out)], cwd=tree, capture_output=True, text=True,
                              timeout=300, env=_backend_env(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (sdist,) = out.glob("kerlint-*.tar.gz")
    return sdist


def _tracked(paths) -> list[str]:
    """The files git tracks under ``paths`` that the working tree has (a file deleted but not
    yet committed is not expected)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return []
    proc = subprocess.run(["git", "ls-files", "-z", "--", *paths], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    return [p for p in proc.stdout.split("\0") if p and (ROOT / p).is_file()]


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("sdist")
    return _build_sdist(_tree_copy(tmp / "tree"), tmp / "dist", tmp)


def test_sdist_holds_what_the_tests_need(sdist):
    with tarfile.open(sdist) as tar:
        top = tar.getnames()[0].split("/")[0]
        names = {name.removeprefix(top + "/") for name in tar.getnames()}
        pkg_info = tar.extractfile(f"{top}/PKG-INFO").read().decode()
    for path in ("LICENSE", "README.md", "pyproject.toml", ".pre-commit-hooks.yaml", "tests/conftest.py",
                 "tests/data/sample_model.py", "tests/fixtures", "tests/snapshots", "docs/rules.md",
                 "examples/sentiment_model.py", "tools/gen_docs.py", "kerlint/catalog/keras_api.json"):
        assert path in names, f"{path} is not in {sdist.name}"
    missing = [p for p in _tracked(FOR_THE_TESTS) if p not in names]
    assert not missing, f"{len(missing)} tracked files missing from the sdist, e.g. {missing[:5]}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or ".kerlint_cache" in n]
    assert re.search(r"^License-Expression: MIT$", pkg_info, re.M)
    assert re.search(r"^Project-URL: Homepage, ", pkg_info, re.M)


def _outcomes(cwd: Path) -> set[str]:
    """``PASSED tests/...::id`` and the like, for one rule's snapshot tests (they read its
    fixtures, their snapshots and the conftest)."""
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=no", "-rA",
                           "tests/test_snapshots.py", "-k", "KER203"], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    found = set(re.findall(r"^(?:PASSED|FAILED|ERROR|SKIPPED) tests/\S+", proc.stdout, re.M))
    assert found and "ERROR" not in proc.stdout.split("short test summary", 1)[0], proc.stdout[-3000:]
    return found


def test_tests_run_from_the_sdist(sdist, tmp_path):
    """Unpacked, the sdist is a folder pytest runs tests in, against its own kerlint, with the
    conftest, a rule's fixtures and their snapshots: they end as they do in the working tree (the
    same ones pass; work in progress elsewhere may fail some in both)."""
    with tarfile.open(sdist) as tar:
        # The "data" filter (no links out, no absolute paths) where Python has it (3.10.12+).
        tar.extractall(tmp_path, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    (unpacked,) = tmp_path.iterdir()
    where = subprocess.run([sys.executable, "-c", "import kerlint; print(kerlint.__file__)"], cwd=unpacked,
                           capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == str(unpacked / "kerlint" / "__init__.py"), where.stdout + where.stderr
    from_sdist = _outcomes(unpacked)
    assert any(line.startswith("PASSED") for line in from_sdist), from_sdist
    assert from_sdist == _outcomes(ROOT)
