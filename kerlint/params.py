"""Parameter counts per layer, as Keras's ``count_params()`` gives them (see the catalog's
parameter rules, ``catalog/param_rules.py``). Unknown counts are None, never a guess.

A count is None when the layer's rule is not in the catalog, when an argument it depends on is
not a literal, when an input dim it depends on is not a fixed int, or when the layer was given
an argument kerlint does not know (``**kwargs``, an unknown keyword, LoRA, quantization).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .catalog import param_rules
from .ir import Const, Layer
from .shapes import const, conv_kernel, infer, int_or_none


@dataclass(frozen=True)
class ParamCount:
    trainable: int
    non_trainable: int = 0

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable


# Keras 2 keywords Keras 3 dropped that never change a layer's weights.
_HARMLESS = frozenset({"input_length", "batch_input_shape", "batch_size", "implementation"})


class _Unknown(Exception):
    """Raised inside a rule for anything it cannot tell: the count is None."""


def layer_params(layer, in_shapes: list, out_shapes: list) -> ParamCount | None:
    """The parameters ``layer`` (an ``ir.Layer``) creates when called on tensors of
    ``in_shapes`` (giving ``out_shapes``), or None when kerlint cannot tell."""
    if not isinstance(layer, Layer):
        return None
    if layer.model is not None:
        if layer.model.block is not None:
            return _block(layer.model)
        if layer.model.style in ("functional", "subclassed"):
            return _nested_graph(layer.model)
        return _nested_sequential(layer.model, in_shapes)
    if layer.kind is None:
        return None
    rule, params = param_rules.RULES.get(layer.kind, (None, {}))
    fn = _RULES.get(rule)
    if fn is None or layer.args.has_star or layer.args.extra_positional:
        return None
    if any(arg.name not in _HARMLESS for arg in layer.args.unknown_keywords):
        return None
    try:
        trainable, fixed = fn(layer, list(in_shapes or []), params)
        # ``layer.trainable = <literal>`` in the file (last written) wins over the argument.
        written = getattr(layer, "trainable", None)
        on = written if isinstance(written, bool) else _flag(layer, "trainable")
    except (_Unknown, TypeError, ValueError, IndexError, KeyError, AttributeError, ZeroDivisionError,
            OverflowError):
        return None
    if not on:
        return ParamCount(0, trainable + fixed)
    return ParamCount(trainable, fixed)


def _nested_sequential(model, in_shapes: list) -> ParamCount | None:
    """A Sequential called as a layer: the sum of its layers, each on the shape the one before
    gives it (from the call's input, or the model's own ``keras.Input``). Other models: None."""
    if model.style != "sequential" or getattr(model, "tampered", True) or len(in_shapes or []) != 1:
        return None
    shape = model.inputs[0].shape if model.inputs and getattr(model.inputs[0], "shape", None) else in_shapes[0]
    trainable = fixed = 0
    for entry in model.entries:
        if entry.conditional or entry.layer.model is not None or not entry.layer.known:
            return None  # a nested model's own nesting, or a layer kerlint cannot follow
        outs = None
        if shape is not None:
            outs, _ = infer(entry.layer, [shape])
        count = layer_params(entry.layer, [shape], outs or [])
        if count is None:
            return None
        trainable, fixed = trainable + count.trainable, fixed + count.non_trainable
        shape = outs[0] if outs and len(outs) == 1 else None
    if getattr(model, "trainable", None) is False:
        return ParamCount(0, trainable + fixed)
    return ParamCount(trainable, fixed)


def _block(model) -> ParamCount | None:
    """A library backbone: the catalog's count; all frozen after ``base.trainable = False``."""
    if model.block.params is None:
        return None
    trainable, fixed = model.block.params
    if getattr(model, "trainable", None) is False:
        return ParamCount(0, trainable + fixed)
    return ParamCount(trainable, fixed)


