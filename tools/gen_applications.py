"""Generate kerlint/catalog/applications.json: the ``keras.applications`` backbones.

For every constructor ``keras.applications`` exports (ResNet50, MobileNetV2, EfficientNetB0,
...) this builds models with ``weights=None`` and records what a linter needs to know about a
call like ``ResNet50(include_top=False, input_shape=(224, 224, 3), pooling="avg")`` without
Keras: its signature and the submodules that export it, the model name, the default input
shape and the minimum size, how the spatial size shrinks (a list of ``[k, s]`` steps, each
``n -> (n - k) // s + 1``, so ``[1, s]`` is a "same" stride-``s`` stage), the output channels,
the layers ``include_top=True`` adds, and the parameter counts as linear functions of the
input channels and of ``classes``; also how Keras treats a None height or width (the
``correct_pad`` models round down along the width when the height is None and refuse a None
width; NASNet refuses some widths then) and whether a model built without a size can run
(NASNet's cannot). Everything written is checked against the models built here: every
recorded rule and count must reproduce Keras on sizes from the minimum up, square and not,
with every pooling mode, or the script fails and writes nothing.

Run by hand when Keras releases (needs the ``[test]`` extra; ~50 minutes on 2 cores):

    python tools/gen_applications.py              # rebuild, verify, rewrite the file
    python tools/gen_applications.py --check      # exit 1 if the committed file differs
    python tools/gen_applications.py --only VGG16 --only MobileNet   # print, do not write
    python tools/gen_applications.py --only VGG16 --update           # rewrite these entries only
    python tools/gen_applications.py --sweep ResNet50 --sweep NASNetMobile --sizes 32-260

``--sweep`` builds ``include_top=False`` at every size of the range (rows ``n`` and cols
``lo + hi - n`` in one model; ``--height-none`` adds ``(None, n)``) and compares kerlint's
lookups of the committed file (shape, or None where Keras refuses; counts) with Keras.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "kerlint" / "catalog" / "applications.json"

# Keyword arguments every constructor shares; the others change the architecture (or not).
_COMMON = {"include_top", "weights", "input_tensor", "input_shape", "pooling", "classes",
           "classifier_activation", "name"}
# Values of the architecture arguments recorded as variants: those Keras has ImageNet weights
# for (the values people use). Any other value has no entry (the lookups answer None).
_VARIANTS = {
    "MobileNet": {"alpha": [0.25, 0.5, 0.75, 1.0]},
    "MobileNetV2": {"alpha": [0.35, 0.5, 0.75, 1.0, 1.3, 1.4]},
    "MobileNetV3Small": {"alpha": [0.75, 1.0], "minimalistic": [False, True]},
    "MobileNetV3Large": {"alpha": [0.75, 1.0], "minimalistic": [False, True]},
}
# Arguments checked to change neither a shape nor a count (at their non-default value).
_NO_EFFECT = {"include_preprocessing": False, "dropout": 0.5, "dropout_rate": 0.0}


# -- Keras side ---------------------------------------------------------------------------------
def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    warnings.simplefilter("ignore")
    import keras

    return keras


def constructors() -> dict:
    keras = _keras()
    apps = keras.applications
    return {n: getattr(apps, n) for n in sorted(dir(apps)) if n[:1].isupper() and callable(getattr(apps, n))}


def export_paths() -> dict[str, list[str]]:
    """Constructor name -> the ``<submodule>.<Name>`` paths keras.applications exports it under."""
    keras = _keras()
    apps = keras.applications
    out: dict[str, list[str]] = {}
    for mod in sorted(dir(apps)):
        sub = getattr(apps, mod)
        if mod.startswith("_") or not inspect.ismodule(sub):
            continue
        for n in dir(sub):
            if n[:1].isupper() and getattr(sub, n) is getattr(apps, n, None):
                out.setdefault(n, []).append(f"{mod}.{n}")
    return out


def _signature(fn) -> list:
    out = []
    for p in inspect.signature(fn).parameters.values():
        d = None if p.default is p.empty else p.default
        assert d is None or isinstance(d, (bool, int, float, str)), (fn, p)
        out.append([p.name, d])
    return out


def _build(fn, **kw):
    """The model, or the exception Keras raised."""
    keras = _keras()
    keras.backend.clear_session()
    try:
        return fn(weights=None, **kw)
    except Exception as e:  # noqa: BLE001 - any refusal is data here
        return e


def keras_model_type():
    return _keras().Model


def _counts(model) -> tuple[int, int]:
    def size(ws):
        total = 0
        for w in ws:
            n = 1
            for d in w.shape:
                n *= int(d)
            total += n
        return total

    return size(model.trainable_weights), size(model.non_trainable_weights)


def _top_ops(model) -> list:
    """The operations from the input to the output, following each one's first input."""
    keras = _keras()
    seq, t = [], model.outputs[0]
    while True:
        op, node_index, _ = t._keras_history
        if isinstance(op, keras.layers.InputLayer):
            return seq[::-1]
        seq.append(op)
        t = op._inbound_nodes[node_index].input_tensors[0]


