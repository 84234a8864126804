"""Every --output-format through the real command line, parsed the way its consumer parses it:
ruff's JSON shape, SARIF validated against the official 2.1.0 schema, GitHub workflow
commands, JUnit XML; --statistics, --show-fixes, and colour only on a terminal."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree as ET

import pytest

from kerlint.diagnostics import Report
from kerlint.lint import FileResult

from .conftest import ROOT, run_kerlint

SEED = (ROOT / "tests" / "data" / "sample_model.py").read_text()  # KER203 at 6:46, KER101 at 9:5
SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "my models").mkdir()
    (tmp_path / "my models" / "seed.py").write_text(SEED)
    return tmp_path


def out(project, fmt, *args):
    # Only the seed's two rules, so rules added later that may fire on it change nothing here.
    proc = run_kerlint("check", "--select", "KER101,KER203", "--output-format", fmt, *args, "my models", cwd=project)
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_json_has_ruffs_shape(project):
    data = json.loads(out(project, "json"))
    assert [d["code"] for d in data] == ["KER203", "KER101"]
    first = data[0]
    assert sorted(first) == sorted(
        ["cell", "code", "end_location", "filename", "fix", "location", "message", "noqa_row", "severity", "url"]
    )
    assert first["severity"] == "error"  # besides ruff's fields: "error", "warning" or "note"
    assert first["filename"] == str(project / "my models" / "seed.py")
    assert first["location"] == {"row": 6, "column": 46}
    assert first["end_location"] == {"row": 6, "column": 59}
    assert first["noqa_row"] == 6 and first["cell"] is None
    assert first["url"].endswith("docs/rules.md#ker203")
    assert first["message"].startswith("noise_shape [None, 50, 1] fixes 50 where")
    fix = first["fix"]
    assert fix["applicability"] == "safe" and fix["message"]
    edit = fix["edits"][0]
    assert sorted(edit) == ["content", "end_location", "location"]
    # The edit, applied to the file by row/column as a JSON consumer would, fixes the line.
    line = SEED.splitlines()[edit["location"]["row"] - 1]
    fixed = line[: edit["location"]["column"] - 1] + edit["content"] + line[edit["end_location"]["column"] - 1 :]
    assert "noise_shape=[None, None, 1]" in fixed


def test_json_lines_is_one_object_per_line(project):
    lines = out(project, "json-lines").splitlines()
    assert [json.loads(line) for line in lines] == json.loads(out(project, "json"))


def test_sarif_is_valid_against_the_official_schema(project):
    jsonschema = pytest.importorskip("jsonschema", reason="schema validation needs the test extra")
    log = json.loads(out(project, "sarif"))
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)

    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["KER203", "KER101"]
    for result in results:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert rule["help"]["text"] and "```python" in rule["help"]["markdown"]
        assert rule["helpUri"].endswith("#" + rule["id"].lower())
        loc = result["locations"][0]["physicalLocation"]
        # Relative to %SRCROOT%, percent-encoded: what code scanning resolves in the checkout.
        assert loc["artifactLocation"] == {"uri": "my%20models/seed.py", "uriBaseId": "%SRCROOT%"}
        assert not urlsplit(loc["artifactLocation"]["uri"]).scheme
        assert (project / unquote(loc["artifactLocation"]["uri"])).is_file()
        assert result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 6, "startColumn": 46, "endLine": 6, "endColumn": 59,
    }


def test_sarif_with_nothing_found_and_a_parse_error_is_valid(tmp_path):
    jsonschema = pytest.importorskip("jsonschema", reason="schema validation needs the test extra")
    schema = json.loads(SCHEMA.read_text())
    (tmp_path / "ok.py").write_text("import keras\n")
    proc = run_kerlint("check", "--output-format", "sarif", ".", cwd=tmp_path)
    assert proc.returncode == 0
    log = json.loads(proc.stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    assert log["runs"][0]["results"] == []
    (tmp_path / "broken.py").write_text("import keras\ndef f(:\n")
    proc = run_kerlint("check", "--output-format", "sarif", ".", cwd=tmp_path)
    log = json.loads(proc.stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    result = log["runs"][0]["results"][0]
    assert result["ruleId"] == "KER000"
    assert log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "KER000"


def test_github_workflow_commands(project):
    lines = out(project, "github").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::error file=my models/seed.py,line=6,col=46,endLine=6,endColumn=59,title=KER203::")
    assert "title=KER203::noise_shape [None, 50, 1] fixes 50 where" in lines[0]
    assert lines[1].startswith("::error file=my models/seed.py,line=9,col=5,")
    # An absolute path below the working folder is written from there, as GitHub wants.
    proc = run_kerlint("check", "--select", "KER203", "--output-format", "github", str(project / "my models"),
                       cwd=project)
    assert proc.stdout.startswith("::error file=my models/seed.py,line=6,col=46,")


def test_junit_xml(project):
    root = ET.fromstring(out(project, "junit"))
    assert root.tag == "testsuites" and root.get("failures") == "2"
    suite = root.find("testsuite")
    assert suite.get("name") == os.path.join("my models", "seed.py")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["org.kerlint.KER203", "org.kerlint.KER101"]
    assert cases[0].get("line") == "6" and cases[0].get("column") == "46"
    assert cases[0].find("failure").get("message").startswith("noise_shape")


def test_machine_formats_print_nothing_else(project):
    for fmt in ("json", "sarif"):
        json.loads(out(project, fmt))  # no summary line after the document
    assert all(line.startswith("::error ") for line in out(project, "github").splitlines())


def test_statistics(project):
    text = out(project, "concise", "--statistics")
    lines = text.splitlines()
    assert lines[:2] == ["1\tKER101\t[*] logits-without-from-logits", "1\tKER203\t[*] noise-shape-mismatch"]
    assert "seed.py:" not in text
    data = json.loads(out(project, "json", "--statistics"))
    assert data[0] == {"code": "KER101", "name": "logits-without-from-logits", "count": 1, "fixable": True,
                       "fixable_count": 1}


def test_show_fixes(project):
    concise = out(project, "concise")
    assert "KER203 noise_shape" in concise and "[*]" not in concise
    assert "KER203 [*] noise_shape" in out(project, "concise", "--show-fixes")
    proc = run_kerlint("check", "--select", "KER101,KER203", "--fix", "--show-fixes", "my models", cwd=project)
    assert "Fixed 2 errors:" in proc.stdout, proc.stdout + proc.stderr
    assert "- " + os.path.join("my models", "seed.py") + ":" in proc.stdout
    assert "1 × KER101 (logits-without-from-logits)" in proc.stdout


def _on_terminal(project, env):
    """Run the command with its stdout on a pseudo-terminal and return what it printed."""
    master, slave = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kerlint", "check", "--select", "KER203", "my models"], cwd=project, stdout=slave,
        stderr=subprocess.PIPE, env=full_env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_colour_on_a_terminal_only_and_never_with_no_color(project):
    coloured = _on_terminal(project, {})
    assert "\x1b[31m" in coloured and "KER203" in coloured
    assert "\x1b[" not in _on_terminal(project, {"NO_COLOR": "1"})
    assert "\x1b[" not in out(project, "full")  # a pipe


def test_notebook_cell_positions_flow_through_the_formats():
    # The lint step fills cell/cell_row for notebooks; each format must carry them.
    report = Report("KER101", "msg", 12, 5, 12, 9, noqa_row=12, cell=3, cell_row=2)
    results = [FileResult("nb.ipynb", [report])]
    from kerlint.report import render

    buf = io.StringIO()
    render("concise", results, buf)
    assert buf.getvalue() == "nb.ipynb:cell 3:2:5: KER101 msg\n"
    buf = io.StringIO()
    render("json", results, buf)
    item = json.loads(buf.getvalue())[0]
    assert item["cell"] == 3 and item["location"] == {"row": 2, "column": 5} and item["noqa_row"] == 2
    buf = io.StringIO()
    render("sarif", results, buf)
    result = json.loads(buf.getvalue())["runs"][0]["results"][0]
    assert result["properties"] == {"cell": 3, "cellRow": 2}
    buf = io.StringIO()
    render("full", results, buf)
    assert buf.getvalue().startswith("nb.ipynb:cell 3:2:5: KER101 msg\n")


def test_full_carets_count_wide_characters_and_a_multi_line_range_shows_its_first_line(tmp_path):
    path = tmp_path / "wide.py"
    path.write_text(
        "import keras\n\n"
        "模型 = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\n"
        "模型.compile(loss='categorical_crossentropy')\n"
        "模型.fit(\n    x,\n    y,\n    epochs=30,\n)\n", encoding="utf-8")
    proc = run_kerlint("check", "--isolated", "--no-cache", "--select", "KER101,KER301", str(path))
    lines = proc.stdout.splitlines()
    at = lines.index("3 | 模型 = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])")
    # 模型 takes four columns on a terminal: the carets sit under keras.layers.Dense(2).
    assert lines[at + 1] == "  | " + " " * 50 + "^" * 21 + " KER101"
    at = lines.index("5 | 模型.fit(")
    assert lines[at + 1:at + 4] == ["  | ^^^^^^^^^ KER301", "...", "  |"]
