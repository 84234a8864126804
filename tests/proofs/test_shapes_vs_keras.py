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

from .proving import COUNTS, run

keras = pytest.importorskip("keras", reason="the comparison builds the models with Keras (pip install -e '.[test]')")

pytestmark = pytest.mark.proof

HEADER = "import keras\nfrom keras import layers\n"
# At least 1,000 per run; set KERLINT_SHAPE_EXAMPLES to search longer.
EXAMPLES = max(1000, int(os.environ.get("KERLINT_SHAPE_EXAMPLES", "1000")))


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
        count("refused by Keras")
        open_axis = any(_open_feature_axis(i) for shapes in ins for i in shapes)
        if not reported and not (undefined_features(refused) and open_axis):
            assert not knows_all(ours), (
                f"Keras refuses the model ({type(refused).__name__}: {str(refused)[:300]}) but kerlint "
                f"claims to know every shape: {ours}"
            )
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
