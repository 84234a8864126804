"""Generated programs never crash kerlint, and ``--fix`` output parses and settles.

A bounded, derandomized run for CI; ``python tools/fuzz.py`` runs the full sweep (10,000
hypothesmith programs and 5,000 Keras programs by default)."""

from __future__ import annotations

import random
import warnings

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzzing import check, keras_program, mixed

CI = settings(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


@settings(CI, max_examples=80)
@given(hypothesmith.from_grammar(), st.integers(0, 2**32))
def test_hypothesmith_programs_alone_and_inside_a_keras_program(source, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like in generated code
        assert check(source) == []
        program = mixed(keras_program(seed), source, random.Random(seed))
        assert check(program) == [], program


@settings(CI, max_examples=250)
@given(st.integers(0, 2**32))
def test_generated_keras_programs(seed):
    source = keras_program(seed)
    assert check(source) == [], source


def test_the_generator_reaches_the_rules_and_their_fixes():
    """Guard against a generator that drifted into programs kerlint has nothing to say about."""
    from collections import Counter

    stats = Counter()
    for seed in range(40):
        assert check(keras_program(seed), stats=stats) == []
    assert stats["with diagnostics"] >= 20
    assert stats["changed by --fix"] >= 10
