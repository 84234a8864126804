"""kerlint's shape inference and parameter counts against Keras: generated models, every
layer's output shape and weights.

Hypothesis writes Sequential and functional models from the layer families kerlint models,
with random valid arguments and input shapes with fixed and variable (``None``) dims; some
functional models apply one layer instance twice or call a small Sequential as a layer. Keras
builds each one (construction only, no training). For every layer kerlint claims to know the
shape of, the shape must be Keras's: a fixed dim the same number, ``VAR`` where Keras has
``None``; ``None`` (unknown) is always allowed. A model Keras refuses must be one kerlint
reports with KER202/KER206, or one whose shapes kerlint does not claim to know; a model
kerlint reports must be one Keras refuses.

For every layer kerlint gives a parameter count for (``kerlint.params.layer_params``), the
trainable and non-trainable counts must be Keras's; when kerlint knows every layer's count, the
model's totals must be ``model.count_params()`` and its split (a shared layer counted once, a
nested model as the sum of its layers). The same holds for every model of the keras-io-style
fixtures kerlint counts fully (built from the fixture with its data loading and training cut).

Hypothesis also writes ``keras.Model`` subclasses from the same layer families (layers kept as
attributes and in lists applied in a ``for`` loop, residual additions, a dropout on the
``if training:`` path, a closing softmax function), built with ``model.build`` or by a call on
``keras.Input``. Every op kerlint follows in ``call()`` has Keras's shape, every layer kerlint
counts Keras's weights, and the totals of ``kerlint summary`` are the model's.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import libcst as cst
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kerlint.analysis.graph import sequential_steps
from kerlint.extract import extract
from kerlint.lint import lint_source
from kerlint.params import ParamCount, layer_params
from kerlint.shapes import VAR
from kerlint.summary import summarize_text

from .proving import COUNTS, run

keras = pytest.importorskip("keras", reason="the comparison builds the models with Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

HEADER = "import keras\nfrom keras import layers\n"
# At least 1,000 per run; set KERLINT_SHAPE_EXAMPLES to search longer.
EXAMPLES = max(1000, int(os.environ.get("KERLINT_SHAPE_EXAMPLES", "1000")))
# A subclassed model costs Keras a trace of call() (two when built by a call), three to four
# times a functional model's construction: 400 per run at the default (about 40 s on 2 cores),
# the same share of a longer search.
SUB_EXAMPLES = EXAMPLES * 2 // 5


@dataclass
class Generated:
    style: str  # "sequential" | "functional" | "input_shape" (Sequential, no Input)
    input_shape: tuple
    layers: list = field(default_factory=list)  # [(layer code, [input tensor names])]
    int_input: bool = False
    prelude: list = field(default_factory=list)  # layers made before the graph (shared, nested)

    def source(self) -> str:
        shape = "(" + ", ".join("None" if d is None else str(d) for d in self.input_shape) + ",)"
        dtype = ', dtype="int32"' if self.int_input else ""
        if self.style == "sequential":
            body = "".join(f"    {code},\n" for code, _ in self.layers)
            return HEADER + f"model = keras.Sequential([\n    keras.Input(shape={shape}{dtype}),\n{body}])\n"
        if self.style == "input_shape":  # Keras 2 style: the first layer declares the input
            first, *rest = [code for code, _ in self.layers]
            first = first[:-1] + ("" if first.endswith("()") else ", ") + f"input_shape={shape})"
            body = "".join(f"    {code},\n" for code in [first, *rest])
            return HEADER + f"model = keras.Sequential([\n{body}])\n"
        lines = [*self.prelude, f"t0 = keras.Input(shape={shape}{dtype})"]
        for i, (code, inputs) in enumerate(self.layers, 1):
            if code.startswith(("layers.MultiHeadAttention", "layers.GroupQueryAttention")):
                lines.append(f"t{i} = {code}({inputs[0]}, {inputs[1]})")
            elif len(inputs) == 1:
                lines.append(f"t{i} = {code}({inputs[0]})")
            else:
                lines.append(f"t{i} = {code}([{', '.join(inputs)}])")
        lines.append(f"model = keras.Model(t0, t{len(self.layers)})")
        return HEADER + "\n".join(lines) + "\n"


# -- layer generators: (draw, rank) -> (code, rank after) -----------------------------------------
small = st.integers(1, 8)
kernel = st.integers(1, 4)
stride = st.integers(1, 3)


def _dims(draw, n, lo=1, hi=4):
    if draw(st.booleans()):
        return str(draw(st.integers(lo, hi)))
    return "(" + ", ".join(str(draw(st.integers(lo, hi))) for _ in range(n)) + ")"


def _fmt(draw, spatial: int, ctx) -> str:
    # channels_first only builds (not runs) on CPU, which is all this test does; Keras needs
    # its channel axis fixed, so only on models with no variable axis.
    fixed = ctx.get("fixed")
    return ', data_format="channels_first"' if fixed and spatial >= 2 and draw(st.integers(0, 7)) == 0 else ""


def g_dense(draw, r, ctx):
    extra = draw(st.sampled_from(["", "", "", ", use_bias=False", ", trainable=False"]))
    return f"layers.Dense({draw(small)}{extra})", r


def g_einsum(draw, r, ctx):
    """EinsumDense on the last axis (kerlint counts it; its shape is left unknown)."""
    axes = "abcde"[:r]
    out = ", ".join(["None"] * (r - 2) + [str(draw(small))])
    bias = draw(st.sampled_from(["", ', bias_axes="z"']))
    return f'layers.EinsumDense("{axes},{axes[-1]}z->{axes[:-1]}z", output_shape=({out},){bias})', r


def g_identity(draw, r, ctx):
    code = draw(st.sampled_from([
        "layers.Dropout(0.2)", "layers.BatchNormalization()", "layers.LayerNormalization()",
        'layers.Activation("relu")', "layers.ReLU()", "layers.LeakyReLU()", "layers.Softmax()",
        "layers.GaussianNoise(0.1)", "layers.Rescaling(0.5)", "layers.Identity()", "layers.UnitNormalization()",
        "layers.BatchNormalization(center=False)", "layers.BatchNormalization(scale=False, center=False)",
        "layers.LayerNormalization(scale=False)", "layers.GroupNormalization(groups=1)", "layers.RMSNormalization()",
    ] + (["layers.PReLU()", "layers.PReLU(shared_axes=1)"] if ctx.get("fixed") and r >= 3 else [])))
    return code, r


def g_flatten(draw, r, ctx):
    return "layers.Flatten()", 2


def g_reshape(draw, r, ctx):
    code, rank = draw(st.sampled_from([("(-1,)", 2), ("(-1, 1)", 3), ("(1, -1)", 3)]))
    return f"layers.Reshape({code})", rank


def g_permute(draw, r, ctx):
    if r < 3:
        return None
    dims = draw(st.permutations(list(range(1, r))))
    return f"layers.Permute({tuple(dims)})", r


def g_repeat(draw, r, ctx):
    return f"layers.RepeatVector({draw(small)})", 3


def g_rnn(draw, r, ctx):
    kind = draw(st.sampled_from(["LSTM", "GRU", "SimpleRNN"]))
    seqs = draw(st.booleans())
    extra = draw(st.sampled_from(["", "", ", use_bias=False"] + ([", reset_after=False"] if kind == "GRU" else [])))
    return f"layers.{kind}({draw(small)}, return_sequences={seqs}{extra})", (3 if seqs else 2)


def g_bidirectional(draw, r, ctx):
    kind = draw(st.sampled_from(["LSTM", "GRU"]))
    seqs = draw(st.booleans())
    mode = draw(st.sampled_from(["concat", "sum", "mul", "ave"]))
    return f'layers.Bidirectional(layers.{kind}({draw(small)}, return_sequences={seqs}), merge_mode="{mode}")', (
        3 if seqs else 2)


def g_time_distributed(draw, r, ctx):
    """A layer applied to every step: Dense, or on rank 4-5 a conv, pooling or Flatten."""
    kind = draw(st.sampled_from(["dense", "conv", "pool", "flatten"] if r in (4, 5) else ["dense", "norm"]))
    if kind == "dense":
        return f"layers.TimeDistributed(layers.Dense({draw(small)}))", r
    if kind == "norm":
        return "layers.TimeDistributed(layers.BatchNormalization())", r
    if kind == "flatten":
        return "layers.TimeDistributed(layers.Flatten())", 3
    inner, _ = (g_conv if kind == "conv" else g_pool)(draw, r - 1, {"fixed": False})
    return f"layers.TimeDistributed({inner})", r


def g_conv_rnn(draw, r, ctx):
    n = r - 3  # spatial dims after (batch, time)
    if n not in (1, 2):
        return None
    seqs = draw(st.booleans())
    padding = draw(st.sampled_from(["valid", "same"]))
    code = f'layers.ConvLSTM{n}D({draw(small)}, {draw(kernel)}, padding="{padding}", return_sequences={seqs})'
    return code, (r if seqs else r - 1)


def g_conv(draw, r, ctx):
    n = r - 2
    if n not in (1, 2, 3):
        return None
    kinds = {1: ["Conv1D", "SeparableConv1D", "DepthwiseConv1D", "Conv1DTranspose"],
             2: ["Conv2D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose"],
             3: ["Conv3D", "Conv3DTranspose"]}[n]
    kind = draw(st.sampled_from(kinds))
    paddings = ["valid", "same"] + (["causal"] if kind == "Conv1D" else [])
    padding = draw(st.sampled_from(paddings))
    args = [] if kind.startswith("Depthwise") else [str(draw(small))]
    args.append(_dims(draw, n))
    if draw(st.booleans()):
        step = draw(stride)
        args.append(f"strides={step}")
        if "Transpose" in kind and step > 1 and draw(st.booleans()):
            args.append(f"output_padding={draw(st.integers(0, step - 1))}")
    elif draw(st.booleans()):
        args.append(f"dilation_rate={draw(st.integers(2, 3))}")
    args.append(f'padding="{padding}"')
    if (kind.startswith("Depthwise") or kind.startswith("Separable")) and draw(st.booleans()):
        args.append(f"depth_multiplier={draw(st.integers(1, 3))}")
    if draw(st.integers(0, 4)) == 0:
        args.append("use_bias=False")
    return f"layers.{kind}({', '.join(args)}{_fmt(draw, n, ctx)})", r


def g_pool(draw, r, ctx):
    n = r - 2
    if n not in (1, 2, 3):
        return None
    kind = draw(st.sampled_from(["Max", "Average"]))
    args = []
    if kind == "Average" or draw(st.booleans()):  # AveragePooling has no default pool_size
        args.append(f"pool_size={draw(kernel)}")
    if draw(st.booleans()):
        args.append(f"strides={draw(stride)}")
    args.append(f'padding="{draw(st.sampled_from(["valid", "same"]))}"')
    return f"layers.{kind}Pooling{n}D({', '.join(args)}{_fmt(draw, n, ctx)})", r


def g_global_pool(draw, r, ctx):
    n = r - 2
    if n not in (1, 2, 3):
        return None
    kind = draw(st.sampled_from(["Max", "Average"]))
    keep = draw(st.booleans())
    return f"layers.Global{kind}Pooling{n}D(keepdims={keep}{_fmt(draw, n, ctx)})", (r if keep else 2)


def g_adaptive_pool(draw, r, ctx):
    n = r - 2
    if n not in (1, 2, 3):
        return None
    kind = draw(st.sampled_from(["Max", "Average"]))
    return f"layers.Adaptive{kind}Pooling{n}D({_dims(draw, n)})", r


def g_upsampling(draw, r, ctx):
    n = r - 2
    if n not in (1, 2, 3):
        return None
    return f"layers.UpSampling{n}D({draw(st.integers(1, 3))}{_fmt(draw, n, ctx)})", r


def g_padding(draw, r, ctx):
    n = r - 2
    if n not in (1, 2, 3):
        return None
    kind = draw(st.sampled_from(["ZeroPadding", "Cropping"]))
    low = 0 if kind == "ZeroPadding" else 1
    if draw(st.booleans()):
        amount = str(draw(st.integers(low, 2)))
    else:  # one (before, after) pair per spatial axis
        pairs = [f"({draw(st.integers(low, 2))}, {draw(st.integers(0, 2))})" for _ in range(n)]
        amount = pairs[0] if n == 1 else "(" + ", ".join(pairs) + ")"
    return f"layers.{kind}{n}D({amount}{_fmt(draw, n, ctx)})", r


def g_resize(draw, r, ctx):
    if r != 4:
        return None
    kind = draw(st.sampled_from(["Resizing", "CenterCrop"]))
    return f"layers.{kind}({draw(st.integers(1, 9))}, {draw(st.integers(1, 9))})", r


def g_spatial_dropout(draw, r, ctx):
    n = r - 2
    if n not in (1, 2, 3):
        return None
    return f"layers.SpatialDropout{n}D(0.2)", r


# Families that take any rank, and those whose rank they need (the generator keeps to it,
# except for the deliberate misfits below).
ANY_RANK = [g_dense, g_identity, g_flatten, g_reshape, g_time_distributed, g_permute, g_einsum]
BY_RANK = {
    2: [g_repeat],
    3: [g_rnn, g_bidirectional, g_conv, g_pool, g_global_pool, g_adaptive_pool, g_upsampling, g_padding,
        g_spatial_dropout],
    4: [g_conv, g_conv_rnn, g_pool, g_global_pool, g_adaptive_pool, g_upsampling, g_padding, g_resize,
        g_spatial_dropout],
    5: [g_conv, g_conv_rnn, g_pool, g_global_pool, g_upsampling, g_padding, g_spatial_dropout],
}
RANKED = sorted({g for gs in BY_RANK.values() for g in gs}, key=lambda g: g.__name__)


def _merge(draw, r, t, n):
    """A two-input layer on ``t`` and a sibling made from it: lines to add, and the rank."""
    kind = draw(st.sampled_from(["concat", "add", "dot", "attention", "mha"] if r == 3 else ["concat", "add", "dot"]))
    sibling = (draw(st.sampled_from(['layers.Activation("tanh")', "layers.Dropout(0.1)", "layers.Identity()"])), [t])
    s = f"t{n + 1}"
    if kind == "concat":
        axis = draw(st.integers(1, r - 1)) if draw(st.booleans()) else -1
        return [sibling, (f"layers.Concatenate(axis={axis})", [t, s])], r
    if kind == "add":
        op = draw(st.sampled_from(["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]))
        return [sibling, (f"layers.{op}()", [t, s])], r
    if kind == "dot":
        axis = draw(st.integers(1, r - 1))
        return [sibling, (f"layers.Dot(axes={axis})", [t, s])], (2 if r <= 2 else 2 * r - 3)
    if kind == "attention":
        code = draw(st.sampled_from([
            "Attention()", "Attention(use_scale=True)", 'Attention(use_scale=True, score_mode="concat")',
            "AdditiveAttention()", "AdditiveAttention(use_scale=False)",
        ]))
        return [sibling, (f"layers.{code}", [t, s])], 3
    heads = draw(st.integers(1, 3))
    if draw(st.integers(0, 3)) == 0:
        kv = draw(st.integers(1, heads))
        q_heads = heads * kv
        gate = ", use_gate=True" if draw(st.booleans()) else ""
        code = f"layers.GroupQueryAttention({draw(small)}, {q_heads}, {kv}{gate})"
        return [sibling, (code, [t, s])], 3
    out = f", output_shape={draw(small)}" if draw(st.booleans()) else ""
    out += f", value_dim={draw(small)}" if draw(st.booleans()) else ""
    out += ", use_bias=False" if draw(st.integers(0, 3)) == 0 else ""
    return [sibling, (f"layers.MultiHeadAttention(num_heads={heads}, key_dim={draw(small)}{out})", [t, s])], 3


def _shared(draw, r, t, n, model):
    """One layer instance applied to ``t`` and to a sibling, then added: counted once."""
    name = f"shared{n}"
    units = draw(small)
    code = draw(st.sampled_from(
        [f"layers.Dense({units})"]
        + ([f'layers.Conv1D({units}, {draw(kernel)}, padding="same")', f"layers.GRU({units}, return_sequences=True)"]
           if r == 3 else [])
        + ([f'layers.Conv2D({units}, {draw(kernel)}, padding="same")'] if r == 4 else [])
    ))
    model.prelude.append(f"{name} = {code}")
    sibling = ('layers.Activation("tanh")', [t])
    return [sibling, (name, [t]), (name, [f"t{n + 1}"]), ("layers.Add()", [f"t{n + 2}", f"t{n + 3}"])]


def _nested(draw, r, t, n, model):
    """A small Sequential called as a layer: its count is the sum of its layers'."""
    name = f"inner{n}"
    body = [f"layers.Dense({draw(small)})"]
    body.append(draw(st.sampled_from(["layers.BatchNormalization()", "layers.Dropout(0.1)", "layers.LayerNormalization()"])))
    body.append(f"layers.Dense({draw(small)})")
    model.prelude.append(f"{name} = keras.Sequential([{', '.join(body)}])")
    return [(name, [t])]


