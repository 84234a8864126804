"""The command line as a user runs it: output lines, sorting, summary, exit codes."""

from __future__ import annotations

import json
import os
import textwrap

from .conftest import ROOT, run_kerlint

SEED000 = ROOT / "tests" / "data" / "sample_model.py"  # seed 000, frozen: KER203 at 6:46, KER101 at 9:5
SEED_RULES = ("--select", "KER101,KER203")  # what these tests expect of the seed; new rules may add more


def test_seed000_concise_output_and_exit_code():
    proc = run_kerlint("check", "--output-format", "concise", *SEED_RULES, str(SEED000))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"{SEED000}:6:46: KER203 noise_shape [None, 50, 1]")
    assert lines[1].startswith(f"{SEED000}:9:5: KER101 Dense output is linear")
    assert lines[2] == "Found 2 errors."


def test_full_output_is_the_default_with_source_and_caret():
    proc = run_kerlint("check", *SEED_RULES, str(SEED000))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"{SEED000}:6:46: KER203 [*] noise_shape [None, 50, 1]")
    assert lines[1:6] == [
        "  |",
        "6 |     tf.keras.layers.Dropout(0.2, noise_shape=[None, 50, 1]),",
        "  |                                              ^^^^^^^^^^^^^ KER203",
        "  |",
        "  = help: Replace the mismatching noise_shape entries with None",
    ]
    assert lines[6] == ""
    assert lines[7].startswith(f"{SEED000}:9:5: KER101 [*] Dense output is linear")
    assert "Found 2 errors." in lines
    assert "\x1b[" not in proc.stdout  # not a terminal: no colour


def test_clean_file_exits_zero(tmp_path):
    (tmp_path / "ok.py").write_text("import keras\nx = keras.layers.Dense(3, activation='softmax')\n")
    proc = run_kerlint("check", str(tmp_path))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip() == "All checks passed!"


