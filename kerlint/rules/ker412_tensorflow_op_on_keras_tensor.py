"""KER412: a TensorFlow function applied to a symbolic Keras tensor while a functional model is
built (``tf.reshape(inputs, ...)``): Keras 3 raises."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import SAFE, UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import add_keyword, code_of, expr, keras_name
from ..interp.values import DictVal, Seq
from ..ir import Tensor
from ..names import dotted_name, keras2_object
from . import Rule
from ..interp.tree import code_children, names_in

# TensorFlow functions that take any Python value and leave a KerasTensor alone.
_ACCEPTS_ANYTHING = ("tf.nest.", "tf.is_tensor", "tf.print", "tf.get_static_value", "tf.name_scope",
                     "tf.TensorShape", "tf.function", "tf.compat.", "tf.type_spec_from_value")


class Op:
    """The ``keras.ops`` function computing what a TensorFlow function does (checked on real
    tensors in the proof), and the arguments that carry over as written: ``positional``
    positional ones, the ``keywords`` both spell the same; ``default``: TensorFlow's value of an
    argument whose default differs, written out."""

    def __init__(self, name: str, positional: int, keywords=(), default: tuple | None = None, exact: bool = False):
        self.name = name
        self.positional = positional
        self.keywords = frozenset(keywords)
        self.default = default  # (keyword, its index among the positional arguments, TensorFlow's value)
        self.exact = exact  # exactly ``positional`` positional arguments (tf.where with one is another op)


def _ops(names, op_name=None, **kw):
    return {n: Op(op_name or n.rsplit(".", 1)[-1], **kw) for n in names}


_REDUCE = ("axis", "keepdims")
OPS = {
    **_ops(("abs", "exp", "sqrt", "square", "sign", "tanh", "sigmoid", "math.abs", "math.exp", "math.sqrt",
            "math.square", "math.sign", "math.tanh", "math.sigmoid", "math.log", "math.log1p", "math.cos",
            "math.sin", "nn.relu", "nn.sigmoid", "nn.tanh", "nn.softplus", "nn.softsign", "nn.elu", "nn.selu",
            "nn.silu", "nn.relu6", "math.softplus"), positional=1),
    **_ops(("add", "subtract", "multiply", "maximum", "minimum", "divide", "equal", "not_equal", "greater",
            "greater_equal", "less", "less_equal", "math.add", "math.subtract", "math.multiply",
            "math.maximum", "math.minimum", "math.divide", "math.equal", "math.not_equal", "math.greater",
            "math.greater_equal", "math.less", "math.less_equal", "matmul", "linalg.matmul", "tile",
            "one_hot", "pad", "transpose", "reshape"), positional=2),
    **{f"{p}reduce_{r}": Op(o, 3, _REDUCE) for p in ("", "math.")
       for r, o in (("sum", "sum"), ("mean", "mean"), ("max", "max"), ("min", "min"), ("prod", "prod"),
                    ("any", "any"), ("all", "all"))},
    **{f"math.reduce_{r}": Op(o, 3, _REDUCE) for r, o in (("std", "std"), ("variance", "var"))},
    **_ops(("pow", "math.pow"), "power", positional=2),
    "concat": Op("concatenate", 2, ("axis",)),
    "stack": Op("stack", 2, ("axis",)),
    "expand_dims": Op("expand_dims", 2, ("axis",)),
    "squeeze": Op("squeeze", 2, ("axis",)),
    "cast": Op("cast", 2, ("dtype",)),
    "dtypes.cast": Op("cast", 2, ("dtype",)),
    "clip_by_value": Op("clip", 3),
    "where": Op("where", 3, exact=True),
    "gather": Op("take", 2, ("axis",), ("axis", 2, "0")),  # its third positional is validate_indices
    "argmax": Op("argmax", 2, ("axis",), ("axis", 1, "0")),
    "math.argmax": Op("argmax", 2, ("axis",), ("axis", 1, "0")),
    "argmin": Op("argmin", 2, ("axis",), ("axis", 1, "0")),
    "math.argmin": Op("argmin", 2, ("axis",), ("axis", 1, "0")),
    "nn.softmax": Op("softmax", 2, ("axis",)),
    "nn.log_softmax": Op("log_softmax", 2, ("axis",)),
    "nn.leaky_relu": Op("leaky_relu", 2),
    "einsum": Op("einsum", 99),
}


def _symbolic(value, memo: dict, depth: int = 0) -> list:
    """The symbolic tensors in an argument value, one level into lists, tuples and dicts."""
    if isinstance(value, Tensor):
        return [value] if from_inputs(value, memo) else []
    if depth == 0 and isinstance(value, Seq) and not value.opaque:
        return [t for v in value.items for t in _symbolic(v, memo, 1)]
    if depth == 0 and isinstance(value, DictVal):
        return [t for _, v in value.items for t in _symbolic(v, memo, 1)]
    return []


def from_inputs(tensor: Tensor, memo: dict) -> bool:
    """Whether a tensor is a KerasTensor: a ``keras.Input``, or made by layers from such tensors
    only. A model called on data (``model(x_batch)`` in a training loop, ``net(x[:4])``) gives
    real tensors, which TensorFlow takes."""
    stack = [tensor]
    while stack:
        t = stack[-1]
        if id(t) in memo:
            stack.pop()
            continue
        if t.is_input or t.producer is None:
            memo[id(t)] = t.is_input and t.args is not None  # made by an Input() call
            stack.pop()
            continue
        pending = [i for i in t.producer.inputs if id(i) not in memo]
        if pending:
            stack.extend(pending)
            continue
        memo[id(t)] = bool(t.producer.inputs) and all(memo[id(i)] for i in t.producer.inputs)
        stack.pop()
    return memo[id(tensor)]


def _origin(ir, tensor: Tensor):
    """Where the Keras that made a tensor is imported from: its Input's or its layer's path."""
    if tensor.producer is not None:
        ref = tensor.producer.layer.ref
        return ref.path if ref is not None else None
    for site in ir.calls:
        if site.value is tensor:
            return site.ref.path
    return None


# -- code the interpreter runs on symbolic tensors that Keras runs on real ones ----------------------
_PARTS = (cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally)


def _statements(body):
    for stmt in body:
        yield stmt
        if isinstance(stmt, cst.SimpleStatementLine):
            continue
        for block in _blocks(stmt):
            yield from _statements(block.body)


def _blocks(stmt):
    for child in code_children(stmt):
        if isinstance(child, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            yield child
        elif isinstance(child, _PARTS):
            yield from _blocks(child)


def _inside(node) -> set:
    """The ids of every node under ``node``."""
    ids, stack = set(), [node]
    while stack:
        n = stack.pop()
        ids.add(id(n))
        stack.extend(code_children(n))
    return ids


def layer_code(module: cst.Module) -> set:
    """The ids of the nodes in the file's classes (a custom layer's or model's ``call()`` runs on
    real tensors, which TensorFlow takes) and in the functions those classes call, by name."""
    classes, functions = [], {}
    for stmt in _statements(module.body):
        if isinstance(stmt, cst.ClassDef):
            classes.append(stmt)
        elif isinstance(stmt, cst.FunctionDef):
            functions.setdefault(stmt.name.value, []).append(stmt)
    ids, names = set(), set()
    for cls in classes:
        ids |= _inside(cls)
        names |= names_in(cls)
    todo = [n for n in names if n in functions]
    done = set()
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        for func in functions[name]:
            ids |= _inside(func)
            todo.extend(n for n in names_in(func.body) if n in functions and n not in done)
    return ids


# -- fixes -------------------------------------------------------------------------------------------
def _ops_fix(ir, call: cst.Call, op: Op, tf_name: str):
    positional = [a for a in call.args if a.keyword is None]
    keywords = {a.keyword.value for a in call.args if a.keyword is not None}
    if any(a.star for a in call.args) or not positional or len(positional) > op.positional:
        return None
    if (op.exact and len(positional) != op.positional) or not keywords <= op.keywords:
        return None
    written = keras_name(ir, f"ops.{op.name}")
    if written is None:
        return None
    new = call.with_changes(func=expr(written.text))
    message = f"Use {written.text}"
    if op.default is not None and op.default[0] not in keywords and len(positional) <= op.default[1]:
        new = add_keyword(new, op.default[0], op.default[2])
        message += f" with {op.default[0]}={op.default[2]}, the default of tf.{tf_name}"
    return Fix(SAFE, message, [*written.edits, NodeEdit(call, new)])


def _lambda_fix(ir, call: cst.Call, site_args, tensors, memo):
    """``tf.f(x, ...)`` -> ``Lambda(lambda t: tf.f(t, ...))(x)``: TensorFlow then runs on the
    real tensor inside a layer (unsafe: only on the TensorFlow backend, and a model with a
    Lambda reloads only with safe_mode=False)."""
    if len(tensors) != 1 or site_args is None or site_args.has_star:
        return None
    carried = [ba for ba in site_args.all() if any(t is tensors[0] for t in _symbolic(ba.value, memo))]
    if len(carried) != 1 or carried[0].value is not tensors[0]:
        return None
    arg = carried[0].node
    used = names_in(call)
    param = next(p for p in ("t", "tensor", "x_", "t_") if p not in used)
    name = keras_name(ir, "layers.Lambda")
    if name is None:
        return None
    inner = call.with_changes(args=[a.with_changes(value=cst.Name(param)) if a is arg else a for a in call.args])
    text = f"{name.text}(lambda {param}: {code_of(inner)})({code_of(arg.value)})"
    return Fix(UNSAFE, "Wrap the TensorFlow call in a Lambda layer", [*name.edits, NodeEdit(call, expr(text))])


def check(file):
    ir = file.ir
    excluded, memo = None, {}
    for site in ir.calls:
        canonical = site.ref.canonical
        if not canonical.startswith("tf.") or canonical.startswith(_ACCEPTS_ANYTHING) or site.args is None:
            continue
        tensors = [t for ba in site.args.all() for t in _symbolic(ba.value, memo)]
        tensors = list({id(t): t for t in tensors}.values())
        if not tensors or any(keras2_object(_origin(ir, t), ir.resolver, file.keras2_pinned) for t in tensors):
            continue
        if excluded is None:
            excluded = layer_code(ir.module)
        call = site.node
        if id(call) in excluded or not isinstance(call, cst.Call):
            continue
        tf_name = canonical[len("tf."):]
        op = OPS.get(tf_name)
        fix = _ops_fix(ir, call, op, tf_name) if op is not None else _lambda_fix(ir, call, site.args, tensors, memo)
        written = dotted_name(call.func) or canonical
        yield Diagnostic("KER412", _message(written, op), call, fix)


def _message(written: str, op: Op | None) -> str:
    """Keras 3's own words when they fit in 120 characters, else the gist of them."""
    advice = f"use keras.ops.{op.name}" if op is not None else "use keras.ops or a Lambda layer"
    message = (f"`{written}()`: Keras 3 raises \"A KerasTensor cannot be used as input to a TensorFlow "
               f"function\"; {advice}")
    if len(message) > 120:
        message = f"`{written}()` of a symbolic KerasTensor raises in Keras 3; {advice}"
    return message