@st.composite
def models(draw):
    style = draw(st.sampled_from(["sequential", "functional", "input_shape"]))
    rank = draw(st.integers(2, 5))
    # Variable axes, but a fixed feature axis, as real inputs have.
    dims = tuple(draw(st.one_of(st.none(), st.integers(1, 12))) if draw(st.integers(0, 3)) == 0
                 else draw(st.integers(1, 12)) for _ in range(rank - 2)) + (draw(st.integers(1, 12)),)
    model = Generated(style, dims)
    ctx = {"fixed": None not in dims}
    if rank == 2 and style != "input_shape" and draw(st.booleans()):
        model.int_input = True
        model.layers.append((f"layers.Embedding(50, {draw(small)})", ["t0"]))
        rank = 3
    for _ in range(draw(st.integers(1, 6))):
        t = f"t{len(model.layers)}"
        if style == "functional" and draw(st.integers(0, 5)) == 0:
            lines, rank = _merge(draw, rank, t, len(model.layers))
            model.layers.extend(lines)
            continue
        if style == "functional" and draw(st.integers(0, 7)) == 0:
            make = draw(st.sampled_from([_shared, _nested]))
            model.layers.extend(make(draw, rank, t, len(model.layers), model))
            continue
        misfit = draw(st.integers(0, 9)) == 0
        pool = RANKED if misfit else ANY_RANK + BY_RANK.get(rank, [])
        made = None
        for _ in range(5):
            made = draw(st.sampled_from(pool))(draw, rank, ctx)
            if made is not None:
                break
        if made is None:
            continue
        code, rank = made
        model.layers.append((code, [t]))
        if misfit:
            break  # the rank is no longer certain: end the model here
    if not model.layers:
        model.layers.append(("layers.Identity()", ["t0"]))
    return model


