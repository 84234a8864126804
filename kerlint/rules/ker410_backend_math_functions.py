"""KER410: ``keras.backend`` math and tensor functions (``K.sum``, ``K.expand_dims``, ...) that
Keras 3 removed."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..edits import add_keyword, expr, keras_name
from ..names import dotted_name, keras2_object
from . import Rule
from ..interp.tree import code_children

# Keras 2's backend functions that Keras 3's ``keras.backend`` no longer has (Keras 3 keeps
# only epsilon, floatx, image_data_format, clear_session, is_keras_tensor and a few dtype
# helpers there). TensorFlow's ``tf.keras.backend`` still serves them (a legacy module built
# on TensorFlow ops), so only the ``keras`` package's path is checked. The proof checks both
# sides against the installed Keras.


class Same:
    """A ``keras.ops`` function computing what the Keras 2 function did (checked numerically
    against ``tf.keras.backend`` in the proof). ``positional``: how many positional arguments
    carry over; ``keywords``: keyword names both accept with the same meaning; ``default``:
    an argument whose default differs (added when the call leaves it out)."""

    def __init__(self, name: str, positional: int, keywords=(), default: tuple | None = None):
        self.name = name
        self.positional = positional
        self.keywords = frozenset(keywords)
        self.default = default  # (keyword, its index among the positional arguments, Keras 2's value)


_REDUCE = ("axis", "keepdims")
SAME = {
    **{n: Same(n, 1) for n in ("abs", "cos", "sin", "exp", "log", "sign", "square", "tanh", "sigmoid",
                                "softplus", "softsign", "round", "stop_gradient", "transpose", "relu")},
    **{n: Same(n, 3, _REDUCE) for n in ("sum", "mean", "max", "min", "prod", "std", "var", "all", "any")},
    **{n: Same(n, 2) for n in ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
                                "maximum", "minimum", "dot", "reshape", "tile", "one_hot")},
    "argmax": Same("argmax", 2, ("axis",), ("axis", 1, "-1")),
    "argmin": Same("argmin", 2, ("axis",), ("axis", 1, "-1")),
    "cast": Same("cast", 2, ("dtype",)),
    "clip": Same("clip", 3),
    "concatenate": Same("concatenate", 2, ("axis",), ("axis", 1, "-1")),
    "cumsum": Same("cumsum", 2, ("axis",), ("axis", 1, "0")),
    "cumprod": Same("cumprod", 2, ("axis",), ("axis", 1, "0")),
    "elu": Same("elu", 2, ("alpha",)),
    "expand_dims": Same("expand_dims", 2, ("axis",), ("axis", 1, "-1")),
    "softmax": Same("softmax", 2, ("axis",)),
    "squeeze": Same("squeeze", 2, ("axis",)),
    "stack": Same("stack", 2, ("axis",)),
    "ones_like": Same("ones_like", 2, ("dtype",)),
    "zeros_like": Same("zeros_like", 2, ("dtype",)),
    "pow": Same("power", 2),
    "permute_dimensions": Same("transpose", 2),
    "repeat_elements": Same("repeat", 3, ("axis",)),
    "gather": Same("take", 2, (), ("axis", 2, "0")),
    "binary_crossentropy": Same("binary_crossentropy", 3, ("from_logits",)),
    "categorical_crossentropy": Same("categorical_crossentropy", 4, ("from_logits", "axis")),
    "sparse_categorical_crossentropy": Same("sparse_categorical_crossentropy", 4, ("from_logits", "axis")),
}

# The other removed functions, with what replaces them where one thing does.
OTHERS = {
    "sqrt": "keras.ops.sqrt(keras.ops.maximum(x, 0)) as K.sqrt did",
    "hard_sigmoid": "keras.ops.clip(0.2 * x + 0.5, 0, 1)",  # keras.ops.hard_sigmoid has another slope
    "l2_normalize": "keras.ops.normalize(x, axis=...)",
    "int_shape": "x.shape",
    "shape": "keras.ops.shape(x)",
    "ndim": "len(x.shape)",
    "dtype": "x.dtype",
    "flatten": "keras.ops.reshape(x, (-1,))",
    "batch_flatten": "keras.layers.Flatten()",
    "repeat": "keras.layers.RepeatVector(n)",
    "batch_dot": "keras.ops.einsum or keras.ops.matmul",
    "arange": "keras.ops.arange", "eye": "keras.ops.eye", "ones": "keras.ops.ones", "zeros": "keras.ops.zeros",
    "constant": "keras.ops.convert_to_tensor", "cast_to_floatx": "keras.ops.cast(x, keras.config.floatx())",
    "variable": "keras.Variable", "random_normal_variable": "keras.Variable", "random_uniform_variable": "keras.Variable",
    "get_value": "keras.ops.convert_to_numpy(v)", "batch_get_value": "keras.ops.convert_to_numpy(v)",
    "eval": "keras.ops.convert_to_numpy(v)",
    "set_value": "v.assign(value)", "batch_set_value": "v.assign(value)", "update": "v.assign(value)",
    "update_add": "v.assign_add(value)", "update_sub": "v.assign_sub(value)",
    "count_params": "layer.count_params()",
    "random_normal": "keras.random.normal", "random_uniform": "keras.random.uniform",
    "truncated_normal": "keras.random.truncated_normal", "dropout": "keras.random.dropout",
    "switch": "keras.ops.where", "reverse": "keras.ops.flip", "map_fn": "keras.ops.map",
    "in_top_k": "keras.ops.in_top_k", "batch_normalization": "keras.ops.batch_normalization",
    "bias_add": "x + bias",
    "conv1d": "keras.ops.conv", "conv2d": "keras.ops.conv", "conv3d": "keras.ops.conv",
    "conv2d_transpose": "keras.ops.conv_transpose", "depthwise_conv2d": "keras.ops.depthwise_conv",
    "separable_conv2d": "keras.ops.separable_conv", "pool2d": "keras.ops.max_pool or keras.ops.average_pool",
    "pool3d": "keras.ops.max_pool or keras.ops.average_pool",
    "resize_images": "keras.ops.image.resize", "spatial_2d_padding": "keras.ops.pad",
    "spatial_3d_padding": "keras.ops.pad", "temporal_padding": "keras.ops.pad",
    "ctc_batch_cost": "keras.ops.ctc_loss", "ctc_decode": "keras.ops.ctc_decode",
    "binary_focal_crossentropy": "keras.losses.binary_focal_crossentropy",
    "categorical_focal_crossentropy": "keras.losses.categorical_focal_crossentropy",
    "name_scope": "keras.name_scope", "gradients": "tf.GradientTape",
    **dict.fromkeys(("ctc_label_dense_to_sparse", "foldl", "foldr", "is_sparse", "moving_average_update",
                     "random_bernoulli", "resize_volumes", "rnn", "to_dense")),
}
REMOVED = frozenset(SAME) | frozenset(OTHERS)
_ROOT = "keras.backend."


def _removed_name(path) -> str | None:
    """The removed function a path names (``keras.backend.sum`` -> ``sum``), else None."""
    if path is None or not path.raw.startswith(_ROOT):
        return None
    name = path.raw[len(_ROOT):]
    return name if name in REMOVED else None


def _advice(name: str) -> str:
    if name in SAME:
        return f"use keras.ops.{SAME[name].name}"
    return f"use {OTHERS[name]}" if OTHERS[name] else "it has no direct replacement"


def _fix(ir, call: cst.Call, func: cst.CSTNode, name: str):
    """``K.sum(x, axis=1)`` -> ``keras.ops.sum(x, axis=1)``, when every argument means the same
    to the ops function; an argument whose default differs is written out."""
    same = SAME.get(name)
    if same is None:
        return None
    if call is None:
        return _reference_fix(ir, func, same)
    if call.func is not func:
        return None
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in call.args) or len(positional) > same.positional or not positional:
        return None
    keywords = {a.keyword.value for a in call.args if a.keyword is not None}
    if not keywords <= same.keywords:
        return None
    written = keras_name(ir, f"ops.{same.name}")
    if written is None:
        return None
    edits = list(written.edits)
    message = f"Use {written.text}"
    default = same.default
    if default is not None and default[0] not in keywords and len(positional) <= default[1]:
        new = add_keyword(call.with_changes(func=expr(written.text)), default[0], default[2])
        edits.append(NodeEdit(call, new))
        message += f" with {default[0]}={default[2]}, Keras 2's default"
    else:
        edits.append(NodeEdit(func, expr(written.text)))
    return Fix(SAFE, message, edits)


def _reference_fix(ir, func: cst.CSTNode, same: Same):
    """``Lambda(K.abs)``: the function passed on, called later with one tensor."""
    written = keras_name(ir, f"ops.{same.name}")
    if written is None or same.default is not None:
        return None
    return Fix(SAFE, f"Use {written.text}", [*written.edits, NodeEdit(func, expr(written.text))])


def _message(written: str, name: str) -> str:
    message = f"`{written}` is not in Keras 3's keras.backend (AttributeError); {_advice(name)}"
    if len(message) > 120:  # a long spelling (keras.backend.binary_focal_crossentropy)
        message = f"Keras 3's keras.backend has no `{name}` (AttributeError); {_advice(name)}"
    return message


def _calls(file):
    """(call, function node, path) for each call of a removed function through an attribute."""
    for site in file.ir.calls:
        if site.ref.node.__class__ is cst.Attribute and _removed_name(site.ref.path) is not None:
            yield site.node, site.ref.node, site.ref.path


def _lambda_uses(file):
    """Removed functions named inside a ``Lambda`` layer's function (``Lambda(lambda t: K.sum(t,
    axis=1))``, ``Lambda(K.abs)``): kerlint does not run those, so their calls are not sites."""
    ir = file.ir
    for layer in ir.layers:
        arg = layer.args.get("function") if layer.kind == "Lambda" else None
        if arg is None:
            continue
        stack = [arg.node.value]
        while stack:
            node = stack.pop()
            call = None
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                call, node = node, node.func
                stack.extend(a.value for a in call.args)
            if isinstance(node, cst.Attribute):
                dotted = dotted_name(node)
                path = ir.resolver.resolve(dotted) if dotted else None
                if _removed_name(path) is not None:
                    yield call, node, path
                    continue
            stack.extend(code_children(node))


def _imports(file):
    """``from keras.backend import sum``: the import itself fails (ImportError) on Keras 3; Keras 2's
    keras.backend has it, so a project pinned to Keras 2 is not told."""
    ir = file.ir
    if file.keras2_pinned:
        return
    for record in ir.resolver.imports:
        node = record.node
        if node.__class__ is not cst.ImportFrom or node.names.__class__ is cst.ImportStar:
            continue
        if not record.module.startswith(_ROOT) or record.module[len(_ROOT):] not in REMOVED:
            continue
        name = record.module[len(_ROOT):]
        for alias in node.names:
            if dotted_name(alias.name) == name:
                yield Diagnostic(
                    "KER410",
                    f"Keras 3's keras.backend has no `{name}` (ImportError); {_advice(name)}",
                    alias,
                )
                break


def check(file):
    ir = file.ir
    seen = set()
    for call, func, path in (*_calls(file), *_lambda_uses(file)):
        if id(func) in seen or keras2_object(path, ir.resolver, file.keras2_pinned):
            continue
        seen.add(id(func))
        name = _removed_name(path)
        fix = _fix(ir, call, func, name)
        yield Diagnostic("KER410", _message(dotted_name(func) or name, name), func, fix)
    yield from _imports(file)


RULE = Rule(
    code="KER410",
    explanation=(
        "Keras 2's `keras.backend` (`K`) held the tensor math that custom losses, metrics, "
        "`Lambda` layers and custom layers were written with: `K.sum`, `K.mean`, `K.square`, "
        "`K.expand_dims`, `K.concatenate`, `K.reshape`, `K.int_shape`, `K.set_value`, ... "
        "Keras 3's `keras.backend` keeps only a handful of configuration functions (`epsilon`, "
        "`floatx`, `image_data_format`, `clear_session`, ...): every other call raises "
        "`AttributeError: module 'keras.backend' has no attribute 'sum'`, often only when the "
        "loss or layer first runs, after the data has loaded. The math lives in `keras.ops` "
        "(backend-independent). TensorFlow's `tf.keras.backend` still serves the old functions "
        "(as TensorFlow code), so only `keras.backend` is reported. The fix rewrites a call to "
        "the `keras.ops` function that computes the same thing (compared with Keras 2's on real "
        "tensors), writing out an argument whose default differs: `K.expand_dims(x)` becomes "
        "`keras.ops.expand_dims(x, axis=-1)`, `K.concatenate([a, b])` "
        "`keras.ops.concatenate([a, b], axis=-1)`, `K.argmax(x)` "
        "`keras.ops.argmax(x, axis=-1)`. `K.sqrt` (which clipped negative inputs to 0) and "
        "`K.hard_sigmoid` (another slope than `keras.ops.hard_sigmoid`) are reported without a "
        "fix, as are the functions with no same-named replacement. A project pinned to Keras 2 "
        "is not told: Keras 2's backend functions work without a warning, and Keras 2 has no "
        "`keras.ops` to move to."
    ),
    bad="""\
import keras
from keras import backend as K
from keras import layers


def mean_abs_error(y_true, y_pred):
    return K.mean(K.abs(y_pred - y_true), axis=-1)


model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=[mean_abs_error])
""",
    good="""\
import keras
from keras import layers, ops


def mean_abs_error(y_true, y_pred):
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)


model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=[mean_abs_error])
""",
    fixed="""\
import keras
from keras import backend as K
from keras import layers


def mean_abs_error(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_pred - y_true), axis=-1)


model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=[mean_abs_error])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
