"""Static shape inference: what each layer family does to the rank and dims of a tensor.

A shape is a tuple of dims with the batch axis first, each an ``int`` or ``None``
(unknown or variable); an unknown shape (rank not known) is ``None``. ``infer`` returns
the output shapes and, when Keras would refuse the input, a ``ShapeError`` that rules
report (KER202 for a rank the layer cannot take, KER206 for a dimension driven to zero).
"""

from __future__ import annotations

import math


import libcst as cst

from .data import record
from .catalog import get_catalog, legacy
from .ir import Const, Layer, Seq


class _Var:
    """A dimension the model leaves variable (``None`` in Keras's own shape): its size
    comes from the data at run time. Plain ``None`` means kerlint does not know the size."""

    __slots__ = ()

    def __repr__(self):
        return "VAR"


VAR = _Var()


def known(d):
    return d if isinstance(d, int) else None


@record
class ShapeError:
    kind: str  # "rank" | "collapse"
    message: str
    expected_rank: int | None = None
    got: tuple | None = None

    def __init__(self, kind, message, expected_rank=None, got=None):
        self.kind = kind
        self.message = message
        self.expected_rank = expected_rank
        self.got = got


def const(value):
    """The Python value of a literal IR value, else None."""
    if isinstance(value, Const):
        return _tuples(value.value)
    if isinstance(value, Seq):
        items = [const(v) for v in value.items]
        if any(isinstance(v, Const) is False and c is None and not _is_none(v) for v, c in zip(value.items, items)):
            return None
        return tuple(items)
    return None


def _tuples(v):
    """Catalog defaults hold JSON lists where Keras has tuples: ``([1, 1], [1, 1])``."""
    if isinstance(v, (list, tuple)):
        return tuple(_tuples(x) for x in v)
    return v


def _is_none(value) -> bool:
    return isinstance(value, Const) and value.value is None


def int_or_none(value):
    v = const(value) if not isinstance(value, int) else value
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def shape_from_seq(value, batch=True):
    """A per-sample shape literal (``(50,)``, ``[None, 8]``) as a full shape, or None."""
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        dims = (value.value,)
    elif isinstance(value, Seq):
        dims = []
        for item in value.items:
            if isinstance(item, Const) and item.value is None:
                dims.append(VAR)
            elif isinstance(item, Const) and isinstance(item.value, int) and not isinstance(item.value, bool):
                dims.append(item.value)
            elif isinstance(item, Const):
                return None
            else:
                dims.append(None)  # a name: the rank is known, the dim is not
        dims = tuple(dims)
    else:
        return None
    return ((None,) + dims) if batch else dims


def _tuple_arg(layer: Layer, name: str, rank: int, default):
    value = layer.args.value(name)
    v = const(value)
    if v is None and not (isinstance(value, Const) and value.value is None):
        return None
    if v is None:
        v = default
    if isinstance(v, int) and not isinstance(v, bool):
        return (v,) * rank
    if isinstance(v, tuple) and len(v) == rank and all(isinstance(x, int) for x in v):
        return v
    return None


def _conv_len(n, k, s, d, padding):
    if n is VAR:
        return VAR
    if n is None or k is None or s is None or d is None:
        return None
    if padding == "same" or padding == "causal":
        return math.ceil(n / s) if n > 0 else n
    eff = d * (k - 1) + 1
    return (n - eff) // s + 1


def _deconv_len(n, k, s, d, padding, output_padding=None):
    if n is VAR:
        return VAR
    if n is None or k is None or s is None or d is None:
        return None
    k = k + (k - 1) * (d - 1)
    if output_padding is None:
        length = n * s
        if padding == "valid":
            length += max(k - s, 0)
        return length
    pad = k // 2 if padding == "same" else 0
    return (n - 1) * s + k - 2 * pad + output_padding


def _output_padding(layer: Layer, rank: int):
    """A transposed conv's ``output_padding`` as a tuple, None when absent, False when unknown."""
    value = layer.args.value("output_padding")
    if isinstance(value, Const) and value.value is None:
        return None
    padding = _tuple_arg(layer, "output_padding", rank, None)
    return padding if padding is not None else False


