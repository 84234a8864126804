"""KER411: weight and model file paths without the suffix Keras 3 requires (``.weights.h5``,
``.keras``/``.h5``)."""

from __future__ import annotations

import re


import libcst as cst

from ..data import record
from ..diagnostics import SAFE, UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import replace_string
from ..ir import UNKNOWN, Const, Model
from ..names import dotted_name, keras2_object
from . import Rule

WEIGHTS = (".weights.h5",)
CHECKPOINT_MODEL = (".keras", ".h5")  # ModelCheckpoint's own test: no ``.hdf5``
SAVED_MODEL = (".keras", ".h5", ".hdf5")  # model.save() / save_model()
_LOADERS = ("models.load_model", "saving.load_model")
_SAVERS = ("models.save_model", "saving.save_model")
# A path ending in a placeholder (``"w{}".format(ext)``, ``"w%s" % ext``, ModelCheckpoint's
# ``{epoch}``): what it ends with is not in the file.
_PLACEHOLDER_END = re.compile(r"(\}|%[-#0 +]*[0-9*]*(\.[0-9*]+)?[a-zA-Z])$")


@record(frozen=True)
class PathText:
    """What the file shows of a path: its known ending (``text``), the whole of it when
    ``whole``, and the string node that holds that ending (to edit, when it is one)."""

    text: str
    whole: bool
    node: cst.CSTNode | None  # a SimpleString, or the last FormattedStringText of an f-string

    def __init__(self, text, whole, node):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "whole", whole)
        object.__setattr__(self, "node", node)


def can_end_with(path: PathText, suffixes) -> bool:
    """Whether the path may end with one of ``suffixes``: a whole path must; a known ending
    must agree with the suffix where they overlap (``f"{name}.h5"`` may be "x.weights.h5")."""
    for suffix in suffixes:
        if path.whole:
            if path.text.endswith(suffix):
                return True
        else:
            n = min(len(path.text), len(suffix))
            if path.text[len(path.text) - n:] == suffix[len(suffix) - n:]:
                return True
    return False


def path_text(file, node, depth: int = 0) -> PathText | None:
    """The known ending of a path expression: a string, an f-string ending in text, a
    concatenation, ``"...".format(...)``, ``"..." % args``, ``os.path.join(..., "x.h5")``,
    ``Path(...) / "x.h5"``, ``str(...)`` of one, or a name bound once to one of these."""
    if node is None or depth > 8:
        return None
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return PathText(value, True, node) if isinstance(value, str) else None
    if isinstance(node, cst.FormattedString):
        last = node.parts[-1] if node.parts else None
        if not isinstance(last, cst.FormattedStringText) or not last.value:
            return None
        whole = len(node.parts) == 1
        return PathText(last.value, whole, last if "\\" not in last.value and "{" not in last.value else None)
    if isinstance(node, cst.ConcatenatedString):
        right = path_text(file, node.right, depth + 1)
        if right is None or right.whole is False:
            return right
        left = path_text(file, node.left, depth + 1)
        if left is not None and left.whole:
            return PathText(left.text + right.text, True, None)
        return PathText(right.text, False, right.node)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, (cst.Add, cst.Divide)):
            return _part(path_text(file, node.right, depth + 1))
        if isinstance(node.operator, cst.Modulo):
            return _part(path_text(file, node.left, depth + 1))
        return None
    if isinstance(node, cst.Call):
        return _call_text(file, node, depth)
    if isinstance(node, cst.Name):
        return path_text(file, file.statements.sole_value(node.value), depth + 1)
    return None


def _part(found: PathText | None) -> PathText | None:
    """The ending of a path made of more than this part: no longer the whole of it."""
    return PathText(found.text, False, found.node) if found is not None else None


def _call_text(file, node: cst.Call, depth: int) -> PathText | None:
    func = dotted_name(node.func) or ""
    args = [a for a in node.args if a.keyword is None and not a.star]
    if isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        return _part(path_text(file, node.func.value, depth + 1))
    if func.endswith("path.join") and args and len(args) == len(node.args):
        found = path_text(file, args[-1].value, depth + 1)
        return found if len(args) == 1 else _part(found)
    if func in ("str", "Path", "pathlib.Path", "os.fspath") and len(args) == 1 == len(node.args):
        return path_text(file, args[0].value, depth + 1)
    return None


def _model_path(ir, model):
    """Where the model's class is imported from, when a Keras call made it."""
    if not isinstance(model, Model) or model.node is None:
        return None
    for site in ir.calls:
        if site.node is model.node:
            return site.ref.path
    return None


def _arg(call: cst.Call, position: int, keyword: str):
    """The value of an argument given at ``position`` or as ``keyword``, else None."""
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in call.args):
        return None
    for a in call.args:
        if a.keyword is not None and a.keyword.value == keyword:
            return a.value
    return positional[position].value if position < len(positional) else None


def _keywords(call: cst.Call) -> set:
    return {a.keyword.value for a in call.args if a.keyword is not None}


