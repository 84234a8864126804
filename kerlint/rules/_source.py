"""What the file's statements bind names to, for rules that follow a value one step back.

Only the statement tree is walked (no expressions), and a name counts only when the file
binds it exactly once, so a rule never guesses between two values.
"""

from __future__ import annotations

import libcst as cst


def bindings(module: cst.Module, scope: cst.FunctionDef | None = None, nested: bool = True) -> dict:
    """name -> every statement-level binding of it in the file (or in the function
    ``scope``, its parameters included): the assigned value node, or None for a binding
    whose value is not a plain expression (augmented, loop, parameter...). With
    ``nested=False`` the bodies of functions and classes below are left out."""
    out: dict = {}

    def add(target, value):
        if isinstance(target, cst.Name):
            out.setdefault(target.value, []).append(value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = value.elements if isinstance(value, (cst.Tuple, cst.List)) else None
            if values is not None and len(values) != len(target.elements):
                values = None
            for i, el in enumerate(target.elements):
                add(el.value, values[i].value if values is not None else None)
        elif isinstance(target, cst.StarredElement):
            add(target.value, None)

    def walk(body):
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Assign):
                        for t in small.targets:
                            add(t.target, small.value if len(small.targets) == 1 else None)
                    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                        add(small.target, None)
                continue
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                add(stmt.name, None)
                if not nested and stmt is not scope:
                    continue
            if isinstance(stmt, cst.FunctionDef):
                params = stmt.params
                for p in (*params.posonly_params, *params.params, *params.kwonly_params):
                    add(p.name, None)
            if isinstance(stmt, cst.For):
                add(stmt.target, None)
            for block in _blocks(stmt):
                walk(block.body)

    walk([scope] if scope is not None else module.body)
    return out


def scope_of(module: cst.Module, node: cst.CSTNode) -> cst.FunctionDef | None:
    """The innermost function whose statement is ``node`` (an expression statement or an
    assigned value), None at module level or when not found."""

    def holds(stmt):
        for small in stmt.body:
            if isinstance(small, cst.Expr) and small.value is node:
                return True
            if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is node:
                return True
        return False

    def walk(body, scope):
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                if holds(stmt):
                    return scope, True
                continue
            inner = stmt if isinstance(stmt, cst.FunctionDef) else scope
            for block in _blocks(stmt):
                found, ok = walk(block.body, inner)
                if ok:
                    return found, True
        return None, False

    return walk(module.body, None)[0]


def _blocks(node):
    for child in node.children:
        if isinstance(child, cst.IndentedBlock):
            yield child
        elif isinstance(child, (cst.If, cst.Else, cst.ExceptHandler, cst.Finally, cst.MatchCase)):
            yield from _blocks(child)


def single(bindings, name):
    values = bindings.get(name, [])
    return values[0] if len(values) == 1 else None