# Convolutions whose Keras 1 form took one positional argument per kernel axis
# (``Convolution2D(nb_filter, nb_row, nb_col)``), and the class names only Keras 1 had.
KERAS1_KERNEL_AXES = {"Conv2D": 2, "SeparableConv2D": 2, "Conv2DTranspose": 2, "Conv3D": 3}
_KERAS1_CONV_NAMES = {"Convolution2D", "Convolution3D", "SeparableConvolution2D", "Deconvolution2D", "AtrousConvolution2D"}
# Keras 1's ``dim_ordering`` values, as Keras 2 converted them to ``data_format``.
_DIM_ORDERING = {"tf": True, "th": False}


def keras1_kernel(layer: Layer, by_size: bool = True) -> list | None:
    """The kernel sizes of a convolution written in Keras 1's form, one positional argument per
    axis (``Convolution2D(32, 3, 3)``): the BoundArgs Keras 2 and 3 bind them to (``kernel_size``,
    ``strides``, and ``padding`` for 3-D), or None for any other call.

    ``Conv2D(32, 3, 2)`` is also Keras 2's kernel 3 with strides 2: the Keras 1 form is told by a
    Keras 1 class name, a Keras 1 keyword in the call, or (``by_size``) the sizes written the same."""
    n = KERAS1_KERNEL_AXES.get(layer.kind)
    call = layer.node
    if n is None or not isinstance(call, cst.Call) or layer.args.has_star or any(a.star for a in call.args):
        return None
    if sum(1 for a in call.args if a.keyword is None) != n + 1:
        return None
    dims = [layer.args.get(name) for name in ("kernel_size", "strides", "padding")[:n]]
    if any(d is None or not d.positional for d in dims):
        return None
    # Each size an int literal or a name (nb_conv), never a tuple or a string.
    if not all(int_or_none(d.value) is not None or isinstance(d.node.value, (cst.Name, cst.Attribute)) for d in dims):
        return None
    written_name = layer.ref.path.raw.rsplit(".", 1)[-1] if layer.ref is not None else ""
    table = set(legacy.KERAS1_ARGS["*"]) | set(legacy.KERAS1_ARGS.get(layer.kind, {}))
    keras1_keywords = any(ba.written in table for ba in layer.args.all() if ba.written)
    same = by_size and all(d.node.value.deep_equals(dims[0].node.value) for d in dims[1:])
    if written_name in _KERAS1_CONV_NAMES or keras1_keywords or same:
        return dims
    return None


def _keras1_keyword(layer: Layer, written: str):
    """The value of a Keras 1 keyword as written (``subsample=``), wherever it was bound."""
    for ba in layer.args.all():
        if ba.written == written:
            return ba.value
    return None


def _positional_strides(layer: Layer, rank: int) -> bool:
    """``Conv2D(n, 3, 2)``: strides given by position, as Keras 1's kernel columns were."""
    arg = layer.args.get("strides")
    return arg is not None and arg.positional and rank >= 2


def conv_kernel(layer: Layer, rank: int) -> tuple | None:
    """The kernel size per spatial axis as the author meant it, or None when unknown.

    Only a Keras 1 name or keyword says which reading was meant: ``Convolution2D(n, 5, 3)`` is
    Keras 1's 5x3 kernel, while ``Conv2D(n, 5, 3)`` alone (KER406 reports it) may be either, so
    its kernel stays unknown. Shapes and parameter counts both read the kernel here."""
    keras1 = keras1_kernel(layer, by_size=False)
    if keras1 is not None:
        return _keras1_conv_args(layer, keras1, rank)[0]
    if _positional_strides(layer, rank):
        return None
    return _tuple_arg(layer, "kernel_size", rank, None)


def _keras1_conv_args(layer: Layer, dims: list, rank: int):
    """(kernel, strides, padding) of a Keras 1 form convolution, read as Keras 3 receives the
    converted call ``Conv2D(n, (rows, cols), strides=subsample, padding=border_mode)``."""
    kernel = tuple(int_or_none(d.value) for d in dims)
    if any(k is None for k in kernel):
        kernel = None
    subsample = _keras1_keyword(layer, "subsample")
    strides = (1,) * rank if subsample is None else _tuple_value(subsample, rank)
    border_mode = _keras1_keyword(layer, "border_mode")
    if border_mode is not None:
        padding = const(border_mode)
        padding = padding.lower() if isinstance(padding, str) else None
    elif rank == 2:  # a Keras 2 padding= beside the Keras 1 kernel (3-D has it bound to a size)
        padding = _padding_mode(layer)
    else:
        padding = "valid"
    return kernel, strides, padding if padding in ("valid", "same") else None