# -- the places a path is given ---------------------------------------------------------------------
@record(frozen=True)
class Target:
    what: str  # for messages: "ModelCheckpoint(save_weights_only=True)"
    call: cst.Call
    path_node: cst.CSTNode
    suffixes: tuple  # what Keras 3 accepts
    new_suffix: str  # what the fix writes
    makes_folders: bool  # ModelCheckpoint creates the folder; save_weights()/save() do not

    def __init__(self, what, call, path_node, suffixes, new_suffix, makes_folders):
        object.__setattr__(self, "what", what)
        object.__setattr__(self, "call", call)
        object.__setattr__(self, "path_node", path_node)
        object.__setattr__(self, "suffixes", suffixes)
        object.__setattr__(self, "new_suffix", new_suffix)
        object.__setattr__(self, "makes_folders", makes_folders)


def _checkpoints(file):
    ir = file.ir
    for obj in ir.objects:
        if obj.kind != "ModelCheckpoint" or keras2_object(obj.ref.path, ir.resolver, file.keras2_pinned):
            continue
        path = obj.args.get("filepath")
        if path is None or obj.args.has_star:
            continue
        weights_only = obj.args.value("save_weights_only")
        if isinstance(weights_only, Const) and weights_only.value is True:
            yield Target("ModelCheckpoint(save_weights_only=True)", obj.node, path.node.value, WEIGHTS, ".weights.h5", True)
        elif isinstance(weights_only, Const) and weights_only.value is False:
            yield Target("ModelCheckpoint", obj.node, path.node.value, CHECKPOINT_MODEL, ".keras", True)
        else:
            # Unknown mode: only a path that neither mode takes.
            yield Target("ModelCheckpoint", obj.node, path.node.value, WEIGHTS + CHECKPOINT_MODEL, "", True)


def _method_saves(file):
    ir = file.ir
    for mc in ir.method_calls:
        if mc.name not in ("save_weights", "save") or not isinstance(mc.node, cst.Call):
            continue
        receiver = mc.receiver
        if mc.name == "save" and not isinstance(receiver, Model):
            continue  # img.save(...), word2vec.save(...): only a model kerlint knows
        if not (isinstance(receiver, Model) or (receiver is UNKNOWN and ir.uses_keras)):
            continue
        if keras2_object(_model_path(ir, receiver), ir.resolver, file.keras2_pinned):
            continue
        call = mc.node
        path = _arg(call, 0, "filepath")
        if path is None:
            continue
        if mc.name == "save_weights":
            if "max_shard_size" not in _keywords(call):
                yield Target("save_weights()", call, path, WEIGHTS, ".weights.h5", False)
        elif not _keywords(call) & {"zipped"}:
            yield Target("save()", call, path, SAVED_MODEL, ".keras", False)


def _function_saves(file):
    ir = file.ir
    for site in ir.calls:
        if site.ref.canonical not in _SAVERS or keras2_object(site.ref.path, ir.resolver, file.keras2_pinned):
            continue
        call = site.node
        path = _arg(call, 1, "filepath")
        if path is not None and not _keywords(call) & {"zipped"}:
            yield Target(f"{site.ref.canonical.rsplit('.', 1)[-1]}()", call, path, SAVED_MODEL, ".keras", False)


# -- the fix -------------------------------------------------------------------------------------------
def _new_text(old: str, target: Target) -> str | None:
    """The path with the suffix Keras 3 wants: ``w.h5`` -> ``w.weights.h5``, ``m.hdf5`` ->
    ``m.h5`` for a model checkpoint, else the suffix appended."""
    if not target.new_suffix or old.endswith(("/", "\\")) or not old:
        return None
    if target.new_suffix == ".weights.h5":
        for ext in (".hdf5", ".h5"):
            if old.endswith(ext):
                return old[: -len(ext)] + ".weights.h5"
    elif old.endswith(".hdf5"):
        return old[: -len(".hdf5")] + ".h5"
    return old + target.new_suffix


def _edit(node, old: str, new: str):
    if isinstance(node, cst.SimpleString):
        if "\\" in node.value or node.value.lstrip("rRbBuU")[:3] in ('"""', "'''"):
            return None
        return NodeEdit(node, replace_string(node, new))
    if isinstance(node, cst.FormattedStringText):
        return NodeEdit(node, node.with_changes(value=new))
    return None


def _companions(file, old: str, weights: bool):
    """String literals ``old`` given to load_weights() (and load_model(), for a model file) in
    the file: they read the file the fix renames."""
    ir = file.ir
    nodes = []
    for mc in ir.method_calls:
        if mc.name == "load_weights" and isinstance(mc.node, cst.Call):
            nodes.append(_arg(mc.node, 0, "filepath"))
    for site in ir.calls:
        if site.ref.canonical in _LOADERS and not weights:
            nodes.append(_arg(site.node, 0, "filepath"))
    return [n for n in nodes if isinstance(n, cst.SimpleString) and n.evaluated_value == old]