def _nested_graph(model) -> ParamCount | None:
    """A functional (or followed subclassed) model called as a layer: the sum of the layers its
    outputs are made by, each counted once, on the shapes of its own graph."""
    if model.tampered or not model.outputs:
        return None
    trainable = fixed = 0
    seen = set()
    stack = list(model.outputs)
    while stack:
        tensor = stack.pop()
        call = getattr(tensor, "producer", None)
        if call is None:
            if not getattr(tensor, "is_input", False):
                return None  # made by an op kerlint does not follow
            continue
        stack.extend(call.inputs)
        if id(call.layer) in seen:
            continue  # a shared layer: one set of weights
        seen.add(id(call.layer))
        count = (ParamCount(0, 0) if call.layer.applied_as_function
                 else layer_params(call.layer, call.in_shapes, call.out_shapes))
        if count is None:
            return None
        trainable, fixed = trainable + count.trainable, fixed + count.non_trainable
    if getattr(model, "trainable", None) is False:
        return ParamCount(0, trainable + fixed)
    return ParamCount(trainable, fixed)


# -- reading arguments and shapes ----------------------------------------------------------------
def _int(layer: Layer, name: str) -> int:
    v = int_or_none(layer.args.value(name))
    if v is None:
        raise _Unknown(name)
    return v


def _flag(layer: Layer, name: str) -> bool:
    v = const(layer.args.value(name))
    if not isinstance(v, bool):
        raise _Unknown(name)
    return v


def _literal(layer: Layer, name: str):
    """A literal argument (None included); _Unknown when not a literal."""
    value = layer.args.value(name)
    if isinstance(value, Const) and value.value is None:
        return None
    v = const(value)
    if v is None:
        raise _Unknown(name)
    return v


def _absent(layer: Layer, *names: str) -> None:
    """Arguments that change the weights in ways kerlint does not model must be None."""
    for name in names:
        if layer.args.signature is not None and not layer.args.signature.accepts(name):
            continue
        if _literal(layer, name) is not None:
            raise _Unknown(name)


def _shape(in_shapes: list, i: int = 0) -> tuple:
    if len(in_shapes) <= i or in_shapes[i] is None:
        raise _Unknown("input shape")
    return tuple(in_shapes[i])


def _dim(shape: tuple, axis: int) -> int:
    d = shape[axis]
    if not isinstance(d, int) or isinstance(d, bool):
        raise _Unknown("dim")
    return d


def _tuple(layer: Layer, name: str, rank: int) -> tuple:
    v = _literal(layer, name)
    if isinstance(v, int) and not isinstance(v, bool):
        return (v,) * rank
    if isinstance(v, tuple) and len(v) == rank and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
        return v
    raise _Unknown(name)


def _channels_last(layer: Layer) -> bool:
    if layer.args.signature is None or not layer.args.signature.accepts("data_format"):
        return True
    v = _literal(layer, "data_format")
    if v is None or v == "channels_last":
        return True  # Keras's default image_data_format
    if v == "channels_first":
        return False
    raise _Unknown("data_format")


def _axes(layer: Layer, shape: tuple) -> list:
    """The dims of ``shape`` on the layer's ``axis`` (an int or a tuple of ints)."""
    v = _literal(layer, "axis")
    axes = (v,) if isinstance(v, int) and not isinstance(v, bool) else v
    if not isinstance(axes, tuple) or not axes or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
        raise _Unknown("axis")
    if any(not -len(shape) <= a < len(shape) or a % len(shape) == 0 for a in axes):
        raise _Unknown("axis")
    return [_dim(shape, a) for a in axes]


# -- the rules -----------------------------------------------------------------------------------
def _none(layer, in_shapes, params):
    return 0, 0


def _dense(layer, in_shapes, params):
    _absent(layer, "lora_rank", "quantization_config")
    s = _shape(in_shapes)
    if len(s) < 2:
        raise _Unknown("rank")
    units, features = _int(layer, "units"), _dim(s, -1)
    return features * units + (units if _flag(layer, "use_bias") else 0), 0


def _einsum_dense(layer, in_shapes, params):
    """Keras's ``_analyze_einsum_string``: the kernel takes each of its axes' sizes from the
    input (axes it shares with the input) or the output; the bias spans ``bias_axes``."""
    _absent(layer, "lora_rank", "quantization_config")
    s = _shape(in_shapes)
    equation = _literal(layer, "equation")
    if not isinstance(equation, str) or "->" not in equation or "," not in equation or "." in equation:
        raise _Unknown("equation")
    (inp, kernel), out = equation.split("->")[0].split(","), equation.split("->")[1]
    inp, kernel, out = inp.strip(), kernel.strip(), out.strip()
    out_shape = _literal(layer, "output_shape")
    if isinstance(out_shape, int) and not isinstance(out_shape, bool):
        out_shape = (out_shape,)
    if not isinstance(out_shape, tuple) or len(out_shape) != len(out) - 1 or len(s) != len(inp):
        raise _Unknown("output_shape")
    out_full = (s[0],) + tuple(out_shape)
    weights = 1
    for ch in kernel:
        if ch in out:
            weights *= _size(out_full[out.index(ch)])
        elif ch in inp:
            weights *= _size(s[inp.index(ch)])
        else:
            raise _Unknown("equation")
    bias_axes = _literal(layer, "bias_axes")
    if bias_axes:
        if not isinstance(bias_axes, str) or any(ch not in out for ch in bias_axes):
            raise _Unknown("bias_axes")
        first = min(out.index(ch) for ch in bias_axes)
        weights += math.prod(_size(out_full[i]) if out[i] in bias_axes else 1 for i in range(first, len(out)))
    return weights, 0


