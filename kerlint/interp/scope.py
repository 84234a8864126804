"""Scopes and call frames of the interpreter."""

from __future__ import annotations

from dataclasses import field

from ..data import FACTORY, record
from .values import UNKNOWN, FunctionVal

_ABSENT = object()


class Env:
    """Name bindings of one scope, with a link to the enclosing (global) scope."""

    __slots__ = ("vars", "parent")

    def __init__(self, parent: Env | None = None, vars: dict | None = None):
        self.vars = dict(vars) if vars else {}
        self.parent = parent

    def lookup(self, name: str):
        """``(value, found)``: the innermost binding of ``name``."""
        env = self
        while env is not None:
            if name in env.vars:
                return env.vars[name], True
            env = env.parent
        return UNKNOWN, False

    def copy(self) -> Env:
        return Env(self.parent, self.vars)


def merge(base: Env, branches: list[Env]) -> list:
    """Merge branch scopes back into ``base``: names whose values disagree become UNKNOWN.
    Returns ``[(name, values the branches bound)]`` for those names."""
    own = base.vars
    keys = set()
    for b in branches:
        shared = 0
        for k, v in b.vars.items():
            found = own.get(k, _ABSENT)
            if found is not v:
                keys.add(k)
            if found is not _ABSENT:
                shared += 1
        if shared < len(own):  # the branch lost a name (branches are copies of base: never so far)
            keys.update(own)
    # The names no branch changed keep their value: only the others are looked at.
    diverged = []
    for k in sorted(keys):
        values = [b.vars.get(k, _ABSENT) for b in branches]
        first = values[0]
        if all(v is first for v in values):
            if first is not _ABSENT:
                base.vars[k] = first
        else:
            base.vars[k] = UNKNOWN
            diverged.append((k, [v for v in values if v is not _ABSENT]))
    return diverged


@record
class Frame:
    """A function being interpreted."""

    function: FunctionVal
    cond: int  # the branch depth at the call: a return at this depth ends the call
    call: object = None  # the cst.Call being interpreted; None for a function run on its own
    receiver: object = None  # ``self`` of a method (what ``super()`` binds to)
    returns: list = field(default_factory=list)

    def __init__(self, function, cond, call=None, receiver=None, returns=FACTORY):
        self.function = function
        self.cond = cond
        self.call = call
        self.receiver = receiver
        self.returns = [] if returns is FACTORY else returns


class Return(Exception):
    """Unwinds the interpretation of a function at an unconditional ``return``."""
