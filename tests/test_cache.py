"""The result cache: hits give exactly what linting gives, anything that changes the result
misses, broken entries are never trusted, and a cache that cannot be written is only a warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kerlint import cache as cache_module
from kerlint import runner
from kerlint import source as source_module
from kerlint.cache import Cache, package_fingerprint
from kerlint.diagnostics import Report, TextEdit, TextFix
from kerlint.fix import FixMode

from .conftest import FIXTURES, ROOT, run_kerlint
from .probes import run_reporting_libcst

BAD = (FIXTURES / "KER101" / "bad_keras3.py").read_text(encoding="utf-8")
GOOD = (FIXTURES / "KER101" / "good.py").read_text(encoding="utf-8")
NOTEBOOK = ROOT / "tests" / "data" / "notebooks" / "seed000_sentiment.ipynb"
CODES = ["KER101", "KER203", "KER301"]


def entries(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and len(p.parent.name) == 2)


def lint(files, cache, fix=None, codes=CODES):
    return runner.lint_files([(Path(f), codes) for f in files], jobs=1, fix=fix, cache=cache)


def plain(results):
    return [(r.path, [(x.code, x.row, x.column, x.end_row, x.end_column, x.message, x.fix, x.cell, x.cell_row,
                       x.extra) for x in r.reports]) for r in results]


@pytest.fixture
def counted(monkeypatch):
    """How many times a file was really linted (parsed)."""
    calls = []
    real = source_module.lint_source

    def lint_source(source, name, *args, **kwargs):
        calls.append(name)
        return real(source, name, *args, **kwargs)

    monkeypatch.setattr(source_module, "lint_source", lint_source)
    return calls


# -- hits and misses ------------------------------------------------------------------------


def test_a_hit_gives_what_linting_gave_without_parsing(tmp_path, counted):
    f = tmp_path / "m.py"
    f.write_text(BAD)
    cache = Cache.open(tmp_path / "cache")
    first = lint([f], cache)
    assert first[0].reports and counted == [str(f)]
    second = lint([f], cache)
    assert counted == [str(f)]
    assert plain(second) == plain(first) == plain(lint([f], None))


def test_a_changed_file_misses(tmp_path, counted):
    f = tmp_path / "m.py"
    f.write_text(BAD)
    cache = Cache.open(tmp_path / "cache")
    lint([f], cache)
    f.write_text(GOOD)
    assert lint([f], cache)[0].reports == []
    assert len(counted) == 2
    f.write_text(BAD)  # back to content seen before: a hit again
    assert lint([f], cache)[0].reports
    assert len(counted) == 2


def test_a_file_changed_after_the_prepass_is_stored_under_the_bytes_linted(tmp_path, counted, monkeypatch):
    # With workers in view the pre-pass keeps no bytes: the file is read again to be linted.
    f, other = tmp_path / "m.py", tmp_path / "other.py"
    f.write_text(BAD)
    other.write_text(GOOD)
    prepass = runner._prepass

    def then_edited(path, *args):
        found = prepass(path, *args)
        if path == f:
            f.write_text(GOOD)
        return found

    monkeypatch.setattr(runner, "_prepass", then_edited)
    cache = Cache.open(tmp_path / "cache")
    results = runner.lint_files([(f, CODES), (other, CODES)], jobs=2, cache=cache)
    assert [r.reports for r in results] == [[], []]  # what was linted: the new bytes
    assert len(counted) == 2
    monkeypatch.setattr(runner, "_prepass", prepass)
    assert lint([f], cache)[0].reports == []
    assert len(counted) == 2  # a hit: the entry is the new bytes'
    f.write_text(BAD)
    assert lint([f], cache)[0].reports
    assert len(counted) == 3  # the old bytes were never stored


def test_another_selection_misses(tmp_path, counted):
    f = tmp_path / "m.py"
    f.write_text(BAD)
    cache = Cache.open(tmp_path / "cache")
    assert lint([f], cache, codes=["KER101"])[0].reports
    assert lint([f], cache, codes=["KER301"])[0].reports == []
    assert len(counted) == 2


def test_another_kerlint_build_misses(tmp_path, counted):
    f = tmp_path / "m.py"
    f.write_text(BAD)
    lint([f], Cache(tmp_path / "cache", fingerprint="build-a"))
    lint([f], Cache(tmp_path / "cache", fingerprint="build-b"))
    lint([f], Cache(tmp_path / "cache", fingerprint="build-a"))
    assert len(counted) == 2


def test_the_fingerprint_follows_the_version_and_every_package_file(tmp_path, monkeypatch):
    package = tmp_path / "kerlint"
    (package / "rules").mkdir(parents=True)
    (package / "cache.py").write_text("")
    rule = package / "rules" / "ker101.py"
    rule.write_text("A = 1\n")
    monkeypatch.setattr(cache_module, "__file__", str(package / "cache.py"))
    first = package_fingerprint()
    assert package_fingerprint() == first
    rule.write_text("A = 22\n")  # another size
    second = package_fingerprint()
    assert second != first
    os.utime(rule, ns=(1, 1))  # same size, another modification time
    assert package_fingerprint() != second
    third = package_fingerprint()
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    assert package_fingerprint() != third


def test_the_same_bytes_as_a_notebook_and_as_python_are_two_entries(tmp_path):
    cache = Cache(tmp_path, fingerprint="x")
    assert cache.key(CODES, b"x = 1\n", "notebook") != cache.key(CODES, b"x = 1\n")


def test_a_notebook_hit_keeps_cells_and_its_program(tmp_path, counted):
    f = tmp_path / "nb.ipynb"
    f.write_bytes(NOTEBOOK.read_bytes())
    cache = Cache.open(tmp_path / "cache")
    first = lint([f], cache, codes=sorted(set(CODES) | {"KER104", "KER202"}))
    second = lint([f], cache, codes=sorted(set(CODES) | {"KER104", "KER202"}))
    assert len(counted) == 1
    assert first[0].reports and all(r.cell is not None for r in first[0].reports)
    assert plain(second) == plain(first)
    assert second[0].source == first[0].source


def test_files_the_prescan_clears_and_unreadable_files_are_not_stored(tmp_path):
    plain_file = tmp_path / "plain.py"
    plain_file.write_text("print(1)\n")
    binary = tmp_path / "binary.py"
    binary.write_bytes(b"import keras\x00")
    cache = Cache.open(tmp_path / "cache")
    results = lint([plain_file, binary, tmp_path / "missing.py"], cache)
    assert [r.reports[0].code if r.reports else None for r in results] == [None, "KER000", "KER000"]
    assert entries(tmp_path / "cache") == []


def test_a_file_that_does_not_parse_is_a_hit_too(tmp_path, counted):
    f = tmp_path / "m.py"
    f.write_text("import keras\ndef f(:\n")
    cache = Cache.open(tmp_path / "cache")
    first = lint([f], cache)
    assert plain(lint([f], cache)) == plain(first)
    assert first[0].reports[0].code == "KER000" and len(counted) == 1


# -- fixing ---------------------------------------------------------------------------------


def test_fix_applies_fixes_that_a_hit_holds(tmp_path):
    f = tmp_path / "m.py"
    f.write_text(BAD)
    cache = Cache.open(tmp_path / "cache")
    lint([f], cache)  # a plain check stores what it found
    result = lint([f], cache, fix=FixMode())[0]
    assert result.fix.fixed["KER101"] > 0
    assert f.read_text() != BAD
    assert lint([f], None)[0].reports == []


def test_fix_on_a_file_with_nothing_to_fix_is_a_hit(tmp_path, counted):
    f = tmp_path / "m.py"
    f.write_text(GOOD)
    cache = Cache.open(tmp_path / "cache")
    first = lint([f], cache, fix=FixMode())[0]
    second = lint([f], cache, fix=FixMode())[0]
    assert len(counted) == 1
    assert first.reports == second.reports == []
    assert not second.fix.fixed and second.fix.diff is None


def test_a_fixed_file_is_stored_under_its_new_content_only_when_linted_again(tmp_path):
    f = tmp_path / "m.py"
    f.write_text(BAD)
    cache = Cache.open(tmp_path / "cache")
    lint([f], cache, fix=FixMode())
    assert entries(tmp_path / "cache") == []  # what a fix run saw is not what the file holds


# -- broken entries -------------------------------------------------------------------------


def _one_entry(tmp_path, text=BAD):
    f = tmp_path / "m.py"
    f.write_text(text)
    cache = Cache.open(tmp_path / "cache")
    want = plain(lint([f], cache))
    (entry,) = entries(tmp_path / "cache")
    return f, cache, entry, want


def _resign(body: bytes) -> bytes:
    import hashlib

    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


@pytest.mark.parametrize("damage", [
    lambda raw: b"",
    lambda raw: raw[: len(raw) // 2],  # a torn write
    lambda raw: raw.replace(b"KER101", b"KER102", 1),  # a flipped byte: the checksum fails
    lambda raw: b"\x00\xff" * 40,
    lambda raw: _resign(b"[1, 2, 3]"),
    lambda raw: _resign(b'{"key": "0", "reports": [], "source": null}'),  # another file's entry
    lambda raw: _resign(raw.partition(b"\n")[2].replace(b'"KER101"', b"101")),  # checksum fine, data not
    lambda raw: _resign(raw.partition(b"\n")[2].replace(b'"safe"', b'"always"')),
    lambda raw: _resign(raw.partition(b"\n")[2].replace(b'"reports":[', b'"reports":[[],')),
    lambda raw: _resign(b"[" * 100_000),
], ids=["empty", "torn", "flipped", "binary", "not-an-entry", "wrong-key", "bad-code", "bad-applicability",
        "bad-report", "deep"])
def test_a_damaged_entry_is_a_miss_and_is_replaced(tmp_path, counted, damage):
    f, cache, entry, want = _one_entry(tmp_path)
    key = cache.key(CODES, f.read_bytes())
    raw = entry.read_bytes()
    assert cache.get(key) is not None
    entry.write_bytes(damage(raw))
    assert cache.get(key) is None
    assert plain(lint([f], cache)) == want
    assert len(counted) == 2
    assert cache.get(key) is not None  # the next run stored a sound entry again


def test_an_entry_copied_from_another_file_is_not_trusted(tmp_path, counted):
    f, cache, entry, _ = _one_entry(tmp_path)
    g = tmp_path / "g.py"
    g.write_text(GOOD)
    key = cache.key(CODES, g.read_bytes())
    target = cache.folder / key[:2] / key[2:]
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(entry.read_bytes())
    assert lint([g], cache)[0].reports == []


def test_reports_round_trip_exactly(tmp_path):
    cache = Cache(tmp_path, fingerprint="x")
    edit = TextEdit(3, 9, "é\r\n", 1, 4, 2, 1)
    report = Report("KER101", "a message ✓", 1, 4, 2, 1, TextFix("unsafe", "fix it", (edit,)), noqa_row=2,
                    cell=3, cell_row=1, extra={"end_cell_row": 2})
    cache.put("k" * 64, [report, Report("KER000", "syntax error", 1, 1, 1, 1)], "source\n")
    reports, source = cache.get("k" * 64)
    assert reports == [report, Report("KER000", "syntax error", 1, 1, 1, 1)]
    assert source == "source\n"


# -- concurrency ----------------------------------------------------------------------------


def test_runs_sharing_a_cache_at_once_agree(tmp_path):
    corpus = tmp_path / "corpus"
    for source in sorted(FIXTURES.rglob("*.py")):
        copy = corpus / source.relative_to(FIXTURES)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes())
    env = dict(os.environ, KERLINT_CACHE_DIR=str(tmp_path / "cache"))
    args = [sys.executable, "-m", "kerlint", "check", "--isolated", "--output-format", "json", str(corpus)]
    for _ in range(3):
        build = package_fingerprint()
        want = run_kerlint("check", "--no-cache", "--isolated", "--output-format", "json", str(corpus), cwd=tmp_path)
        runs = []
        for _ in range(2):  # cold, then warm, four runs at once each time
            procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
                     for _ in range(4)]
            runs.extend((p.returncode, out, err) for p, (out, err) in zip(procs, [p.communicate(timeout=300)
                                                                                  for p in procs]))
        if package_fingerprint() == build:
            break  # else kerlint's own files were edited meanwhile (a checkout in use): again
    for code, out, err in runs:
        assert code == want.returncode, err
        assert json.loads(out) == json.loads(want.stdout)
    assert not [p for p in (tmp_path / "cache").rglob(".tmp-*")]


def test_threads_writing_one_entry_never_show_half_of_it(tmp_path):
    cache = Cache(tmp_path, fingerprint="x")
    cache.folder.mkdir(parents=True)
    reports = [Report("KER101", "m" * 5000, i, 1, i, 2) for i in range(1, 40)]
    key = "ab" * 32
    seen, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            got = cache.get(key)
            if got is not None:
                seen.append(got[0] == reports)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for _ in range(200):
        cache.put(key, reports)
    stop.set()
    for t in threads:
        t.join()
    assert seen and all(seen)


# -- the command line -----------------------------------------------------------------------


def _project(tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "m.py").write_text(BAD)
    (tmp_path / "good.py").write_text(GOOD)
    return tmp_path


def test_check_stores_entries_in_kerlint_cache_with_a_gitignore(tmp_path):
    project = _project(tmp_path)
    first = run_kerlint("check", "--output-format", "concise", ".", cwd=project)
    second = run_kerlint("check", "--output-format", "concise", ".", cwd=project)
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout and "KER101" in first.stdout
    assert (project / ".kerlint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert entries(project / ".kerlint_cache")


def test_the_cache_lives_in_the_project_root(tmp_path):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text("[tool.kerlint]\nselect = ['KER1']\n")
    sub = project / "src"
    sub.mkdir()
    (sub / "n.py").write_text(BAD)
    proc = run_kerlint("check", ".", cwd=sub)
    assert proc.returncode == 1
    assert (project / ".kerlint_cache").is_dir() and not (sub / ".kerlint_cache").exists()


def test_no_cache_writes_nothing(tmp_path):
    project = _project(tmp_path)
    proc = run_kerlint("check", "--no-cache", ".", cwd=project)
    assert proc.returncode == 1
    assert not (project / ".kerlint_cache").exists()
    proc = run_kerlint("check", ".", cwd=project, env={"KERLINT_NO_CACHE": "1"})
    assert proc.returncode == 1
    assert not (project / ".kerlint_cache").exists()


def test_stdin_is_not_cached(tmp_path):
    proc = run_kerlint("check", "-", input=BAD, cwd=tmp_path)
    assert proc.returncode == 1
    assert not (tmp_path / ".kerlint_cache").exists()


def test_cache_dir_puts_the_cache_elsewhere(tmp_path):
    project = _project(tmp_path / "p")
    elsewhere = tmp_path / "elsewhere" / "cache"
    proc = run_kerlint("check", "--cache-dir", str(elsewhere), ".", cwd=project)
    assert proc.returncode == 1
    assert entries(elsewhere) and not (project / ".kerlint_cache").exists()
    proc = run_kerlint("check", ".", cwd=project, env={"KERLINT_CACHE_DIR": str(tmp_path / "env")})
    assert proc.returncode == 1
    assert entries(tmp_path / "env")


def test_cache_dir_in_the_configuration_is_relative_to_its_file(tmp_path):
    project = _project(tmp_path / "p")
    (project / "kerlint.toml").write_text('cache-dir = "../shared-cache"\n')
    proc = run_kerlint("check", ".", cwd=project)
    assert proc.returncode == 1
    assert entries(tmp_path / "shared-cache") and not (project / ".kerlint_cache").exists()
    # The command line (or KERLINT_CACHE_DIR) wins over the file.
    proc = run_kerlint("check", "--cache-dir", str(tmp_path / "cli"), ".", cwd=project)
    assert proc.returncode == 1 and entries(tmp_path / "cli")
    proc = run_kerlint("check", ".", cwd=project, env={"KERLINT_CACHE_DIR": str(tmp_path / "env")})
    assert proc.returncode == 1 and entries(tmp_path / "env")


@pytest.mark.parametrize("where", ["a file", "below a file"])
def test_an_unwritable_cache_dir_is_a_warning(tmp_path, where):
    project = _project(tmp_path / "p")
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    target = blocker if where == "a file" else blocker / "cache"
    want = run_kerlint("check", "--no-cache", "--output-format", "concise", ".", cwd=project)
    proc = run_kerlint("check", "--cache-dir", str(target), "--output-format", "concise", ".", cwd=project)
    assert proc.returncode == want.returncode == 1
    assert proc.stdout == want.stdout
    assert "warning: cannot write the cache" in proc.stderr and "Traceback" not in proc.stderr


def test_a_read_only_cache_is_read_but_not_written(tmp_path, capsys):
    f = tmp_path / "m.py"
    f.write_text(BAD)
    lint([f], Cache.open(tmp_path / "cache"))
    reader = Cache.open(tmp_path / "cache")
    reader.writable = False  # what `open` makes of a folder it cannot write
    f.write_text(GOOD)
    assert lint([f], reader)[0].reports == []
    assert len(entries(tmp_path / "cache")) == 1


def test_a_hit_imports_no_libcst(tmp_path):
    project = _project(tmp_path)
    (project / "plain.py").write_text("print('hello')\n")
    def run(*args):
        return run_reporting_libcst("check", "--output-format", "concise", *args, cwd=project)

    cold = run("m.py")
    assert "LIBCST=True" in cold.stderr and cold.returncode == 1
    for _ in range(3):
        build = package_fingerprint()
        warm = run("m.py", "good.py")
        hit = run("m.py", "good.py", "plain.py")
        if package_fingerprint() == build:
            break  # else kerlint's own files were edited meanwhile (a checkout in use): again
    assert "LIBCST=False" in hit.stderr, hit.stderr
    assert hit.returncode == 1 and hit.stdout == warm.stdout


def test_folders_of_other_builds_go_when_unused_for_a_week(tmp_path):
    root = tmp_path / "cache"
    old = root / "v1-oldbuild"
    recent = root / "v1-recentbuild"
    for folder in (old, recent):
        (folder / "ab").mkdir(parents=True)
    week = cache_module.PRUNE_AFTER + 60
    import time

    os.utime(old, (time.time() - week, time.time() - week))
    cache = Cache.open(root)
    assert cache.folder.is_dir() and recent.is_dir() and not old.exists()