# -- comparison ---------------------------------------------------------------------------------
def kerlint_shapes(src: str, style: str):
    """The output shape kerlint infers for each generated layer, in order (None: unknown), the
    input shapes, and the layer (an ``ir.Layer``)."""
    ir = extract(cst.parse_module(src))
    if style != "functional":
        (model,) = [m for m in ir.models if m.style == "sequential"]
        steps = sequential_steps(model)
        return [step.out_shape for step in steps], [[step.in_shape] for step in steps], [s.layer for s in steps]
    calls = ir.layer_calls
    outs = [lc.out_shapes[0] if lc.out_shapes and len(lc.out_shapes) == 1 else None for lc in calls]
    return outs, [list(lc.in_shapes) for lc in calls], [lc.layer for lc in calls]


def kerlint_params(layer, in_shapes, out_shape) -> ParamCount | None:
    """kerlint's count for one generated layer (a nested Sequential: the sum of its layers)."""
    return layer_params(layer, in_shapes, [out_shape] if out_shape is not None else [])


def keras_params(obj) -> ParamCount:
    """The trainable / non-trainable split of a Keras layer or model (sizes read from shapes)."""
    size = lambda weights: sum(math.prod(w.shape) for w in weights)  # noqa: E731
    count = ParamCount(size(obj.trainable_weights), size(obj.non_trainable_weights))
    assert count.total == obj.count_params(), (count, obj.count_params())
    return count