def test_python_dash_m_and_default_path(tmp_path):
    (tmp_path / "m.py").write_text(SEED000.read_text())
    proc = run_kerlint("check", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("m.py:6:46: KER203")
    proc = run_kerlint("check", "--output-format", "concise", cwd=tmp_path)
    assert proc.stdout.startswith("m.py:6:46: KER203")


def test_sorted_by_path_then_position(tmp_path):
    src = SEED000.read_text()
    for name in ("b.py", "a.py", os.path.join("sub", "c.py")):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(src)
    proc = run_kerlint("check", "--output-format", "concise", *SEED_RULES, ".", cwd=tmp_path)
    paths = [line.split(":")[0] for line in proc.stdout.splitlines() if ": KER" in line]
    assert paths == ["a.py", "a.py", "b.py", "b.py", os.path.join("sub", "c.py"), os.path.join("sub", "c.py")]
    rows = [int(line.split(":")[1]) for line in proc.stdout.splitlines()[:2]]
    assert rows == sorted(rows)


def test_syntax_error_gives_ker000_and_run_goes_on(tmp_path):
    (tmp_path / "broken.py").write_text("import keras\ndef f(:\n    pass\n")
    (tmp_path / "seed.py").write_text(SEED000.read_text())
    proc = run_kerlint("check", "--output-format", "concise", str(tmp_path))
    assert proc.returncode == 1
    broken = [line for line in proc.stdout.splitlines() if "broken.py" in line]
    assert len(broken) == 1 and ":2:" in broken[0] and "KER000 syntax error" in broken[0]
    assert any("seed.py:9:5: KER101" in line for line in proc.stdout.splitlines())
    assert "Traceback" not in proc.stderr


def test_discovery_skips_tool_and_environment_folders(tmp_path):
    src = SEED000.read_text()
    for folder in (".git", ".venv", "venv", "__pycache__", "build", "dist", "node_modules", "env"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text(src)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "m.py").write_text(src)
    proc = run_kerlint("check", "--output-format", "concise", ".", cwd=tmp_path)
    files = {line.split(":")[0] for line in proc.stdout.splitlines() if ": KER" in line}
    assert files == {os.path.join("real", "m.py")}


def test_unknown_option_and_code_are_usage_errors(tmp_path):
    assert run_kerlint("check", "--no-such-flag").returncode == 2
    proc = run_kerlint("check", "--select", "KER999", str(tmp_path))
    assert proc.returncode == 2
    assert "KER999" in proc.stderr


def test_select_and_ignore(tmp_path):
    (tmp_path / "m.py").write_text(SEED000.read_text())
    only = run_kerlint("check", "--output-format", "concise", "--select", "KER2", str(tmp_path))
    assert [line.split(": ")[1].split()[0] for line in only.stdout.splitlines() if ": KER" in line] == ["KER203"]
    ignored = run_kerlint("check", *SEED_RULES, "--ignore", "KER101,KER203", str(tmp_path))
    assert ignored.returncode == 0


def test_stdin(tmp_path):
    proc = run_kerlint("check", "-", "--stdin-filename", "model.py", input=SEED000.read_text())
    assert proc.returncode == 1
    assert proc.stdout.startswith("model.py:6:46: KER203")
    # The full format shows the source line from stdin too.
    assert "6 |     tf.keras.layers.Dropout(0.2, noise_shape=[None, 50, 1])," in proc.stdout


def test_no_tensorflow_import_on_lint_path():
    proc = run_kerlint("check", str(SEED000), env={"PYTHONPROFILEIMPORTTIME": "1"})
    imported = [line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line]
    assert imported, "import timing was not reported"
    assert not [m for m in imported if m.split(".")[0] in ("tensorflow", "keras", "tf_keras", "jax", "torch")]


def test_rule_and_rules_commands():
    proc = run_kerlint("rule", "KER101")
    assert proc.returncode == 0
    assert proc.stdout.startswith("KER101 (logits-without-from-logits)")
    for part in ("Example of the problem:", "`kerlint check --fix` changes it:", "Use instead:",
                 "Fix: always available, safe. On by default."):
        assert part in proc.stdout
    assert run_kerlint("rule", "KER900").stdout.startswith("KER900 (unused-noqa)")
    assert run_kerlint("rule", "KER999").returncode == 2
    listing = run_kerlint("rules").stdout.splitlines()
    ker203 = next(line for line in listing if line.startswith("KER203"))
    assert ker203.split()[:4] == ["KER203", "noise-shape-mismatch", "on", "fix:"]
    assert next(line for line in listing if line.startswith("KER900")).split()[2] == "opt-in"


def test_rule_all_and_json_listing():
    everything = run_kerlint("rule", "--all").stdout
    rules = json.loads(run_kerlint("rules", "--output-format", "json").stdout)
    codes = [r["code"] for r in rules]
    assert codes == sorted(codes) and "KER101" in codes and "KER900" in codes
    assert all(f"{code} (" in everything for code in codes)
    ker900 = next(r for r in rules if r["code"] == "KER900")
    assert ker900 == {"code": "KER900", "name": "unused-noqa", "summary": ker900["summary"], "kind": "meta",
                      "default": False, "selectable": True, "fix": "always (safe)", "fix_availability": "always",
                      "fix_applicability": ["safe"], "url": ker900["url"]}
    one = json.loads(run_kerlint("rule", "KER101", "--output-format", "json").stdout)
    assert one["name"] == "logits-without-from-logits" and one["explanation"] and one["bad"] and one["good"]


def test_rules_markdown_is_the_committed_docs():
    proc = run_kerlint("rules", "--markdown")
    assert proc.returncode == 0
    assert proc.stdout == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), (
        "docs/rules.md is stale: run `kerlint rules --markdown > docs/rules.md` (or python tools/gen_docs.py)"
    )


def test_snippet_without_imports(tmp_path):
    (tmp_path / "s.py").write_text(textwrap.dedent("""\
        model = Sequential()
        model.add(Dense(10, input_dim=8))
        model.compile(loss='binary_crossentropy', optimizer='adam')
    """))
    proc = run_kerlint("check", "--output-format", "concise", str(tmp_path / "s.py"))
    assert ":2:11: KER101" in proc.stdout


# -- what a ruff user looks for (issue 21, items 8 and 9) -------------------------------------------
BUGGY = (
    "import keras\nfrom keras import layers\n\n"
    "model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(5)])\n"
    "model.compile(loss='categorical_crossentropy')\n"
    "model.fit(x, y, epochs=10)\n"
)


