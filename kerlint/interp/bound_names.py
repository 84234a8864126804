"""Every name a module binds, in any scope: a static pre-pass.

The interpreter asks it only when code reads a name it has not seen bound, and the
semantics could take that name for something external (a pasted snippet's ``Dense``): a
name the file binds anywhere, even later or in another scope, is never taken for that.
"""

from __future__ import annotations

import libcst as cst

from .tree import code_children

# Nodes whose listed attributes are binding targets.
_TARGETS = {
    cst.AssignTarget: ("target",),
    cst.AnnAssign: ("target",),
    cst.AugAssign: ("target",),
    cst.For: ("target",),
    cst.CompFor: ("target",),
    cst.NamedExpr: ("target",),
    cst.AsName: ("name",),
    cst.Del: ("target",),
}


def collect(module: cst.Module) -> set[str]:
    names: set[str] = set()
    stack: list = [module]
    while stack:
        node = stack.pop()
        _add_bindings(node, names)
        stack.extend(code_children(node))
    return names


def _add_bindings(node, names: set) -> None:
    kind = node.__class__
    attrs = _TARGETS.get(kind)
    if attrs is not None:
        for attr in attrs:
            _add_target(getattr(node, attr), names)
        return
    bind = _BINDERS.get(kind)
    if bind is not None:
        bind(node, names)


def _bind_name(node, names: set) -> None:
    names.add(node.name.value)


def _bind_import(node, names: set) -> None:
    if node.asname is None:
        names.add(_first(node.name))


def _bind_declared(node, names: set) -> None:
    names.update(n.name.value for n in node.names)


def _bind_match(node, names: set) -> None:
    if node.name is not None:
        names.add(node.name.value)


# Nodes that bind a name of their own (node classes are exact: LibCST's are not subclassed).
_BINDERS = {
    cst.FunctionDef: _bind_name,
    cst.ClassDef: _bind_name,
    cst.Param: _bind_name,
    cst.ImportAlias: _bind_import,
    cst.Global: _bind_declared,
    cst.Nonlocal: _bind_declared,
    cst.MatchAs: _bind_match,
    cst.MatchStar: _bind_match,
}


def _add_target(target, names: set) -> None:
    if isinstance(target, cst.Name):
        names.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            _add_target(el.value, names)
    elif isinstance(target, cst.StarredElement):
        _add_target(target.value, names)


def _first(node) -> str:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value
