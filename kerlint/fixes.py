"""Fix edits over the IR: ``NodeEdit``s that set a layer's activation, swap a loss, drop
``from_logits``, and add, remove or reorder the layers of a model, keeping the code's layout.

``edits`` builds new CST nodes; this module decides which nodes of a model to replace with
them. Every builder returns None when the code is not in a shape it knows. The layout
builders take the file's ``FileAnalysis`` for its statement index.
"""

from __future__ import annotations


from typing import TYPE_CHECKING

import libcst as cst

from .data import record
from .analysis.losses import LOSSES
from .catalog import get_catalog
from .diagnostics import NodeEdit
from .edits import add_keyword, element_separator, remove_arg, remove_element, replace_string
from .ir import KerasObject, Layer
from .interp.tree import code_walk

if TYPE_CHECKING:
    from .analysis import FileAnalysis


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
    return (n for n in code_walk(node) if isinstance(n, cst.SimpleString))


def _string(text: str, quote: str) -> cst.SimpleString:
    return cst.SimpleString(f"{quote}{text}{quote}")


# -- activations -------------------------------------------------------------------------------
def activation_edit(layer: Layer, activation: str, quote: str) -> NodeEdit | None:
    """Make ``layer`` apply ``activation`` through its ``activation=`` argument."""
    call = layer.node
    if not isinstance(call, cst.Call) or layer.applied_as_function:
        return None
    sig = layer.args.signature
    if layer.kind != "Activation" and (sig is None or not sig.accepts("activation")):
        return None
    arg = layer.args.get("activation")
    literal = _string(activation, quote)
    if arg is None:
        if layer.kind == "Activation" or layer.args.has_star:
            return None
        return NodeEdit(call, add_keyword(call, "activation", literal))
    value = arg.node.value
    if isinstance(value, cst.SimpleString):
        return NodeEdit(value, replace_string(value, activation))
    return NodeEdit(value, literal)


def set_activation(layer: Layer, activation: str, quote: str) -> NodeEdit | None:
    """Make ``layer`` apply ``activation``; a bare ``layers.Softmax()`` becomes an Activation."""
    edit = activation_edit(layer, activation, quote)
    if edit is not None:
        return edit
    call = layer.node
    if (
        layer.kind == "Softmax"
        and isinstance(call, cst.Call)
        and not call.args
        and isinstance(call.func, cst.Attribute)
    ):
        func = call.func.with_changes(attr=cst.Name("Activation"))
        return NodeEdit(call, call.with_changes(func=func, args=[cst.Arg(_string(activation, quote))]))
    return None


# -- losses ------------------------------------------------------------------------------------------
def without_from_logits(obj: KerasObject) -> NodeEdit | None:
    """Drop ``from_logits=True`` from a loss constructor."""
    arg = obj.args.get("from_logits")
    call = obj.node
    if arg is None or not isinstance(call, cst.Call):
        return None
    if arg.positional:
        later = [a for a in call.args if a.keyword is None and not a.star]
        if later and later[-1] is not arg.node:
            # Later positional arguments would shift: say False instead.
            return NodeEdit(arg.node.value, cst.Name("False"))
    return NodeEdit(call, remove_arg(call, arg.node))


def _args_fit(call: cst.Call, old: str, new: str) -> bool:
    """Every argument of a ``old(...)`` loss call means the same for ``new``."""
    cat = get_catalog()
    old_sig, new_sig = cat.signature("losses", old), cat.signature("losses", new)
    if old_sig is None or new_sig is None:
        return not call.args
    for i, arg in enumerate(call.args):
        if arg.star:
            return False
        if arg.keyword is None:
            if i >= len(old_sig.positional) or i >= len(new_sig.positional):
                return False
            if old_sig.positional[i] != new_sig.positional[i]:
                return False
        elif not new_sig.accepts(arg.keyword.value):
            return False
    return True