def keras_shapes(namespace: dict, generated: Generated):
    if generated.style != "functional":
        return [tuple(layer.output.shape) for layer in namespace["model"].layers]
    return [tuple(namespace[f"t{i}"].shape) for i in range(1, len(generated.layers) + 1)]


def keras_layers(namespace: dict, generated: Generated):
    """The Keras layer (or nested model) behind each generated layer, in order."""
    if generated.style != "functional":
        return list(namespace["model"].layers)
    return [namespace[f"t{i}"]._keras_history.operation for i in range(1, len(generated.layers) + 1)]


def agrees(ours, theirs) -> bool:
    if ours is None:
        return True
    if len(ours) != len(theirs):
        return False
    for d, k in zip(ours, theirs):
        if d is VAR:
            if k is not None:
                return False
        elif isinstance(d, int) and d != k:
            return False
    return True


# Keras refuses a layer with weights whose input has no fixed size on the axis the weights
# span (e.g. Dense after Flatten of a variable-length axis). That is not a rank mismatch or
# a collapse (not KER202/KER206); kerlint agrees when it shows that axis as not fixed.
_UNDEFINED = (
    "must be fully-defined", "should be defined", "only support static input shapes",
    "should have a defined dimension",  # GroupNormalization
    "'NoneType'",  # convolutions whose channel axis is None crash on arithmetic with it
)


def undefined_features(exc) -> bool:
    return any(words in str(exc) for words in _UNDEFINED)


def _open_feature_axis(shape) -> bool:
    return shape is not None and len(shape) >= 2 and not all(isinstance(d, int) for d in shape[1:])


def count(what: str, n: int = 1) -> None:
    COUNTS[what] = COUNTS.get(what, 0) + n


def knows_all(shapes) -> bool:
    """kerlint claims every dim of every shape (batch aside): fixed or left to the data."""
    return all(s is not None and all(isinstance(d, int) or d is VAR for d in s[1:]) for s in shapes)


def check_refusal(refused, reported, ours, ins) -> None:
    """Keras refuses the model: kerlint reports it, or does not claim to know every shape (or
    shows as not fixed the axis Keras needed fixed)."""
    count("refused by Keras")
    open_axis = any(_open_feature_axis(i) for shapes in ins for i in shapes)
    if not reported and not (undefined_features(refused) and open_axis):
        assert not knows_all(ours), (
            f"Keras refuses the model ({type(refused).__name__}: {str(refused)[:300]}) but kerlint "
            f"claims to know every shape: {ours}"
        )


def compare(src: str, generated: Generated):
    count("models")
    count(generated.style)
    ours, ins, our_layers = kerlint_shapes(src, generated.style)
    reported = [r.code for r in lint_source(src, "generated.py", ["KER202", "KER206"]).reports]
    namespace: dict = {}
    try:
        run(src, namespace=namespace)
        refused = None
    except Exception as exc:  # noqa: BLE001 - any refusal by Keras is what is compared
        refused = exc
    if reported:
        count("reported KER202/KER206")
        assert refused is not None, f"kerlint reports {reported} but Keras builds the model"
    if refused is not None:
        check_refusal(refused, reported, ours, ins)
        return
    theirs = keras_shapes(namespace, generated)
    assert len(ours) == len(theirs), (ours, theirs)
    for i, (o, k) in enumerate(zip(ours, theirs)):
        assert agrees(o, k), f"layer {i + 1} ({generated.layers[i][0]}): kerlint {o}, Keras {k}"
        count("layer shapes compared")
        if o is None:
            count("layer shapes kerlint leaves unknown")
        else:
            count("dims kerlint fixes, checked", sum(isinstance(d, int) for d in o[1:]))
            count("dims kerlint calls variable, checked", sum(d is VAR for d in o[1:]))
    compare_params(generated, namespace, ours, ins, our_layers)