def _flat_ops(model) -> list:
    keras = _keras()
    out = []
    for op in _top_ops(model):
        if isinstance(op, keras.Sequential):
            out += [layer for layer in op.layers if not isinstance(layer, keras.layers.InputLayer)]
        elif isinstance(op, keras.Model):
            out += _flat_ops(op)
        else:
            out.append(op)
    return out


def _pair(v) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


def _build_spied(fn, **kw):
    """(model or exception, tensors passed to ``imagenet_utils.correct_pad``): the padding
    that function returns depends on the parity of the size, so its ZeroPadding2D layers
    cannot be read as fixed padding."""
    from keras.src.applications import imagenet_utils

    original = imagenet_utils.correct_pad
    seen = []

    def spy(inputs, kernel_size):
        seen.append(inputs)
        return original(inputs, kernel_size)

    imagenet_utils.correct_pad = spy
    try:
        return _build(fn, **kw), seen
    finally:
        imagenet_utils.correct_pad = original


def spatial_rule(model, parity_pads=()) -> list[list[int]]:
    """``[[k, s], ...]`` from the layers on one input-to-output path (every path agrees, or
    Keras would not have merged them). Padding before a valid window shrinks its ``k``; a
    ``same`` window is ``[1, s]``; a pad with no window after it is ``[1 - p, 1]``.

    ``parity_pads``: the inputs of ``correct_pad`` paddings. Such a pad is ``k // 2`` on the
    far side and one less on the near side when the size is even, so with the stride-2 valid
    window after it the stage is ``ceil(n / 2)``: ``[1, 2]``. (When the height is None it
    pads as for an even size: the rule of a model built without a size reads it as fixed.)"""
    keras = _keras()
    L = keras.layers
    parity = {id(t) for t in parity_pads}
    steps: list[list[int]] = []
    pad = 0
    after_parity_pad = False
    for op in _flat_ops(model):
        if isinstance(op, L.ZeroPadding2D) and id(op._inbound_nodes[0].input_tensors[0]) in parity:
            assert pad == 0, op.name
            after_parity_pad = True
            continue
        if after_parity_pad:
            k, s = _pair(getattr(op, "kernel_size", None) or op.pool_size), _pair(op.strides)
            assert op.padding == "valid" and s == (2, 2) and k[0] % 2 == 1 and k[0] == k[1], op.name
            steps.append([1, 2])
            after_parity_pad = False
            continue
        if isinstance(op, (L.ZeroPadding2D, L.Cropping2D)):
            (t, b), (left, r) = op.padding if isinstance(op, L.ZeroPadding2D) else op.cropping
            assert t + b == left + r, (op.name, t, b, left, r)
            pad += (t + b) * (1 if isinstance(op, L.ZeroPadding2D) else -1)
            continue
        if hasattr(op, "pool_size") or hasattr(op, "kernel_size"):
            if isinstance(op, (L.Conv2DTranspose, L.UpSampling2D)):
                raise AssertionError(f"{op.name}: upsampling is not modelled")
            k = _pair(op.pool_size if hasattr(op, "pool_size") else op.kernel_size)
            s = _pair(op.strides)
            d = _pair(getattr(op, "dilation_rate", 1))
            assert k[0] == k[1] and s[0] == s[1] and d[0] == d[1], op.name
            keff = d[0] * (k[0] - 1) + 1
            if op.padding == "same":
                if pad:
                    steps.append([1 - pad, 1])
                    pad = 0
                steps.append([1, s[0]])
            else:
                steps.append([keff - pad, s[0]])
                pad = 0
    if pad:
        steps.append([1 - pad, 1])
    # Simplify: identities out, consecutive stride-1 windows and "same" stages merged.
    merged: list[list[int]] = []
    for k, s in steps:
        if (k, s) == (1, 1):
            continue
        if merged and k == 1 and merged[-1][0] == 1:
            merged[-1][1] *= s
        elif merged and s == 1 and merged[-1][1] == 1:
            merged[-1][0] += k - 1
        else:
            merged.append([k, s])
    return merged


