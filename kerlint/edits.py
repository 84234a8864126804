"""Building fix edits on CST nodes, keeping the code's own layout.

These helpers return new nodes; rules wrap them in ``NodeEdit``s. Formatting outside the
replaced node is never touched, and inside it only what the fix changes.
"""

from __future__ import annotations

import libcst as cst


def expr(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


def code_of(node: cst.CSTNode) -> str:
    """The source text of an expression node on its own."""
    return cst.Module([]).code_for_node(node)


def _equal_style(call: cst.Call) -> cst.AssignEqual:
    for arg in call.args:
        if arg.keyword is not None and isinstance(arg.equal, cst.AssignEqual):
            return arg.equal
    return cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    )


def add_keyword(call: cst.Call, name: str, value: cst.BaseExpression | str) -> cst.Call:
    """``call`` with ``name=value`` appended, following the call's existing layout.

    One line stays one line; an argument-per-line call gets a new line with the same
    indent, and keeps its trailing comma if it has one.
    """
    if isinstance(value, str):
        value = expr(value)
    new = cst.Arg(value=value, keyword=cst.Name(name), equal=_equal_style(call))
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        sep = args[-2].comma.whitespace_after
    elif isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        sep = call.whitespace_before_args
    else:
        sep = cst.SimpleWhitespace(" ")
    if isinstance(sep, cst.ParenthesizedWhitespace):
        # The line break and indent only: a comment there belongs to its own argument.
        sep = sep.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    if isinstance(last.comma, cst.Comma):
        before, after = _split(last.comma.whitespace_after, sep)
        args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=before))
        new = new.with_changes(comma=last.comma.with_changes(whitespace_after=after))
    else:
        before, after = _split(last.whitespace_after_arg, sep)
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=before), whitespace_after_arg=cst.SimpleWhitespace("")
        )
        new = new.with_changes(whitespace_after_arg=after)
    return call.with_changes(args=args + [new])


def _split(closing, sep):
    """Whitespace after the old last argument and after the new one, from what stood
    before the closing parenthesis: its comment (and comment lines) stay with the old
    argument, the line break to the parenthesis moves after the new one."""
    if isinstance(closing, cst.ParenthesizedWhitespace) and isinstance(sep, cst.ParenthesizedWhitespace):
        return (
            sep.with_changes(first_line=closing.first_line, empty_lines=closing.empty_lines),
            closing.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[]),
        )
    return sep, closing


def remove_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """``call`` without ``arg``, keeping the separators of the arguments that remain."""
    args = list(call.args)
    index = next(i for i, a in enumerate(args) if a is arg)
    if index == len(args) - 1 and index > 0:
        prev = args[index - 1]
        # The removed last argument's comma (trailing or not) decides the previous one's.
        if isinstance(arg.comma, cst.Comma):
            args[index - 1] = prev.with_changes(comma=arg.comma)
        else:
            args[index - 1] = prev.with_changes(
                comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=arg.whitespace_after_arg
            )
    del args[index]
    return call.with_changes(args=args)


def replace_string(node: cst.SimpleString, text: str) -> cst.SimpleString:
    """A string literal with new contents, keeping its prefix and quote style."""
    value = node.value
    prefix_len = len(value) - len(value.lstrip("rRbBuUfF"))
    prefix = value[:prefix_len]
    quote = value[prefix_len:prefix_len + 3] if value[prefix_len:prefix_len + 3] in ('"""', "'''") else value[prefix_len]
    return node.with_changes(value=f"{prefix}{quote}{text}{quote}")


def set_keyword(call: cst.Call, arg: cst.Arg | None, name: str, value: cst.BaseExpression | str) -> cst.Call:
    """Set ``name`` to ``value``: replace the given argument's value, or add a keyword."""
    if isinstance(value, str):
        value = expr(value)
    if arg is None:
        return add_keyword(call, name, value)
    return call.with_changes(args=[a.with_changes(value=value) if a is arg else a for a in call.args])


# -- naming a Keras object the fix needs -------------------------------------------------

# Module paths that are Keras but private or legacy: a fix never writes them.
_PRIVATE_ROOTS = ("keras.src", "keras.api", "tf_keras.src", "tensorflow.python", "tensorflow.contrib")


class KerasName:
    """How a fix writes a Keras object: ``text`` to put in the code, plus the ``edits``
    (zero or one ``NodeEdit``) that add the import it needs."""

    def __init__(self, text: str, edits: tuple = ()):
        self.text = text
        self.edits = edits

    def __repr__(self):
        return f"KerasName({self.text!r}, {len(self.edits)} edit(s))"