def _project(tmp_path, **files):
    (tmp_path / "pyproject.toml").write_text('[tool.kerlint]\nextend-exclude = ["generated"]\n')
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_show_files_lists_what_would_be_linted(tmp_path):
    root = _project(tmp_path, **{"train.py": BUGGY, "generated/big.py": BUGGY, "notes.ipynb": "{}"})
    proc = run_kerlint("check", "--show-files", ".", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [str(root / "notes.ipynb"), str(root / "train.py")]


def test_show_settings_names_the_config_and_the_selection(tmp_path):
    root = _project(tmp_path, **{"train.py": BUGGY})
    proc = run_kerlint("check", "--show-settings", "--select", "KER101,KER301", "train.py", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[:4] == [
        f"Resolved settings for: {root / 'train.py'}", f"Settings path: {root / 'pyproject.toml'}",
        f"root = {root}", "select = ['KER101', 'KER301']  # command line"]


def test_show_settings_shows_every_key_and_the_files_it_came_from(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kerlint]\nextend-select = ["KER302"]\nunfixable = ["KER401"]\ntarget-keras = "3"\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / ".kerlint.toml").write_text('extend = "../pyproject.toml"\nignore = ["KER301"]\noutput-format = "concise"\n'
                                       'cache-dir = "../.cache/kerlint"\n')
    (sub / "train.py").write_text(BUGGY)
    proc = run_kerlint("check", "--show-settings", "--no-unsafe-fixes", "train.py", cwd=sub)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    root, child = tmp_path / "pyproject.toml", sub / ".kerlint.toml"
    assert lines[:4] == [f"Resolved settings for: {sub / 'train.py'}", f"Settings path: {child}",
                         f"Extends: {root}", f"root = {sub}"]
    select = next(line for line in lines if line.startswith("select = "))
    assert "'KER302'" in select and "'KER301'" not in select and select.endswith(f"  # {root}, {child}")
    assert f"unfixable = ['KER401']  # {root}" in lines
    assert "unsafe-fixes = false  # command line" in lines
    assert f"output-format = \"concise\"  # {child}" in lines
    assert f"cache-dir = \"{tmp_path / '.cache' / 'kerlint'}\"  # {child}" in lines
    assert f"target-keras = \"3\"  # {root}" in lines
    assert "respect-gitignore = true  # default" in lines


def test_verbose_says_why_each_file_is_or_is_not_linted(tmp_path):
    root = _project(tmp_path, **{"train.py": BUGGY, "plain.py": "print('hello')\n", "generated/big.py": BUGGY})
    proc = run_kerlint("check", "-v", "--no-cache", ".", cwd=root)
    assert f"kerlint: {root / 'generated'}: skipped: excluded by the configuration's exclude patterns" in proc.stderr
    assert "kerlint: plain.py: not parsed: no Keras, TensorFlow or kerlint text in it (the pre-scan)" in proc.stderr
    assert "kerlint: train.py: linted" in proc.stderr


def test_quiet_output_file_color_and_exclude(tmp_path):
    root = _project(tmp_path, **{"train.py": BUGGY, "other/more.py": BUGGY})
    proc = run_kerlint("check", "-q", "--no-cache", "--output-format", "concise", "--exclude", "other", ".", cwd=root)
    assert proc.returncode == 1
    assert [line.split(" ")[1] for line in proc.stdout.splitlines()] == ["KER101", "KER301"]  # no summary, no other/
    proc = run_kerlint("check", "--no-cache", "-o", "report.txt", "--color", "always", "train.py", cwd=root)
    assert proc.returncode == 1 and proc.stdout == ""
    written = (root / "report.txt").read_text()
    assert "\x1b[" in written and "Found 2 errors." in written


def test_no_python_files_warns(tmp_path):
    proc = run_kerlint("check", "--no-cache", str(tmp_path))
    assert proc.returncode == 0
    assert "kerlint: warning: No Python files found under the given path(s)" in proc.stderr


def test_add_noqa_silences_every_line_and_is_idempotent(tmp_path):
    root = _project(tmp_path, **{"train.py": BUGGY})
    proc = run_kerlint("check", "--no-cache", "--add-noqa", "--select", "KER101,KER301,KER201", ".", cwd=root)
    assert (proc.returncode, proc.stdout) == (0, "Added 2 noqa directives.\n")
    text = (root / "train.py").read_text()
    assert text.splitlines()[3].endswith("layers.Dense(5)])  # noqa: KER101")
    assert text.splitlines()[5] == "model.fit(x, y, epochs=10)  # noqa: KER301"
    proc = run_kerlint("check", "--no-cache", "--add-noqa", "--select", "KER101,KER301", ".", cwd=root)
    assert proc.stdout == "Added 0 noqa directives.\n"
    assert (root / "train.py").read_text() == text
    assert run_kerlint("check", "--no-cache", ".", cwd=root).returncode == 0