def apply_rule(rule, n):
    if n is None:
        return None
    for k, s in rule:
        n = (n - k) // s + 1
        if n < 1:
            return 0
    return n


def _final_activation(model) -> str | None:
    op = _top_ops(model)[-1]
    act = getattr(op, "activation", None)
    return None if act is None else getattr(act, "__name__", str(act))


def _layer_desc(op) -> list:
    desc = [type(op).__name__, None if _auto(op) else op.name]
    act = getattr(op, "activation", None)
    if act is not None:
        desc.append(getattr(act, "__name__", str(act)))
    return desc


def _auto(op) -> bool:
    """Whether ``op.name`` is Keras's automatic name for its class (``dense_3``)."""
    from keras.src.utils.naming import to_snake_case

    return re.fullmatch(re.escape(to_snake_case(type(op).__name__)) + r"(_\d+)?", op.name) is not None


def _solve(rows: list[tuple[list[int], int]]) -> list[Fraction]:
    """Exact least-squares-free solve of a square integer system (Gauss-Jordan)."""
    n = len(rows[0][0])
    m = [[Fraction(x) for x in a] + [Fraction(b)] for a, b in rows[:n]]
    for c in range(n):
        p = next(r for r in range(c, n) if m[r][c] != 0)
        m[c], m[p] = m[p], m[c]
        m[c] = [x / m[c][c] for x in m[c]]
        for r in range(n):
            if r != c and m[r][c] != 0:
                m[r] = [a - m[r][c] * b for a, b in zip(m[r], m[c])]
    return [m[r][n] for r in range(n)]


def _ints(xs) -> list[int]:
    assert all(x.denominator == 1 for x in xs), xs
    return [int(x) for x in xs]


class Mismatch(AssertionError):
    pass


def _check(cond, *what):
    if not cond:
        raise Mismatch(" ".join(str(w) for w in what))


def _sizes(min_size: int, default: int | None) -> list[tuple[int, int]]:
    """(rows, cols) pairs: the minimum and just above, odd and even, the default size."""
    d = default or 224
    ns = sorted({min_size, min_size + 1, min_size + 2, min_size + 3, min_size + 5, min_size + 8,
                 97, 100, 127, 150, 199, d, d + 1, 255, 331} - {x for x in range(min_size)})
    half = (len(ns) + 1) // 2
    return [(ns[i], ns[-1 - i]) for i in range(half)]


