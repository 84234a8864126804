"""What every proof does: lint the exact source it runs, take the rule's own fix, run both.

A proof body is ordinary Keras code. ``pair`` lints it with every rule on, asserts the rule
fires, and returns it with the rule's own fix applied (or with a hand-written correct version
for rules that have no fix), asserting the rule is silent there. ``run`` executes a source
with fixed seeds and returns its namespace, so the test reads the numbers the code produced.
"""

from __future__ import annotations

import os
import re
import textwrap
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from kerlint.fix import apply_edits  # noqa: E402
from kerlint.lint import lint_source  # noqa: E402
from kerlint.rules import all_rules  # noqa: E402

RULES = sorted(all_rules())
CLIP_LOSS = 16.118095  # -log(1e-7): the loss of a prediction clipped to Keras's epsilon

# (code, what, buggy, fixed): what each proof measured, printed at the end of the run.
MEASURED: list[tuple[str, str, str, str]] = []
# Counters of the shape comparison against Keras, printed with them.
COUNTS: dict[str, int] = {}

PRELUDE = """\
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
"""


def source(body: str) -> str:
    return PRELUDE + textwrap.dedent(body)


def reports(src: str, code: str):
    return [r for r in lint_source(src, "proof.py", RULES).reports if r.code == code]


def message(src: str, code: str) -> str:
    """The message of the first ``code`` diagnostic on ``src``."""
    return reports(src, code)[0].message


def pair(code: str, body: str, fixed_body: str | None = None, *, count: int | None = None):
    """(buggy source, fixed source). The fixed source is the rule's own fix applied to the
    buggy one unless ``fixed_body`` gives the correct code for a rule without a fix."""
    buggy = source(body)
    found = reports(buggy, code)
    assert found, f"{code} must fire on the source this proof runs"
    if count is not None:
        assert len(found) == count, found
    if fixed_body is None:
        assert all(r.fix is not None for r in found), f"{code} offers no fix here"
        fixed = apply_edits(buggy, [e for r in found for e in r.fix.edits])
    else:
        fixed = source(fixed_body)
    assert not reports(fixed, code), f"{code} must be silent on the fixed source"
    return buggy, fixed


def run(src: str, seed: int = 0, namespace: dict | None = None) -> dict:
    """Execute ``src`` with Keras's seeds fixed; its namespace holds what it computed (pass
    ``namespace`` to keep it when the code raises)."""
    import keras

    keras.utils.set_random_seed(seed)
    namespace = {} if namespace is None else namespace
    namespace["__name__"] = "__proof__"
    exec(compile(src, "<proof>", "exec"), namespace)
    return namespace


def run_warnings(src: str, seed: int = 0):
    """``run`` that also returns the messages of the warnings the code emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        namespace = run(src, seed)
    return namespace, [str(w.message) for w in caught]


def record(code: str, what: str, buggy, fixed="") -> None:
    MEASURED.append((code, what, _fmt(buggy), _fmt(fixed)))


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return re.sub(r"\x1b\[[0-9;]*m", "", str(v))  # Keras's bold markers
