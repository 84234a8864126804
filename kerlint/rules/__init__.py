"""The rule registry. Each rule module declares a ``RULE`` with its metadata and check.

Docs (``docs/rules.md``, ``kerlint rule CODE``) and tests read the same metadata.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

URL = "https://kerlint.invalid/rules/{code}"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    explanation: str
    bad: str
    good: str
    fix: str  # "safe" | "unsafe" | "sometimes" | "none"
    check: Callable = field(repr=False, compare=False)
    default: bool = True
    # Why no test in tests/proofs/ shows the harm with real Keras (e.g. it needs a GPU).
    proof_exempt: str = ""

    @property
    def url(self) -> str:
        return URL.format(code=self.code)


# Every code of the rule catalog; prefixes are checked against these.
CATALOG_CODES = tuple(
    [f"KER1{n:02d}" for n in range(1, 11)]
    + [f"KER2{n:02d}" for n in range(1, 11)]
    + [f"KER3{n:02d}" for n in range(1, 7)]
    + [f"KER4{n:02d}" for n in range(1, 8)]
    + ["KER501", "KER502"]
)

def _modules() -> list[str]:
    """Rule modules are the ``kerNNN`` modules of this package: adding a file adds a rule."""
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


_INDEX: dict[str, bool] | None = None


def use_index(index: dict[str, bool] | None) -> None:
    """Set the rule index read from the cache (see ``index``)."""
    global _INDEX
    _INDEX = dict(index) if index is not None else None


def index() -> dict[str, bool]:
    """{code: on by default} for every rule. From the cache when the run has one (set with
    ``use_index``): importing the rule modules imports LibCST, which a run of cache hits skips."""
    if _INDEX is not None and _RULES is None:
        return _INDEX
    return {code: rule.default for code, rule in all_rules().items()}


def run_rules(ir, selected: Iterable[str]):
    rules = all_rules()
    for code in selected:
        rule = rules[code]
        yield rule, rule.check