def survey(name: str, paths: list[str]) -> dict:
    """Everything recorded for one constructor, checked on the models it builds."""
    fn = constructors()[name]
    sig = _signature(fn)
    defaults = dict(sig)
    extra = [p for p, _ in sig if p not in _COMMON]
    variant_axes = _VARIANTS.get(name, {})
    for arg in extra:
        assert arg in variant_axes or arg in _NO_EFFECT or arg == "depth_multiplier", (name, arg)

    # -- input handling --------------------------------------------------------------------------
    top_default = _build(fn)
    _check(not isinstance(top_default, Exception), name, "default build", top_default)
    default_shape = list(top_default.input_shape[1:])
    default_size = default_shape[0]
    _check(default_shape == [default_size, default_size, 3], name, default_shape)
    # Without input_shape, include_top=False is (None, None, 3), except NASNet: its default.
    notop_default = _build(fn, include_top=False)
    notop_size = notop_default.input_shape[1]
    _check(notop_default.input_shape == (None, notop_size, notop_size, 3), name, notop_default.input_shape)
    err = _build(fn, include_top=False, input_shape=(1, 1, 3))
    m = re.search(r"at least (\d+)x(\d+)", str(err))
    _check(isinstance(err, ValueError) and m, name, "no minimum size", err)
    min_size = int(m.group(1))
    below = _build(fn, include_top=False, input_shape=(min_size - 1, min_size + 7, 3))
    _check(isinstance(below, ValueError), name, "one side below the minimum builds")
    # MobileNetV3 checks the minimum only when both sides are known.
    below_one = _build(fn, include_top=False, input_shape=(None, min_size - 1, 3))
    min_needs_both = not (isinstance(below_one, ValueError) and "at least" in str(below_one))
    top_none = _build(fn, include_top=True, input_shape=(None, None, 3))
    top_needs_static = isinstance(top_none, Exception)
    if not top_needs_static:
        _check(top_none.output_shape == (None, 1000), name, top_none.output_shape)
    # One spatial dim None: fine, or a TypeError where ``correct_pad`` computes ``None % 2``
    # (it tests only the height for None), or (NASNet, height None) a ValueError for some
    # widths (see _even_steps).
    odd = (default_size or 224) + 1
    one_none = []
    for shp in ((None, odd, 3), (odd, None, 3)):
        built = _build(fn, include_top=False, input_shape=shp)
        _check(isinstance(built, (TypeError, ValueError, keras_model_type())), name, shp, built)
        _check(not isinstance(built, ValueError) or shp[0] is None, name, shp, built)
        one_none.append(built if isinstance(built, Exception) else built.output_shape)
    partial_ok = [not isinstance(x, TypeError) for x in one_none]

    # -- the default variant and the others ------------------------------------------------------
    axes = list(variant_axes.items())
    combos = [{}]
    for arg, values in axes:
        combos = [dict(c, **{arg: v}) for c in combos for v in values]
    variants = []
    rules = None
    name_template = None
    for combo in combos:
        kw = {k: v for k, v in combo.items() if v != defaults[k]}
        v, rules_v, model_name = _survey_variant(fn, name, kw, min_size, default_size, top_needs_static)
        rules = rules or rules_v
        _check(rules_v == rules, name, kw, "spatial rule differs between variants", rules_v, rules)
        tmpl = _name_template(model_name, kw.get("alpha", defaults.get("alpha")))
        name_template = name_template or tmpl
        _check(tmpl == name_template, name, kw, tmpl, name_template)
        v["args"] = kw
        variants.append(v)
    default = next(v for v in variants if not v["args"])
    rule, rule_none = rules

    # -- a model built without a size, called on images ----------------------------------------
    # It pads as for even sizes (rule_none); NASNet's never runs (its cells skip the reductions
    # they make when the width is known, and the Add of a cell then fails).
    unsized = _build(fn, include_top=False, input_shape=(None, None, 3))
    ran = []
    for h, w in ((min_size + 9, min_size + 4), (default_size or 224, default_size or 224)):
        try:
            out = unsized(np.zeros((1, h, w, 3), "float32"), training=False)
        except Exception:  # noqa: BLE001 - TensorFlow's InvalidArgumentError from the Add
            ran.append(False)
            continue
        ran.append(True)
        _check(tuple(out.shape[1:3]) == (apply_rule(rule_none, h), apply_rule(rule_none, w)), name, "unsized run",
               (h, w), out.shape)
    _check(len(set(ran)) == 1, name, "the unsized model runs on some sizes only", ran)
    runs_unsized = ran[0]

    # -- what include_top=True adds ----------------------------------------------------------------
    notop = _build(fn, include_top=False, input_shape=tuple(default_shape) if default_size else (224, 224, 3))
    top_model = top_default if default_size else _build(fn, include_top=True, input_shape=(224, 224, 3))
    # The top replaces what follows the last layer both models share (ConvNeXt ends its
    # include_top=False model with a LayerNormalization the top does not have).
    with_top, without = _top_ops(top_model), _top_ops(notop)
    base = 0
    while base < min(len(with_top), len(without)) and type(with_top[base]) is type(without[base]):
        base += 1
    _check(base >= len(without) - 1, name, "the models differ before their last layer")
    top_ops = with_top[base:]
    top = [_layer_desc(o) for o in top_ops]
    tail = [_layer_desc(o) for o in without[base:]]
    classifier = next(o for o in reversed(top_ops) if o.weights)

    # -- verification on many sizes, every pooling mode ------------------------------------------
    fit_t, fit_n = default["notop"]
    poolings = [None, "avg", "max", "average"]
    checked = 0
    for i, (r, c) in enumerate(_sizes(min_size, default_size)):
        pooling = poolings[i % len(poolings)]
        built = _build(fn, include_top=False, input_shape=(r, c, 3), pooling=pooling)
        _check(not isinstance(built, Exception), name, (r, c), built)
        want = ((None, default["channels"]) if pooling in ("avg", "max")
                else (None, apply_rule(rule, r), apply_rule(rule, c), default["channels"]))
        _check(built.output_shape == want, name, (r, c), pooling, built.output_shape, want)
        _check(_counts(built) == (fit_t[0] + 3 * fit_t[1], fit_n[0] + 3 * fit_n[1]), name, (r, c), "count", _counts(built))
        checked += 1
    # Only correct_pad (rule_none != rule) makes the two inputs of a merge disagree.
    even_steps = _even_steps(fn, name, rule_none, min_size, default["channels"]) if partial_ok[0] and rule_none != rule else []
    if isinstance(one_none[0], ValueError):
        _check(not _widths_ok(rule_none, even_steps, odd), name, "(None, odd) fails, not predicted")
    # With the height None, correct_pad pads every stage as for an even size (rule_none).
    for shp, got in zip(((None, odd), (odd, None)), one_none):
        if not isinstance(got, Exception):
            want = (None, *(apply_rule(rule if shp[0] else rule_none, d) for d in shp), default["channels"])
            _check(got == want, name, shp, got, want)
            built = _build(fn, include_top=False, input_shape=(*shp, 3))
            t, n = default["notop_unknown"] if shp[1] is None and "notop_unknown" in default else default["notop"]
            _check(_counts(built) == (t[0] + 3 * t[1], n[0] + 3 * n[1]), name, shp, _counts(built))
    for arg, value in _NO_EFFECT.items():
        if arg in defaults:
            built = _build(fn, include_top=False, input_shape=(min_size + 3, min_size + 9, 3), **{arg: value})
            want = (None, apply_rule(rule, min_size + 3), apply_rule(rule, min_size + 9), default["channels"])
            _check(built.output_shape == want, name, arg, built.output_shape)
            _check(_counts(built) == (fit_t[0] + 3 * fit_t[1], fit_n[0] + 3 * fit_n[1]), name, arg, _counts(built))

    entry = {
        "paths": sorted(p for p in paths if p.split(".")[-1] == name),
        "signature": sig,
        "name": name_template,
        "default_size": default_size,
        "default_size_notop": notop_size,
        "min_size": min_size,
        **({"min_needs_both": True} if min_needs_both else {}),
        "top_needs_static": top_needs_static,
        "partial_none_ok": partial_ok,
        "runs_unsized": runs_unsized,
        **({"none_even_steps": even_steps} if even_steps else {}),
        "spatial": rule,
        **({"spatial_none": rule_none} if rule_none != rule else {}),
        "top": top,
        **({"notop_tail": tail} if tail else {}),
        "classifier": [type(classifier).__name__, classifier.name],
        "variants": variants,
    }
    if "{rows}" in (name_template or ""):
        entry["imagenet_rows"] = _imagenet_rows(fn, default_shape)
    print(f"{name}: ok ({checked} sizes, {len(variants)} variant(s))", file=sys.stderr, flush=True)
    return entry