def compare_params(generated: Generated, namespace: dict, ours, ins, our_layers):
    """Layer by layer, kerlint's parameter counts against Keras's; then the model's totals."""
    theirs = keras_layers(namespace, generated)
    assert len(our_layers) == len(theirs), (our_layers, theirs)
    distinct: dict[int, ParamCount | None] = {}
    for i, (layer, layer_ins, out, keras_layer) in enumerate(zip(our_layers, ins, ours, theirs)):
        got = kerlint_params(layer, layer_ins, out)
        distinct[id(layer)] = got
        count("layer params compared")
        if got is None:
            count("layer params kerlint leaves unknown")
            continue
        want = keras_params(keras_layer)
        assert got == want, f"layer {i + 1} ({generated.layers[i][0]}) on {layer_ins}: kerlint {got}, Keras {want}"
        count("layer params checked")
        count("weights checked", want.total)
    if None in distinct.values():
        return
    total = ParamCount(sum(c.trainable for c in distinct.values()), sum(c.non_trainable for c in distinct.values()))
    want = keras_params(namespace["model"])
    assert total == want, f"model totals: kerlint {total}, Keras {want}"
    count("model totals checked")
    if len(distinct) < len(our_layers):
        count("model totals with a shared layer")
    if any(layer.model is not None for layer in our_layers):
        count("model totals with a nested model")


# Cases the search found at the edges of the comparison, kept as regression examples.
EDGES = [
    # A variable axis permuted into the channel position: Keras crashes building Conv3D.
    Generated("functional", (None, None, 1), [
        ("layers.Permute((1, 2, 4, 3))", ["t0"]),
        ('layers.Conv3D(1, 1, padding="valid")', ["t1"]),
    ]),
    # Add of two (1, 1, 1, 1) maps, then a kernel of 2: Keras refuses, kerlint leaves the dims open.
    Generated("functional", (None, None, None, 1), [
        ("layers.GlobalMaxPooling3D(keepdims=True)", ["t0"]),
        ('layers.Activation("tanh")', ["t1"]),
        ("layers.Add()", ["t1", "t2"]),
        ('layers.ConvLSTM2D(1, 2, padding="valid", return_sequences=False)', ["t3"]),
    ]),
    # Stacked LSTM without return_sequences (KER202) and a collapsing pool chain (KER206).
    Generated("sequential", (20, 4), [
        ("layers.LSTM(3, return_sequences=False)", ["t0"]),
        ("layers.LSTM(2, return_sequences=False)", ["t1"]),
    ]),
    Generated("input_shape", (5, 5, 2), [
        ('layers.Conv2D(4, 3, padding="valid")', ["t0"]),
        ("layers.MaxPooling2D(pool_size=2)", ["t1"]),
        ('layers.Conv2D(4, 2, padding="valid")', ["t2"]),
    ]),
    # One layer applied twice (counted once) and a Sequential used as a layer (its layers' sum).
    Generated("functional", (6, 5), [
        ('layers.Activation("tanh")', ["t0"]),
        ("shared", ["t0"]),
        ("shared", ["t1"]),
        ("layers.Add()", ["t2", "t3"]),
        ("inner", ["t4"]),
    ], prelude=[
        "shared = layers.GRU(4, return_sequences=True)",
        "inner = keras.Sequential([layers.Dense(3), layers.BatchNormalization(), layers.Dense(2)])",
    ]),
]


@pytest.mark.filterwarnings("ignore::UserWarning")  # Keras's advice against input_shape=
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(models())
@example(EDGES[0])
@example(EDGES[1])
@example(EDGES[2])
@example(EDGES[3])
@example(EDGES[4])
def test_shape_inference_agrees_with_keras(generated):
    compare(generated.source(), generated)


# -- subclassed models --------------------------------------------------------------------------
# A ``keras.Model`` subclass: ``__init__`` makes the layers (as attributes, or in a list applied
# in a ``for`` loop), ``call(self, inputs, training=False)`` applies them in order, with
# residual ``x = x + y`` where the shapes match, a dropout on the ``if training:`` path,
# ``x * 0.5`` and a closing softmax as a function. kerlint follows ``call()`` once, on the
# ``training=False`` path, on the shape given to ``model.build`` or on the ``keras.Input`` the
# model is called on.
#
# Keras runs ``call()`` on symbolic tensors of its backend, not on KerasTensors, so the shape of
# each step is read from a functional mirror: the model's own layer instances (built by the
# model's call) applied in the same order to a ``keras.Input`` of the same shape, ``+`` / ``*``
# and ``keras.ops.softmax`` on KerasTensors: each layer's shape function, as for functional
# models above. (TensorFlow's static shapes in the traced call() can know less: a dilated
# convolution loses its spatial dims there, though the tensor it makes has them.) The mirror's
# last shape must fit the model's output shape (the same dim where both are fixed).
#
# The shape functions can also know less than the run: EinsumDense leaves ``None`` in its
# ``output_shape`` open where the traced op fixes it, and a layer after it may refuse the open
# axis in the mirror though the model builds. Then the mirror runs the way call() does (inside
# a layer's call(), on the backend's tensors), and a dim that trace leaves open is not checked.
#
# Keras 3's ``model.build(shape)`` does not run ``call()`` on a subclass that has no ``build()``
# of its own: its layers stay unbuilt and ``count_params()`` is 0 until the model is first
# called. kerlint counts the weights the model has once it runs (what ``fit`` trains), so both
# build styles are compared with the model after a call on an input of the declared shape.
SUB_HEADER = "import keras\nimport tensorflow as tf\nfrom keras import layers\n"
# Adaptive pooling is left out: Keras 3.15's TensorFlow implementation (which a subclass's
# call() runs, unlike a functional model's construction) fails on most inputs, (1, 1, 1) to
# (1, 1) included, and (4, 4, 1) to (1, 1) eagerly kills the process with SIGFPE.
SUB_RANKED = [g for g in RANKED if g is not g_adaptive_pool]


def _sub_families(rank):
    return [g for g in ANY_RANK + BY_RANK.get(rank, []) if g is not g_adaptive_pool]


SOFTMAXES = ["tf.nn.softmax", "keras.ops.softmax", "keras.activations.softmax"]


