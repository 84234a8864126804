"""Small helpers shared by rule modules."""

from __future__ import annotations

import re

import libcst as cst

from ..ir import Layer, Model


def quote_of(*nodes) -> str:
    """The quote character the surrounding code uses for strings (double by default)."""
    for node in nodes:
        if node is None:
            continue
        for sub in _strings(node):
            body = sub.value.lstrip("rRbBuUfF")
            if body[:1] in ("'", '"'):
                return body[0]
    return '"'


def _strings(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.SimpleString):
            yield n
        stack.extend(n.children)


def layer_name(layer: Layer) -> str:
    return layer.kind or "layer"


def model_label(model: Model) -> str:
    return f"model `{model.name}`" if model.name else "the model"


_CLASS_COUNT = re.compile(r"(class|label|categor|target|output|n_?out|num_?out)", re.I)


def looks_like_class_count(node: cst.CSTNode | None) -> bool:
    """``num_classes``, ``len(label_to_idx)``, ``y.shape[1]``: units that count classes."""
    if node is None:
        return False
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "len":
        return True
    code = cst.Module([]).code_for_node(node)
    return bool(_CLASS_COUNT.search(code)) or ".shape[" in code


def activation_edit(layer: Layer, activation: str, quote: str):
    """A NodeEdit making ``layer`` apply ``activation``, or None when it cannot."""
    from ..diagnostics import NodeEdit
    from ..edits import add_keyword, replace_string

    call = layer.node
    if not isinstance(call, cst.Call):
        return None
    sig = layer.args.signature
    if layer.kind != "Activation" and (sig is None or not sig.accepts("activation")):
        return None
    arg = layer.args.get("activation")
    literal = cst.SimpleString(f"{quote}{activation}{quote}")
    if arg is None:
        if layer.kind == "Activation" or layer.args.has_star:
            return None
        return NodeEdit(call, add_keyword(call, "activation", literal))
    value = arg.node.value
    if isinstance(value, cst.SimpleString):
        return NodeEdit(value, replace_string(value, activation))
    return NodeEdit(value, literal)
