"""Data classes that cost less to define than ``@dataclass``'s.

``@dataclass`` compiles each method it makes, two to six per class, when the module is
imported; kerlint's every run defines some seventy data classes, and on one small file those
compilations were a twentieth of the run. A ``record`` writes its own ``__init__``, and its
``repr``, equality, hashing and frozenness come from functions shared by every record: nothing
is compiled. ``dataclasses.fields()``, ``replace()`` and ``asdict()`` work as on a dataclass;
tests/test_startup_data.py holds each record to the @dataclass it stands for, ``__init__``
included.

This module is the bottom layer: it imports nothing of kerlint.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, fields
from reprlib import recursive_repr

# A default meaning "call the field's default_factory", as in the __init__ @dataclass makes.
FACTORY = object()


def record(cls=None, /, *, eq: bool = True, frozen: bool = False):
    """``@dataclass(eq=eq, frozen=frozen)`` (also as ``@record``), cheaper to define."""

    def make(cls):
        if "__init__" not in cls.__dict__:
            raise TypeError(f"{cls.__qualname__} must write its own __init__ to be a record")
        cls = dataclass(init=False, repr=False, eq=False)(cls)  # the fields, and no code
        known = fields(cls)
        cls._repr_fields = tuple(f.name for f in known if f.repr)
        cls._compare_fields = tuple(f.name for f in known if f.compare)
        cls.__repr__ = _repr
        cls._frozen = frozen
        if eq:
            cls.__eq__ = _eq
            cls.__hash__ = _hash if frozen else None  # as @dataclass: equal and mutable is unhashable
        if frozen:
            cls.__setattr__ = _frozen_setattr
            cls.__delattr__ = _frozen_delattr
        return cls

    return make if cls is None else make(cls)


@recursive_repr()
def _repr(self):
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._repr_fields)
    return f"{self.__class__.__qualname__}({shown})"


def _values(self) -> tuple:
    return tuple(getattr(self, name) for name in self._compare_fields)


def _eq(self, other):
    if other.__class__ is self.__class__:
        return _values(self) == _values(other)
    return NotImplemented


def _hash(self):
    return hash(_values(self))


def _frozen_setattr(self, name, value):
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name):
    raise FrozenInstanceError(f"cannot delete field {name!r}")