def _stage_inputs(rule, n) -> tuple[list[int], int]:
    inputs = []
    for k, s in rule:
        inputs.append(n)
        n = (n - k) // s + 1
    return inputs, n


def _widths_ok(rule_none, even_steps, w) -> bool:
    inputs, out = _stage_inputs(rule_none, w)
    return out >= 1 and all(inputs[j] % 2 == 0 for j in even_steps)


def _even_steps(fn, name, rule_none, min_size, channels) -> list[int]:
    """The steps of ``rule_none`` whose input width must be even when the height is None.

    NASNet: with the height None, ``correct_pad`` pads its stride-2 branches as for an even
    size (``floor(w / 2)``) while the factorized reduction of the cell's other input gives
    ``ceil(w / 2)``; Keras cannot add the two when the width is odd there. Found by building
    one width per step with only that step's input odd, checked on more widths."""
    probes: dict[frozenset, int] = {}
    for w in range(min_size, 8192):
        inputs, out = _stage_inputs(rule_none, w)
        odd = frozenset(j for j, n in enumerate(inputs) if n % 2)
        if out >= 1 and len(odd) <= 1:
            probes.setdefault(odd, w)
        if len(probes) == len(rule_none) + 1:
            break
    failing: set[int] = set()
    for odd, w in sorted(probes.items(), key=lambda kv: kv[1]):
        built = _build(fn, include_top=False, input_shape=(None, w, 3))
        if isinstance(built, Exception):
            _check(isinstance(built, ValueError) and len(odd) == 1, name, (None, w), "fails", built)
            failing |= odd
        else:
            _check(built.output_shape == (None, None, apply_rule(rule_none, w), channels), name, (None, w),
                   built.output_shape)
    steps = sorted(failing)
    for w in (min_size + 1, min_size + 4, 2 * min_size + 3, 97, 131, 225):
        built = _build(fn, include_top=False, input_shape=(None, w, 3))
        _check(isinstance(built, Exception) != _widths_ok(rule_none, steps, w), name, (None, w), steps, built)
    return steps


