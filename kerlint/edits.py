"""Building fix edits on CST nodes, keeping the code's own layout.

These helpers return new nodes; rules wrap them in ``NodeEdit``s. Formatting outside the
replaced node is never touched, and inside it only what the fix changes.
"""

from __future__ import annotations

import libcst as cst


def expr(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


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
    if isinstance(last.comma, cst.Comma):
        args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=sep))
        new = new.with_changes(comma=last.comma)
    else:
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=sep), whitespace_after_arg=cst.SimpleWhitespace("")
        )
        new = new.with_changes(whitespace_after_arg=last.whitespace_after_arg)
    return call.with_changes(args=args + [new])


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