RULE = Rule(
    code="KER412",
    explanation=(
        "Building a functional model, the tensors that flow between `keras.Input` and the "
        "layers are symbolic: Keras 2 (tf.keras) wrapped any TensorFlow function applied to "
        "them in an automatic layer (`TFOpLambda`), so `x = tf.reshape(inputs, (-1, 784))` "
        "worked. Keras 3 does not: a `KerasTensor` given to `tf.reshape`, `tf.concat`, "
        "`tf.nn.relu`, `tf.math.reduce_mean`, `tf.shape`, ... raises `ValueError: A "
        "KerasTensor cannot be used as input to a TensorFlow function`, while the model is "
        "being built. The same functions are fine inside a custom layer's or model's "
        "`call()`, a `Lambda` layer, a loss or a `tf.data` pipeline, where the tensors are "
        "real: those are left alone (code in the file's classes, and the functions they "
        "call). The fix uses the `keras.ops` function that computes the same thing, when the "
        "arguments carry over as written (`tf.concat([a, b], axis=-1)` becomes "
        "`keras.ops.concatenate([a, b], axis=-1)`; a default that differs is written out, "
        "`tf.argmax(x)` becomes `keras.ops.argmax(x, axis=0)`). Otherwise it wraps the call "
        "in a `Lambda` layer, an unsafe fix: it runs only on the TensorFlow backend, and a "
        "saved model with a `Lambda` reloads only with `safe_mode=False`. A project pinned to "
        "Keras 2 is not told: there the call builds a `TFOpLambda` layer without a word, and "
        "Keras 2 has no `keras.ops` to move to."
    ),
    bad="""\
import keras
import tensorflow as tf
from keras import layers

inputs = keras.Input(shape=(28, 28))
x = tf.reshape(inputs, (-1, 784))
x = layers.Dense(128, activation="relu")(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28))
x = layers.Reshape((784,))(inputs)
x = layers.Dense(128, activation="relu")(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
import tensorflow as tf
from keras import layers

inputs = keras.Input(shape=(28, 28))
x = keras.ops.reshape(inputs, (-1, 784))
x = layers.Dense(128, activation="relu")(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe", "unsafe"),
    check=check,
)
