"""Expressions: literals, names, attributes, displays, arithmetic on constants, calls.

What is not plain Python (a Keras class, a layer called on a tensor) is left to the
semantics' hooks; everything else the interpreter cannot follow is UNKNOWN, after its
sub-expressions were still visited so that the calls inside them are seen.
"""

from __future__ import annotations

import libcst as cst

from .hooks import NOT_HANDLED
from .scope import Env
from .tree import EXPRESSION_NODES, code_children, kinds
from .objects import split_args
from .values import (
    MAX_UNROLL,
    MISSING,
    UNKNOWN,
    BoundMethod,
    BuiltinVal,
    ClassVal,
    Const,
    DictVal,
    FunctionVal,
    Instance,
    LazyValue,
    Seq,
    literal,
)

_ARITHMETIC = {
    cst.Add: lambda a, b: a + b,
    cst.Subtract: lambda a, b: a - b,
    cst.Multiply: lambda a, b: a * b,
    cst.FloorDivide: lambda a, b: a // b,
    cst.Divide: lambda a, b: a / b,
}
_LIST_METHODS = ("append", "extend", "insert")
_HOLDERS = kinds(cst.Arg, cst.Element, cst.DictElement, cst.ComparisonTarget)  # nodes that hold expressions


class Expressions:
    """The expression half of the interpreter (see ``interpreter.Interpreter``)."""

    def eval(self, node, env: Env, statement=None):
        if node is None:
            return UNKNOWN
        handler = _EXPRESSIONS.get(node.__class__)
        if handler is None:
            return self.eval_children(node, env)
        return handler(self, node, env, statement)

    def eval_literal(self, node, env: Env, statement):
        value = literal(node)
        return UNKNOWN if value is MISSING else Const(value, node)

    def eval_name(self, node: cst.Name, env: Env, statement=None):
        value, found = env.lookup(node.value)
        if found:
            return value.get() if value.__class__ is LazyValue else value  # resolved(), inlined
        name = node.value
        if name in ("True", "False", "None"):
            return Const(literal(node), node)
        if self.semantics.is_external_name(name) and name not in self.bound_names:
            return self.semantics.external_name(name, node)
        if name in _BUILTINS:
            return BuiltinVal(name)
        return UNKNOWN

    def eval_attribute(self, node: cst.Attribute, env: Env, statement=None):
        base = self.eval(node.value, env)
        return self.get_attribute(base, node.attr.value, node)

    def eval_display(self, node, env: Env, statement):
        items = []
        for el in node.elements:
            v = self.eval(el.value, env)
            if el.__class__ is cst.StarredElement:
                if isinstance(v, Seq):
                    items.extend(v.items)
                    continue
                return UNKNOWN
            items.append(v)
        return Seq(items, "list" if node.__class__ is cst.List else "tuple", node)

    def eval_dict(self, node: cst.Dict, env: Env, statement):
        items = []
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                items.append((self.eval(el.key, env), self.eval(el.value, env)))
            else:
                self.eval(el.value, env)
        return DictVal(items, node)

    def eval_unary(self, node: cst.UnaryOperation, env: Env, statement):
        v = self.eval(node.expression, env)
        if isinstance(v, Const) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
            if isinstance(node.operator, cst.Minus):
                return Const(-v.value, node)
            if isinstance(node.operator, cst.Plus):
                return Const(v.value, node)
        if isinstance(node.operator, cst.Not) and isinstance(v, Const):
            return Const(not v.value, node)
        return UNKNOWN

    def eval_binop(self, node: cst.BinaryOperation, env: Env, statement):
        left = self.eval(node.left, env)
        right = self.eval(node.right, env)
        if isinstance(left, Const) and isinstance(right, Const):
            return _arithmetic(node, left.value, right.value)
        if isinstance(left, Seq) and isinstance(right, Seq) and isinstance(node.operator, cst.Add):
            return Seq(left.items + right.items, left.kind, node)
        return self.semantics.binary_op(node, left, right)

    def eval_subscript(self, node: cst.Subscript, env: Env, statement):
        base = self.eval(node.value, env)
        index = None
        for el in node.slice:
            if isinstance(el.slice, cst.Index):
                index = self.eval(el.slice.value, env)
            else:
                parts = (el.slice.lower, el.slice.upper, el.slice.step)
                index = slice(*(self.eval(p, env) if p is not None else None for p in parts))
        if isinstance(index, slice):
            return _sliced(base, index, node) if len(node.slice) == 1 else UNKNOWN
        if (
            len(node.slice) == 1
            and isinstance(base, Seq)
            and isinstance(index, Const)
            and isinstance(index.value, int)
            and not base.opaque
        ):
            try:
                return base.items[index.value]
            except IndexError:
                return UNKNOWN
        return UNKNOWN

    def eval_lambda(self, node, env: Env, statement):
        return UNKNOWN

    def eval_walrus(self, node: cst.NamedExpr, env: Env, statement):
        value = self.eval(node.value, env)
        self.bind_target(node.target, value, env)
        return value

    def eval_comprehension(self, node, env: Env, statement):
        inner = Env(env)
        self.cond += 1
        for_in = node.for_in
        while for_in is not None:
            self.eval(for_in.iter, inner)
            self.bind_target(for_in.target, UNKNOWN, inner)
            for cond in for_in.ifs:
                self.eval(cond.test, inner)
            for_in = for_in.inner_for_in
        if isinstance(node, cst.DictComp):
            self.eval(node.key, inner)
            self.eval(node.value, inner)
        else:
            self.eval(node.elt, inner)
        self.cond -= 1
        return UNKNOWN

    def eval_children(self, node, env: Env):
        """Visit the sub-expressions of a node the interpreter does not model."""
        for child in code_children(node):
            kind = child.__class__
            if kind in EXPRESSION_NODES:
                self.eval(child, env)
            elif kind is cst.FormattedStringExpression:
                self.eval(child.expression, env)
            elif kind in _HOLDERS:
                for sub in code_children(child):
                    if sub.__class__ in EXPRESSION_NODES:
                        self.eval(sub, env)
        return UNKNOWN

    # -- calls ----------------------------------------------------------------------------
    def eval_call(self, node: cst.Call, env: Env, statement=None):
        self.seq += 1
        func = node.func
        if func.__class__ is cst.Attribute:
            receiver = self.eval(func.value, env)
            method = func.attr.value
        else:
            callee = self.eval(func, env)
            method = None
        args = [(arg, self.eval(arg.value, env)) for arg in node.args]
        self.semantics.saw_call(node, method if method is not None else (func.value if func.__class__ is cst.Name else None))
        if method is not None:
            return self.call_method(node, receiver, method, args, statement)
        return self.call_value(node, callee, args, statement)

    def call_method(self, node, receiver, method: str, args, statement):
        # Half the receivers are UNKNOWN: no object of the file's, no list; only the semantics
        # may know the method (``model.fit`` on a model from elsewhere).
        if receiver is not UNKNOWN:
            result = self.call_member(node, receiver, method, args, statement)
            if result is not NOT_HANDLED:
                return result
            if isinstance(receiver, Seq):
                return _list_method(receiver, method, args, self.cond)
        result = self.semantics.call_method(receiver, method, node, args, statement)
        return UNKNOWN if result is NOT_HANDLED else result

    def call_value(self, node, callee, args, statement):
        # A third of the callees are UNKNOWN: nothing the interpreter runs itself.
        if callee is not UNKNOWN:
            if isinstance(callee, (FunctionVal, BoundMethod)):
                pos, kw, star = split_args(args)
                if isinstance(callee, BoundMethod):
                    callee, pos = callee.function, [callee.receiver, *pos]
                return self.call_function(callee, pos, kw, star=star, call=node)
            if isinstance(callee, ClassVal):
                return self.construct(node, callee, args)
            if isinstance(callee, Instance):
                call = callee.cls.lookup("__call__")
                return (self.call_value(node, self.bind_member(call, callee), args, statement)
                        if call is not MISSING else UNKNOWN)
            if isinstance(callee, BuiltinVal):
                return self.make_super() if callee.name == "super" else _BUILTINS[callee.name](node, args)
        result = self.semantics.call(callee, node, args, statement)
        return UNKNOWN if result is NOT_HANDLED else result


