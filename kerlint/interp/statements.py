"""Statements: blocks, branches, loops, ``try``, ``with``, definitions, assignments, imports.

Branches (``if``/``try``/loops/``match``) run on copies of the scope; names whose values
disagree afterwards become UNKNOWN, and ``cond`` counts how deep in branches the
interpreter is, so that the semantics can mark what happens there as conditional. A loop over
a short list the interpreter knows is unrolled; any other loop body runs once, as a branch.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from .scope import Env, Return, merge
from .tree import EXPRESSION_NODES, code_children, kinds
from .values import MAX_UNROLL, UNKNOWN, Const, FunctionVal, Seq


class Statements:
    """The statement half of the interpreter (see ``interpreter.Interpreter``)."""

    def exec_block(self, body: Iterable, env: Env):
        kind = body.__class__
        if kind is cst.SimpleStatementSuite:
            for small in body.body:
                self.exec_small(small, env)
            return
        if kind is cst.IndentedBlock:
            body = body.body
        for stmt in body:  # exec_stmt, inlined: the interpreter's innermost loop
            handler = _STATEMENTS.get(stmt.__class__)
            if handler is not None:
                handler(self, stmt, env)

    def exec_stmt(self, stmt, env: Env):
        handler = _STATEMENTS.get(stmt.__class__)
        if handler is not None:
            handler(self, stmt, env)

    def exec_line(self, stmt: cst.SimpleStatementLine, env: Env):
        for small in stmt.body:  # exec_small, inlined
            handler = _SMALL.get(small.__class__)
            if handler is not None:
                handler(self, small, env, stmt)

    def exec_if(self, stmt: cst.If, env: Env):
        test = self.eval(stmt.test, env)
        if isinstance(test, Const) and isinstance(test.value, (bool, type(None))):
            # ``if training:`` with training=False, ``if DEBUG:``: only one branch runs.
            self._exec_taken(stmt, bool(test.value), env)
            return
        self.cond += 1
        body_env = self._run_branch(stmt.body, env)
        else_env = env.copy()
        orelse = stmt.orelse
        try:
            if orelse.__class__ is cst.If:
                self.exec_if(orelse, else_env)
            elif orelse.__class__ is cst.Else:
                self.exec_block(orelse.body, else_env)
        except Return:
            else_env = None
        self.cond -= 1
        live = [b for b in (body_env, else_env) if b is not None]
        if live:
            self.merge_branches(env, live)

    def _exec_taken(self, stmt: cst.If, taken: bool, env: Env):
        if taken:
            self.exec_block(stmt.body, env)
        elif isinstance(stmt.orelse, cst.If):
            self.exec_if(stmt.orelse, env)
        elif isinstance(stmt.orelse, cst.Else):
            self.exec_block(stmt.orelse.body, env)

    def merge_branches(self, env: Env, branches: list[Env]) -> None:
        for name, values in merge(env, branches):
            self.semantics.diverged(name, values)

    def _run_branch(self, body, env: Env) -> Env | None:
        """A copy of ``env`` after ``body`` ran in it; None when the body returned."""
        branch = env.copy()
        try:
            self.exec_block(body, branch)
        except Return:
            return None
        return branch

    def exec_loop(self, stmt, env: Env):
        is_for = isinstance(stmt, cst.For)
        iterated = self.eval(stmt.iter if is_for else stmt.test, env)
        if is_for and _unrollable(iterated) and _builds_in_place(stmt.body, stmt.target):
            self.exec_unrolled(stmt, iterated.items, env)
            return
        self.cond += 1
        body_env = env.copy()
        if is_for:
            self.bind_target(stmt.target, UNKNOWN, body_env)
        try:
            self.exec_block(stmt.body, body_env)
        except Return:
            pass
        else_env = env.copy()
        if stmt.orelse is not None:
            self.exec_block(stmt.orelse.body, else_env)
        self.cond -= 1
        self.merge_branches(env, [body_env, else_env])

    def exec_unrolled(self, stmt: cst.For, items: list, env: Env):
        """A loop that builds over a short list the interpreter knows (``for units in [64, 32]:
        model.add(...)``, ``range(3)``): the body runs once per item, in order, as certain as
        the code around it."""
        for item in items:
            self.bind_target(stmt.target, item, env)
            self.exec_block(stmt.body, env)
        if stmt.orelse is not None:
            self.exec_block(stmt.orelse.body, env)

    def exec_try(self, stmt, env: Env):
        # The body usually runs to the end: interpret it in place.
        self.exec_block(stmt.body, env)
        branches = [env.copy()]
        self.cond += 1
        for handler in stmt.handlers:
            b = env.copy()
            if handler.name is not None:
                self.bind_target(handler.name.name, UNKNOWN, b)
            try:
                self.exec_block(handler.body, b)
            except Return:
                continue
            branches.append(b)
        if stmt.orelse is not None:
            self.exec_block(stmt.orelse.body, branches[0])
        self.cond -= 1
        self.merge_branches(env, branches)
        if stmt.finalbody is not None:
            self.exec_block(stmt.finalbody.body, env)

    def exec_with(self, stmt: cst.With, env: Env):
        for item in stmt.items:
            value = self.eval(item.item, env)
            if item.asname is not None:
                self.bind_target(item.asname.name, self.semantics.context_value(value), env)
        self.exec_block(stmt.body, env)

    def exec_match(self, stmt, env: Env):
        self.eval(stmt.subject, env)
        branches = []
        self.cond += 1
        for case in stmt.cases:
            b = env.copy()
            self.exec_block(case.body, b)
            branches.append(b)
        self.cond -= 1
        branches.append(env.copy())
        self.merge_branches(env, branches)

    def exec_def(self, stmt: cst.FunctionDef, env: Env):
        for dec in stmt.decorators:
            self.eval(dec.decorator, env)
        f = FunctionVal(stmt, owner=None, closure=env, foreign=bool(self.loading))
        self.functions.append(f)
        self.bind_name(stmt.name.value, f, env)

    def exec_class(self, stmt: cst.ClassDef, env: Env):
        self.bind_name(stmt.name.value, self.make_class(stmt, env), env)

    # -- small statements -----------------------------------------------------------------
    def exec_small(self, small, env: Env, stmt=None):
        handler = _SMALL.get(small.__class__)
        if handler is not None:
            handler(self, small, env, stmt)

    def exec_expr(self, small: cst.Expr, env: Env, stmt):
        if type(small.value) is cst.SimpleString:
            return  # a docstring: no effect, and evaluating a long one costs a compile
        self.eval(small.value, env, statement=stmt)

    def exec_assign(self, small: cst.Assign, env: Env, stmt):
        value = self.eval(small.value, env, statement=stmt)
        for target in small.targets:
            self.bind_target(target.target, value, env)

    def exec_ann_assign(self, small: cst.AnnAssign, env: Env, stmt):
        if small.value is not None:
            value = self.eval(small.value, env, statement=stmt)
            self.bind_target(small.target, value, env)

    def exec_aug_assign(self, small: cst.AugAssign, env: Env, stmt):
        self.eval(small.value, env)
        self.bind_target(small.target, UNKNOWN, env, aug=True)

    def exec_import(self, small, env: Env, stmt):
        env.vars.update(self.semantics.import_statement(small))

    def exec_return(self, small: cst.Return, env: Env, stmt):
        value = self.eval(small.value, env) if small.value is not None else Const(None)
        frame = self.frames[-1] if self.frames else None
        if frame is not None:
            frame.returns.append(value)
            if self.cond == frame.cond:
                raise Return()

    def exec_del(self, small: cst.Del, env: Env, stmt):
        self.bind_target(small.target, UNKNOWN, env)

    def exec_raise_or_assert(self, small, env: Env, stmt):
        for child in code_children(small):
            if child.__class__ in EXPRESSION_NODES:
                self.eval(child, env)

    # -- binding ----------------------------------------------------------------------
    def bind_name(self, name: str, value, env: Env):
        env.vars[name] = value
        self.semantics.bound(name, value)

    def bind_target(self, target, value, env: Env, aug=False):
        kind = target.__class__
        if kind is cst.Name:
            if aug:
                env.vars[target.value] = UNKNOWN
            else:
                self.bind_name(target.value, value, env)
        elif kind is cst.Tuple or kind is cst.List:
            self._bind_unpacked(target.elements, value, env)
        elif kind is cst.Attribute:
            base = self.eval(target.value, env)
            self.set_attribute(base, target.attr.value, UNKNOWN if aug else value, target)
        elif kind is cst.Subscript:
            base = self.eval(target.value, env)
            for el in target.slice:
                if isinstance(el.slice, cst.Index):
                    self.eval(el.slice.value, env)
            if isinstance(base, Seq):
                # the list changed in a way we do not follow
                base.items = [UNKNOWN] * len(base.items)
                base.opaque = True
        elif kind is cst.StarredElement:
            self.bind_target(target.value, UNKNOWN, env)

    def _bind_unpacked(self, elements, value, env: Env):
        items = value.items if isinstance(value, Seq) and len(value.items) == len(elements) else None
        for i, el in enumerate(elements):
            if el.__class__ is cst.StarredElement:
                self.bind_target(el.value, UNKNOWN, env)
                items = None
                continue
            self.bind_target(el.value, items[i] if items is not None else UNKNOWN, env)


def _unrollable(value) -> bool:
    return isinstance(value, Seq) and not value.opaque and len(value.items) <= MAX_UNROLL


def _builds_in_place(body, target=None) -> bool:
    """True for a loop body that builds something step by step (``x.add(...)``, a callable
    made and applied at once, ``f(u)(x)``, or each item applied in turn, ``for layer in
    self.blocks: x = layer(x)``) and neither trains (``compile``/``fit``: a sweep
    over settings, each value tried on its own) nor leaves an iteration early (``break``,
    ``continue``). Any other loop runs once, as a branch."""
    builds = False
    stack = [body]
    while stack:
        node = stack.pop()
        kind = node.__class__
        if kind in _LEAVES_EARLY_OR_DEFINES:
            return False
        if kind is cst.Call:
            method = node.func.attr.value if node.func.__class__ is cst.Attribute else None
            if method in _TRAINING:
                return False
            applies_item = isinstance(target, cst.Name) and isinstance(node.func, cst.Name) and node.func.value == target.value
            builds = builds or method == "add" or isinstance(node.func, cst.Call) or applies_item
        stack.extend(code_children(node))
    return builds


_TRAINING = ("compile", "fit", "fit_generator", "train_on_batch", "evaluate")
_LEAVES_EARLY_OR_DEFINES = kinds(cst.Break, cst.Continue, cst.FunctionDef, cst.ClassDef, cst.Lambda)


_STATEMENTS = {
    "SimpleStatementLine": Statements.exec_line,
    "If": Statements.exec_if,
    "For": Statements.exec_loop,
    "While": Statements.exec_loop,
    "Try": Statements.exec_try,
    "TryStar": Statements.exec_try,
    "With": Statements.exec_with,
    "FunctionDef": Statements.exec_def,
    "ClassDef": Statements.exec_class,
    "Match": Statements.exec_match,
}

_SMALL = {
    "Expr": Statements.exec_expr,
    "Assign": Statements.exec_assign,
    "AnnAssign": Statements.exec_ann_assign,
    "AugAssign": Statements.exec_aug_assign,
    "Import": Statements.exec_import,
    "ImportFrom": Statements.exec_import,
    "Return": Statements.exec_return,
    "Del": Statements.exec_del,
    "Raise": Statements.exec_raise_or_assert,
    "Assert": Statements.exec_raise_or_assert,
}
# Keyed by the node classes themselves: one lookup per statement.
_STATEMENTS = {getattr(cst, name): handler for name, handler in _STATEMENTS.items()}
_SMALL = {getattr(cst, name): handler for name, handler in _SMALL.items()}
