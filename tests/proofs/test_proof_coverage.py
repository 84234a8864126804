"""Every KER1-KER3 rule is proved with real Keras, or says in its metadata why it cannot be."""

from __future__ import annotations

import re
from pathlib import Path

from kerlint.rules import all_rules

PROOFS = Path(__file__).parent


def proved_codes() -> set[str]:
    """Codes some proof lints and runs: the first argument of its ``pair(...)`` calls."""
    codes = set()
    for path in PROOFS.glob("test_proof_ker*.py"):
        codes.update(re.findall(r'\bpair\(\s*"(KER\d{3})"', path.read_text(encoding="utf-8")))
    return codes


def test_every_ker1_to_ker3_rule_has_a_proof_or_a_reason():
    proved = proved_codes()
    missing = [
        code for code, rule in all_rules().items()
        if code[:4] in ("KER1", "KER2", "KER3") and code not in proved and not rule.proof_exempt.strip()
    ]
    assert not missing, f"no proof in tests/proofs/ and no proof_exempt reason: {missing}"


def test_a_proved_rule_keeps_no_exemption():
    proved = proved_codes()
    stale = [code for code, rule in all_rules().items() if rule.proof_exempt and code in proved]
    assert not stale, f"proof_exempt left on rules that have a proof: {stale}"