def _arithmetic(node: cst.BinaryOperation, a, b):
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b)):
        return UNKNOWN
    op = type(node.operator)
    try:
        if op in _ARITHMETIC:
            return Const(_ARITHMETIC[op](a, b), node)
        if op is cst.Power and abs(b) < 64 and abs(a) < 1e6:
            return Const(a**b, node)
    except (ZeroDivisionError, OverflowError):
        return UNKNOWN
    return UNKNOWN


def _sliced(base, index: slice, node):
    """``items[1:-1]`` of a list the interpreter follows, with literal (or absent) bounds."""
    if not isinstance(base, Seq) or base.opaque:
        return UNKNOWN
    bounds = []
    for part in (index.start, index.stop, index.step):
        if part is None:
            bounds.append(None)
        elif isinstance(part, Const) and (part.value is None or type(part.value) is int):
            bounds.append(part.value)
        else:
            return UNKNOWN
    return Seq(base.items[slice(*bounds)], base.kind, node)


def _range(node, args):
    """``range(...)`` of integer literals, as a list when it is short enough to unroll."""
    if not args or len(args) > 3 or any(a.keyword is not None or a.star for a, _ in args):
        return UNKNOWN
    bounds = [v.value for _, v in args if isinstance(v, Const)]
    if len(bounds) != len(args) or not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
        return UNKNOWN
    try:
        numbers = range(*bounds)
    except ValueError:  # a step of 0
        return UNKNOWN
    if len(numbers) > MAX_UNROLL:
        return UNKNOWN
    return Seq([Const(i) for i in numbers], "list", node)


