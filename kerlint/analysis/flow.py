"""Where a module binds its names: one walk over its statements.

``Assignments`` records each binding of a name with where it is made (its function, its place
in the text, the blocks holding it), the statement each call is in, the lists filled by
``append``/``extend``, the arrays written into element by element, the functions by name and
the names declared ``global``. ``reaching(name, site)`` gives the bindings that may give a name
its value at a call. The label analysis (``labels``) and the scaling analysis (``scaling``)
follow arrays back through it; ``assignments(ir)`` makes it once per file.
"""

from __future__ import annotations


import libcst as cst

from ..data import record
from ..interp.tree import BLOCK_PARTS, code_children, kinds

_OWN_SITES = kinds(cst.IndentedBlock, cst.FunctionDef, cst.ClassDef)  # indexed with their own sites
_FILLS = ("append", "extend")  # ``masks.append(img)``: what a list built in a loop is made of


@record(frozen=True)
class Site:
    """Where a statement runs: its function (None at module level), its place in the text, and
    the blocks (bodies of if/for/try/...) that hold it inside that function."""

    scope: cst.CSTNode | None
    seq: int
    blocks: tuple

    def __init__(self, scope, seq, blocks):
        object.__setattr__(self, "scope", scope)
        object.__setattr__(self, "seq", seq)
        object.__setattr__(self, "blocks", blocks)


@record(eq=False, frozen=True)
class Binding:
    """One binding of a name. ``source`` is the assigned value (an ``AugAssign`` for ``y /= 2``,
    None when not followed: a parameter, a loop target); ``path`` the indices into the value
    when unpacked from it (``(x, y), _ = load_data()``); ``statement`` the line it is on."""

    name: str
    source: cst.CSTNode | None
    path: tuple
    site: Site
    statement: cst.CSTNode | None = None
    small: cst.CSTNode | None = None  # the Assign / AugAssign itself
    loop: cst.For | None = None  # the loop whose target it is

    def __init__(self, name, source, path, site, statement=None, small=None, loop=None):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "site", site)
        object.__setattr__(self, "statement", statement)
        object.__setattr__(self, "small", small)
        object.__setattr__(self, "loop", loop)


def _scope_key(scope) -> int:
    return 0 if scope is None else id(scope)


