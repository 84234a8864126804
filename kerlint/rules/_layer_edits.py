"""Fix edits that add, remove or reorder layers of a model, keeping the code's layout.

A Sequential layer is written either as an element of the list given to ``Sequential([...])``
or as a ``model.add(...)`` statement; these helpers find which and edit it in place.
Every helper returns None when the code is not in one of the shapes it knows.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..diagnostics import NodeEdit
from ..edits import element_separator, remove_element, statement_indent


@dataclass
class Site:
    style: str  # "list" | "add"
    node: cst.CSTNode  # the layer expression as written (list element value / add argument)
    seq: cst.List | cst.Tuple | None = None
    element: cst.Element | None = None
    statement: cst.SimpleStatementLine | None = None
    add_call: cst.Call | None = None


def site(model, entry) -> Site | None:
    """Where a Sequential entry is written, when it is written inline in one of the two forms."""
    if entry.conditional:
        return None
    if entry.add_call is not None:
        stmt = entry.statement
        call = entry.add_call
        if (
            not isinstance(stmt, cst.SimpleStatementLine)
            or len(stmt.body) != 1
            or not isinstance(stmt.body[0], cst.Expr)
            or stmt.body[0].value is not call
            or len(call.args) != 1
            or call.args[0].value is not entry.node
        ):
            return None
        return Site("add", entry.node, statement=stmt, add_call=call)
    seq = _layers_display(model)
    if seq is None:
        return None
    for element in seq.elements:
        if element.value is entry.node and isinstance(element, cst.Element):
            return Site("list", entry.node, seq=seq, element=element)
    return None


def _layers_display(model):
    call = model.node
    if not isinstance(call, cst.Call):
        return None
    for i, arg in enumerate(call.args):
        if (arg.keyword is None and i == 0 and not arg.star) or (arg.keyword is not None and arg.keyword.value == "layers"):
            if isinstance(arg.value, (cst.List, cst.Tuple)):
                return arg.value
    return None


def insert_before(ir, model, entry, text: str) -> list | None:
    """Edits adding the layer expression ``text`` right before ``entry``."""
    s = site(model, entry)
    if s is None:
        return None
    code = ir.module.code_for_node(s.node)
    if s.style == "list":
        index = list(s.seq.elements).index(s.element)
        return [NodeEdit(s.node, f"{text},{element_separator(s.seq, index)}{code}")]
    indent = statement_indent(ir.module, s.statement)
    if indent is None:
        return None
    receiver = ir.module.code_for_node(s.add_call.func.value)
    return [NodeEdit(s.statement, f"{indent}{receiver}.add({text})\n", insert="before")]


def remove(ir, model, entry) -> list | None:
    """Edits removing ``entry`` from the model."""
    s = site(model, entry)
    if s is None:
        return None
    if s.style == "list":
        if len(s.seq.elements) < 2:
            return None
        return [NodeEdit(s.seq, remove_element(s.seq, s.element))]
    if statement_indent(ir.module, s.statement) is None:
        return None  # not a statement of its own line (e.g. after ``if x:``)
    return [NodeEdit(s.statement, "", insert="lines")]


def rotate_to_front(ir, model, entries) -> list | None:
    """Edits moving the last of consecutive ``entries`` before the first: each written
    layer takes the place of the one before it, so layout and comments stay in their slots."""
    sites = [site(model, e) for e in entries]
    if any(s is None for s in sites) or len({s.style for s in sites}) != 1:
        return None
    codes = [ir.module.code_for_node(s.node) for s in sites]
    moved = codes[-1:] + codes[:-1]
    return [NodeEdit(s.node, text) for s, text in zip(sites, moved)]


def remove_call(ir, call) -> list | None:
    """Edits removing a functional-API layer call ``Layer(...)(x)``: the whole statement
    when it is ``x = Layer(...)(x)``, else the call is replaced by its input ``x``."""
    args = call.node.args
    if len(args) != 1 or args[0].keyword is not None or args[0].star:
        return None
    arg = args[0].value
    stmt = _assignment_of(ir.module, call.node)
    if (
        stmt is not None
        and isinstance(arg, cst.Name)
        and len(stmt.body[0].targets) == 1
        and isinstance(stmt.body[0].targets[0].target, cst.Name)
        and stmt.body[0].targets[0].target.value == arg.value
    ):
        return [NodeEdit(stmt, "", insert="lines")]
    return [NodeEdit(call.node, ir.module.code_for_node(arg))]


def _assignment_of(module, node):
    """The ``target = node`` statement line, searched through the statement tree only."""
    from ..edits import _blocks

    def walk(body):
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                if len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign) and stmt.body[0].value is node:
                    return stmt
                continue
            for block in _blocks(stmt):
                found = walk(block.body)
                if found is not None:
                    return found
        return None

    return walk(module.body)


@dataclass
class Link:
    """One layer of a chain that ends at a model's output, with where it is written."""

    layer: object
    entry: object = None  # SeqEntry (Sequential)
    call: object = None  # LayerCall (functional)


def output_chain(model, length: int) -> list | None:
    """The last ``length`` layers before a model's single output, in order, or None when
    they do not form a plain chain."""
    if model.style == "sequential":
        entries = model.entries[-length:]
        if len(entries) != length or any(e.conditional for e in entries):
            return None
        return [Link(e.layer, entry=e) for e in entries]
    if not model.outputs or len(model.outputs) != 1:
        return None
    links = []
    tensor = model.outputs[0]
    for _ in range(length):
        producer = getattr(tensor, "producer", None)
        if producer is None:
            return None
        links.insert(0, Link(producer.layer, call=producer))
        if len(producer.inputs) != 1:
            if len(links) < length:
                return None
            break
        tensor = producer.inputs[0]
    return links