def _size(d) -> int:
    if not isinstance(d, int) or isinstance(d, bool):
        raise _Unknown("size")
    return d


def _embedding(layer, in_shapes, params):
    _absent(layer, "lora_rank", "quantization_config", "weights")
    return _int(layer, "input_dim") * _int(layer, "output_dim"), 0


def _conv(layer, in_shapes, params):
    rank = params["rank"]
    s = _shape(in_shapes)
    if len(s) != rank + 2:
        raise _Unknown("rank")
    chans = _dim(s, -1 if _channels_last(layer) else 1)
    kernel = conv_kernel(layer, rank)
    if kernel is None:
        raise _Unknown("kernel_size")
    window = math.prod(kernel)
    bias = _flag(layer, "use_bias")
    if params.get("depthwise"):
        out = chans * _int(layer, "depth_multiplier")
        return window * out + (out if bias else 0), 0
    filters = _int(layer, "filters")
    if params.get("separable"):
        mid = chans * _int(layer, "depth_multiplier")
        return window * mid + mid * filters + (filters if bias else 0), 0
    groups = 1
    if not params.get("transpose") and layer.args.signature is not None and layer.args.signature.accepts("groups"):
        groups = _int(layer, "groups")
    if groups < 1 or chans % groups or filters % groups:
        raise _Unknown("groups")
    return window * (chans // groups) * filters + (filters if bias else 0), 0


def _rnn_weights(layer: Layer, gates: int, features: int) -> int:
    units = _int(layer, "units")
    weights = gates * units * (features + units)
    if _flag(layer, "use_bias"):
        doubled = layer.kind == "GRU" and _flag(layer, "reset_after")
        weights += gates * units * (2 if doubled else 1)
    return weights


def _rnn(layer, in_shapes, params):
    s = _shape(in_shapes)
    if len(s) != 3:
        raise _Unknown("rank")
    return _rnn_weights(layer, params["gates"], _dim(s, -1)), 0


def _conv_rnn(layer, in_shapes, params):
    rank = params["rank"]
    s = _shape(in_shapes)
    if len(s) != rank + 3:
        raise _Unknown("rank")
    chans = _dim(s, -1 if _channels_last(layer) else 2)
    filters = _int(layer, "filters")
    window = math.prod(_tuple(layer, "kernel_size", rank))
    weights = 4 * window * (chans + filters) * filters
    return weights + (4 * filters if _flag(layer, "use_bias") else 0), 0


def _bidirectional(layer, in_shapes, params):
    inner = layer.inner
    if inner is None or _literal(layer, "backward_layer") is not None:
        raise _Unknown("backward_layer")
    if param_rules.RULES.get(inner.kind, (None,))[0] != "rnn":
        raise _Unknown("inner")
    count = layer_params(inner, in_shapes[:1], [])
    if count is None:
        raise _Unknown("inner")
    return 2 * count.trainable, 2 * count.non_trainable


def _time_distributed(layer, in_shapes, params):
    inner = layer.inner
    s = _shape(in_shapes)
    if inner is None or len(s) < 3:
        raise _Unknown("inner")
    count = layer_params(inner, [(s[0],) + s[2:]], [])
    if count is None:
        raise _Unknown("inner")
    return count.trainable, count.non_trainable


def _normalization(layer, in_shapes, params):
    s = _shape(in_shapes)
    per = math.prod(_axes(layer, s))
    if layer.kind == "GroupNormalization" and per % _int(layer, "groups"):
        raise _Unknown("groups")
    trainable = per * (int(_flag(layer, "scale")) + int(_flag(layer, "center")))
    return trainable, (2 * per if params.get("moving") else 0)


def _rms_normalization(layer, in_shapes, params):
    s = _shape(in_shapes)
    return math.prod(_axes(layer, s)), 0


def _multi_head_attention(layer, in_shapes, params):
    """``layer(query, value, key)``: the key is the value unless given (as a third input)."""
    if len(in_shapes) not in (2, 3):
        raise _Unknown("inputs")
    q, v = _shape(in_shapes, 0), _shape(in_shapes, 1)
    k = _shape(in_shapes, 2) if len(in_shapes) == 3 else v
    heads, key_dim = _int(layer, "num_heads"), _int(layer, "key_dim")
    value_dim = _literal(layer, "value_dim")
    value_dim = key_dim if value_dim is None else _size(value_dim)
    out = _literal(layer, "output_shape")
    if out is None:
        out_dims = (_dim(q, -1),)
    elif isinstance(out, int) and not isinstance(out, bool):
        out_dims = (out,)
    elif isinstance(out, tuple) and out:
        out_dims = tuple(_size(d) for d in out)
    else:
        raise _Unknown("output_shape")
    _absent(layer, "attention_axes")
    bias = _flag(layer, "use_bias")
    out_size = math.prod(out_dims)
    weights = (
        _dim(q, -1) * heads * key_dim
        + _dim(k, -1) * heads * key_dim
        + _dim(v, -1) * heads * value_dim
        + heads * value_dim * out_size
    )
    if bias:
        weights += 2 * heads * key_dim + heads * value_dim + out_size
    return weights, 0


def _grouped_query_attention(layer, in_shapes, params):
    """``layer(query, value, key)``: query (and gate) projections to ``num_query_heads``, key and
    value projections to ``num_key_value_heads``, the output back to the query's features."""
    if len(in_shapes) not in (2, 3):
        raise _Unknown("inputs")
    q, v = _shape(in_shapes, 0), _shape(in_shapes, 1)
    k = _shape(in_shapes, 2) if len(in_shapes) == 3 else v
    head, q_heads, kv_heads = _int(layer, "head_dim"), _int(layer, "num_query_heads"), _int(layer, "num_key_value_heads")
    if kv_heads < 1 or q_heads % kv_heads:
        raise _Unknown("num_key_value_heads")
    bias = _flag(layer, "use_bias")
    features = _dim(q, -1)
    if _dim(k, -1) != features or _dim(v, -1) != features:
        raise _Unknown("features")  # Keras refuses query, key and value of different widths
    query = features * q_heads * head + (q_heads * head if bias else 0)
    weights = query * (2 if _flag(layer, "use_gate") else 1)
    for source in (k, v):
        weights += _dim(source, -1) * kv_heads * head + (kv_heads * head if bias else 0)
    return weights + q_heads * head * features + (features if bias else 0), 0


def _attention(layer, in_shapes, params):
    mode = _literal(layer, "score_mode")
    if mode not in ("dot", "concat"):
        raise _Unknown("score_mode")
    return int(_flag(layer, "use_scale")) + int(mode == "concat"), 0


def _additive_attention(layer, in_shapes, params):
    if not _flag(layer, "use_scale"):
        return 0, 0
    return _dim(_shape(in_shapes), -1), 0


def _prelu(layer, in_shapes, params):
    s = _shape(in_shapes)
    shared = _literal(layer, "shared_axes")
    if shared is None:
        shared = ()
    elif isinstance(shared, int) and not isinstance(shared, bool):
        shared = (shared,)
    if not isinstance(shared, tuple) or not all(isinstance(a, int) and 1 <= a < len(s) for a in shared):
        raise _Unknown("shared_axes")
    return math.prod(1 if i in shared else _dim(s, i) for i in range(1, len(s))), 0


_RULES = {
    "none": _none,
    "dense": _dense,
    "einsum_dense": _einsum_dense,
    "embedding": _embedding,
    "conv": _conv,
    "rnn": _rnn,
    "conv_rnn": _conv_rnn,
    "bidirectional": _bidirectional,
    "time_distributed": _time_distributed,
    "normalization": _normalization,
    "rms_normalization": _rms_normalization,
    "multi_head_attention": _multi_head_attention,
    "grouped_query_attention": _grouped_query_attention,
    "attention": _attention,
    "additive_attention": _additive_attention,
    "prelu": _prelu,
}
