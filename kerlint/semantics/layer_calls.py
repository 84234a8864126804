"""A layer (or a model used as one) applied to tensors: the functional API's graph edges."""

from __future__ import annotations

from .. import shapes
from ..interp.values import UNKNOWN, Const, Seq
from ..ir import LayerCall, Tensor

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
    lc.out_shapes = outs or []
    ir.layer_calls.append(lc)
    if outs and len(outs) > 1:
        return Seq([Tensor(s, lc, i, node) for i, s in enumerate(outs)], "list", node)
    if layer.kind in _RNN and outs is None and not _returns_state_off(layer):
        return UNKNOWN  # maybe [output, *states]: nothing to take apart
    return Tensor(outs[0] if outs else None, lc, 0, node)


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
