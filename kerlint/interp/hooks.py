"""What the interpreter asks of the semantics layered on it (Keras, for kerlint).

The interpreter follows Python: scopes, statements, expressions, functions and classes.
Whatever is not plain Python (an imported object, a call to it, an attribute of it) goes
through these hooks. The defaults know nothing: every answer is UNKNOWN.
"""

from __future__ import annotations

from .values import UNKNOWN

# Returned by a hook that leaves a call to the interpreter's own Python semantics.
NOT_HANDLED = object()


class Semantics:
    def import_statement(self, node) -> dict:
        """``{local name: Value}`` for the names an ``import`` / ``from ... import`` binds."""
        return {}

    def is_external_name(self, name: str) -> bool:
        """True when an unbound ``name`` may stand for an external object (a snippet)."""
        return False

    def external_name(self, name: str, node):
        """The Value of a name the file never binds (asked when ``is_external_name``)."""
        return UNKNOWN

    def attribute(self, base, attr: str, node):
        """The Value of ``base.attr`` for a base that is not plain Python."""
        return UNKNOWN

    def store_attribute(self, base, attr: str, node, value=UNKNOWN) -> None:
        """``base.attr = value`` was executed (``value`` UNKNOWN for an augmented assignment)."""

    def kept_on_object(self, instance, attr: str, value) -> None:
        """``self.attr = value`` on an object of a plain class the file defines."""

    def call(self, callee, node, args, statement):
        """Call a callee that is not plain Python; ``args`` are ``[(cst.Arg, Value)]``."""
        return NOT_HANDLED

    def call_method(self, receiver, method: str, node, args, statement):
        """``receiver.method(...)`` where the receiver is not plain Python (or UNKNOWN)."""
        return NOT_HANDLED

    def saw_call(self, node, name: str | None) -> None:
        """Every call, with the name called (``f`` of ``f(x)``, ``m`` of ``o.m(x)``)."""

    def class_kind(self, bases: list) -> str | None:
        """What a class with these base Values is, for the semantics; None: plain Python."""
        return None

    def instantiate(self, cls, node, args, instance):
        """Call a class whose ``kind`` is not None. A value that carries ``instance`` (as
        ``.instance``) is an object of the class: its ``__init__`` runs on it."""
        return UNKNOWN

    def settle(self) -> None:
        """The program (or a function run on its own) has been followed to its end: finish
        what waited for more of it."""

    def binary_op(self, node, left, right):
        """``left <op> right`` where an operand is not a plain Python number or list."""
        return UNKNOWN

    def diverged(self, name: str, values: list) -> None:
        """Branches bound ``name`` to different ``values``: it is UNKNOWN after them."""

    def bound(self, name: str, value) -> None:
        """``name`` was bound to ``value``."""

    def context_value(self, value):
        """What ``with value as name`` binds."""
        return UNKNOWN