@dataclass
class Subclassed:
    input_shape: tuple
    build: str  # "build": model.build((None, ...)) | "input": outputs = model(keras.Input(shape=...))
    steps: list = field(default_factory=list)  # ("attr" | "loop" | "residual" | "scale" | "train", ...)
    int_input: bool = False
    softmax: str | None = None  # the function closing call(), if any
    softmax_in_return: bool = False  # ``return tf.nn.softmax(x)`` rather than a statement before

    @property
    def shape_code(self) -> str:
        return "(" + ", ".join("None" if d is None else str(d) for d in self.input_shape) + ",)"

    @property
    def input_code(self) -> str:
        dtype = ', dtype="int32"' if self.int_input else ""
        return f"keras.Input(shape={self.shape_code}{dtype})"

    def source(self) -> str:
        init, body = [], []
        for step in self.steps:
            kind = step[0]
            if kind == "attr":
                _, name, code, pair = step
                init.append(f"self.{name} = {code}")
                body.append(f"x = self.{name}(x, x)" if pair else f"x = self.{name}(x)")
            elif kind == "loop":
                _, name, codes, mode = step
                init.append(f"self.{name} = [{', '.join(codes)}]")
                body.append(f"for layer in self.{name}:")
                body += {"plain": ["    x = layer(x)"], "residual": ["    x = x + layer(x)"],
                         "residual2": ["    y = layer(x)", "    x = x + y"]}[mode]
            elif kind == "residual":
                _, parts = step
                src = "x"
                for name, code, pair in parts:
                    init.append(f"self.{name} = {code}")
                    body.append(f"y = self.{name}({src}, {src})" if pair else f"y = self.{name}({src})")
                    src = "y"
                body.append("x = x + y")
            elif kind == "scale":
                body.append("x = x * 0.5")
            else:  # "train": only on the training path
                _, name = step
                init.append(f"self.{name} = layers.Dropout(0.3)")
                body += ["if training:", f"    x = self.{name}(x)"]
        ret = "x"
        if self.softmax and self.softmax_in_return:
            ret = f"{self.softmax}(x)"
        elif self.softmax:
            body.append(f"x = {self.softmax}(x)")
        lines = [
            "class Net(keras.Model):",
            "    def __init__(self):",
            "        super().__init__()",
            *(f"        {line}" for line in init),
            "",
            "    def call(self, inputs, training=False):",
            "        x = inputs",
            *(f"        {line}" for line in body),
            f"        return {ret}",
            "",
            "",
            "model = Net()",
            f"model.build((None, {', '.join('None' if d is None else str(d) for d in self.input_shape)}))"
            if self.build == "build" else f"outputs = model({self.input_code})",
        ]
        return SUB_HEADER + "\n\n" + "\n".join(lines) + "\n"

    def mirror(self, traced: bool = False):
        """(source, ops): a functional program applying ``model``'s own layers in the order
        ``call()`` does, binding ``mirrored`` to its tensors (one per op), and for each op the
        expression of its Keras layer (None for arithmetic and softmax) and what it is, for
        messages. ``traced``: the same program as the call() of a layer, traced as call() is."""
        lines, ops = [f"m0 = {self.input_code}"], []

        def emit(expr, layer, what):
            lines.append(f"m{len(ops) + 1} = {expr}")
            ops.append((layer, what))
            return f"m{len(ops)}"

        cur = "m0"
        for step in self.steps:
            kind = step[0]
            if kind == "attr":
                _, name, code, pair = step
                cur = emit(f"model.{name}({cur}, {cur})" if pair else f"model.{name}({cur})", f"model.{name}", code)
            elif kind == "loop":
                _, name, codes, mode = step
                for i, code in enumerate(codes):
                    y = emit(f"model.{name}[{i}]({cur})", f"model.{name}[{i}]", code)
                    cur = y if mode == "plain" else emit(f"{cur} + {y}", None, "x + y")
            elif kind == "residual":
                _, parts = step
                y = cur
                for name, code, pair in parts:
                    y = emit(f"model.{name}({y}, {y})" if pair else f"model.{name}({y})", f"model.{name}", code)
                cur = emit(f"{cur} + {y}", None, "x + y")
            elif kind == "scale":
                cur = emit(f"{cur} * 0.5", None, "x * 0.5")
        if self.softmax:
            cur = emit(f"keras.ops.softmax({cur})", None, self.softmax)
        outs = "[" + ", ".join(f"m{i}" for i in range(1, len(ops) + 1)) + "]"
        if not traced:
            return "\n".join([*lines, f"mirrored = {outs}"]) + "\n", ops
        body = "".join(f"        {line}\n" for line in lines[1:])
        return (f"class Mirror(keras.layers.Layer):\n    def call(self, m0):\n{body}        return {outs}\n\n\n"
                f"mirrored = Mirror()({self.input_code})\n"), ops


def _width(code: str):
    """The last axis after ``code`` when it is plain to read (a Dense), else None."""
    import re

    m = re.match(r"layers\.(?:TimeDistributed\(layers\.)?Dense\((\d+)", code)
    return int(m.group(1)) if m else None


def _keeps_shape(draw, r, width, ctx):
    """A layer whose output has its input's shape (last axis ``width``): (code, takes (x, x))."""
    n = r - 2
    options = ["identity", "dense"]
    if r >= 3:
        options += ["time_dense", "conv"]
    if r == 3:
        options += ["rnn", "mha", "bidirectional"]
    kind = draw(st.sampled_from(options))
    if kind == "identity":
        return g_identity(draw, r, ctx)[0], False
    if kind == "dense":
        extra = draw(st.sampled_from(["", ", use_bias=False", ', activation="relu"']))
        return f"layers.Dense({width}{extra})", False
    if kind == "time_dense":
        return f"layers.TimeDistributed(layers.Dense({width}))", False
    if kind == "rnn":
        return f"layers.{draw(st.sampled_from(['LSTM', 'GRU', 'SimpleRNN']))}({width}, return_sequences=True)", False
    if kind == "bidirectional":
        mode = draw(st.sampled_from(["sum", "mul", "ave"]))
        return f'layers.Bidirectional(layers.LSTM({width}, return_sequences=True), merge_mode="{mode}")', False
    if kind == "mha":
        return f"layers.MultiHeadAttention(num_heads={draw(st.integers(1, 3))}, key_dim={draw(small)})", True
    conv = draw(st.sampled_from({1: ["Conv1D", "SeparableConv1D", "DepthwiseConv1D"],
                                 2: ["Conv2D", "SeparableConv2D", "DepthwiseConv2D"], 3: ["Conv3D"]}[n]))
    filters = "" if conv.startswith("Depthwise") else f"{width}, "
    padding = draw(st.sampled_from(["same", "causal"])) if conv == "Conv1D" else "same"
    return f'layers.{conv}({filters}{draw(kernel)}, padding="{padding}")', False


