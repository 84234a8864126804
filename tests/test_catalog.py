"""The committed layer catalog matches what the generator produces from installed Keras."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kerlint.catalog import get_catalog

from .conftest import ROOT


def test_catalog_has_every_layer_the_rules_rely_on():
    cat = get_catalog()
    for name in ("Dense", "Dropout", "Embedding", "LSTM", "Bidirectional", "TimeDistributed", "Conv1D", "Conv2D"):
        assert cat.is_layer(name)
    assert cat.layer_signature("Dropout").positional[:2] == ("rate", "noise_shape")
    assert cat.layer_signature("Dense").positional[:2] == ("units", "activation")
    assert cat.canonical_layer("Convolution2D") == "Conv2D"


def test_committed_catalog_matches_installed_keras():
    pytest.importorskip("keras", reason="the catalog check needs Keras (pip install -e '.[test]')")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_catalog.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_rule_docs_are_generated_from_metadata():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_readme_lists_every_rule_with_its_default():
    from kerlint.rules import all_rules

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in all_rules().values():
        assert f"| {rule.code} | {rule.name} | {'on' if rule.default else 'opt-in'} |" in readme, rule.code
