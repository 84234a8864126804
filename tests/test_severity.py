"""Severities (issue 21, item 4): errors for what raises or trains wrongly, warnings for smells,
opt-in advice and APIs Keras 3 still runs, notes for speed; each output format says which, the
way its consumer expects (SARIF levels, GitHub annotation commands, JUnit, JSON, the editor)."""

from __future__ import annotations

import io
import json
from xml.etree import ElementTree as ET

import pytest

from kerlint import codes, editor
from kerlint.codes import CODES, ERROR, NOTE, SEVERITIES, WARNING
from kerlint.diagnostics import Report
from kerlint.lint import FileResult
from kerlint.report import render

from .conftest import ROOT, run_kerlint

# KER501 (a speed note) on the LSTM, KER306 (opt-in advice, a warning) on the first fit,
# KER101 (an error) on the linear head.
TRAIN = """\
import numpy as np
import keras
from keras import layers

x_train = np.load("x_train.npy")
y_train = np.load("y_train.npy")

model = keras.Sequential([
    keras.Input(shape=(40, 8)),
    layers.LSTM(64, recurrent_dropout=0.2),
    layers.Dense(3),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=50, validation_split=0.2)
"""
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
SELECT = ("--isolated", "--no-cache", "--select", "KER101,KER306,KER501")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "train.py").write_text(TRAIN)
    return tmp_path


def check(project, fmt):
    proc = run_kerlint("check", *SELECT, "--output-format", fmt, "train.py", cwd=project)
    assert proc.returncode == 1, proc.stderr  # any diagnostic fails the run, a note too
    return proc.stdout


# -- the registry ------------------------------------------------------------------------------


def test_every_code_has_one_of_three_severities():
    assert {c.severity for c in CODES.values()} == {ERROR, WARNING, NOTE}
    assert set(SEVERITIES) <= set(CODES), "SEVERITIES names a code the registry does not know"


def test_errors_warnings_and_notes_follow_the_catalog():
    # Crashes and wrong training: errors. The codes other helpers add come in as errors too.
    for code in ("KER000", "KER101", "KER105", "KER201", "KER203", "KER304", "KER305", "KER309",
                 "KER401", "KER403", "KER406", "KER408", "KER409", "KER411", "KER112", "KER113",
                 "KER307", "KER310"):
        assert codes.SEVERITIES.get(code, ERROR) == ERROR, code
    # Smells, opt-in advice, what Keras 3 warns about and ignores: warnings.
    for code in ("KER208", "KER220", "KER221", "KER301", "KER302", "KER303", "KER306", "KER402", "KER405",
                 "KER900"):
        assert CODES[code].severity == WARNING, code
    assert [c.code for c in CODES.values() if c.severity == NOTE] == [c.code for c in codes.matching("KER5")]


def test_an_opt_in_rule_is_never_an_error():
    # Off by default means "good advice, not a bug": a new opt-in rule must say which.
    opt_in = [c for c in CODES.values() if c.selectable and not c.default]
    assert opt_in and all(c.severity != ERROR for c in opt_in), [c.code for c in opt_in if c.severity == ERROR]


# -- the formats -------------------------------------------------------------------------------


def test_sarif_level_of_a_note_a_warning_and_an_error(project):
    log = json.loads(check(project, "sarif"))
    jsonschema = pytest.importorskip("jsonschema", reason="schema validation needs the test extra")
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    run = log["runs"][0]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"KER501": "note", "KER306": "warning", "KER101": "error"}
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["KER501"]["defaultConfiguration"] == {"level": "note", "enabled": True}
    assert rules["KER306"]["defaultConfiguration"] == {"level": "warning", "enabled": False}
    assert rules["KER101"]["defaultConfiguration"]["level"] == "error"


def test_github_annotations_are_notice_warning_and_error(project):
    lines = check(project, "github").splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::notice", "::error", "::warning"]
    assert lines[0].startswith("::notice file=train.py,line=10,col=21,") and "title=KER501::" in lines[0]
    assert lines[2].startswith("::warning file=train.py,line=14,col=1,") and "title=KER306::" in lines[2]


def test_junit_failure_type_and_json_severity(project):
    cases = ET.fromstring(check(project, "junit")).find("testsuite").findall("testcase")
    assert [(c.get("name"), c.find("failure").get("type")) for c in cases] == [
        ("org.kerlint.KER501", "note"), ("org.kerlint.KER101", "error"), ("org.kerlint.KER306", "warning")]
    items = json.loads(check(project, "json"))
    assert [(d["code"], d["severity"]) for d in items] == [("KER501", "note"), ("KER101", "error"),
                                                           ("KER306", "warning")]


def test_full_says_warning_or_note_before_the_message_and_concise_keeps_the_flake8_line(project):
    full = check(project, "full").splitlines()
    assert "train.py:10:21: KER501 note: LSTM with recurrent_dropout=0.2 cannot use cuDNN" in full[0]
    error = next(line for line in full if line.startswith("train.py:11:5: KER101 [*] "))
    assert "error" not in error  # the usual case says nothing more
    assert any(line.startswith("train.py:14:1: KER306 warning: fit() runs all 50 epochs") for line in full)
    concise = check(project, "concise").splitlines()
    assert concise[0].startswith("train.py:10:21: KER501 LSTM with")
    assert concise[2].startswith("train.py:14:1: KER306 fit() runs")


def test_a_report_may_lower_its_own_severity():
    # What a rule does for a Keras 3 removal in a project pinned to Keras 2: a deprecation note.
    report = Report("KER401", "lr= is deprecated", 3, 1, 3, 10, severity=WARNING)
    results = [FileResult("old.py", [report])]
    for fmt, expected in (("github", "::warning file=old.py"), ("json", '"severity": "warning"'),
                          ("sarif", '"level": "warning"'), ("full", "old.py:3:1: KER401 warning: lr=")):
        buf = io.StringIO()
        render(fmt, results, buf)
        assert expected in buf.getvalue(), fmt
    assert editor.severity(report) == WARNING
    assert editor.severity(Report("KER401", "lr=", 3, 1, 3, 10)) == ERROR


def test_the_editor_shows_the_same_levels():
    # The language server maps a note to Information (tests/test_server.py).
    assert editor.severity(Report("KER301", "m", 1, 1, 1, 2)) == WARNING
    assert editor.severity(Report("KER501", "m", 1, 1, 1, 2)) == NOTE
    assert editor.severity(Report("KER000", "m", 1, 1, 1, 2)) == ERROR


def test_rule_command_and_docs_say_the_severity():
    assert "Severity: warning" in run_kerlint("rule", "KER306").stdout
    assert "Severity: note (a speed hint)." in run_kerlint("rule", "KER501").stdout
    ker101 = next(line for line in run_kerlint("rules").stdout.splitlines() if line.startswith("KER101"))
    assert " error " in ker101
