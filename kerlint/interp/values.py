"""What the interpreter knows about an expression: plain Python values, nothing of Keras.

Anything it cannot follow is ``UNKNOWN``. Keras semantics add their own Value subclasses
(layers, models, tensors: see ``kerlint.ir``).
"""

from __future__ import annotations

import warnings
from dataclasses import field
from typing import Any

import libcst as cst

from ..data import FACTORY, record


class Value:
    __slots__ = ()


class _Unknown(Value):
    __slots__ = ()

    def __repr__(self):
        return "UNKNOWN"


UNKNOWN = _Unknown()


@record(eq=False)
class Const(Value):
    """A Python literal: int, float, str, bytes, bool, None."""

    value: Any
    node: cst.CSTNode | None = None

    def __init__(self, value, node=None):
        self.value = value
        self.node = node


@record(eq=False)
class Seq(Value):
    """A list or tuple display (or a value built from one)."""

    items: list
    kind: str  # "list" | "tuple"
    node: cst.CSTNode | None = None
    opaque: bool = False  # changed in a way kerlint does not follow: items are not to be trusted

    def __init__(self, items, kind, node=None, opaque=False):
        self.items = items
        self.kind = kind
        self.node = node
        self.opaque = opaque


@record(eq=False)
class DictVal(Value):
    items: list  # [(key Value, value Value)]
    node: cst.CSTNode | None = None

    def __init__(self, items, node=None):
        self.items = items
        self.node = node


@record(eq=False)
class FunctionVal(Value):
    node: cst.FunctionDef
    owner: str | None = None  # enclosing class name, for methods
    calls: int = 0
    closure: Any = None  # the scope (interp.scope.Env) the function was defined in
    cls: Any = None  # the ClassVal of a method
    binding: str = "method"  # for a method: "method" | "static" | "class" | "property"
    foreign: bool = False  # defined in another module the program imports

    def __init__(self, node, owner=None, calls=0, closure=None, cls=None, binding="method", foreign=False):
        self.node = node
        self.owner = owner
        self.calls = calls
        self.closure = closure
        self.cls = cls
        self.binding = binding
        self.foreign = foreign


@record(eq=False)
class ClassVal(Value):
    node: cst.ClassDef
    kind: str | None  # what the semantics make of its bases (e.g. "model"), None for a plain class
    bases: list = field(default_factory=list)  # the base Values, in order
    members: dict = field(default_factory=dict)  # methods (FunctionVal) and class attributes

    def __init__(self, node, kind, bases=FACTORY, members=FACTORY):
        self.node = node
        self.kind = kind
        self.bases = [] if bases is FACTORY else bases
        self.members = {} if members is FACTORY else members

    def lookup(self, name: str):
        """A member of the class or of a base class the file defines (depth first), or MISSING."""
        seen = set()
        stack = [self]
        while stack:
            cls = stack.pop(0)
            if id(cls) in seen:
                continue
            seen.add(id(cls))
            if name in cls.members:
                return cls.members[name]
            stack[:0] = [b for b in cls.bases if isinstance(b, ClassVal)]
        return MISSING

    def has_member(self, name: str) -> bool:
        return self.lookup(name) is not MISSING


@record(eq=False)
class Instance(Value):
    """An object of a class the file defines: its attributes as the program set them.

    Values the semantics make for their own kinds of classes (a Keras model subclass)
    carry one as ``.instance``."""

    cls: ClassVal
    attrs: dict = field(default_factory=dict)
    depth: int = 0  # the branch depth it was made at (attributes set deeper are uncertain)

    def __init__(self, cls, attrs=FACTORY, depth=0):
        self.cls = cls
        self.attrs = {} if attrs is FACTORY else attrs
        self.depth = depth


@record(eq=False)
class BoundMethod(Value):
    function: FunctionVal
    receiver: Value

    def __init__(self, function, receiver):
        self.function = function
        self.receiver = receiver