def loss_swap(compiled, new: str, quote: str) -> NodeEdit | None:
    """Make a compiled head (analysis.CompiledHead) train with the loss ``new`` (a function name).

    Keeps the form the code uses where it can (string, ``keras.losses.fn``,
    ``keras.losses.Class(...)`` with its arguments); gives up rather than drop arguments, or
    change a loss other outputs share.
    """
    written = compiled.loss_edit_node
    loss = compiled.loss
    if written is None:
        return None
    if loss.form == "string":
        if isinstance(written, cst.SimpleString):
            return NodeEdit(written, replace_string(written, new))
        return NodeEdit(written, _string(new, quote))
    if loss.form == "function":
        if isinstance(written, cst.Attribute):
            return NodeEdit(written.attr, cst.Name(new))
        return NodeEdit(written, _string(new, quote))
    obj = loss.obj
    call = obj.node if obj is not None else None
    if not isinstance(call, cst.Call):
        return None
    new_class = LOSSES[new].cls if new in LOSSES else None
    if written is call and isinstance(call.func, cst.Attribute) and new_class and _args_fit(call, obj.kind, new_class):
        return NodeEdit(call.func.attr, cst.Name(new_class))
    if all(a.keyword is not None and a.keyword.value == "name" for a in call.args):
        return NodeEdit(written, _string(new, quote))
    return None


# -- layers of a model: list elements, ``model.add(...)`` statements, functional calls ------------
@record
class Site:
    """Where a Sequential layer is written: an element of the list given to
    ``Sequential([...])``, or a ``model.add(...)`` statement."""

    style: str  # "list" | "add"
    node: cst.CSTNode  # the layer expression as written (list element value / add argument)
    seq: cst.List | cst.Tuple | None = None
    element: cst.Element | None = None
    statement: cst.SimpleStatementLine | None = None
    add_call: cst.Call | None = None

    def __init__(self, style, node, seq=None, element=None, statement=None, add_call=None):
        self.style = style
        self.node = node
        self.seq = seq
        self.element = element
        self.statement = statement
        self.add_call = add_call


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


def insert_before(file: FileAnalysis, model, entry, text: str) -> list | None:
    """Edits adding the layer expression ``text`` right before ``entry``."""
    s = site(model, entry)
    if s is None:
        return None
    module = file.ir.module
    code = module.code_for_node(s.node)
    if s.style == "list":
        index = list(s.seq.elements).index(s.element)
        return [NodeEdit(s.node, f"{text},{element_separator(s.seq, index)}{code}")]
    indent = file.statements.statement_indent(s.statement)
    if indent is None:
        return None
    receiver = module.code_for_node(s.add_call.func.value)
    return [NodeEdit(s.statement, f"{indent}{receiver}.add({text})\n", insert="before")]


def remove(file: FileAnalysis, model, entry) -> list | None:
    """Edits removing ``entry`` from the model."""
    s = site(model, entry)
    if s is None:
        return None
    if s.style == "list":
        if len(s.seq.elements) < 2:
            return None
        return [NodeEdit(s.seq, remove_element(s.seq, s.element))]
    if file.statements.statement_indent(s.statement) is None:
        return None  # not a statement of its own line (e.g. after ``if x:``)
    return [NodeEdit(s.statement, "", insert="lines")]


def rotate_to_front(file: FileAnalysis, model, entries) -> list | None:
    """Edits moving the last of consecutive ``entries`` before the first: each written
    layer takes the place of the one before it, so layout and comments stay in their slots."""
    sites = [site(model, e) for e in entries]
    if any(s is None for s in sites) or len({s.style for s in sites}) != 1:
        return None
    codes = [file.ir.module.code_for_node(s.node) for s in sites]
    moved = codes[-1:] + codes[:-1]
    return [NodeEdit(s.node, text) for s, text in zip(sites, moved)]


def remove_call(file: FileAnalysis, call) -> list | None:
    """Edits removing a functional-API layer call ``Layer(...)(x)``: the whole statement
    when it is ``x = Layer(...)(x)``, else the call is replaced by its input ``x``."""
    args = call.node.args
    if len(args) != 1 or args[0].keyword is not None or args[0].star:
        return None
    arg = args[0].value
    stmt = file.statements.assignment_of(call.node)
    if (
        stmt is not None
        and isinstance(arg, cst.Name)
        and len(stmt.body[0].targets) == 1
        and isinstance(stmt.body[0].targets[0].target, cst.Name)
        and stmt.body[0].targets[0].target.value == arg.value
    ):
        return [NodeEdit(stmt, "", insert="lines")]
    return [NodeEdit(call.node, file.ir.module.code_for_node(arg))]