def _fix(file, target: Target, path: PathText):
    if path.node is None:
        return None
    new = _new_text(path.text, target)
    edit = _edit(path.node, path.text, new) if new is not None else None
    if edit is None:
        return None
    edits = [edit]
    if path.whole:
        edits.extend(e for e in (_edit(n, path.text, new) for n in _companions(file, path.text, target.new_suffix == ".weights.h5")) if e is not None)
    # Safe when nothing else in the file spells the old path, and the folder question does not
    # arise (Keras 3's save_weights()/save() do not create a missing folder, as TF checkpoints did).
    elsewhere = file.ir.module.code.count(path.text) > len(edits)
    folder = not target.makes_folders and ("/" in path.text or "\\" in path.text or not path.whole)
    applicability = UNSAFE if elsewhere or folder else SAFE
    return Fix(applicability, f"Save to {new!r}" if path.whole else f"End the path with {new!r}", edits)


def _message(target: Target) -> str:
    quoted = [f"`{s}`" for s in target.suffixes]
    wanted = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    text = f"Keras 3's {target.what} raises ValueError unless the path ends in {wanted}"
    return text + "; a SavedModel is model.export()" if target.suffixes == SAVED_MODEL else text


def check(file):
    seen = set()
    for target in (*_checkpoints(file), *_method_saves(file), *_function_saves(file)):
        if id(target.call) in seen:
            continue
        path = path_text(file, target.path_node)
        if path is None or _PLACEHOLDER_END.search(path.text) or can_end_with(path, target.suffixes):
            continue
        if any(s in path.text for s in ("hf://", "gs://", "s3://")) and target.suffixes == SAVED_MODEL:
            continue
        seen.add(id(target.call))
        yield Diagnostic("KER411", _message(target), target.path_node, _fix(file, target, path))


RULE = Rule(
    code="KER411",
    explanation=(
        "Keras 2 chose the file format from the path: `model.save_weights(\"w.h5\")` wrote HDF5, "
        "`model.save_weights(\"ckpt\")` a TensorFlow checkpoint, `model.save(\"my_model\")` a "
        "SavedModel folder. Keras 3 writes its own formats and checks the name first: "
        "`save_weights()` and `ModelCheckpoint(save_weights_only=True)` raise `ValueError` "
        "unless the path ends in `.weights.h5`; a full-model `ModelCheckpoint` wants `.keras` or "
        "`.h5` (not `.hdf5`); `model.save()` wants `.keras`, `.h5` or `.hdf5` (for a SavedModel, "
        "`model.export(path)`). `ModelCheckpoint` raises when it is created, `save_weights()` "
        "often only after the training it was meant to keep. The path is judged when the file "
        "shows how it ends (a literal, an f-string or `os.path.join` ending in text, a name "
        "bound once to one). The fix adds the suffix (`w.h5` becomes `w.weights.h5`, "
        "`best.hdf5` `best.h5` for a model checkpoint, `my_model` `my_model.keras`) and renames "
        "the same literal in the file's `load_weights()`/`load_model()` calls. It is unsafe "
        "when the old name appears elsewhere in the file, or when `save_weights()`/`save()` "
        "write into a folder: unlike TensorFlow checkpoints, Keras 3 does not create it. A "
        "project pinned to Keras 2 is not told: Keras 2 writes each of these paths without a "
        "warning (HDF5, TensorFlow checkpoint, SavedModel)."
    ),
    bad="""\
import numpy as np
import keras
from keras import layers

x = np.random.rand(256, 8).astype("float32")
y = np.random.randint(0, 2, size=(256, 1))
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
best = keras.callbacks.ModelCheckpoint("best.h5", save_weights_only=True, save_best_only=True)
model.fit(x[:200], y[:200], epochs=5, validation_data=(x[200:], y[200:]), callbacks=[best])
model.load_weights("best.h5")
""",
    good="""\
import numpy as np
import keras
from keras import layers

x = np.random.rand(256, 8).astype("float32")
y = np.random.randint(0, 2, size=(256, 1))
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
best = keras.callbacks.ModelCheckpoint("best.weights.h5", save_weights_only=True, save_best_only=True)
model.fit(x[:200], y[:200], epochs=5, validation_data=(x[200:], y[200:]), callbacks=[best])
model.load_weights("best.weights.h5")
""",
    fixed="""\
import numpy as np
import keras
from keras import layers

x = np.random.rand(256, 8).astype("float32")
y = np.random.randint(0, 2, size=(256, 1))
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
best = keras.callbacks.ModelCheckpoint("best.weights.h5", save_weights_only=True, save_best_only=True)
model.fit(x[:200], y[:200], epochs=5, validation_data=(x[200:], y[200:]), callbacks=[best])
model.load_weights("best.weights.h5")
""",
    fix_availability="sometimes",
    fix_applicability=("safe", "unsafe"),
    check=check,
)
