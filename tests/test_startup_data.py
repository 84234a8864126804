"""Every ``kerlint.data.record`` behaves as the ``@dataclass`` it stands for: the same
constructor (its hand-written ``__init__`` included), repr, equality, hash, frozenness,
``fields()``, ``replace()``, pickling and ``__match_args__``. The reference here is the
@dataclass made from the class's own fields."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pickle
from pathlib import Path

import pytest

import kerlint
from kerlint.config import FileConfig, PathPattern, Selection, Settings
from kerlint.diagnostics import Diagnostic, Fix, NodeEdit, Report, TextEdit, TextFix
from kerlint.fix import FileFix, FixMode, FixOutcome, PythonText, Stuck
from kerlint.noqa import Directive

PACKAGE = Path(kerlint.__file__).parent


def _records() -> list:
    """Every record class of kerlint: the classes of each module that uses ``@record``."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "@record" not in path.read_text(encoding="utf-8"):
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        found += [obj for obj in vars(module).values()
                  if isinstance(obj, type) and obj.__module__ == module.__name__ and "_frozen" in vars(obj)]
    return found


RECORDS = _records()

# A sample of arguments for each class: positional, then keywords.
SAMPLES = {
    NodeEdit: [(("node", "x"), {}), (("node", "x"), {"insert": "before"})],
    Fix: [(("safe", "m", []), {})],
    Diagnostic: [(("KER101", "m", "node"), {}), (("KER101", "m", "node"), {"fix": None, "anchors": (1,), "severity": "note"})],
    TextEdit: [((0, 1, "x", 1, 1, 1, 2), {}), ((0, 1, "x", 1, 1, 1, 2), {"path": "/p.py"})],
    TextFix: [(("safe", "m", ()), {})],
    Report: [(("KER101", "m", 1, 2, 3, 4), {}),
             (("KER101", "m", 1, 2, 3, 4), {"extra": {"a": 1}, "related": (("f", 1, 2),), "severity": "warning"}),
             (("KER101", "m", 1, 2, 3, 4), {"extra": None})],
    FixMode: [((), {}), ((True, False, True, frozenset({"KER1"})), {})],
    FileFix: [((), {}), ((), {"diff": "d", "output": b"x"})],
    FixOutcome: [(("p", [], {}, []), {}), (("p", [], {}, []), {"error": "e"})],
    PythonText: [(("text",), {}), (("a\r\nb", "\r\n"), {})],
    Selection: [((), {}), ((("KER1",), ("KER2",), ("KER3",)), {})],
    PathPattern: [(("a", "re", True), {}), (("a/b", "re2", False), {})],
    Settings: [(("/root",), {}), (("/root", "/root/kerlint.toml"), {"codes": frozenset({"KER1"}), "sources": {"a": 1}})],
    FileConfig: [(("/p", {}), {}), (("/p", {"select": ("KER1",)}), {})],
    Directive: [((1, 0, 5, None), {}), ((1, 0, 5, ("KER1",)), {"used": {"KER1"}})],
    Stuck: [(("overlap", "r", ()), {}), (("invalid", "r", (1,)), {"culprits": (1,), "detail": "d", "rounds": 3})],
}


def reference(cls):
    """What @dataclass makes of the class's fields."""
    specs = []
    for f in dataclasses.fields(cls):
        spec = {}
        if f.default is not dataclasses.MISSING:
            spec["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            spec["default_factory"] = f.default_factory
        spec.update(repr=f.repr, compare=f.compare)
        specs.append((f.name, f.type, dataclasses.field(**spec)))
    made = dataclasses.make_dataclass(cls.__name__, specs, frozen=cls._frozen, eq="__eq__" in vars(cls))
    made.__qualname__ = cls.__qualname__
    return made


def samples(cls) -> list:
    """(args, kwargs) to build ``cls`` with: the samples above, else each required field
    given positionally, then every field given by keyword, each with a value of its own."""
    if cls in SAMPLES:
        return SAMPLES[cls]
    known = dataclasses.fields(cls)
    required = [f for f in known if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    return [(tuple(f"{f.name}-given" for f in required), {}), ((), {f.name: f"{f.name}-named" for f in known})]


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_a_record_is_the_dataclass_it_stands_for(cls):
    ref = reference(cls)
    ours = [p for p in inspect.signature(cls).parameters.values()]
    theirs = [p for p in inspect.signature(ref).parameters.values()]
    assert [(p.name, p.kind) for p in ours] == [(p.name, p.kind) for p in theirs]
    for mine, other in zip(ours, theirs):
        if other.default is not inspect.Parameter.empty and "factory" not in repr(other.default):
            assert mine.default == other.default, mine.name
    assert dataclasses.is_dataclass(cls)
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in dataclasses.fields(ref)]
    frozen, eq = cls._frozen, "__eq__" in vars(cls)
    built = []
    for args, kwargs in samples(cls):
        a, b = cls(*args, **kwargs), ref(*args, **kwargs)
        assert repr(a) == repr(b)
        assert vars(a) == vars(b)
        again = cls(*args, **kwargs)
        if eq:
            assert a == again and not (a != again)
            assert (a == b) is False and a.__eq__(b) is NotImplemented  # another class, as between dataclasses
        else:
            assert a == a and a != again  # identity, as @dataclass(eq=False)
        for f in dataclasses.fields(cls):
            if f.default_factory is not dataclasses.MISSING and f.name not in kwargs:
                assert getattr(a, f.name) == getattr(b, f.name) and getattr(a, f.name) is not getattr(again, f.name)
        field_name = dataclasses.fields(cls)[0].name
        if frozen:
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(a, field_name, 5)
            with pytest.raises(dataclasses.FrozenInstanceError):
                delattr(a, field_name)
        else:
            setattr(a, field_name, "changed")  # not frozen: fields may be set
            a = cls(*args, **kwargs)
        if eq and frozen:
            try:
                expected = hash(b)
            except TypeError:  # a field holds a dict: unhashable for either
                with pytest.raises(TypeError):
                    hash(a)
            else:
                assert hash(a) == expected
        elif eq:
            with pytest.raises(TypeError):
                hash(a)
        else:
            assert hash(a) == object.__hash__(a)
        changed = dataclasses.replace(a, **{field_name: "other"})
        assert repr(changed) == repr(dataclasses.replace(b, **{field_name: "other"}))
        assert vars(pickle.loads(pickle.dumps(a))) == vars(a)
        built.append(a)
    if len(built) > 1 and eq:
        assert built[0] != built[1]
    assert cls.__match_args__ == ref.__match_args__


def test_every_record_is_found():
    names = {c.__qualname__ for c in RECORDS}
    assert {"Report", "TextEdit", "Layer", "Model", "FileIR", "Const", "Code", "Rule", "Site"} <= names
    assert len(RECORDS) > 60


def test_a_record_must_write_its_own_init():
    from kerlint.data import record

    with pytest.raises(TypeError, match="must write its own __init__"):
        @record
        class Point:
            x: int


def test_a_default_factory_gives_each_object_its_own():
    a, b = Report("KER1", "m", 1, 1, 1, 1), Report("KER1", "m", 1, 1, 1, 1)
    a.extra["x"] = 1
    assert b.extra == {}


def test_a_report_holding_itself_repr_as_a_dataclass_does():
    r = Report("KER1", "m", 1, 1, 1, 1)
    r.extra = {"self": r}
    assert "..." in repr(r)
