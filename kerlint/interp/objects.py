"""Classes and their instances.

Calling a class makes an object and runs its ``__init__`` on it; attributes set on ``self``
live on that object, so every method of the class sees what another method stored there
(a model built in ``build_model()`` and fitted in ``train()``). Methods are bound to the
object they are read from; ``super()`` looks past the method's class.

An attribute set inside a branch of the method that sets it, where it already holds
something else, becomes UNKNOWN: either value may be the one the object keeps.
"""

from __future__ import annotations

import libcst as cst

from .hooks import NOT_HANDLED
from .scope import Env
from .values import (
    MISSING,
    UNKNOWN,
    BoundMethod,
    ClassVal,
    FunctionVal,
    Instance,
    ModuleVal,
    Super,
    instance_of,
    resolved,
)

# Decorators that change how a method is bound.
_BINDINGS = {"staticmethod": "static", "classmethod": "class", "property": "property", "cached_property": "property"}


class Objects:
    """The class and object half of the interpreter (see ``interpreter.Interpreter``)."""

    def make_class(self, stmt: cst.ClassDef, env: Env) -> ClassVal:
        bases = [self.eval(arg.value, env) for arg in stmt.bases if arg.keyword is None]
        cls = ClassVal(stmt, self.semantics.class_kind(bases), bases)
        body = stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else ()
        class_env = Env(env)
        for item in body:
            if isinstance(item, cst.FunctionDef):
                # Methods see the module's scope, not the class body's (Python's rule).
                f = FunctionVal(item, owner=stmt.name.value, closure=env, cls=cls, binding=_binding(item),
                                foreign=bool(self.loading))
                self.functions.append(f)
                cls.members[item.name.value] = f
            else:
                self.exec_stmt(item, class_env)
                if isinstance(item, cst.SimpleStatementLine):
                    # Fields (``units: int = 64``) are set per instance by a generated __init__.
                    for small in item.body:
                        if isinstance(small, cst.Assign):
                            for target in small.targets:
                                if isinstance(target.target, cst.Name):
                                    cls.members[target.target.value] = class_env.vars.get(target.target.value, UNKNOWN)
        return cls

    # -- making objects -----------------------------------------------------------------
    def construct(self, node, cls: ClassVal, args):
        """``cls(...)``: a plain object, or what the semantics make of their kind of class,
        with ``__init__`` run on it."""
        inst = Instance(cls)
        value = inst if cls.kind is None else self.semantics.instantiate(cls, node, args, inst)
        if instance_of(value) is not inst:
            return value
        init = cls.lookup("__init__")
        if isinstance(init, FunctionVal):
            pos, kw, star = split_args(args)
            self.call_function(init, [value, *pos], kw, star=star, call=node)
        self.instances.append(value)
        return value

    def standalone_receivers(self, f: FunctionVal) -> list:
        """The objects a method that nothing calls runs on: every object of its class the
        program made; a plain class of the file nobody instantiates gets one object of its own."""
        receivers = [v for v in self.instances if instance_of(v).cls.lookup(f.node.name.value) is f]
        if receivers or f.cls.kind is not None or f.foreign:
            return receivers
        inst = Instance(f.cls)
        self.instances.append(inst)
        init = f.cls.lookup("__init__")
        if isinstance(init, FunctionVal) and init is not f:
            self.call_function(init, [], {}, standalone=True, receiver=inst)
        return [inst]

    # -- attributes ---------------------------------------------------------------------
    def get_attribute(self, base, attr: str, node):
        if isinstance(base, ModuleVal):
            value, found = base.env.lookup(attr)
            return resolved(value) if found else UNKNOWN
        if isinstance(base, Super):
            member = _lookup_past(base.cls, attr)
            return self.bind_member(member, base.receiver) if member is not MISSING else UNKNOWN
        inst = instance_of(base)
        if inst is not None:
            if attr in inst.attrs:
                return inst.attrs[attr]
            member = inst.cls.lookup(attr)
            if member is not MISSING:
                return self.bind_member(member, base)
            if isinstance(base, Instance):
                return UNKNOWN
        if isinstance(base, ClassVal):
            member = base.lookup(attr)
            if member is MISSING:
                return UNKNOWN
            return BoundMethod(member, base) if isinstance(member, FunctionVal) and member.binding == "class" else member
        return self.semantics.attribute(base, attr, node)

    def bind_member(self, member, receiver):
        if not isinstance(member, FunctionVal):
            return member
        if member.binding == "static":
            return member
        if member.binding == "class":
            return BoundMethod(member, instance_of(receiver).cls if instance_of(receiver) else UNKNOWN)
        if member.binding == "property":
            return self.call_function(member, [receiver], {})
        return BoundMethod(member, receiver)

    def set_attribute(self, base, attr: str, value, target) -> None:
        inst = instance_of(base)
        if inst is not None:
            depth = self.frames[-1].cond if self.frames else 0
            old = inst.attrs.get(attr, MISSING)
            if self.cond > depth and old is not MISSING and old is not value:
                value = UNKNOWN
            inst.attrs[attr] = value
        if isinstance(base, Instance):
            self.semantics.kept_on_object(base, attr, value)
        else:
            self.semantics.store_attribute(base, attr, target, value)

    # -- calls --------------------------------------------------------------------------
    def call_member(self, node, receiver, method: str, args, statement):
        """``receiver.method(...)`` when the receiver is an object of a class the file defines
        (or ``super()``), or a function of an imported project module; NOT_HANDLED otherwise."""
        if isinstance(receiver, ModuleVal):
            return self.call_value(node, self.get_attribute(receiver, method, node), args, statement)
        if isinstance(receiver, Super):
            member = _lookup_past(receiver.cls, method)
            if member is not MISSING:
                return self.call_value(node, self.bind_member(member, receiver.receiver), args, statement)
            if isinstance(receiver.receiver, Instance):
                return UNKNOWN
            return self.semantics.call_method(receiver.receiver, method, node, args, statement)
        inst = instance_of(receiver)
        if inst is not None:
            if method in inst.attrs:
                return self.call_value(node, inst.attrs[method], args, statement)
            member = inst.cls.lookup(method)
            if member is not MISSING:
                return self.call_value(node, self.bind_member(member, receiver), args, statement)
            if isinstance(receiver, Instance):
                return UNKNOWN
        if isinstance(receiver, ClassVal):
            return self.call_value(node, self.get_attribute(receiver, method, node), args, statement)
        return NOT_HANDLED

    def make_super(self):
        """``super()`` in the method being interpreted."""
        frame = self.frames[-1] if self.frames else None
        if frame is None or frame.function.cls is None or frame.receiver is None:
            return UNKNOWN
        return Super(frame.receiver, frame.function.cls)


def split_args(args):
    """Positional values, keyword values, and whether ``*``/``**`` hides some."""
    pos = [v for a, v in args if a.keyword is None and a.star == ""]
    kw = {a.keyword.value: v for a, v in args if a.keyword is not None}
    return pos, kw, any(a.star for a, _ in args)


def _lookup_past(cls: ClassVal, name: str):
    for base in cls.bases:
        if isinstance(base, ClassVal):
            member = base.lookup(name)
            if member is not MISSING:
                return member
    return MISSING


def _binding(f: cst.FunctionDef) -> str:
    for dec in f.decorators:
        d = dec.decorator
        name = d.attr.value if isinstance(d, cst.Attribute) else d.value if isinstance(d, cst.Name) else None
        if name in _BINDINGS:
            return _BINDINGS[name]
    return "method"