_BUILTINS = {"range": _range, "super": None}  # super() needs the frame: see Objects.make_super


def _list_method(receiver: Seq, method: str, args, cond: int):
    """``items.append(x)`` and ``items.extend([...])`` on a list the interpreter follows."""
    if method not in _LIST_METHODS or receiver.opaque:
        return UNKNOWN
    if method == "append" and len(args) == 1:
        receiver.items.append(args[0][1])
    elif method == "extend" and len(args) == 1 and isinstance(args[0][1], Seq):
        receiver.items.extend(args[0][1].items)
    else:
        receiver.opaque = True
    if cond:
        receiver.opaque = True
    return Const(None)


_LITERALS = ("Integer", "Float", "Imaginary", "SimpleString", "ConcatenatedString")
_EXPRESSIONS = {
    **{name: Expressions.eval_literal for name in _LITERALS},
    "Name": Expressions.eval_name,
    "Attribute": Expressions.eval_attribute,
    "Call": Expressions.eval_call,
    "List": Expressions.eval_display,
    "Tuple": Expressions.eval_display,
    "Dict": Expressions.eval_dict,
    "UnaryOperation": Expressions.eval_unary,
    "BinaryOperation": Expressions.eval_binop,
    "Subscript": Expressions.eval_subscript,
    "Lambda": Expressions.eval_lambda,
    "NamedExpr": Expressions.eval_walrus,
    "ListComp": Expressions.eval_comprehension,
    "SetComp": Expressions.eval_comprehension,
    "GeneratorExp": Expressions.eval_comprehension,
    "DictComp": Expressions.eval_comprehension,
}
# Keyed by the node class itself: one lookup per evaluation, the hottest line of extraction.
_EXPRESSIONS = {getattr(cst, name): handler for name, handler in _EXPRESSIONS.items()}