@record(eq=False)
class Super(Value):
    """``super()`` inside a method: members are looked up past the method's class."""

    receiver: Value
    cls: ClassVal

    def __init__(self, receiver, cls):
        self.receiver = receiver
        self.cls = cls


def instance_of(value) -> Instance | None:
    """The Instance behind a value: the value itself, or what the semantics attached to it."""
    if isinstance(value, Instance):
        return value
    inst = getattr(value, "instance", None)
    return inst if isinstance(inst, Instance) else None


@record(eq=False)
class ModuleVal(Value):
    """Another module of the project, imported: its names as its code bound them."""

    key: Any  # what identifies it (its path)
    env: Any  # interp.scope.Env of its globals
    loading: bool = True  # still running its body (an import cycle sees what is bound so far)

    def __init__(self, key, env, loading=True):
        self.key = key
        self.env = env
        self.loading = loading


class LazyValue(Value):
    """A name an import binds whose module is read only when the name is first used: most
    of what a file imports from its project never reaches a model."""

    __slots__ = ("_load", "_value")

    def __init__(self, load):
        self._load = load
        self._value = None

    def get(self):
        if self._value is None:
            self._value = self._load()
            self._load = None
        return self._value


def resolved(value):
    """The value behind a LazyValue (loading its module now), or the value itself."""
    return value.get() if isinstance(value, LazyValue) else value


@record(eq=False)
class BuiltinVal(Value):
    """A Python builtin the interpreter evaluates itself (``range``)."""

    name: str

    def __init__(self, name):
        self.name = name


# Loops over known lists this long or shorter are unrolled (and ``range`` is known up to it);
# longer ones run their body once, as a branch.
MAX_UNROLL = 16

MISSING = object()


# The value of each literal text seen (``literal_eval`` compiles its text each time; the same
# strings and numbers come back all over a file): immutable values, shared safely.
_LITERAL_VALUES: dict = {}
_MAX_LITERAL_VALUES = 20_000
_UNSEEN = object()


def literal(node: cst.BaseExpression):
    """The Python value of a simple literal node, or MISSING."""
    kind = type(node)
    if kind is cst.SimpleString or kind is cst.Integer or kind is cst.Float:
        raw = node.value
        if len(raw) > 200:
            return _evaluated(node)  # a docstring: seen once, not worth keeping
        value = _LITERAL_VALUES.get(raw, _UNSEEN)
        if value is _UNSEEN:
            value = _evaluated(node)
            if len(_LITERAL_VALUES) >= _MAX_LITERAL_VALUES:
                _LITERAL_VALUES.clear()
            _LITERAL_VALUES[raw] = value
        return value
    return _literal(node)


def _evaluated(node):
    """The value of a string, integer or float literal (what ``literal`` keeps), or MISSING."""
    raw = node.value
    if raw.isdigit() and raw.isascii() and len(raw) < 20:
        return int(raw)  # a decimal integer: what literal_eval gives, without its compile
    if raw[0] in "'\"" and "\\" not in raw and "\r" not in raw:
        # A string with no prefix and no escapes is its text between the quotes (a carriage
        # return in it would be read as a newline, an escape decoded: both take the slow path).
        quotes = 3 if len(raw) >= 6 and raw[1] == raw[2] == raw[0] else 1
        return raw[quotes:-quotes]
    if type(node) is cst.SimpleString:
        return _string_value(node)
    try:
        return node.evaluated_value
    except (ValueError, SyntaxError):  # past Python's 4,300-digit limit for int()
        return MISSING


def _string_value(node):
    """A string literal's value (``"a" "b"`` too), or MISSING."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Python's warning for "\d": not ours to print
            value = node.evaluated_value
    except Exception:  # noqa: BLE001 - odd string prefixes: not a literal we use
        return MISSING
    return value if value is not None else MISSING  # None: bytes and text concatenated


def _literal(node: cst.BaseExpression):
    """``literal`` of the kinds it does not keep (strings, integers and floats it does)."""
    kind = node.__class__
    if kind is cst.ConcatenatedString:
        return _string_value(node)
    if kind is cst.Name and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return MISSING
