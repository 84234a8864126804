"""``keras.applications`` backbones (``ResNet50(include_top=False, input_shape=...)``) as known
blocks: the input they are built on, their output and their weights come from the catalog, so
the head a program puts on top is judged; their layers stay unknown."""

from __future__ import annotations

from .. import shapes
from ..catalog import Signature
from ..catalog import applications as catalog
from ..interp.values import Const, Seq
from ..ir import Block, CallSite, Layer, LayerCall, Model, Tensor
from .arguments import bind

_READ_AS_IS = ("input_tensor", "weights", "name", "classifier_activation")


class _Unreadable(Exception):
    """An argument kerlint cannot read, or a call Keras refuses: the backbone stays unknown."""


def make_application(sem, node, ref, args) -> Model | None:
    """The model ``keras.applications.<Name>(...)`` makes, or None for a name the catalog
    does not have (a helper such as ``preprocess_input``, a newer constructor)."""
    app = catalog.application(ref.canonical)
    if app is None:
        return None
    bound = bind(Signature(app.arguments, defaults=dict(app.signature)), args)
    model = Model("opaque", node, origin="application")
    try:
        sem.ir.layer_calls.append(_make_block(model, app, bound, node))
    except _Unreadable as why:
        model.why = f"a keras.applications.{app.name} {why}"
    sem.add_model(model)
    sem.ir.calls.append(CallSite(node, ref, bound, model))
    return model


def _make_block(model: Model, app, bound, node) -> LayerCall:
    if bound.has_star or bound.extra_positional or bound.unknown_keywords:
        raise _Unreadable("called with arguments kerlint cannot read")
    given = {name: _literal(arg.value) for name, arg in bound.by_name.items() if name not in _READ_AS_IS}
    include_top = given.pop("include_top", True)
    pooling = given.pop("pooling", None)
    classes = given.pop("classes", 1000)
    tensor = bound.value("input_tensor")
    declared = given.pop("input_shape", None)
    input_shape = _from_tensor(tensor, declared) if not _is_none(tensor) else declared
    _check_weights(app, bound.value("weights"), include_top, classes, input_shape)
    built = catalog.input_shape(app.name, include_top, input_shape)
    output = catalog.output_shape(app.name, include_top=include_top, pooling=pooling, input_shape=input_shape,
                                  classes=classes, **given)
    if built is None or output is None:
        error = catalog.input_shape_error(app.name, input_shape, include_top)
        raise _Unreadable(f"that Keras refuses: {error}" if error else "with arguments the catalog has no entry for")
    counts = catalog.params(app.name, include_top, classes, input_shape=input_shape, **given)
    name = bound.value("name")
    if not isinstance(name, Const) or not isinstance(name.value, str):
        name = Const(catalog.model_name(app.name, input_shape, include_top, _literal_or(bound.value("weights")),
                                        **given))
    model.block = Block(app.name, tuple(sorted(given.items())), _batched(built), _batched(output[1:]),
                        counts[1:] if counts is not None else None, name.value)
    inp = tensor if isinstance(tensor, Tensor) else Tensor(model.block.input_shape, node=node, is_input=True)
    if isinstance(tensor, Tensor) and not tensor.is_input:
        inp = None  # Keras makes the model's input the tensor's source: not followed
    model.inputs = [inp] if inp is not None else []
    # The backbone's output is its own call: ``base.output`` carries the block's shape.
    call = LayerCall(Layer(None, bound, node, model=model), [inp or tensor], node,
                     [model.block.input_shape], [model.block.output_shape])
    model.outputs = [Tensor(model.block.output_shape, call, 0, node)]
    return call


def _check_weights(app, weights, include_top, classes, input_shape) -> None:
    """With ImageNet weights (or weights kerlint cannot read) Keras wants 3 channels, and with
    the top 1,000 classes and the default size."""
    if isinstance(weights, Const) and weights.value is None:
        return
    if input_shape is not None and len(input_shape) == 3 and input_shape[2] != 3:
        raise _Unreadable("with ImageNet weights on an input without 3 channels")
    if include_top and (classes != 1000 or (input_shape is not None
                                            and tuple(input_shape) != app.default_input_shape)):
        raise _Unreadable("with ImageNet weights and a top Keras refuses (classes or input size)")


def _literal(value):
    """The Python value of a literal argument; raises for anything else."""
    if isinstance(value, Const):
        return value.value
    if isinstance(value, Seq):
        got = shapes.const(value)
        if got is not None:
            return got
    raise _Unreadable("called with arguments kerlint cannot read")


def _literal_or(value, default="imagenet"):
    return value.value if isinstance(value, Const) else default


def _is_none(value) -> bool:
    return isinstance(value, Const) and value.value is None


def _from_tensor(tensor, declared):
    """The per-sample input shape of ``input_tensor=``: the model is built on it."""
    shape = getattr(tensor, "shape", None)
    if not isinstance(tensor, Tensor) or shape is None or len(shape) != 4 or None in shape[1:]:
        raise _Unreadable("built on an input_tensor of a shape kerlint does not know")
    dims = tuple(None if d is shapes.VAR else d for d in shape[1:])
    if declared is not None and tuple(declared) != dims:
        raise _Unreadable("given an input_shape that differs from its input_tensor")
    return dims


def _batched(shape: tuple) -> tuple:
    """A catalog shape (per sample, None for a size left open) as a kerlint shape."""
    return (None, *(shapes.VAR if d is None else d for d in shape))