@st.composite
def subclassed_models(draw):
    rank = draw(st.integers(2, 5))
    dims = tuple(draw(st.one_of(st.none(), st.integers(1, 12))) if draw(st.integers(0, 3)) == 0
                 else draw(st.integers(1, 12)) for _ in range(rank - 2)) + (draw(st.integers(1, 12)),)
    model = Subclassed(dims, draw(st.sampled_from(["build", "input"])))
    ctx = {"fixed": None not in dims}
    width = dims[-1]
    numbers = iter(range(100))

    def name(prefix):  # attribute names: layer0, blocks1, dropout2, ...
        return f"{prefix}{next(numbers)}"

    if rank == 2 and draw(st.booleans()):
        model.int_input = True
        width = draw(small)
        model.steps.append(("attr", name("layer"), f"layers.Embedding(50, {width})", False))
        rank = 3

    def generic():
        """A layer of the shared families: (code, rank after, width after), or None."""
        for _ in range(5):
            family = draw(st.sampled_from(_sub_families(rank)))
            made = family(draw, rank, ctx)
            if made is not None:
                code, after = made
                return code, after, width if family is g_identity else _width(code)
        return None

    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["attr", "attr", "loop", "residual", "scale", "train", "misfit"]))
        if kind == "misfit":  # a layer that may not take this rank: the model ends there
            for _ in range(5):
                made = draw(st.sampled_from(SUB_RANKED))(draw, rank, ctx)
                if made is not None:
                    model.steps.append(("attr", name("layer"), made[0], False))
                    break
            break
        if kind == "attr":
            made = generic()
            if made is not None:
                code, rank, width = made
                model.steps.append(("attr", name("layer"), code, False))
        elif kind == "scale":
            model.steps.append(("scale",))
        elif kind == "train":
            model.steps.append(("train", name("dropout")))
        elif kind == "loop" and draw(st.booleans()):  # a stack of layers, each on the last's output
            codes = []
            for _ in range(draw(st.integers(1, 3))):
                made = generic()
                if made is not None:
                    code, rank, width = made
                    codes.append(code)
            if codes:
                model.steps.append(("loop", name("blocks"), codes, "plain"))
        else:  # a residual: a loop of shape-keeping layers, or a chain of them added to its input
            if width is None:  # set the last axis first
                width = draw(small)
                model.steps.append(("attr", name("layer"), f"layers.Dense({width})", False))
            if kind == "loop":
                mode = draw(st.sampled_from(["residual", "residual2"]))
                codes = [code for code, pair in (_keeps_shape(draw, rank, width, ctx)
                                                 for _ in range(draw(st.integers(1, 3)))) if not pair]
                if codes:
                    model.steps.append(("loop", name("blocks"), codes, mode))
            else:
                parts = [(name("layer"), *_keeps_shape(draw, rank, width, ctx)) for _ in range(draw(st.integers(1, 2)))]
                model.steps.append(("residual", parts))
    if draw(st.booleans()):
        model.softmax = draw(st.sampled_from(SOFTMAXES))
        model.softmax_in_return = draw(st.booleans())
    if not any(step[0] in ("attr", "loop", "residual") for step in model.steps):
        model.steps.append(("attr", name("layer"), "layers.Identity()", False))
    return model


def kerlint_subclassed(src: str):
    """kerlint's subclassed model and the layer calls of its ``call()``, in order."""
    ir = extract(cst.parse_module(src))
    (model,) = [m for m in ir.models if m.style == "subclassed"]
    return model, [lc for lc in ir.layer_calls if lc.layer.model is not model]


def kerlint_total(src: str) -> ParamCount | None:
    """The parameter totals of ``kerlint summary`` for the model, when it gives them."""
    entries, notice = summarize_text(src, "generated.py")
    assert notice is None, notice
    (entry,) = [e for e in entries if e["kind"] == "model"]
    params = entry["params"]
    return None if params is None else ParamCount(params["trainable"], params["non_trainable"])


_OP_KINDS = {"x + y": "Add", "x * 0.5": "Multiply"}


def compare_subclassed(generated: Subclassed):
    src = generated.source()
    count("subclassed")
    count(f"subclassed, {generated.build}")
    model, calls = kerlint_subclassed(src)
    ours = [lc.out_shapes[0] if len(lc.out_shapes) == 1 else None for lc in calls]
    ins = [list(lc.in_shapes) for lc in calls]
    reported = [r.code for r in lint_source(src, "generated.py", ["KER202", "KER206"]).reports]
    namespace: dict = {}
    try:
        run(src, namespace=namespace)
        if generated.build == "build":  # build() alone does not run call() (see above)
            namespace["outputs"] = namespace["model"](eval(generated.input_code, namespace))
        out = namespace["outputs"]
        refused = None
    except Exception as exc:  # noqa: BLE001 - any refusal by Keras is what is compared
        refused = exc
    if reported:
        count("reported KER202/KER206")
        assert refused is not None, f"kerlint reports {reported} but Keras builds the model"
    if refused is not None:
        check_refusal(refused, reported, ours if model.outputs is not None else [None], ins)
        return
    assert model.outputs is not None, f"kerlint does not follow call(): {model.why}"
    mirror, ops = generated.mirror()
    try:
        exec(mirror, namespace)
        traced = False
    except Exception:  # noqa: BLE001 - Keras's shape functions refuse what its run accepts
        exec(generated.mirror(traced=True)[0], namespace)
        traced = True
        count("subclassed mirrors traced (a shape function knows less than the run)")
    theirs = [tuple(t.shape) for t in namespace["mirrored"]]
    assert len(theirs[-1]) == len(out.shape) and all(
        a is None or b is None or a == b for a, b in zip(theirs[-1], out.shape)), (
        "the mirror is not the model", theirs[-1], out.shape)
    assert len(ours) == len(theirs), (
        f"kerlint follows {len(ours)} ops, call() applies {len(theirs)}: {[lc.layer.kind for lc in calls]}")
    for i, (lc, o, k, (layer_expr, what)) in enumerate(zip(calls, ours, theirs, ops)):
        claim = o
        if traced and o is not None and len(o) == len(k):  # a dim the trace leaves open: unchecked
            claim = tuple(None if t is None else d for d, t in zip(o, k))
        assert agrees(claim, k), f"op {i + 1} ({what}): kerlint {o}, Keras {k}"
        count("subclassed op shapes compared")
        if o is None:
            count("subclassed op shapes kerlint leaves unknown")
        if layer_expr is None:  # arithmetic or a softmax function: an op without weights
            assert lc.layer.applied_as_function, (i + 1, what, lc.layer.kind)
            assert lc.layer.kind == _OP_KINDS.get(what, "Activation"), (i + 1, what, lc.layer.kind)
            continue
        got = kerlint_params(lc.layer, lc.in_shapes, o)
        if got is None:
            count("subclassed layer params kerlint leaves unknown")
            continue
        want = keras_params(eval(layer_expr, namespace))
        assert got == want, f"op {i + 1} ({what}) on {lc.in_shapes}: kerlint {got}, Keras {want}"
        count("subclassed layer params checked")
    total = kerlint_total(src)
    if total is not None:
        want = keras_params(namespace["model"])
        assert total == want, f"model totals: kerlint {total}, Keras {want}"
        count("subclassed model totals checked")


