"""The start of a run walks the tree, matches excludes and .gitignore, and finds each file's
project root and pinned Keras with strings and one listing per folder, not pathlib objects per
entry. Each fast way must give what the plain pathlib way gives (kept here as the reference),
edge cases included: links that loop or leave the tree, virtualenvs, nested .gitignore files,
plain-name and glob patterns, a repository above a configuration."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kerlint import config, files, gitignore, keras_target, project
from kerlint.config import DEFAULT_EXCLUDE, PathPattern, PatternSet

# --- the references: how these were worked out with pathlib ------------------------------


def reference_walk(root: Path, suffixes, skip=None):
    def skip_dir(path: Path) -> bool:
        return path.name in files.SKIP_DIRS or path.name.endswith(".egg-info") or (path / "pyvenv.cfg").exists()

    stack, visited, out = [root], set(), []
    top = os.path.realpath(root)
    while stack:
        d = stack.pop()
        try:
            real = d.resolve()
        except (OSError, RuntimeError):
            continue
        if real in visited:
            continue
        visited.add(real)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            path = Path(e.path)
            try:
                if e.is_symlink() and not files.inside(os.path.realpath(e.path), top):
                    continue
                if e.is_dir():
                    if skip is None and not skip_dir(path):
                        stack.append(path)
                    elif skip is not None and not skip(path, True) and not (path / "pyvenv.cfg").exists():
                        stack.append(path)
                elif e.name.endswith(suffixes) and e.is_file() and not (skip and skip(path, False)):
                    out.append(path)
            except OSError:
                continue
    out.sort()
    return out


def reference_root(path) -> Path:
    folder = Path(os.path.abspath(path)).parent
    found = reference_find_config(folder)
    if found is not None:
        return found.parent
    return next((c for c in (folder, *folder.parents) if (c / ".git").exists()), folder)


def reference_find_config(start) -> Path | None:
    d = Path(os.path.abspath(start))
    for folder in (d, *d.parents):
        for name in config.CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or config._has_table(candidate)):
                return candidate
    return None


def reference_ignored(ignore: gitignore.GitIgnore, path, is_dir: bool) -> bool:
    absolute = os.path.abspath(path)
    if not absolute.startswith(ignore._prefix):
        return False
    parts = absolute[len(ignore._prefix) :].split(os.sep)
    verdict = ignore._match(ignore._info, "/".join(parts), is_dir)
    folder = ignore.base
    for i in range(len(parts)):
        if i:
            folder = os.path.join(folder, parts[i - 1])
        rules = gitignore.parse(gitignore._read(Path(folder) / ".gitignore"))
        if rules:
            v = ignore._match(rules, "/".join(parts[i:]), is_dir)
            if v is not None:
                verdict = v
    return bool(verdict)


# --- a tree with the cases -----------------------------------------------------------------


def write(root: Path, names) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("import keras\n")


@pytest.fixture(autouse=True)
def fresh_caches():
    """What the process remembers of folders: forgotten around each test."""
    def clear():
        config._FOUND.clear()
        project._ROOTS.clear()
        project._REPOSITORIES.clear()
        keras_target.project_target.cache_clear()

    clear()
    yield
    clear()


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    write(root, [
        "a.py", "b.pyi", "c.ipynb", "d.txt", ".hidden.py", "a-b/x.py", "a/b/c/deep.py", "a/z.py",
        "build/skipped.py", "pkg.egg-info/x.py", "env/lib/x.py", "node_modules/x.py", "keep/__pycache__/x.py",
        "data/requirements-x.txt/inner.py", "ok/.venv2/x.py",
    ])
    (root / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    outside = tmp_path / "outside"
    write(outside, ["far.py"])
    links = {
        "loop": root / "a",  # a link back into the tree: walked once
        "self": root,  # a link to the top itself
        "away": outside,  # leaves the tree: not followed
        "away.py": outside / "far.py",
        "inner.py": root / "a.py",
        "dangling.py": root / "missing.py",
    }
    for name, target in links.items():
        try:
            (root / "a" / name).symlink_to(target)
        except (OSError, NotImplementedError):
            pytest.skip("no symbolic links here")
    (root / "ring1").symlink_to(root / "ring2")
    (root / "ring2").symlink_to(root / "ring1")
    return root


def test_the_walk_finds_what_the_pathlib_walk_finds(tree, monkeypatch):
    asked = []

    def skip(path, is_dir):
        asked.append((os.fspath(path), is_dir))
        return os.path.basename(path) in ("build", "z.py")

    for root in (tree, Path(os.path.relpath(tree)), tree / "a"):
        for suffixes in (files.SOURCE_SUFFIXES, (".py",)):
            assert files._walk(root, suffixes) == reference_walk(root, suffixes)
            asked.clear()
            found = files._walk(root, suffixes, skip)
            fast_asked = list(asked)
            asked.clear()
            assert found == reference_walk(root, suffixes, skip)
            assert fast_asked == asked  # the same entries asked about, in the same order
            assert all(isinstance(p, Path) for p in found)
    monkeypatch.chdir(tree)
    assert files._walk(Path("."), files.SOURCE_SUFFIXES) == reference_walk(Path("."), files.SOURCE_SUFFIXES)


def test_exists_and_is_file_answer_as_pathlib(tree):
    for name in ("a.py", "a", "a/dangling.py", "missing", "a.py/below", "ring1", "ring1/x", "a/loop", "a/away.py"):
        path = tree / name
        assert files.exists(str(path)) == path.exists(), name
        assert files.is_file(str(path)) == path.is_file(), name


PATTERNS = list(DEFAULT_EXCLUDE) + [
    "*.py", "gen", "gen/", "./gen", "a/b", "/abs/x", "[ab]*", "[!a]x", "x\\*y", "**/gen", "foo?", "a+b", "(x)",
    "sub/**/x.py", "weird[", "dot.name", "**", "tests/*_gen.py",
]
PATHS = ["gen", "a+b", "(x)", "foo1", "x*y", "xy", "ax", "bx", ".git", "build", "thing.egg-info", "a.py", "weird[",
         "dotxname", "dot.name", "z_gen.py", "x.py", "deeper"]


@pytest.mark.parametrize("base", [None, "/tmp/proj"])
def test_a_pattern_set_matches_as_its_patterns_do(base):
    patterns = [PathPattern.of(p, base) for p in PATTERNS]
    folder = (base or os.getcwd()).replace(os.sep, "/")
    for chosen in (patterns, patterns[:18], patterns[18:], [patterns[3]], []):
        together = PatternSet(chosen)
        for name in PATHS:
            for absolute in (f"{folder}/{name}", f"{folder}/a/{name}", f"{folder}/sub/q/{name}",
                             f"{folder}/tests/{name}", f"/elsewhere/{name}"):
                assert together.matches(absolute, name) == any(p.matches(absolute, name) for p in chosen), \
                    (absolute, [p.text for p in chosen])


def test_settings_exclude_and_codes_as_before(tmp_path):
    settings = config.Settings(root=tmp_path, codes=frozenset({"KER203", "KER101"}),
                               exclude=tuple(PathPattern.of(p, tmp_path) for p in PATTERNS))
    for name in ("gen/x.py", "src/gen", "src/build/x.py", "a/b", "a/b/c.py", "ok/y.py", "ab.txt", "zz/foo1"):
        path = tmp_path / name
        for walking in (False, True):
            slow = _reference_excluded(settings, path, walking)
            assert settings.excluded(path, walking) == slow, (name, walking)
    assert settings.codes_for(tmp_path / "x.py") == ["KER101", "KER203"]
    listed = settings.codes_for(tmp_path / "x.py")
    listed.append("changed by a caller")
    assert settings.codes_for(tmp_path / "y.py") == ["KER101", "KER203"]
    settings.codes = frozenset({"KER1"})  # a changed field is read afresh
    assert settings.codes_for(None) == ["KER1"]


def _reference_excluded(settings, path, walking):
    absolute = os.path.abspath(path).replace(os.sep, "/")
    root = str(settings.root).replace(os.sep, "/").rstrip("/") + "/"
    if not absolute.startswith(root):
        return any(p.matches(absolute, absolute.rsplit("/", 1)[-1]) for p in settings.exclude)
    parts = absolute[len(root) :].split("/")
    for k in range(len(parts), len(parts) - 1 if walking else 0, -1):
        sub = root + "/".join(parts[:k])
        if any(p.matches(sub, parts[k - 1]) for p in settings.exclude):
            return True
    return False


def test_roots_and_configurations_as_before(tmp_path):
    write(tmp_path, ["repo/src/pkg/m.py", "repo/src/pkg/sub/n.py", "repo/tools/t.py", "repo/cfg/a/b/m.py",
                     "repo/other/m.py", "plain/x/y.py", "top.py"])
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "repo" / "cfg" / "kerlint.toml").write_text('select = ["KER1"]\n')
    (tmp_path / "repo" / "other" / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no table: not a config
    (tmp_path / "repo" / "src" / "pkg" / "pyproject.toml").write_text('[tool.kerlint]\nselect = ["KER2"]\n')
    names = ["repo/src/pkg/m.py", "repo/src/pkg/sub/n.py", "repo/tools/t.py", "repo/cfg/a/b/m.py",
             "repo/other/m.py", "plain/x/y.py", "top.py"]
    for name in names * 2:  # the second time from what the process remembers
        for path in (tmp_path / name, str(tmp_path / name)):
            assert project.root_for(path) == reference_root(path), name
            folder = Path(os.path.abspath(path)).parent
            assert config.find_config(folder) == reference_find_config(folder), name
            assert config.find_config(str(folder)) == reference_find_config(folder), name


def test_the_pinned_keras_reads_the_same_files(tmp_path):
    cases = {
        "reqs": {"requirements.txt": "tensorflow<2.16\n", "requirements-dev.txt": "pytest\n"},
        "two": {"requirements-a.txt": "keras>=3\n", "requirements-b.txt": "keras<3\n"},  # both: None
        "setup": {"setup.cfg": "[options]\ninstall_requires =\n    keras>=3\n"},
        "setuppy": {"setup.py": "setup(install_requires=['tf_keras'])\n"},
        "pyproject": {"pyproject.toml": '[project]\ndependencies = ["keras<3"]\n'},
        "target": {"pyproject.toml": '[tool.kerlint]\ntarget-keras = "2"\n', "requirements.txt": "keras>=3\n"},
        "case": {"Requirements.txt": "keras<3\n", "SETUP.CFG": "[x]\n    keras<3\n"},
        "nothing": {"README.md": "keras<3\n"},
    }
    for folder, texts in cases.items():
        for name, text in texts.items():
            (tmp_path / folder).mkdir(exist_ok=True)
            (tmp_path / folder / name).write_text(text)
    (tmp_path / "dir" / "requirements-x.txt").mkdir(parents=True)  # a folder of that name: unreadable
    (tmp_path / "dir" / "requirements.txt").write_text("keras>=3\n")
    for folder in [*cases, "dir", "missing"]:
        root = tmp_path / folder
        listing = keras_target._listing(root)
        assert keras_target._requirement_files(root, listing) == sorted(root.glob("requirements*.txt"))
        keras_target.project_target.cache_clear()
        assert keras_target.project_target(root) == _reference_target(root), folder


def _reference_target(root: Path):
    target, pinned = keras_target._pyproject(root, {"pyproject.toml"})
    target = config.configured_target(root) or target
    if target in ("2", "3"):
        return target
    if pinned:
        return pinned
    lines = []
    for path in sorted(root.glob("requirements*.txt")):
        try:
            lines += path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
    for name in ("setup.cfg", "setup.py"):
        path = root / name
        try:
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
        except (OSError, UnicodeDecodeError):
            continue
        lines += [m.group(1) for m in keras_target._STRINGS.finditer(text)]
        if name == "setup.cfg":
            lines += [line for line in text.splitlines() if line[:1].isspace()]
    return keras_target._from_requirements(lines)


def test_gitignore_rules_of_every_folder_as_before(tmp_path):
    repo = tmp_path / "repo"
    write(repo, ["a/b/c/m.py", "a/b/keep.log", "a/x.log", "d/e.py", "d/f/g.py", "top.log"])
    (repo / ".git" / "info").mkdir(parents=True)
    (repo / ".git" / "info" / "exclude").write_text("*.tmp\n")
    (repo / ".gitignore").write_text("*.log\n/d/f/\n")
    (repo / "a" / ".gitignore").write_text("!keep.log\nc/\n")
    (repo / "a" / "b" / ".gitignore").write_text("m.py\n!*.log\n")
    ignore = gitignore.GitIgnore(repo / "a")
    reference = gitignore.GitIgnore(repo / "a")
    paths = ["a/b/c/m.py", "a/b/keep.log", "a/x.log", "d/e.py", "d/f", "d/f/g.py", "top.log", "a/b/c", "a/y.tmp",
             "a/b", "a", "elsewhere.py"]
    for name in paths * 2:
        for is_dir in (False, True):
            path = repo / name if name != "elsewhere.py" else tmp_path / name
            assert ignore.ignored(str(path), is_dir) == reference_ignored(reference, str(path), is_dir), (name, is_dir)


def test_no_gitignore_pattern_needs_more_than_the_glob_regex():
    # PatternSet reads a plain name as itself: true of what glob_regex makes of one.
    for name in ("build", ".git", "a+b", "(x)", "dot.name", "x y", "$^", "é"):
        assert config.glob_regex(name).pattern == re.escape(name)
