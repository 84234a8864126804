"""The data classes every run imports write their own ``__init__`` (``diagnostics.plain_data``)
instead of having @dataclass compile one at import. Each must behave as the @dataclass it
was: the same constructor, repr, equality, hash, frozenness, ``fields()`` and ``replace()``.
The reference here is the @dataclass made from the class's own fields."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from kerlint import config, diagnostics, fix, noqa
from kerlint.config import FileConfig, PathPattern, Selection, Settings
from kerlint.diagnostics import Diagnostic, Fix, FrozenData, NodeEdit, Report, TextEdit, TextFix
from kerlint.fix import FileFix, FixMode, FixOutcome, PythonText, Stuck
from kerlint.noqa import Directive

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
        specs.append((f.name, f.type, dataclasses.field(**spec)))
    made = dataclasses.make_dataclass(cls.__name__, specs, frozen=issubclass(cls, FrozenData))
    made.__qualname__ = cls.__qualname__
    return made


@pytest.mark.parametrize("cls", list(SAMPLES), ids=lambda c: c.__name__)
def test_a_plain_data_class_is_the_dataclass_it_was(cls):
    ref = reference(cls)
    ours = [p for p in inspect.signature(cls).parameters.values()]
    theirs = [p for p in inspect.signature(ref).parameters.values()]
    assert [(p.name, p.kind) for p in ours] == [(p.name, p.kind) for p in theirs]
    for mine, other in zip(ours, theirs):
        if other.default is not inspect.Parameter.empty and "factory" not in repr(other.default):
            assert mine.default == other.default, mine.name
    assert dataclasses.is_dataclass(cls)
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in dataclasses.fields(ref)]
    frozen = issubclass(cls, FrozenData)
    built = []
    for args, kwargs in SAMPLES[cls]:
        a, b = cls(*args, **kwargs), ref(*args, **kwargs)
        assert repr(a) == repr(b)
        assert vars(a) == vars(b)
        assert a == cls(*args, **kwargs) and not (a != cls(*args, **kwargs))
        assert (a == b) is False and a.__eq__(b) is NotImplemented  # another class, as between dataclasses
        if frozen:
            assert hash(a) == hash(b)
            field_name = dataclasses.fields(cls)[0].name
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(a, field_name, 5)
            with pytest.raises(dataclasses.FrozenInstanceError):
                delattr(a, field_name)
        else:
            with pytest.raises(TypeError):
                hash(a)
            setattr(a, dataclasses.fields(cls)[0].name, "changed")  # not frozen: fields may be set
            a = cls(*args, **kwargs)
        name = dataclasses.fields(cls)[0].name
        changed = dataclasses.replace(a, **{name: "other"})
        assert repr(changed) == repr(dataclasses.replace(b, **{name: "other"}))
        assert pickle.loads(pickle.dumps(a)) == a
        built.append(a)
    if len(built) > 1:
        assert built[0] != built[1]
    assert cls.__match_args__ == ref.__match_args__


def test_a_default_factory_gives_each_object_its_own():
    a, b = Report("KER1", "m", 1, 1, 1, 1), Report("KER1", "m", 1, 1, 1, 1)
    a.extra["x"] = 1
    assert b.extra == {}


def test_a_report_holding_itself_repr_as_a_dataclass_does():
    r = Report("KER1", "m", 1, 1, 1, 1)
    r.extra = {"self": r}
    assert "..." in repr(r)


def test_every_plain_data_class_has_samples_here():
    found = {obj for module in (diagnostics, fix, config, noqa) for obj in vars(module).values()
             if isinstance(obj, type) and issubclass(obj, diagnostics.Data) and dataclasses.is_dataclass(obj)}
    assert found == set(SAMPLES)
