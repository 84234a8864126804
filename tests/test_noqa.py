"""# noqa comments through the real command line: codes, bare, multi-line calls, file-level
exemption, and KER900 for the directives that suppress nothing."""

from __future__ import annotations

import re
import textwrap

from .conftest import run_kerlint

LINE = re.compile(r"^[^:\s][^:]*:(\d+):(\d+): (KER\d{3}) (.*)$", re.M)

HEAD = """\
import keras
from keras import layers
"""
COMPILE = 'model.compile(loss="categorical_crossentropy", optimizer="adam")\n'


def lint(tmp_path, body: str, *args, name="m.py"):
    path = tmp_path / name
    path.write_text(HEAD + textwrap.dedent(body))
    # KER1 only: the bodies are written for KER101; other rules may fire on them some day.
    proc = run_kerlint("check", "--output-format", "concise", "--select", "KER1", *args, str(path))
    assert proc.returncode in (0, 1), proc.stderr
    return [(int(m[1]), m[3]) for m in LINE.finditer(proc.stdout)], proc


def model(dense: str, extra="") -> str:
    return f"model = keras.Sequential([keras.Input(shape=(20,)), {dense}])  {extra}\n" + COMPILE


def test_code_and_bare_noqa_on_the_reported_line(tmp_path):
    assert lint(tmp_path, model("layers.Dense(3)"))[0] == [(3, "KER101")]
    assert lint(tmp_path, model("layers.Dense(3)", "# noqa: KER101"))[0] == []
    assert lint(tmp_path, model("layers.Dense(3)", "# noqa"))[0] == []
    assert lint(tmp_path, model("layers.Dense(3)", "#noqa:KER104,KER101"))[0] == []
    assert lint(tmp_path, model("layers.Dense(3)", "# NOQA: KER104 KER101 because the head is calibrated"))[0] == []
    # Another code, or the comment on another line, does not suppress it.
    assert lint(tmp_path, model("layers.Dense(3)", "# noqa: KER104"))[0] == [(3, "KER101")]
    assert lint(tmp_path, model("layers.Dense(3)") + "# noqa: KER101\n")[0] == [(3, "KER101")]


def test_listed_code_covers_the_codes_it_prefixes_as_in_flake8(tmp_path):
    assert lint(tmp_path, model("layers.Dense(3)", "# noqa: KER1"))[0] == []
    assert lint(tmp_path, model("layers.Dense(3)", "# noqa: KER2"))[0] == [(3, "KER101")]


def test_noqa_text_inside_a_string_is_not_a_comment(tmp_path):
    assert lint(tmp_path, model('layers.Dense(3, name="# noqa")'))[0] == [(3, "KER101")]


MULTILINE = """\
model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense({first}
        3,{middle}
    ),{last}
])
""" + COMPILE


def test_multi_line_call_accepts_noqa_on_its_first_or_last_line(tmp_path):
    plain = MULTILINE.format(first="", middle="", last="")
    assert lint(tmp_path, plain)[0] == [(5, "KER101")]
    assert lint(tmp_path, MULTILINE.format(first="  # noqa: KER101", middle="", last=""))[0] == []
    assert lint(tmp_path, MULTILINE.format(first="", middle="", last="  # noqa: KER101"))[0] == []
    # A line in the middle of the call is neither.
    assert lint(tmp_path, MULTILINE.format(first="", middle="  # noqa: KER101", last=""))[0] == [(5, "KER101")]


def test_file_level_exemption(tmp_path):
    body = "# kerlint: noqa\n" + model("layers.Dense(3)")
    found, proc = lint(tmp_path, body)
    assert found == [] and proc.returncode == 0
    body = "# kerlint: noqa: KER104\n" + model("layers.Dense(3)")
    assert lint(tmp_path, body)[0] == [(4, "KER101")]
    body = "# kerlint: noqa: KER101\n" + model("layers.Dense(3)")
    assert lint(tmp_path, body)[0] == []
    # Mentioning the phrase in a code comment after code is not an exemption.
    body = model("layers.Dense(3)", "# see `# kerlint: noqa` in the docs")
    assert lint(tmp_path, body)[0] == [(3, "KER101")]


def test_unused_noqa_is_opt_in_ker900(tmp_path):
    body = model('layers.Dense(3, activation="softmax")', "# noqa: KER101")
    assert lint(tmp_path, body)[0] == []
    found, proc = lint(tmp_path, body, "--extend-select", "KER900")
    assert found == [(3, "KER900")]
    assert "KER101 suppresses nothing on this line" in proc.stdout
    col = int(LINE.search(proc.stdout)[2])
    line = (tmp_path / "m.py").read_text().splitlines()[2]
    assert line[col - 1 :].startswith("# noqa: KER101")


def test_ker900_reasons_and_what_it_leaves_alone(tmp_path):
    body = (
        model("layers.Dense(3)", "# noqa: KER101, KER104, KER999")
        + "x = 1  # noqa: E501\n"
        + "y = 2  # noqa\n"
    )
    found, proc = lint(tmp_path, body, "--extend-select", "KER900", "--ignore", "KER104")
    assert found == [(3, "KER900")]
    message = LINE.search(proc.stdout)[4]
    assert "KER104 is not enabled" in message
    assert "KER999 is not a kerlint code" in message
    assert "KER101" not in message


def test_ker900_fix_removes_only_the_unused_codes(tmp_path):
    body = (
        model("layers.Dense(3)", "# noqa: KER101, KER104")
        + "x = 1  # noqa: KER203\n"
        + "y = 2  # noqa: KER203 the reason stays\n"
    )
    found, proc = lint(tmp_path, body, "--extend-select", "KER900", "--fix")
    assert found == []
    text = (tmp_path / "m.py").read_text().splitlines()
    assert text[2].endswith("])  # noqa: KER101")
    assert text[4] == "x = 1"
    assert text[5] == "y = 2  # the reason stays"


def test_noqa_for_other_tools_elsewhere_is_not_tokenized(monkeypatch):
    """A file whose `# noqa` comments are for other tools, on lines kerlint reports nothing
    about, keeps its reports, and its comments are not read; a `# noqa` on a reported line,
    or one naming a KER code while KER900 is on, still is."""
    import kerlint.noqa as noqa
    from kerlint.lint import lint_source

    read = []
    real = noqa.directives
    monkeypatch.setattr(noqa, "directives", lambda source: read.append(1) or real(source))
    source = HEAD + "import os  # noqa: F401\n" + model("layers.Dense(3)") + "x = 1  # noqa: E501\n"
    assert [(r.row, r.code) for r in lint_source(source, "m.py", ["KER101"]).reports] == [(4, "KER101")]
    assert read == []
    source = HEAD + model("layers.Dense(3)", "# noqa: KER101")
    assert lint_source(source, "m.py", ["KER101"]).reports == [] and read == [1]
    source = HEAD + "import os  # noqa: F401, KER104\n"
    assert [r.code for r in lint_source(source, "m.py", ["KER101", "KER900"]).reports] == ["KER900"]
    assert read == [1, 1]