SUB_EDGES = [
    # Every construct at once: an embedding, self-attention added to its input, a residual loop,
    # a scale, a dropout kerlint must skip, and the softmax in the return; built by a call.
    Subclassed((7,), "input", int_input=True, steps=[
        ("attr", "embed", "layers.Embedding(50, 8)", False),
        ("residual", [("attention", "layers.MultiHeadAttention(num_heads=2, key_dim=4)", True)]),
        ("loop", "blocks", ["layers.Dense(8)", "layers.LayerNormalization()"], "residual"),
        ("scale",),
        ("train", "dropout"),
    ], softmax="keras.ops.softmax", softmax_in_return=True),
    # A plain loop of convolutions on a variable-length axis, built with model.build().
    Subclassed((None, 4), "build", steps=[
        ("loop", "blocks", ['layers.Conv1D(6, 3, padding="valid")', "layers.MaxPooling1D(pool_size=2)"], "plain"),
        ("residual", [("conv", 'layers.Conv1D(6, 2, padding="causal")', False), ("relu", "layers.ReLU()", False)]),
        ("attr", "pool", "layers.GlobalAveragePooling1D(keepdims=False)", False),
        ("attr", "head", "layers.Dense(3)", False),
    ], softmax="tf.nn.softmax"),
    # GroupNormalization after Flatten of variable axes: Keras refuses the undefined feature
    # axis, which kerlint shows as variable.
    Subclassed((None, None, 1), "build", steps=[
        ("attr", "layer0", "layers.Dense(1)", False),
        ("attr", "layer1", "layers.Flatten()", False),
        ("attr", "layer2", "layers.GroupNormalization(groups=1)", False),
    ]),
    # EinsumDense's shape function leaves (None, None, 1) where the run has (None, 1, 1): the
    # depthwise convolution refuses the mirror's open channel axis, the model builds.
    Subclassed((1, 1), "build", steps=[
        ("attr", "layer0", 'layers.EinsumDense("abc,cz->abz", output_shape=(None, 1,))', False),
        ("loop", "blocks1", ["layers.Permute((2, 1))", 'layers.DepthwiseConv1D(1, padding="valid")'], "plain"),
    ]),
]


@pytest.mark.filterwarnings("ignore::UserWarning")  # Keras's warning on build() of a subclass
@settings(max_examples=SUB_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(subclassed_models())
@example(SUB_EDGES[0])
@example(SUB_EDGES[1])
@example(SUB_EDGES[2])
@example(SUB_EDGES[3])
def test_subclassed_shapes_and_params_agree_with_keras(generated):
    compare_subclassed(generated)


# -- the keras-io-style fixtures -------------------------------------------------------------------
FIXTURES = ["clean/mnist_convnet.py", "clean/functional_multi_input.py", "KER201/good_keras_io_models.py"]
_NOT_MODEL = ("datasets", ".fit(", ".compile(", ".evaluate(", ".predict(", ".summary(", "np.", "numpy")


def model_slice(src: str) -> str:
    """The statements of ``src`` that build models: data loading, training and whatever uses
    their names dropped, so the slice runs without data."""
    import ast

    tree = ast.parse(src)
    dropped: set = set()
    kept = []
    for stmt in tree.body:
        text = ast.get_source_segment(src, stmt) or ""
        names = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
        if any(word in text for word in _NOT_MODEL) or names & dropped:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    dropped.add(node.id)
            continue
        kept.append(text)
    return "\n".join(kept) + "\n"


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_models_param_counts_agree_with_keras(fixture):
    """Every model of the keras-io-style fixtures whose every layer kerlint counts: each layer's
    count and the model's totals are Keras's."""
    from pathlib import Path

    from kerlint.analysis.graph import functional_calls

    src = model_slice((Path(__file__).parent.parent / "fixtures" / fixture).read_text())
    ir = extract(cst.parse_module(src))
    namespace: dict = {}
    run(src, namespace=namespace)
    checked = 0
    for model in ir.models:
        built = namespace.get(model.name or "")
        if not model.has_graph or built is None or not isinstance(built, keras.Model):
            continue
        if model.style == "sequential":
            pairs = [(s.layer, [s.in_shape], [s.out_shape] if s.out_shape else []) for s in sequential_steps(model)]
        else:
            pairs = [(lc.layer, lc.in_shapes, lc.out_shapes) for lc in functional_calls(model)]
        counts = {id(layer): layer_params(layer, ins, outs) for layer, ins, outs in pairs}
        if None in counts.values():
            continue
        total = ParamCount(sum(c.trainable for c in counts.values()), sum(c.non_trainable for c in counts.values()))
        assert total == keras_params(built), f"{fixture}: {model.name}: kerlint {total}, Keras {keras_params(built)}"
        checked += 1
        count("fixture models checked")
    assert checked, f"no model of {fixture} is fully counted"