class Assignments:
    """One walk over a module's statements (see the module's docstring)."""

    def __init__(self, module: cst.Module):
        self._sites: dict = {}  # id(call) -> Site of its statement
        self._bindings: dict = {}  # (scope key, name) -> [Binding], in text order
        self._fills: dict = {}  # (scope key, name) -> [element expressions appended to it]
        self._written: dict = {}  # name -> [Site] where it is written into (``x[i] = ...``)
        self._parent: dict = {}  # scope key -> the scope whose names it sees (class bodies skipped)
        self.functions: dict = {}  # name -> [FunctionDef]: what ``ds.map(name)`` applies
        self.globals: set = set()  # names a function declares ``global``: rebound out of sight
        self._seq = 0
        self._walk(module.body, None, ())

    # -- the walk --------------------------------------------------------------------------------
    def _site(self, scope, blocks) -> Site:
        self._seq += 1
        return Site(scope, self._seq, blocks)

    def _walk(self, body, scope, blocks) -> None:
        for stmt in body:
            if stmt.__class__ is cst.SimpleStatementLine:
                self._line(stmt, stmt.body, scope, blocks)
            else:
                self._compound(stmt, scope, blocks, self._site(scope, blocks))

    def _line(self, line, smalls, scope, blocks) -> None:
        site = self._site(scope, blocks)
        self._index_calls(line, site)
        for small in smalls:
            kind = small.__class__
            if kind is cst.Assign:
                for target in small.targets:
                    self._bind_target(target.target, small.value, (), site, line, small)
            elif kind is cst.AnnAssign and small.value is not None:
                self._bind_target(small.target, small.value, (), site, line, small)
            elif kind is cst.AugAssign:
                self._bind_target(small.target, small, (), site, line, small)
            elif kind is cst.Expr:
                self._fill(small.value, site)
            elif kind is cst.Global:
                self.globals.update(n.name.value for n in small.names)

    def _fill(self, value, site: Site) -> None:
        """``name.append(x)`` / ``name.extend(xs)``: ``name`` holds what it is given."""
        if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
            return
        receiver = value.func.value
        if value.func.attr.value in _FILLS and isinstance(receiver, cst.Name) and value.args:
            key = (_scope_key(site.scope), receiver.value)
            self._fills.setdefault(key, []).append((value.args[0].value, site))

    def _compound(self, stmt, scope, blocks, site) -> None:
        inner, inner_blocks = scope, blocks
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self._bind(Binding(stmt.name.value, None, (), site))
            if isinstance(stmt, cst.FunctionDef):
                self.functions.setdefault(stmt.name.value, []).append(stmt)
            inner, inner_blocks = stmt, ()
            outer = self._parent.get(_scope_key(scope)) if isinstance(scope, cst.ClassDef) else scope
            self._parent[_scope_key(stmt)] = outer
        self._bind_header(stmt, inner, site)
        for child in code_children(stmt):
            kind = child.__class__
            if kind is cst.SimpleStatementSuite:
                self._line(child, child.body, inner, inner_blocks + (id(child),))
            elif kind is cst.IndentedBlock:
                self._walk(child.body, inner, inner_blocks + (id(child),))
            elif kind in BLOCK_PARTS:
                self._compound(child, scope, blocks, self._site(scope, blocks))
            else:
                self._index_calls(child, site)

    def _bind_header(self, stmt, inner, site) -> None:
        """Names a compound statement binds in its header: loop targets, ``as`` names,
        parameters (bound in the function, before its first statement)."""
        if isinstance(stmt, cst.For):
            self._bind_target(stmt.target, None, (), site, loop=stmt)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                if item.asname is not None:
                    self._bind_target(item.asname.name, None, (), site)
        elif isinstance(stmt, (cst.ExceptHandler, cst.ExceptStarHandler)) and stmt.name is not None:
            self._bind_target(stmt.name.name, None, (), site)
        elif isinstance(stmt, cst.FunctionDef):
            entry = self._site(inner, ())
            params = stmt.params
            for p in (*params.posonly_params, *params.params, *params.kwonly_params):
                self._bind(Binding(p.name.value, None, (), entry))
            for star in (params.star_arg, params.star_kwarg):
                if isinstance(star, cst.Param):
                    self._bind(Binding(star.name.value, None, (), entry))

    def _index_calls(self, node, site) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            kind = n.__class__
            if kind is cst.Call:
                self._sites[id(n)] = site
            elif kind in _OWN_SITES:
                continue
            stack.extend(code_children(n))

    def _bind_target(self, target, value, path, site, statement=None, small=None, loop=None) -> None:
        if isinstance(target, cst.Name):
            self._bind(Binding(target.value, value, path, site, statement, small, loop))
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            starred = any(isinstance(el, cst.StarredElement) for el in elements)
            values = None
            if not path and isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(elements):
                values = [el.value for el in value.elements]
            for i, el in enumerate(elements):
                if starred:
                    self._bind_target(el.value, None, (), site, statement, small, loop)
                elif values is not None:
                    self._bind_target(el.value, values[i], (), site, statement, small, loop)
                else:
                    self._bind_target(el.value, value, (*path, i) if value is not None else (), site,
                                      statement, small, loop)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None, (), site, statement, small, loop)
        elif isinstance(target, cst.Subscript):
            root = root_name(target)
            if root is not None:
                self._written.setdefault(root, []).append(site)

    def _bind(self, binding: Binding) -> None:
        key = (_scope_key(binding.site.scope), binding.name)
        self._bindings.setdefault(key, []).append(binding)

    # -- questions -------------------------------------------------------------------------------
    def site_of(self, call: cst.Call) -> Site | None:
        """The site of the statement holding ``call`` (None: not a statement kerlint indexed)."""
        return self._sites.get(id(call))

    def reaching(self, name: str, site: Site) -> list | None:
        """The bindings of ``name`` that may give its value at ``site``, latest first, or None
        when kerlint cannot tell (a name bound in the function only after its use, or never)."""
        bindings = self._bindings.get((_scope_key(site.scope), name))
        if bindings:
            out = []
            for b in reversed([b for b in bindings if b.site.seq < site.seq]):
                out.append(b)
                if site.blocks[: len(b.site.blocks)] == b.site.blocks:
                    return out  # made on every path to the use: earlier ones are overwritten
            return None
        scope = site.scope
        while scope is not None:
            # A free name: the enclosing scope's, as it stands after that scope's statements
            # (a function is called once the script has prepared its data).
            scope = self._parent.get(_scope_key(scope))
            bindings = self._bindings.get((_scope_key(scope), name))
            if bindings:
                return [bindings[-1]]
        return None

    def fills(self, name: str, site: Site) -> list:
        """(element, site) pairs appended to the list ``name`` in the scope of ``site``."""
        return self._fills.get((_scope_key(site.scope), name), [])

    def bindings(self, scope, name: str) -> list:
        """Every binding of ``name`` in ``scope`` (a function or class, None for the module), in
        text order."""
        return self._bindings.get((_scope_key(scope), name), [])

    def written_into(self, name: str) -> list:
        """The sites, in any scope, of the statements that write into ``name`` element by element
        (``name[i] = ...``, ``name[i][j] += ...``)."""
        return self._written.get(name, [])


def root_name(node) -> str | None:
    """``x`` of ``x[i]``, ``x[i][j]``, ``x[i].attr``."""
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def assignments(ir) -> Assignments:
    """The ``Assignments`` of the module of ``ir`` (a ``FileIR``), made once per file: every
    rule that asks shares it."""
    return ir.analysis(Assignments, lambda: Assignments(ir.module))
