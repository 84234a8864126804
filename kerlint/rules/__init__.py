"""The rules. Each rule module declares a ``RULE`` with its metadata and check.

Docs (``docs/rules.md``, ``kerlint rule CODE``) and tests read the same metadata, through the
code registry (``kerlint/codes.py``), which indexes every code without importing a rule.
"""

from __future__ import annotations

import importlib
from dataclasses import field
from collections.abc import Callable

from ..data import record
from ..codes import CODES


# Whether a rule's diagnostics carry a fix, in ruff's words: every one, some, or none. Apart
# from it, each fix is safe or unsafe (``Rule.fix_applicability``).
FIX_AVAILABILITY = ("always", "sometimes", "never")


@record(frozen=True)
class Rule:
    """A rule's explanation, examples and check. Its name, summary and default live in the code
    registry (``kerlint/codes.py``), the one place every code is listed."""

    code: str
    explanation: str
    # Executable examples (tests/test_rule_examples.py runs them; the docs show them): ``bad`` is
    # a complete program that gets this rule's diagnostic, ``good`` the program written
    # correctly, clean under every rule.
    bad: str
    good: str
    fix_availability: str  # one of FIX_AVAILABILITY; tests check it against the fixtures
    check: Callable = field(repr=False, compare=False)
    # The applicability of the fixes the rule emits: ("safe",), ("unsafe",), or both when it
    # depends on the case; () for a rule that never has a fix.
    fix_applicability: tuple[str, ...] = ()
    # Exactly what ``kerlint check --fix`` (with ``--unsafe-fixes`` when the rule's fixes can be
    # unsafe) makes of ``bad``; "" for a rule that never has a fix.
    fixed: str = ""
    # Why no test in tests/proofs/ shows the harm with real Keras (e.g. it needs a GPU).
    proof_exempt: str = ""

    def __init__(self, code, explanation, bad, good, fix_availability, check, fix_applicability=(),
                 fixed="", proof_exempt=""):
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "explanation", explanation)
        object.__setattr__(self, "bad", bad)
        object.__setattr__(self, "good", good)
        object.__setattr__(self, "fix_availability", fix_availability)
        object.__setattr__(self, "check", check)
        object.__setattr__(self, "fix_applicability", fix_applicability)
        object.__setattr__(self, "fixed", fixed)
        object.__setattr__(self, "proof_exempt", proof_exempt)

    @property
    def name(self) -> str:
        return CODES[self.code].name

    @property
    def summary(self) -> str:
        return CODES[self.code].summary

    @property
    def default(self) -> bool:
        return CODES[self.code].default


def _modules() -> list[str]:
    """Rule modules are the ``kerNNN`` modules of this package: adding a file and its line in
    ``kerlint/codes.py`` (its name, summary and default) adds a rule."""
    import pkgutil
    import re

    return sorted(
        m.name for m in pkgutil.iter_modules(__path__) if re.fullmatch(r"ker\d{3}(_\w+)?", m.name)
    )


def _load() -> dict[str, Rule]:
    rules = {}
    for name in _modules():
        module = importlib.import_module(f"{__name__}.{name}")
        for rule in getattr(module, "RULES", None) or [module.RULE]:
            rules[rule.code] = rule
    return dict(sorted(rules.items()))


_RULES: dict[str, Rule] | None = None


def all_rules() -> dict[str, Rule]:
    global _RULES
    if _RULES is None:
        _RULES = _load()
    return _RULES
