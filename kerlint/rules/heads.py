"""Helpers the KER1 rules share: the compiled heads of a file, the units the loss and the
output activation see, the models whose output a custom loop feeds to a loss, and the edits
that swap a loss or an output activation."""

from __future__ import annotations


import libcst as cst

from ..analysis import (
    compile_loss,
    compiles_in_effect,
    model_output_shape,
    output_head,
)
from ..catalog import get_catalog
from ..diagnostics import NodeEdit
from ..edits import remove_arg, replace_string
from ..ir import Const, KerasObject, Model, Tensor
from .common import activation_edit

# Layers after the head that may change the last axis when their input rank is not known.
_RESHAPING = {"Flatten", "Reshape"}

LOSS_CLASSES = {
    "binary_crossentropy": "BinaryCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    "binary_focal_crossentropy": "BinaryFocalCrossentropy",
    "categorical_focal_crossentropy": "CategoricalFocalCrossentropy",
    "mean_squared_error": "MeanSquaredError",
    "mean_absolute_error": "MeanAbsoluteError",
}


def compiled_heads(ir):
    """``(model, head, compile, loss)`` for every compile in effect with a known loss."""
    for model in ir.models:
        head = output_head(model)
        for compile in compiles_in_effect(model):
            loss = compile_loss(compile)
            if loss is not None:
                yield model, head, compile, loss


def _int(d):
    return d if isinstance(d, int) and not isinstance(d, bool) else None


def output_units(model: Model, head) -> int | None:
    """Size of the last axis of the model output (what the loss sees), or None."""
    shape = model_output_shape(model)
    if shape is not None and len(shape) >= 2 and _int(shape[-1]) is not None:
        return shape[-1]
    if head is None or any(layer.kind in _RESHAPING for layer in head.after):
        return None
    return head.units


def activation_units(head, model: Model | None = None) -> int | None:
    """Size of the axis the output activation normalises over, or None.

    With ``model``, a last-layer activation over an unknown head size takes the size from
    the model's known output shape.
    """
    if head is None:
        return None
    act = head.activation_layer
    if act.kind == "Softmax":
        axis = act.args.value("axis")
        if not (isinstance(axis, Const) and axis.value == -1):
            return None
    last = (head.after[-1] if head.after else head.layer) is act
    if act is not head.layer:
        index = next((i for i, layer in enumerate(head.after) if layer is act), None)
        if index is None or any(layer.kind in _RESHAPING for layer in head.after[:index]):
            return output_units(model, None) if model is not None and last else None
    if head.units is None and model is not None and last:
        return output_units(model, None)
    return head.units


def model_fed_by(value) -> Model | None:
    """The model whose call produced ``value`` (``model(x)``), or None."""
    if isinstance(value, Tensor) and value.producer is not None:
        model = value.producer.layer.model
        if isinstance(model, Model):
            return model
    return None


def loss_uses(ir, obj: KerasObject):
    """Models each use of a loss object trains (None for a use whose model is unknown)."""
    for model in ir.models:
        for compile in model.compiles:
            arg = compile.args.get("loss")
            if arg is not None and arg.value is obj:
                yield model
    for site in ir.object_calls:
        if site.value is obj:
            pred = call_arg(site.args, "y_pred", 1)
            yield model_fed_by(pred.value) if pred is not None else None


def call_arg(args, name: str, position: int):
    """The argument ``name`` of a call bound without a signature (keyword or position)."""
    if args is None:
        return None
    arg = args.by_name.get(name)
    if arg is not None:
        return arg
    positional = [a for a in args.extra_positional]
    return positional[position] if position < len(positional) else None


def without_from_logits(obj: KerasObject) -> NodeEdit | None:
    """An edit dropping ``from_logits=True`` from a loss constructor."""
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


def _string(name: str, quote: str) -> cst.SimpleString:
    return cst.SimpleString(f"{quote}{name}{quote}")


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


def loss_swap(compile, loss, new: str, quote: str) -> NodeEdit | None:
    """An edit making ``compile`` use the loss ``new`` (a function name), or None.

    Keeps the form the code uses where it can (string, ``keras.losses.fn``,
    ``keras.losses.Class(...)`` with its arguments); gives up rather than drop arguments.
    """
    arg = compile.args.get("loss")
    if arg is None:
        return None
    written = arg.node.value
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
    new_class = LOSS_CLASSES.get(new)
    if written is call and isinstance(call.func, cst.Attribute) and new_class and _args_fit(call, obj.kind, new_class):
        return NodeEdit(call.func.attr, cst.Name(new_class))
    if all(a.keyword is not None and a.keyword.value == "name" for a in call.args):
        return NodeEdit(written, _string(new, quote))
    return None


def set_activation(layer, activation: str, quote: str) -> NodeEdit | None:
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


# -- labels made one-hot ----------------------------------------------------------------------
_ONE_HOT = ("to_categorical", "one_hot")


def _one_hot_calls(ir):
    return {id(site.node) for site in ir.calls if site.ref.canonical.rsplit(".", 1)[-1] in _ONE_HOT}


class _Targets(cst.CSTVisitor):
    """Names assigned from an expression that contains one of the given calls."""

    def __init__(self, calls):
        self.calls = calls
        self.names = set()

    def visit_Assign(self, node: cst.Assign):
        if _contains(node.value, self.calls):
            for target in node.targets:
                for name in _names(target.target):
                    self.names.add(name)


def _contains(node, ids) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in ids:
            return True
        stack.extend(n.children)
    return False


def _names(target):
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            yield from _names(el.value)


def _root_name(node):
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def one_hot_labels(ir, model: Model, compile) -> bool:
    """True when a ``fit()`` under ``compile`` trains on labels the file made one-hot."""
    calls = _one_hot_calls(ir)
    if not calls:
        return False
    names = getattr(ir, "_one_hot_names", None)
    if names is None:
        visitor = _Targets(calls)
        ir.module.visit(visitor)
        names = ir._one_hot_names = visitor.names
    for fit in model.fits:
        if fit.compile is not compile:
            continue
        y = fit.args.get("y")
        if y is None:
            continue
        if _contains(y.node.value, calls) or _root_name(y.node.value) in names:
            return True
    return False


def any_one_hot(ir) -> bool:
    return bool(_one_hot_calls(ir))


def code_of(node) -> str:
    return cst.Module([]).code_for_node(node)
