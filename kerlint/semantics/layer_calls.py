"""A layer (or a model used as one) applied to tensors: the functional API's graph edges."""

from __future__ import annotations

import libcst as cst

from .. import shapes
from ..interp.values import UNKNOWN, Const, Seq
from ..ir import BoundArgs, Layer, LayerCall, Tensor

_ATTENTION = ("Attention", "AdditiveAttention", "MultiHeadAttention", "GroupQueryAttention")
_RNN = ("LSTM", "GRU", "SimpleRNN", "Bidirectional")


def call_layer(ir, node, layer, args):
    """Record ``layer(inputs, ...)`` and return its output tensor(s), or UNKNOWN."""
    inputs_val = args[0][1] if args else UNKNOWN
    lc = LayerCall(layer, _input_tensors(layer, inputs_val, args), node)
    lc.in_shapes = [t.shape for t in lc.inputs]
    lc.raw_input = inputs_val
    outs = None
    if layer.model is None and layer.known and all(s is not None for s in lc.in_shapes):
        call_kw = {a.keyword.value: v for a, v in args if a.keyword is not None}
        outs, lc.error = shapes.infer(layer, lc.in_shapes, call_kw)
    elif layer.model is not None:
        outs = shapes.nested_output_shapes(layer.model, lc.in_shapes)
    lc.out_shapes = outs or []
    ir.layer_calls.append(lc)
    if outs and len(outs) > 1:
        return Seq([Tensor(s, lc, i, node) for i, s in enumerate(outs)], "list", node)
    if layer.kind in _RNN and outs is None and not _returns_state_off(layer):
        return UNKNOWN  # maybe [output, *states]: nothing to take apart
    return Tensor(outs[0] if outs else None, lc, 0, node)


# ``x + y`` on tensors in a functional graph or a call(): Keras records the op as a layer.
_TENSOR_OPS = {cst.Add: "Add", cst.Subtract: "Subtract", cst.Multiply: "Multiply", cst.Divide: "Divide"}


def tensor_op(ir, node: cst.BinaryOperation, left, right):
    """Arithmetic on tensors (two tensors, or a tensor and a number): a tensor made by an op
    of no weights. Its shape is the operands' when they agree; broadcasting is not modelled."""
    kind = _TENSOR_OPS.get(type(node.operator))
    tensors = [v for v in (left, right) if isinstance(v, Tensor)]
    numbers = [v for v in (left, right) if isinstance(v, Const) and type(v.value) in (int, float)]
    if kind is None or not tensors or len(tensors) + len(numbers) != 2:
        return UNKNOWN
    shape = tensors[0].shape if all(t.shape == tensors[0].shape for t in tensors) else None
    layer = Layer(kind, BoundArgs(), node, applied_as_function=True)
    lc = LayerCall(layer, tensors, node, [t.shape for t in tensors], [shape] if shape is not None else [])
    ir.layer_calls.append(lc)
    return Tensor(shape, lc, 0, node)


def _input_tensors(layer, inputs_val, args) -> list:
    if isinstance(inputs_val, Seq):
        tensors = [v if isinstance(v, Tensor) else Tensor(None) for v in inputs_val.items]
    elif isinstance(inputs_val, Tensor):
        tensors = [inputs_val]
    else:
        tensors = [Tensor(None)]
    if layer.kind not in _ATTENTION:
        return tensors
    # Attention layers take the value (and key) as further arguments.
    extra = [v for a, v in args[1:] if a.keyword is None and isinstance(v, Tensor)]
    kw = {a.keyword.value: v for a, v in args if a.keyword is not None}
    if "value" in kw and isinstance(kw["value"], Tensor):
        extra.append(kw["value"])
    elif "query" in kw and isinstance(kw["query"], Tensor):
        tensors = [kw["query"]]
        if isinstance(kw.get("value"), Tensor):
            extra.append(kw["value"])
    if isinstance(kw.get("key"), Tensor) and len(tensors) + len(extra) == 2:
        extra.append(kw["key"])  # (query, value, key), as a third positional input would be
    return tensors + extra


def _returns_state_off(layer) -> bool:
    rnn = layer.inner if layer.kind == "Bidirectional" and layer.inner is not None else layer
    state = rnn.args.value("return_state")
    return isinstance(state, Const) and state.value is False