def _survey_variant(fn, name, kw, min_size, default_size, top_needs_static):
    """(variant entry, spatial rule, model name) for one set of architecture arguments."""
    unknown3 = _build(fn, include_top=False, input_shape=(None, None, 3), **kw)
    _check(not isinstance(unknown3, Exception), name, kw, unknown3)
    rule_none = spatial_rule(unknown3)
    sized, parity_pads = _build_spied(fn, include_top=False, input_shape=(min_size + 7, min_size + 7, 3), **kw)
    rule = spatial_rule(sized, parity_pads)
    channels = unknown3.output_shape[-1]
    model_name = unknown3.name
    unknown1 = _build(fn, include_top=False, input_shape=(None, None, 1), **kw)

    # Counts as a + b * channels: fitted on two channel counts, checked on a third.
    sizes = [(min_size + 1, min_size + 6), (min_size + 4, 2 * min_size + 3), (2 * min_size + 1, min_size)]
    known = {}
    for ch, (r, c) in zip((1, 3, 4), sizes):
        built = _build(fn, include_top=False, input_shape=(r, c, ch), **kw)
        _check(not isinstance(built, Exception), name, kw, (r, c, ch), built)
        want = (None, apply_rule(rule, r), apply_rule(rule, c), channels)
        _check(built.output_shape == want, name, kw, (r, c, ch), built.output_shape, want)
        _check(built.name == model_name.replace("None", str(r)), name, built.name, model_name)
        known[ch] = _counts(built)
    fit = [[known[1][i] - (known[3][i] - known[1][i]) // 2, (known[3][i] - known[1][i]) // 2] for i in (0, 1)]
    for i in (0, 1):  # a + b * C
        _check(known[3][i] - known[1][i] == 2 * fit[i][1], name, kw, "counts not linear in channels", known)
        _check(known[4][i] == fit[i][0] + 4 * fit[i][1], name, kw, "counts not linear in channels", known)
    entry = {"channels": channels, "notop": fit}
    u3, u1 = _counts(unknown3), _counts(unknown1)
    ufit = [[u1[i] - (u3[i] - u1[i]) // 2, (u3[i] - u1[i]) // 2] for i in (0, 1)]
    if ufit != fit:
        # The architecture depends on whether the width is declared (NASNet compares the
        # widths of a cell's two inputs; with None widths it never reduces the previous one).
        entry["notop_unknown"] = ufit
        _check(all(u3[i] == ufit[i][0] + 3 * ufit[i][1] for i in (0, 1)), name, "unknown fit")

    # include_top=True adds c0 + c1 * classes (+ f * H * W for a Flatten top) trainable and a
    # constant non-trainable count, checked on a fourth (classes, size).
    trials = [(1000, default_size or 224, "softmax", None), (10, 2 * min_size + 5, None, "max"),
              (3, min_size + 40, "sigmoid", "avg"), (7, min_size + 13, "softmax", None)]
    rows_, nts = [], []
    for classes, size, act, pooling in trials:
        built = _build(fn, include_top=True, input_shape=(size, size + 2, 3), classes=classes,
                       classifier_activation=act, pooling=pooling, **kw)
        _check(not isinstance(built, Exception), name, kw, classes, size, built)
        _check(built.output_shape == (None, classes), name, kw, built.output_shape)
        _check(_final_activation(built) == (act or "linear"), name, kw, act, _final_activation(built))
        t, n = _counts(built)
        flat = apply_rule(rule, size) * apply_rule(rule, size + 2)
        rows_.append(([1, classes, flat], t - (fit[0][0] + 3 * fit[0][1])))
        nts.append(n - (fit[1][0] + 3 * fit[1][1]))
    solved = _solve(rows_[:3])
    c0, c1, f = _ints(solved)
    _check(rows_[3][1] == c0 + c1 * 7 + f * rows_[3][0][2], name, kw, "top count not linear", rows_)
    _check(len(set(nts)) == 1, name, kw, "top non-trainable count varies", nts)
    entry["top"] = [c0, c1, f, nts[0]]
    return entry, (rule, rule_none), model_name


def _name_template(model_name: str, alpha) -> str:
    tmpl = model_name
    if tmpl.endswith("_None"):
        tmpl = tmpl[: -len("None")] + "{rows}"
    if alpha is not None and f"_{alpha:0.2f}_" in tmpl:
        tmpl = tmpl.replace(f"_{alpha:0.2f}_", "_{alpha:0.2f}_")
    return tmpl


def _imagenet_rows(fn, default_shape) -> list[int]:
    """The rows the name keeps when weights="imagenet" (others are named 224): found by
    building with the weight download and loading stubbed out."""
    keras = _keras()
    from keras.src.utils import file_utils

    saved = file_utils.get_file, keras.Model.load_weights
    file_utils.get_file = lambda *a, **k: "unused"
    keras.Model.load_weights = lambda *a, **k: None
    try:
        rows = []
        for s in range(32, 321, 16):
            keras.backend.clear_session()
            model = fn(weights="imagenet", include_top=False, input_shape=(s, s, 3))
            if model.name.endswith(f"_{s}"):
                rows.append(s)
            else:
                _check(model.name.endswith("_224"), model.name)
        keras.backend.clear_session()
        odd = fn(weights="imagenet", include_top=False, input_shape=(rows[0], rows[0] + 32, 3))
        _check(odd.name.endswith("_224"), "a non-square input keeps its rows", odd.name)
        return rows
    finally:
        file_utils.get_file, keras.Model.load_weights = saved


def sweep(name: str, lo: int, hi: int, height_none: bool = False) -> list[str]:
    """Build include_top=False at every size in [lo, hi] (rows ``n``, cols ``lo + hi - n``;
    with ``height_none`` also ``(None, n)``) and compare with kerlint's lookup of the
    committed file: the output shape (None where Keras refuses) and the counts."""
    from kerlint.catalog import applications as apps

    fn = constructors()[name]
    bad, built_count = [], 0
    shapes = [(n, lo + hi - n, 3) for n in range(lo, hi + 1)]
    if height_none:
        shapes += [(None, n, 3) for n in range(lo, hi + 1)]
    for shape in shapes:
        built = _build(fn, include_top=False, input_shape=shape)
        built_count += 1
        want = apps.output_shape(name, include_top=False, input_shape=shape)
        got = None if isinstance(built, Exception) else built.output_shape
        if got != want:
            bad.append(f"{name} {shape}: keras {built if got is None else got}, catalog {want}")
        elif got is not None:
            count = _counts(built)
            want_count = apps.params(name, include_top=False, input_shape=shape)
            if want_count != (sum(count), *count):
                bad.append(f"{name} {shape}: keras counts {count}, catalog {want_count}")
    print(f"{name}: {built_count} models, {len(bad)} mismatches", file=sys.stderr, flush=True)
    return bad


# -- driver -------------------------------------------------------------------------------------
def _survey_one(args):
    name, paths = args
    try:
        return name, survey(name, paths)
    except Exception as e:  # noqa: BLE001 - reported with the others at the end
        import traceback

        return name, f"{type(e).__name__}: {e}\n{traceback.format_exc()}"


def build_all(names: list[str], jobs: int) -> dict:
    keras = _keras()
    paths = export_paths()
    work = [(n, paths.get(n, [])) for n in names]
    if jobs > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = dict(pool.map(_survey_one, work))
    else:
        results = dict(map(_survey_one, work))
    return {
        "generated_by": "tools/gen_applications.py",
        "keras_version": keras.__version__,
        "applications": {n: results[n] for n in sorted(results)},
    }


def render(data: dict) -> str:
    """Compact JSON, one application a line."""
    dump = lambda v: json.dumps(v, separators=(",", ":"))  # noqa: E731
    apps = ",\n".join(f"{dump(k)}:{dump(v)}" for k, v in data["applications"].items())
    head = ",".join(f"{dump(k)}:{dump(v)}" for k, v in data.items() if k != "applications")
    return "{" + head + ',"applications":{\n' + apps + "\n}}\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="survey these constructors, print, do not write")
    parser.add_argument("--update", action="store_true",
                        help="write the constructors surveyed (--only, or all) that pass into the file, keep the others")
    parser.add_argument("--sweep", action="append", help="compare the committed rule with Keras at every size")
    parser.add_argument("--sizes", default="32-260", help="size range for --sweep (lo-hi)")
    parser.add_argument("--height-none", action="store_true", help="--sweep also (None, n) inputs")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs, do not write")
    args = parser.parse_args(argv)
    if args.sweep:
        lo, hi = (int(x) for x in args.sizes.split("-"))
        if args.jobs > 1 and len(args.sweep) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            n = len(args.sweep)
            with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                bad = sum(pool.map(sweep, args.sweep, [lo] * n, [hi] * n, [args.height_none] * n), [])
        else:
            bad = sum((sweep(n, lo, hi, args.height_none) for n in args.sweep), [])
        print("\n".join(bad) or "every size matches")
        return 1 if bad else 0
    names = args.only or list(constructors())
    data = build_all(names, args.jobs)
    failed = {n: e for n, e in data["applications"].items() if isinstance(e, str)}
    for n, e in failed.items():
        print(f"{n}: FAILED {e}", file=sys.stderr)
    if args.update:
        old = json.loads(OUT.read_text(encoding="utf-8"))["applications"] if OUT.exists() else {}
        new = {n: e for n, e in data["applications"].items() if not isinstance(e, str)}
        data["applications"] = dict(sorted({**old, **new}.items()))
        OUT.write_text(render(data), encoding="utf-8")
        print(f"updated {OUT}: {sorted(new)}")
        return 1 if failed else 0
    if failed:
        return 1
    if args.only:
        print(render(data))
        return 0
    if args.check:
        if OUT.read_text(encoding="utf-8") != render(data):
            print(f"{OUT} is out of date; run tools/gen_applications.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(render(data), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(data['applications'])} applications)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