def _tuple_value(value, rank: int):
    v = const(value)
    if isinstance(v, int) and not isinstance(v, bool):
        return (v,) * rank
    if isinstance(v, tuple) and len(v) == rank and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
        return v
    return None


def _dim_ordering(layer: Layer) -> bool | None:
    """Keras 1's ``dim_ordering="th"``/``"tf"`` (which Keras 2 converted to ``data_format``):
    True for channels last, False for channels first, None when absent or not known."""
    value = _keras1_keyword(layer, "dim_ordering")
    return None if value is None else _DIM_ORDERING.get(const(value))


def _channels_last(layer: Layer) -> bool | None:
    fmt = layer.args.value("data_format") if layer.args.signature and layer.args.signature.accepts("data_format") else Const(None)
    v = const(fmt)
    if isinstance(fmt, Const) and fmt.value is None:
        if _keras1_keyword(layer, "dim_ordering") is not None:
            return _dim_ordering(layer)
        return True  # Keras's default image_data_format
    if v == "channels_last":
        return True
    if v == "channels_first":
        return False
    return None


def _rank_error(layer: Layer, expected: str, expected_rank: int | None, got: tuple) -> ShapeError:
    return ShapeError(
        "rank",
        f"{layer.kind} expects a {expected} input but receives a tensor of rank {len(got)} "
        f"{_fmt(got)}",
        expected_rank,
        got,
    )


def _fmt(shape) -> str:
    return "(" + ", ".join(str(d) if isinstance(d, int) else "None" for d in shape) + ("," if len(shape) == 1 else "") + ")"


fmt_shape = _fmt


def infer(layer: Layer, in_shapes: list, call_kwargs: dict | None = None):
    """Output shapes of ``layer`` applied to ``in_shapes``: (list or None, ShapeError or None)."""
    family, params = get_catalog().layer_family(layer.kind)
    fn = _FAMILIES.get(family)
    if fn is None:
        return None, None
    try:
        return fn(layer, in_shapes, params, call_kwargs or {})
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None, None


def _single(in_shapes):
    if len(in_shapes) != 1:
        return None
    return in_shapes[0]


