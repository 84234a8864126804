"""The code registry (kerlint/codes.py): it knows every code kerlint prints, agrees with the
rule modules, answers without importing them, and `kerlint rule` / `kerlint rules` explain
every code in it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kerlint import codes
from kerlint.cache import package_fingerprint
from kerlint.rules import all_rules

from .conftest import FIXTURES, ROOT, run_kerlint
from .probes import run_reporting_libcst


def test_every_rule_module_has_its_line_and_every_rule_line_its_module():
    # A rule's name, summary and default live only in the registry; its module holds the rest.
    rules = all_rules()
    table = {c.code: c for c in codes.of_kind(codes.RULE)}
    assert sorted(table) == sorted(rules), "kerlint/codes.py and kerlint/rules/ disagree on the rule codes"
    for code, rule in rules.items():
        assert rule.name in _module_name_of(rule), f"{code}: its module is not named after {rule.name}"


def _module_name_of(rule) -> str:
    return rule.check.__module__.rsplit(".", 1)[-1].replace("_", "-")


def test_every_code_in_kerlint_source_is_registered():
    mentioned = {}
    for path in (ROOT / "kerlint").rglob("*.py"):
        if path.name != "codes.py":
            for code in re.findall(r"\bKER\d{3}\b", path.read_text(encoding="utf-8")):
                mentioned.setdefault(code, path.relative_to(ROOT))
    assert {c: p for c, p in mentioned.items() if c not in codes.CODES} == {}


def test_check_selects_the_rules_and_ker900_only():
    assert codes.SELECTABLE == set(all_rules()) | {"KER900"}
    assert codes.DEFAULTS == {c for c, r in all_rules().items() if r.default}


@pytest.mark.parametrize("prefix", ["KER6", "KER601", "KER000", "KER0"])
def test_log_codes_and_ker000_stay_unknown_to_check(tmp_path, prefix):
    (tmp_path / "m.py").write_text("import keras\n")
    proc = run_kerlint("check", "--select", prefix, str(tmp_path / "m.py"))
    assert proc.returncode == 2
    assert f"unknown rule code or prefix: {prefix}" in proc.stderr


def test_the_registry_and_the_light_reporters_import_no_rule_module():
    probe = (
        "import sys\n"
        "import kerlint.codes, kerlint.config, kerlint.logs.diagnose, kerlint.logs.report\n"
        "from kerlint.report import json_, stats, text, github, junit\n"
        "print(sorted(m for m in sys.modules if m.startswith(('libcst', 'kerlint.rules'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# SARIF is left out: its rule descriptors carry each rule's explanation and examples, which
# live in the rule modules.
LIGHT_FORMATS = [("--output-format", f) for f in ("json", "json-lines", "concise", "full", "github", "junit")]


def test_a_cache_hit_imports_no_libcst_in_any_light_format(tmp_path):
    (tmp_path / "m.py").write_text((FIXTURES / "KER101" / "bad_keras3.py").read_text(encoding="utf-8"))
    def run(*args):
        return run_reporting_libcst("check", "--cache-dir", str(tmp_path / "cache"), *args, "m.py", cwd=tmp_path)

    for _ in range(3):
        build = package_fingerprint()
        cold = run("--output-format", "json")
        hits = {args: run(*args) for args in LIGHT_FORMATS + [("--statistics",)]}
        if package_fingerprint() == build:
            break  # else kerlint's own files were edited meanwhile (a checkout in use): again
    assert "LIBCST=True" in cold.stderr and cold.returncode == 1
    for args, hit in hits.items():
        assert "LIBCST=False" in hit.stderr, (args, hit.stderr)
        assert hit.returncode == 1 and "KER101" in hit.stdout, (args, hit.stderr)
    assert hits[("--output-format", "json")].stdout == cold.stdout
    assert json.loads(cold.stdout)[0]["url"] == "https://kerlint.invalid/kerlint/blob/main/docs/rules.md#ker101"


def test_rule_explains_the_codes_that_are_not_rules():
    ker604 = run_kerlint("rule", "KER604")
    assert ker604.returncode == 0
    assert ker604.stdout.startswith("KER604 (overfitting-onset)\n\nval_loss rises while the training loss")
    assert "Source rules that usually cause it: KER306." in ker604.stdout
    assert ker604.stdout.endswith("Fix: none. Reported by `kerlint log` on a training log, not by `kerlint check`.\n")
    ker000 = run_kerlint("rule", "ker000")
    assert ker000.returncode == 0
    assert ker000.stdout.startswith("KER000 (unreadable-file)\n\nThe file cannot be read or parsed")
    assert ker000.stdout.endswith("Fix: none. Always reported.\n")
    ker900 = json.loads(run_kerlint("rule", "KER900", "--output-format", "json").stdout)
    assert (ker900["kind"], ker900["selectable"], ker900["default"]) == ("meta", True, False)


def test_rule_with_a_prefix_lists_the_family():
    proc = run_kerlint("rule", "KER2")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["KER2xx  shapes and layers", ""]
    assert [line.split()[:3] for line in lines[2:]] == [
        [code, all_rules()[code].name, "on" if codes.CODES[code].default else "opt-in"]
        for code in sorted(all_rules()) if code.startswith("KER2")
    ]
    assert [line.split()[2] for line in lines[2:] if line.split()[0] in ("KER220", "KER221")] == ["opt-in"] * 2
    assert lines[2].endswith("Dense head on a sequence or feature map of a per-sample model")
    logs = json.loads(run_kerlint("rule", "KER61", "--output-format", "json").stdout)
    assert [e["code"] for e in logs] == ["KER610", "KER611", "KER612", "KER613"]
    unknown = run_kerlint("rule", "KER7")
    assert unknown.returncode == 2 and "unknown rule code: KER7" in unknown.stderr


def test_rules_lists_every_code():
    listing = run_kerlint("rules").stdout.splitlines()
    assert [line.split()[0] for line in listing] == list(codes.CODES)
    columns = {line.split()[0]: line.split()[2] for line in listing}
    assert (columns["KER000"], columns["KER604"], columns["KER101"], columns["KER900"]) == (
        "always", "log", "on", "opt-in"
    )
    everything = run_kerlint("rule", "--all").stdout
    assert all(f"{code} ({entry.name})" in everything for code, entry in codes.CODES.items())


def test_the_log_code_table_in_docs_is_generated_from_the_registry():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout
    table = (ROOT / "docs" / "log.md").read_text(encoding="utf-8")
    assert "| KER604 | overfitting-onset | val_loss is lowest at epoch e" in table


def test_kerlint_log_names_codes_and_rules_from_the_registry():
    proc = run_kerlint("log", str(ROOT / "tests" / "fixtures" / "logs" / "seed_001.txt"), "--output-format", "json")
    diagnosis = json.loads(proc.stdout)["diagnostics"][0]
    assert (diagnosis["code"], diagnosis["name"]) == ("KER604", "overfitting-onset")
    assert diagnosis["rules"] == [{"code": "KER306", "name": "fit-without-early-stopping"}]


def test_rule_links_point_at_the_rules_section_and_can_be_pointed_elsewhere(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n"
                    "m.compile(loss='categorical_crossentropy')\n")
    proc = run_kerlint("check", "--isolated", "--no-cache", "--output-format", "json", str(path),
                       env={"KERLINT_DOCS_URL": "https://example.org/fork/docs/rules.md"})
    assert json.loads(proc.stdout)[0]["url"] == "https://example.org/fork/docs/rules.md#ker101"
    # The anchor is the one docs/rules.md's "## KER101" heading gets.
    assert "\n## KER101\n" in (ROOT / "docs" / "rules.md").read_text()