def keras_name(ir, path: str) -> KerasName | None:
    """Write the Keras object ``path`` (canonical, e.g. ``losses.CategoricalCrossentropy``).

    Reuses a module-level import the file already has, the shortest spelling first
    (``CategoricalCrossentropy`` from ``from keras.losses import ...``, ``losses.X`` from
    ``from tensorflow.keras import losses``, ``keras.losses.X`` from ``import keras`` or
    ``from tensorflow import keras``, ``tf.keras.losses.X`` from ``import tensorflow as tf``).
    Only when none exists, adds ``import keras`` (``from tensorflow import keras`` in a file
    that uses TensorFlow's Keras) after the file's imports. None when ``keras`` is taken by
    something else. Callers append ``edits`` to their fix.
    """
    from .catalog import legacy
    from .names import Resolver, canonicalize

    module = ir.module
    top = Resolver()
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    top.add(small)
    rebound = _assigned_names(module)
    short = {v: k for k, v in legacy.TOP_LEVEL.items()}
    found = []
    for record in top.imports:
        local = record.local
        target = top.bindings.get(local) if local else None
        if target is None or local in rebound or ir.resolver.bindings.get(local) != target:
            continue
        if target.startswith(_PRIVATE_ROOTS):
            continue
        if target + ".keras" in legacy.KERAS_ROOTS:  # import tensorflow as tf
            prefix, canon = f"{local}.keras", ""
        else:
            kp = canonicalize(target)
            if kp is None or kp.legacy_module is not None or target.startswith("tensorflow.compat"):
                continue
            prefix, canon = local, kp.canonical
        if canon == path:
            found.append(prefix)
        elif canon == "":
            found.append(f"{prefix}.{path}")
            if path in short:
                found.append(f"{prefix}.{short[path]}")
        elif path.startswith(canon + "."):
            found.append(f"{prefix}.{path[len(canon) + 1:]}")
    found = [t for t in found if _resolves(top, t, path, canonicalize)]
    if found:
        return KerasName(min(found, key=len))
    # No alias: add one, for the Keras the file already uses.
    if "keras" in top.bindings or "keras" in ir.resolver.bindings or "keras" in rebound:
        return None
    roots = [r.module.split(".")[0] for r in top.imports]
    if "tensorflow" in roots:
        statement = "from tensorflow import keras\n"
    elif "tf_keras" in roots:
        statement = "import tf_keras as keras\n"
    elif "keras_core" in roots:
        statement = "import keras_core as keras\n"
    else:
        statement = "import keras\n"
    return KerasName(f"keras.{path}", (import_edit(module, statement),))


def _resolves(resolver, text: str, path: str, canonicalize) -> bool:
    qualified = resolver.qualify(text)
    kp = canonicalize(qualified) if qualified else None
    return kp is not None and kp.canonical == path


def _assigned_names(module: cst.Module) -> set:
    """Names the module's top level binds other than by import."""
    out = set()
    for stmt in module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            out.add(stmt.name.value)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                targets = []
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    targets = [small.target]
                for target in targets:
                    out.update(n.value for n in _names_in(target))
    return out


def _names_in(node):
    if isinstance(node, cst.Name):
        yield node
    elif isinstance(node, (cst.Tuple, cst.List)):
        for el in node.elements:
            yield from _names_in(el.value)
    elif isinstance(node, cst.StarredElement):
        yield from _names_in(node.value)


def _is_docstring(stmt) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def import_edit(module: cst.Module, statement: str):
    """Insert ``statement`` after the file's leading imports (or docstring), else first."""
    from .diagnostics import NodeEdit

    body = list(module.body)
    anchor = None
    start = 0
    if body and _is_docstring(body[0]):
        anchor, start = body[0], 1
    for stmt in body[start:]:
        if isinstance(stmt, cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
        ):
            anchor = stmt
            continue
        break
    if anchor is not None:
        return NodeEdit(anchor, statement, insert="after")
    return NodeEdit(body[0], statement, insert="before")


# -- elements of a list or tuple display ------------------------------------------------------
def element_separator(seq: cst.List | cst.Tuple, index: int) -> str:
    """The text that separates element ``index`` from the one before: a line break and the
    indentation for an element-per-line display, a space otherwise."""
    if index > 0:
        comma = seq.elements[index - 1].comma
        ws = comma.whitespace_after if isinstance(comma, cst.Comma) else None
    else:
        ws = seq.lbracket.whitespace_after if isinstance(seq, cst.List) else (
            seq.lpar[0].whitespace_after if seq.lpar else None)
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return "\n" + ws.last_line.value
    return " "


def remove_element(seq: cst.List | cst.Tuple, element: cst.BaseElement):
    """``seq`` without ``element``, keeping the separators of the elements that remain."""
    elements = list(seq.elements)
    index = next(i for i, e in enumerate(elements) if e is element)
    if index == len(elements) - 1 and index > 0:
        # The removed last element's comma (trailing or not) decides the previous one's.
        elements[index - 1] = elements[index - 1].with_changes(comma=element.comma)
    del elements[index]
    if isinstance(seq, cst.Tuple) and len(elements) == 1 and not isinstance(elements[0].comma, cst.Comma):
        elements[0] = elements[0].with_changes(comma=cst.Comma())
    # A node's reported position leaves out its parentheses: so does its replacement.
    return seq.with_changes(elements=elements, lpar=[], rpar=[])
