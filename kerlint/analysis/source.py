"""Facts about the source text rather than the models: what the file's statements bind,
which function a statement is in, how statements are indented, and the Keras the file
targets.

The statement tree is walked once per file (expressions are not entered): a name counts
only when the file binds it exactly once, so a rule never guesses between two values.
"""

from __future__ import annotations

import libcst as cst

from ..interp.tree import BLOCK_PARTS, code_children


def _bodies(stmt):
    """The statement bodies of a compound statement: indented blocks (also of its ``elif``,
    ``else``, ``except``, ``finally`` and ``case`` parts) and one-line suites."""
    for child in code_children(stmt):
        kind = child.__class__
        if kind is cst.IndentedBlock or kind is cst.SimpleStatementSuite:
            yield child
        elif kind in BLOCK_PARTS:
            yield from _bodies(child)


class StatementIndex:
    """One walk over a module's statement tree.

    Bindings: each statement-level binding of a name, with the innermost function or class
    whose body holds it (None at module level): the assigned value node, or None for a
    binding whose value is not a plain expression (augmented, loop, parameter...). Only
    statements on lines of their own count, as for indents and assignments.
    """

    def __init__(self, module: cst.Module):
        self.module = module
        self._bindings: list = []  # (name, value, owner)
        self._function_of: dict = {}  # id(statement's expression) -> innermost FunctionDef or None
        self._assignment_of: dict = {}  # id(value) -> the ``target = value`` line
        self._indent: dict = {}  # id(statement) -> its indentation
        self._node_indents: dict | None = None  # id(any node) -> indentation, built on demand
        self.assigns: list = []  # every ``=`` assignment, one-line suites included
        self._walk(module.body, "", None, None)

    # -- building ----------------------------------------------------------------------------
    def _walk(self, body, indent: str, owner, function) -> None:
        for stmt in body:
            self._indent[id(stmt)] = indent
            if stmt.__class__ is cst.SimpleStatementLine:
                self._line(stmt, owner, function)
                continue
            self._compound(stmt, indent, owner, function)

    def _line(self, stmt: cst.SimpleStatementLine, owner, function) -> None:
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                self.assigns.append(small)
                for t in small.targets:
                    self._bind(t.target, small.value if len(small.targets) == 1 else None, owner)
            elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                self._bind(small.target, None, owner)
            if isinstance(small, (cst.Expr, cst.Assign, cst.AnnAssign)) and small.value is not None:
                self._function_of[id(small.value)] = function
        if len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign):
            self._assignment_of[id(stmt.body[0].value)] = stmt

    def _compound(self, stmt, indent: str, owner, function) -> None:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self._bind(stmt.name, None, owner)
            owner = stmt
        if isinstance(stmt, cst.FunctionDef):
            function = stmt
            params = stmt.params
            for p in (*params.posonly_params, *params.params, *params.kwonly_params):
                self._bind(p.name, None, stmt)
        if isinstance(stmt, cst.For):
            self._bind(stmt.target, None, owner)
        for body in _bodies(stmt):
            if isinstance(body, cst.SimpleStatementSuite):
                # ``if x: y = f(y)``: not a line of its own, only seen for what it assigns.
                self.assigns.extend(s for s in body.body if isinstance(s, cst.Assign))
                continue
            step = body.indent if body.indent is not None else self.module.default_indent
            self._walk(body.body, indent + step, owner, function)

    def _bind(self, target, value, owner) -> None:
        if isinstance(target, cst.Name):
            self._bindings.append((target.value, value, owner))
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = value.elements if isinstance(value, (cst.Tuple, cst.List)) else None
            if values is not None and len(values) != len(target.elements):
                values = None
            for i, el in enumerate(target.elements):
                self._bind(el.value, values[i].value if values is not None else None, owner)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, None, owner)

    # -- questions -----------------------------------------------------------------------------
    def sole_value(self, name: str, near: cst.CSTNode | None = None):
        """The value ``name`` is assigned when it is bound exactly once, else None.

        Without ``near``: anywhere in the file. With ``near`` (an expression statement or an
        assigned value): in the function whose statement it is (its own name and parameters
        included, the bodies of functions and classes inside it left out), or at module level
        (outside every function and class body) when it is not in a function."""
        if near is None:
            values = [value for bound, value, _ in self._bindings if bound == name]
        else:
            function = self._function_of.get(id(near))
            values = [value for bound, value, owner in self._bindings if bound == name and owner is function]
            if function is not None and function.name.value == name:
                values.append(None)  # the function's own name is bound where it is called
        return values[0] if len(values) == 1 else None

    def assignment_of(self, value: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """The ``target = value`` line (one statement on its own line) whose value is ``value``."""
        return self._assignment_of.get(id(value))

    def statement_indent(self, stmt: cst.CSTNode) -> str | None:
        """The indentation of a statement on a line of its own (None for any other node)."""
        return self._indent.get(id(stmt))

    def indent_at(self, node: cst.CSTNode) -> str | None:
        """The indentation of the block holding ``node``, a statement or an expression."""
        indent = self._indent.get(id(node))
        if indent is not None:
            return indent
        if self._node_indents is None:
            self._node_indents = _node_indents(self.module)
        return self._node_indents.get(id(node))


def _node_indents(module: cst.Module) -> dict:
    """id -> indentation of the enclosing block, for every node: a whole-tree walk, made only
    when a fix needs the indentation of an expression."""
    out = {}
    stack = [(module, "")]
    while stack:
        node, indent = stack.pop()
        out[id(node)] = indent
        if isinstance(node, cst.IndentedBlock):
            indent += node.indent if node.indent is not None else module.default_indent
        stack.extend((child, indent) for child in code_children(node))
    return out


def keras2_pinned(imports) -> bool:
    """The file is written against a Keras 2 that stays Keras 2: ``tf_keras``, or the copy
    inside TensorFlow (``tensorflow.python.keras``), and not Keras 3 itself."""
    modules = [record.module for record in imports]
    roots = {m.split(".")[0] for m in modules}
    keras2 = "tf_keras" in roots or any(m.startswith("tensorflow.python.keras") for m in modules)
    return keras2 and not roots & {"keras", "keras_core"}