def _identity(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    if s is None:
        return None, None
    rank = params.get("rank")
    if rank is not None and len(s) != rank:
        return None, _rank_error(layer, f"rank-{rank}", rank, s)
    return [s], None


def _input_layer(layer, in_shapes, params, kw):
    shape = declared_input_shape(layer)
    if shape is None and len(in_shapes) == 1:
        shape = in_shapes[0]
    return ([shape] if shape else None), None


def _dense(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    if s is None:
        return None, None
    if len(s) < 2:
        return None, _rank_error(layer, "rank ≥ 2", 2, s)
    return [s[:-1] + (int_or_none(layer.args.value("units")),)], None


def _embedding(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    if s is None:
        return None, None
    return [s + (int_or_none(layer.args.value("output_dim")),)], None


def _flatten(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    if s is None:
        return None, None
    if len(s) < 2:
        return None, None
    rest = s[1:]
    if all(isinstance(d, int) for d in rest):
        total = math.prod(rest)
    elif any(d is None for d in rest):
        total = None
    else:
        total = VAR  # the size follows a variable axis
    return [(s[0], total)], None


def _reshape(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    target = const(layer.args.value("target_shape"))
    if not isinstance(target, tuple) or not all(isinstance(d, int) for d in target):
        return None, None
    dims = list(target)
    if -1 in dims:
        fixed = math.prod(d for d in dims if d != -1)
        if s is not None and all(isinstance(d, int) for d in s[1:]) and fixed:
            size = math.prod(s[1:])
            if size % fixed:
                return None, None  # Keras refuses the reshape: no shape comes out
            dims[dims.index(-1)] = size // fixed
        else:
            dims[dims.index(-1)] = None
    return [((s[0] if s else None),) + tuple(dims)], None


def _permute(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    dims = const(layer.args.value("dims"))
    if (s is None or not isinstance(dims, tuple) or not all(isinstance(d, int) for d in dims)
            or sorted(dims) != list(range(1, len(s)))):
        return None, None  # not a permutation of the axes: Keras rejects it, the shape is unknown
    return [(s[0],) + tuple(s[d] for d in dims)], None


def _repeat_vector(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    if s is None:
        return None, None
    if len(s) != 2:
        return None, _rank_error(layer, "rank-2", 2, s)
    return [(s[0], int_or_none(layer.args.value("n")), s[1])], None


def _rnn_out(layer, s):
    units = int_or_none(layer.args.value("units"))
    seqs = const(layer.args.value("return_sequences"))
    state = const(layer.args.value("return_state"))
    if not isinstance(seqs, bool) or not isinstance(state, bool):
        return None
    main = (s[0], s[1], units) if seqs else (s[0], units)
    if not state:
        return [main]
    n_states = 2 if layer.kind in ("LSTM", "CuDNNLSTM") else 1
    return [main] + [(s[0], units)] * n_states


def _rnn(layer, in_shapes, params, kw):
    s = in_shapes[0] if in_shapes else None
    if s is None:
        return None, None
    if len(s) != 3:
        return None, _rank_error(layer, "rank-3 (batch, timesteps, features)", 3, s)
    if params.get("units_from_cell"):
        return None, None
    return _rnn_out(layer, s), None


def _conv_rnn(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    rank = params["rank"]
    if s is None:
        return None, None
    if len(s) != rank + 3:
        return None, _rank_error(layer, f"rank-{rank + 3} (batch, timesteps, {'spatial, ' * rank}channels)", rank + 3, s)
    filters = int_or_none(layer.args.value("filters"))
    seqs = const(layer.args.value("return_sequences"))
    state = const(layer.args.value("return_state"))
    last = _channels_last(layer)
    if not isinstance(seqs, bool) or not isinstance(state, bool) or last is None:
        return None, None
    spatial = s[2:-1] if last else s[3:]
    kernel = _tuple_arg(layer, "kernel_size", rank, None)
    strides = _tuple_arg(layer, "strides", rank, 1)
    dil = _tuple_arg(layer, "dilation_rate", rank, 1)
    padding = _padding_mode(layer)
    if kernel is None or strides is None or dil is None or padding not in ("valid", "same"):
        out = (None,) * rank
    else:
        out = tuple(_conv_len(n, k, st, d, padding) for n, k, st, d in zip(spatial, kernel, strides, dil))
    for n, o in zip(spatial, out):
        if isinstance(o, int) and o <= 0:
            return None, _collapse(layer, s, n, o)
    step = (out + (filters,)) if last else ((filters,) + out)
    main = ((s[0], s[1]) if seqs else (s[0],)) + step
    if not state:
        return [main], None
    return [main, (s[0],) + step, (s[0],) + step], None


def _padding_mode(layer: Layer):
    padding = const(layer.args.value("padding"))
    if isinstance(padding, str):
        padding = padding.lower()
    return padding if padding in ("valid", "same", "causal") else None


def _bidirectional(layer, in_shapes, params, kw):
    s = in_shapes[0] if in_shapes else None
    inner = layer.inner
    if s is None or inner is None or get_catalog().layer_family(inner.kind)[0] != "rnn":
        return None, None
    if len(s) != 3:
        return None, _rank_error(inner, "rank-3 (batch, timesteps, features)", 3, s)
    outs = _rnn_out(inner, s)
    if outs is None:
        return None, None
    mode = const(layer.args.value("merge_mode"))
    main = outs[0]
    if mode == "concat":
        last = main[-1] * 2 if isinstance(main[-1], int) else None
        merged = main[:-1] + (last,)
    elif mode in ("sum", "mul", "ave"):
        merged = main
    elif isinstance(layer.args.value("merge_mode"), Const) and mode is None:
        return [main, main] + outs[1:] * 2, None
    else:
        return None, None
    return [merged] + outs[1:] * 2, None


def _time_distributed(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    inner = layer.inner
    if s is None or inner is None:
        return None, None
    if len(s) < 3:
        return None, _rank_error(layer, "rank ≥ 3 (batch, timesteps, ...)", 3, s)
    outs, err = infer(inner, [(s[0],) + s[2:]])
    if err is not None:
        return None, err
    if not outs or len(outs) != 1 or outs[0] is None:
        return None, None
    return [(s[0], s[1]) + outs[0][1:]], None


def _conv(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    rank = params["rank"]
    if s is None:
        return None, None
    if len(s) != rank + 2:
        return None, _rank_error(layer, f"rank-{rank + 2} (batch, {'spatial, ' * rank}channels)", rank + 2, s)
    last = _channels_last(layer)
    if last is None:
        return None, None
    spatial = s[1:-1] if last else s[2:]
    chans = s[-1] if last else s[1]
    kernel = conv_kernel(layer, rank)
    strides = _tuple_arg(layer, "strides", rank, 1)
    dil = _tuple_arg(layer, "dilation_rate", rank, 1)
    padding = _padding_mode(layer)
    keras1 = keras1_kernel(layer, by_size=False)
    if keras1 is not None:
        _, strides, padding = _keras1_conv_args(layer, keras1, rank)
    if padding == "causal" and rank != 1:
        padding = None
    if params.get("depthwise"):
        mult = int_or_none(layer.args.value("depth_multiplier"))
        filters = chans * mult if isinstance(chans, int) and mult is not None else None
    else:
        filters = int_or_none(layer.args.value("filters"))
    if kernel is None or strides is None or dil is None or padding is None:
        out = (None,) * rank
    elif params.get("transpose"):
        out_pad = _output_padding(layer, rank)
        if out_pad is False:
            out = (None,) * rank
        else:
            out = tuple(
                _deconv_len(n, k, st, d, padding, op)
                for n, k, st, d, op in zip(spatial, kernel, strides, dil, out_pad or (None,) * rank)
            )
    else:
        out = tuple(_conv_len(n, k, st, d, padding) for n, k, st, d in zip(spatial, kernel, strides, dil))
    for n, o in zip(spatial, out):
        if isinstance(o, int) and o <= 0:
            return None, _collapse(layer, s, n, o)
    shape = (s[0],) + out + (filters,) if last else (s[0], filters) + out
    return [shape], None


def _collapse(layer, s, n, o):
    return ShapeError(
        "collapse",
        f"{layer.kind} reduces a spatial dimension of {n} to {o}: input {_fmt(s)} is too small "
        "for its kernel, pool size or strides, and Keras raises when the model is built",
        None,
        s,
    )


def _pool(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    rank = params["rank"]
    if s is None:
        return None, None
    if len(s) != rank + 2:
        return None, _rank_error(layer, f"rank-{rank + 2} (batch, {'spatial, ' * rank}channels)", rank + 2, s)
    last = _channels_last(layer)
    if last is None:
        return None, None
    spatial = s[1:-1] if last else s[2:]
    pool = _tuple_arg(layer, "pool_size", rank, 2)
    strides_val = layer.args.value("strides")
    if isinstance(strides_val, Const) and strides_val.value is None:
        strides = pool
    else:
        strides = _tuple_arg(layer, "strides", rank, None)
    padding = const(layer.args.value("padding"))
    if isinstance(padding, str):
        padding = padding.lower()
    if pool is None or strides is None or padding not in ("valid", "same"):
        out = (None,) * rank
    else:
        out = tuple(_conv_len(n, k, st, 1, padding) for n, k, st in zip(spatial, pool, strides))
    for n, o in zip(spatial, out):
        if isinstance(o, int) and o <= 0:
            return None, _collapse(layer, s, n, o)
    chans = s[-1] if last else s[1]
    return [((s[0],) + out + (chans,)) if last else ((s[0], chans) + out)], None


def _global_pool(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    rank = params["rank"]
    if s is None:
        return None, None
    if len(s) != rank + 2:
        return None, _rank_error(layer, f"rank-{rank + 2} (batch, {'spatial, ' * rank}channels)", rank + 2, s)
    last = _channels_last(layer)
    keep = const(layer.args.value("keepdims"))
    if last is None or not isinstance(keep, bool):
        return None, None
    chans = s[-1] if last else s[1]
    if keep:
        ones = (1,) * rank
        return [((s[0],) + ones + (chans,)) if last else ((s[0], chans) + ones)], None
    return [(s[0], chans)], None


def _adaptive_pool(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    rank = params["rank"]
    if s is None or len(s) != rank + 2:
        return None, None
    size = _tuple_arg(layer, "output_size", rank, None)
    last = _channels_last(layer)
    if last is None:
        return None, None
    out = size or (None,) * rank
    return [((s[0],) + out + (s[-1],)) if last else ((s[0], s[1]) + out)], None


def _upsampling(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    rank = params["rank"]
    if s is None:
        return None, None
    if len(s) != rank + 2:
        return None, _rank_error(layer, f"rank-{rank + 2}", rank + 2, s)
    size = _tuple_arg(layer, "size", rank, 2)
    last = _channels_last(layer) if rank > 1 else True
    if size is None or last is None:
        return None, None
    spatial = s[1:-1] if last else s[2:]
    out = tuple(n * k if isinstance(n, int) else n for n, k in zip(spatial, size))
    return [((s[0],) + out + (s[-1],)) if last else ((s[0], s[1]) + out)], None


def _padding(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    rank = params["rank"]
    if s is None:
        return None, None
    if len(s) != rank + 2:
        return None, _rank_error(layer, f"rank-{rank + 2}", rank + 2, s)
    name = "padding" if params["sign"] > 0 else "cropping"
    raw = const(layer.args.value(name))
    pairs = None
    if isinstance(raw, int):
        pairs = [(raw, raw)] * rank
    elif isinstance(raw, tuple) and len(raw) == rank:
        pairs = []
        for p in raw:
            if isinstance(p, int):
                pairs.append((p, p))
            elif isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, int) for x in p):
                pairs.append(p)
            else:
                return None, None
    elif isinstance(raw, tuple) and rank == 1 and len(raw) == 2 and all(isinstance(x, int) for x in raw):
        pairs = [raw]
    last = _channels_last(layer) if rank > 1 else True
    if pairs is None or last is None:
        return None, None
    spatial = s[1:-1] if last else s[2:]
    out = tuple(n + params["sign"] * (a + b) if isinstance(n, int) else n for n, (a, b) in zip(spatial, pairs))
    for n, o in zip(spatial, out):
        if isinstance(o, int) and o <= 0:
            return None, _collapse(layer, s, n, o)
    return [((s[0],) + out + (s[-1],)) if last else ((s[0], s[1]) + out)], None


def _concatenate(layer, in_shapes, params, kw):
    if len(in_shapes) < 2 or any(s is None for s in in_shapes):
        return None, None
    rank = len(in_shapes[0])
    if any(len(s) != rank for s in in_shapes):
        return None, None
    axis = const(layer.args.value("axis"))
    if not isinstance(axis, int) or isinstance(axis, bool) or not -rank <= axis < rank:
        return None, None
    axis = axis % rank
    if axis == 0:
        return None, None
    out = []
    for i in range(rank):
        dims = [s[i] for s in in_shapes]
        if i == axis:
            if all(isinstance(d, int) for d in dims):
                out.append(sum(dims))
            else:
                out.append(VAR if any(d is VAR for d in dims) and None not in dims else None)
        else:
            out.append(_common_dim(dims))
    return [tuple(out)], None


def _common_dim(dims):
    """The dim several inputs share on one axis: the fixed size if any, else VAR / None."""
    fixed = {d for d in dims if isinstance(d, int)}
    if len(fixed) == 1:
        return fixed.pop()
    if not fixed and dims and all(d is VAR for d in dims):
        return VAR
    return None


def _elementwise(layer, in_shapes, params, kw):
    if len(in_shapes) < 2 or any(s is None for s in in_shapes):
        return None, None
    rank = len(in_shapes[0])
    if any(len(s) != rank for s in in_shapes):
        return None, None
    out = []
    for i in range(rank):
        fixed = {d for d in (s[i] for s in in_shapes) if isinstance(d, int) and d != 1}
        out.append(fixed.pop() if len(fixed) == 1 else None)
    return [tuple(out)], None


def _scores_flag(kw):
    """``return_attention_scores`` in the call: False, True, or None when not a literal."""
    value = kw.get("return_attention_scores")
    if value is None:
        return False
    v = const(value)
    return v if isinstance(v, bool) else None


def _attention(layer, in_shapes, params, kw):
    """``Attention()([query, value(, key)])``: the query's steps with the value's features."""
    if len(in_shapes) < 2 or in_shapes[0] is None or in_shapes[1] is None:
        return None, None
    q, v = in_shapes[0], in_shapes[1]
    if len(q) != 3 or len(v) != 3:
        return None, None
    scores = _scores_flag(kw)
    if scores is None:
        return None, None
    out = q[:-1] + (v[-1],)
    return ([out, (q[0], q[1], v[1])] if scores else [out]), None


def _mha(layer, in_shapes, params, kw):
    """``MultiHeadAttention(...)(query, value)``: the query's shape, or ``output_shape``."""
    if not in_shapes or in_shapes[0] is None:
        return None, None
    q = in_shapes[0]
    scores = _scores_flag(kw)
    if scores is None or (scores and (len(in_shapes) < 2 or in_shapes[1] is None or len(q) != 3)):
        return None, None
    out_shape = layer.args.value("output_shape")
    if isinstance(out_shape, Const) and out_shape.value is None:
        out = q
    elif int_or_none(out_shape) is not None:
        out = q[:-1] + (int_or_none(out_shape),)
    else:
        return None, None
    if not scores:
        return [out], None
    heads = int_or_none(layer.args.value("num_heads"))
    return [out, (q[0], heads, q[1], in_shapes[1][1])], None


def _dot(layer, in_shapes, params, kw):
    """``Dot(axes)([x, y])``: x without its axis, then y without batch and its axis."""
    if len(in_shapes) != 2 or any(s is None for s in in_shapes):
        return None, None
    x, y = in_shapes
    axes = const(layer.args.value("axes"))
    if isinstance(axes, int) and not isinstance(axes, bool):
        axes = (axes, axes)
    if not (isinstance(axes, tuple) and len(axes) == 2 and all(isinstance(a, int) for a in axes)):
        return None, None
    if not (-len(x) <= axes[0] < len(x) and -len(y) <= axes[1] < len(y)):
        return None, None
    ax, ay = axes[0] % len(x), axes[1] % len(y)
    if ax == 0 or ay == 0:
        return None, None
    out = x[:ax] + x[ax + 1:] + y[1:ay] + y[ay + 1:]
    if len(out) == 1:
        out = out + (1,)
    return [out], None


def _resize(layer, in_shapes, params, kw):
    """Resizing / CenterCrop / RandomCrop: a fixed ``(height, width)``, channels kept."""
    s = _single(in_shapes)
    if s is None or len(s) != 4:
        return None, None
    h, w = int_or_none(layer.args.value("height")), int_or_none(layer.args.value("width"))
    last = _channels_last(layer)
    if last is None:
        return None, None
    return [(s[0], h, w, s[3]) if last else (s[0], s[1], h, w)], None


def _drop_time_axis(layer, in_shapes, params, kw):
    s = _single(in_shapes)
    if s is None or len(s) != 3:
        return None, None
    return [(s[0], s[2])], None


_FAMILIES = {
    "identity": _identity,
    "input_layer": _input_layer,
    "dense": _dense,
    "embedding": _embedding,
    "flatten": _flatten,
    "reshape": _reshape,
    "permute": _permute,
    "repeat_vector": _repeat_vector,
    "rnn": _rnn,
    "conv_rnn": _conv_rnn,
    "bidirectional": _bidirectional,
    "time_distributed": _time_distributed,
    "conv": _conv,
    "pool": _pool,
    "global_pool": _global_pool,
    "adaptive_pool": _adaptive_pool,
    "upsampling": _upsampling,
    "padding": _padding,
    "concatenate": _concatenate,
    "elementwise": _elementwise,
    "attention": _attention,
    "multi_head_attention": _mha,
    "dot": _dot,
    "resize": _resize,
    "drop_time_axis": _drop_time_axis,
}


def declared_input_shape(layer: Layer):
    """The full input shape a first layer declares (``input_shape``, ``input_dim``, ...)."""
    args = layer.args
    if layer.kind == "InputLayer":
        for name, batch in (("shape", True), ("batch_shape", False)):
            shape = shape_from_seq(args.get(name).value, batch) if args.has(name) else None
            if shape is not None:
                return shape
    if args.has("batch_input_shape"):
        return shape_from_seq(args.get("batch_input_shape").value, batch=False)
    if args.has("input_shape"):
        return shape_from_seq(args.get("input_shape").value)
    if args.has("batch_shape"):
        return shape_from_seq(args.get("batch_shape").value, batch=False)
    if args.has("input_dim") and layer.kind != "Embedding":
        dim = int_or_none(args.get("input_dim").value)
        length = args.get("input_length")
        if length is not None:
            return (None, _length(length.value), dim)
        if _takes_sequences(layer):
            # Keras 1/2 RNNs and Conv1D read input_dim as features: (input_length, input_dim).
            return (None, VAR, dim)
        return (None, dim)
    if layer.kind == "Embedding":
        length = args.get("input_length")
        if length is not None:
            return (None, _length(length.value))
        # Without a length the sequence axis is left to the data.
        return (None, VAR)
    if layer.inner is not None:
        return declared_input_shape(layer.inner)
    return None


def _length(value):
    """An ``input_length``: its int, VAR for a literal None, None when not known."""
    if isinstance(value, Const) and value.value is None:
        return VAR
    return int_or_none(value)


def _takes_sequences(layer: Layer) -> bool:
    family, params = get_catalog().layer_family(layer.kind)
    return family in ("rnn", "bidirectional") or (family in ("conv", "pool") and params.get("rank") == 1)


def per_sample_rank(layer: Layer) -> int | None:
    """The rank (batch excluded) of the input a layer takes, when Keras fixes it."""
    family, params = get_catalog().layer_family(layer.kind)
    rank = params.get("rank")
    if family in ("conv", "pool", "global_pool", "upsampling", "padding"):
        return rank + 1
    if family == "conv_rnn":
        return rank + 2
    if family in ("rnn", "bidirectional"):
        return 2
    if family == "repeat_vector":
        return 1
    if family == "identity" and rank is not None:
        return rank - 1
    return None


def batch_axis_in_input_shape(layer: Layer) -> bool:
    """``input_shape=(None, 28, 28, 1)`` on a Conv2D: the batch axis written into a
    per-sample shape (one entry too many, the first None)."""
    arg = layer.args.get("input_shape")
    if arg is None or not isinstance(arg.value, Seq):
        return False
    items = arg.value.items
    want = per_sample_rank(layer)
    return (
        want is not None
        and len(items) == want + 1
        and isinstance(items[0], Const)
        and items[0].value is None
    )


# -- models used as layers -------------------------------------------------------------------------
def nested_output_shapes(model, in_shapes: list):
    """The output shapes of a model called as a layer, or None. A model with a graph: on inputs
    of exactly the shapes its own inputs have (on others Keras recomputes them; kerlint does
    not). A library backbone (``model.block``): see ``_block_output``."""
    if model.block is not None:
        out = _block_output(model.block, in_shapes)
        return [out] if out is not None else None
    if model.tampered or not model.inputs or not model.outputs or len(model.outputs) != 1:
        return None
    own = [getattr(t, "shape", None) for t in model.inputs]
    out = getattr(model.outputs[0], "shape", None)
    if out is None or any(s is None for s in own) or own != in_shapes:
        return None
    return [out]


def _block_output(block, in_shapes: list):
    """A backbone runs on what it was built for: its own output when the input is unknown (if
    the call runs at all, it is on that input) or matches. Built without a height and width,
    it takes any size with its channels: the rank and channels are known, the sizes not
    (unless it pools them away)."""
    if len(in_shapes) != 1:
        return None
    got, built = in_shapes[0], block.input_shape
    if got is None or got == built:
        return block.output_shape
    if len(got) != len(built) or got[-1] != built[-1]:
        return None  # Keras refuses the input
    for have, want in zip(got[1:-1], built[1:-1]):
        if want is not VAR and have != want:
            return None
    out = block.output_shape
    return out if len(out) == 2 else (*out[:1], *(d if d is not VAR else None for d in out[1:-1]), out[-1])
