"""KER407: layers, modules and functions that Keras 3 removed."""

from __future__ import annotations

import libcst as cst

from ..catalog import get_catalog, legacy
from ..diagnostics import SAFE, Diagnostic, Fix, NodeEdit
from ..names import dotted_name, keras2_object
from . import Rule

# Roots whose legacy paths fail on Keras 3. ``keras.src`` is Keras 3's own (real) source
# tree and ``tf_keras`` is Keras 2 kept on purpose: both are left alone.
_ROOTS = ("tensorflow.keras", "keras")

# Removed objects, by canonical path: the Keras 3 replacement, or None.
REMOVED = {
    "layers.CuDNNLSTM": "LSTM",
    "layers.CuDNNGRU": "GRU",
    "layers.Merge": None,
    "models.Graph": None,
    "backend.set_image_dim_ordering": None,
    "backend.image_dim_ordering": None,
    "optimizers.sgd": "SGD",
    "optimizers.rmsprop": "RMSprop",
    "optimizers.adagrad": "Adagrad",
    "optimizers.adadelta": "Adadelta",
    "optimizers.adam": "Adam",
    "optimizers.adamax": "Adamax",
    "optimizers.nadam": "Nadam",
}
_WHY = {
    "layers.CuDNNLSTM": "LSTM uses cuDNN by itself",
    "layers.CuDNNGRU": "GRU uses cuDNN by itself",
    "layers.Merge": "use Concatenate, Add, Multiply, Average or Dot",
    "models.Graph": "use the functional API",
    "backend.set_image_dim_ordering": "use set_image_data_format()",
    "backend.image_dim_ordering": "use image_data_format()",
}
# Removed modules with no direct replacement.
REMOVED_MODULES = {
    "wrappers.scikit_learn": "use scikeras or keras.wrappers",
}
# Modules imported as a name (``from keras.utils import np_utils``) that can be aliased.
_ALIASABLE = {"utils.np_utils"}
# Still importable in Keras 3, as stubs whose optimizers raise ImportError when created:
# flagged where an optimizer is taken from it, not where the module is imported.
_STUB = "optimizers.legacy"

_UTILS = {
    "to_categorical", "normalize", "Sequence", "PyDataset", "plot_model", "model_to_dot", "get_file",
    "pad_sequences", "set_random_seed", "image_dataset_from_directory", "text_dataset_from_directory",
    "timeseries_dataset_from_array", "load_img", "img_to_array", "array_to_img", "save_img",
    "register_keras_serializable", "get_custom_objects", "custom_object_scope", "CustomObjectScope",
    "serialize_keras_object", "deserialize_keras_object", "Progbar", "get_source_inputs", "split_dataset",
}
_MODELS = {"Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"}


def _exported(module: str, name: str) -> bool:
    """Whether Keras 3's public ``module`` exports ``name`` (as far as kerlint knows)."""
    cat = get_catalog()
    if module == "layers":
        return cat.is_layer(name) and name not in legacy.LEGACY_LAYERS or name in cat.layer_functions or name in ("Input", "Layer", "InputSpec")
    if module == "models":
        return name in _MODELS
    if module == "utils":
        return name in _UTILS
    if module == "optimizers":
        return name in cat.optimizer_classes or name == "schedules"
    if module == "losses":
        return name in cat.loss_classes or name in cat.loss_functions
    return False


def _split(full: str):
    """(root, rest) for a Keras path under one of the checked roots, else None."""
    if full.startswith(("keras.src", "keras.api")):
        return None
    for root in _ROOTS:
        if full.startswith(root + "."):
            return root, full[len(root) + 1:]
    return None


def _legacy_module(rest: str):
    for old in (*legacy.LEGACY_SUBMODULES, *REMOVED_MODULES):
        if rest == old or rest.startswith(old + "."):
            return old
    return None


def _removed_name(rest: str):
    old = _legacy_module(rest)
    if old in legacy.LEGACY_SUBMODULES:
        rest = legacy.LEGACY_SUBMODULES[old] + rest[len(old):]
    return rest if rest in REMOVED else None


def _module_message(root, old):
    path = f"{root}.{old}"
    if old == "layers.merge":
        return f"`{path}` is gone in Keras 3 and its import fails; use Concatenate, Add, Multiply, Average or Dot"
    if old == _STUB:
        return f"`{path}` holds only stubs in Keras 3: creating an optimizer from it raises ImportError"
    if old in REMOVED_MODULES:
        return f"`{path}` was removed in Keras 3 (ModuleNotFoundError); {REMOVED_MODULES[old]}"
    new = f"{root}.{legacy.LEGACY_SUBMODULES[old]}"
    return f"`{path}` is a Keras 2 path that Keras 3 removed (ModuleNotFoundError); use `{new}`"


def _name_message(canon, written):
    said = f"`{written}` is gone from Keras: Keras 3 raises AttributeError or ImportError"
    why = _WHY.get(canon) or (f"use `{REMOVED[canon]}`" if REMOVED[canon] else None)
    return f"{said}; {why}" if why else said


def _import_from(node: cst.ImportFrom):
    module_text = dotted_name(node.module) if node.module is not None else None
    if module_text is None or node.relative:
        return
    split = _split(module_text + ".x")
    if split is None:
        return
    root, rest = split
    rest = rest[:-2]
    old = _legacy_module(rest)
    if old is not None:
        # ``from keras.layers.core import Dense``: the module path itself is gone.
        fix = None
        if old in legacy.LEGACY_SUBMODULES and not isinstance(node.names, cst.ImportStar):
            new_module = legacy.LEGACY_SUBMODULES[old]
            names = [dotted_name(a.name) for a in node.names]
            if all(n and _exported(new_module, n) for n in names):
                fix = Fix(SAFE, f"Import from {root}.{new_module}", [NodeEdit(node.module, cst.parse_expression(f"{root}.{new_module}"))])
        yield Diagnostic("KER407", _module_message(root, old), node.module, fix)
        if isinstance(node.names, cst.ImportStar):
            return
    if isinstance(node.names, cst.ImportStar):
        return
    for alias in node.names:
        name = dotted_name(alias.name)
        if name is None:
            continue
        full_rest = f"{rest}.{name}"
        sub = _legacy_module(full_rest)
        if sub is not None and full_rest == sub and old is None:
            # ``from keras.utils import np_utils``: a removed module imported by name.
            if sub == _STUB:
                continue
            fix = None
            if sub in _ALIASABLE and len(node.names) == 1:
                new = legacy.LEGACY_SUBMODULES[sub]
                parent, _, leaf = f"{root}.{new}".rpartition(".")
                local = alias.asname.name.value if alias.asname is not None else name
                fix = Fix(SAFE, f"Import {root}.{new} as {local}",
                          [NodeEdit(node, cst.parse_statement(f"from {parent} import {leaf} as {local}\n").body[0])])
            yield Diagnostic("KER407", _module_message(root, sub), alias, fix)
            continue
        canon = _removed_name(full_rest)
        if canon is None:
            continue
        new = REMOVED[canon]
        fix = None
        if new is not None:
            local = alias.asname.name.value if alias.asname is not None else name
            fix = Fix(SAFE, f"Import {new} (as {local})",
                      [NodeEdit(alias, cst.ImportAlias(cst.Name(new), cst.AsName(cst.Name(local))))])
        yield Diagnostic("KER407", _name_message(canon, name), alias, fix)


def _import(node: cst.Import):
    for alias in node.names:
        full = dotted_name(alias.name)
        split = _split(full) if full else None
        if split is None:
            continue
        root, rest = split
        old = _legacy_module(rest)
        if old is None or (old == _STUB and rest == old):
            continue
        fix = None
        if old in _ALIASABLE and rest == old and alias.asname is not None:
            new = f"{root}.{legacy.LEGACY_SUBMODULES[old]}"
            fix = Fix(SAFE, f"Import {new}", [NodeEdit(alias.name, cst.parse_expression(new))])
        yield Diagnostic("KER407", _module_message(root, old), alias, fix)


def _uses(ir, file_keras2):
    """Removed objects reached through an attribute or a snippet name (``K.image_dim_ordering()``)."""
    for site in ir.calls:
        ref = site.ref
        node = ref.node
        if node.__class__ not in (cst.Attribute, cst.Name):
            continue
        split = _split(ref.path.raw)
        if split is None or keras2_object(ref.path, ir.resolver, file_keras2):
            continue
        if ref.path.legacy_module == _STUB:
            yield _stub_use(node, split[0])
            continue
        canon = _removed_name(split[1])
        if canon is None:
            continue
        written = dotted_name(node) or canon
        new = REMOVED[canon]
        fix = None
        if new is not None:
            target = node.attr if isinstance(node, cst.Attribute) else node
            fix = Fix(SAFE, f"Use {new}", [NodeEdit(target, cst.Name(new))])
        yield Diagnostic("KER407", _name_message(canon, written), node, fix)


def _stub_use(node, root):
    """``tf.keras.optimizers.legacy.Adam()`` / ``legacy.Adam()``."""
    fix = None
    written = dotted_name(node) or ""
    if isinstance(node, cst.Attribute) and written.endswith("optimizers.legacy." + node.attr.value):
        fix = Fix(SAFE, "Use the optimizer from keras.optimizers", [NodeEdit(node.value, node.value.value)])
    return Diagnostic("KER407", _module_message(root, _STUB), node, fix)


def check(file):
    # Each import and name is judged by its own module path: tf_keras and
    # tensorflow.python.keras are never one of the checked roots, whatever else the file imports.
    ir = file.ir
    seen = set()
    for record in ir.resolver.imports:
        node = record.node
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, cst.ImportFrom):
            yield from _import_from(node)
        elif isinstance(node, cst.Import):
            yield from _import(node)
    yield from _uses(ir, file.keras2_pinned)


RULE = Rule(
    code="KER407",
    explanation=(
        "Keras 3 dropped the Keras 2 sub-module paths (`keras.layers.core`, "
        "`keras.layers.advanced_activations`, `keras.utils.np_utils`, `keras.engine`, ...): "
        "importing them raises `ModuleNotFoundError`, and everything they held is in the "
        "public module (`keras.layers`, `keras.utils`). Other names are gone too, some since "
        "Keras 2 or TensorFlow 2: `CuDNNLSTM`/`CuDNNGRU` (`LSTM`/`GRU` pick the cuDNN kernel "
        "themselves on a GPU), the Keras 1 `Merge` layer and `keras.layers.merge` (use "
        "`Concatenate`, `Add`, `Multiply`, `Average` or `Dot`, or the `concatenate()`/`add()` "
        "functions of `keras.layers`), the `Graph` model (build the model with the functional "
        "API, `keras.Model(inputs, outputs)`), the lowercase optimizer aliases "
        "(`keras.optimizers.rmsprop`: use `RMSprop`), and `K.set_image_dim_ordering`/"
        "`K.image_dim_ordering` (`keras.backend.set_image_data_format(\"channels_first\")` and "
        "`image_data_format()`). `keras.wrappers.scikit_learn` is gone: scikeras has "
        "`KerasClassifier`/`KerasRegressor`, and Keras 3 has `keras.wrappers.SKLearnClassifier`. "
        "`keras.optimizers.legacy` still imports but holds stubs: creating an optimizer from it "
        "raises ImportError (\"`keras.optimizers.legacy` is not supported in Keras 3\"); the "
        "optimizers of `keras.optimizers` replace them. The fix rewrites the import or name "
        "where a direct replacement exists and reports the rest."
    ),
    bad="""\
from keras.layers import CuDNNLSTM, Embedding
from keras.layers.core import Dense, Dropout
from keras.models import Sequential

model = Sequential()
model.add(Embedding(20000, 128))
model.add(CuDNNLSTM(64))
model.add(Dropout(0.5))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
""",
    good="""\
from keras.layers import LSTM, Dense, Dropout, Embedding
from keras.models import Sequential

model = Sequential()
model.add(Embedding(20000, 128))
model.add(LSTM(64))  # uses the cuDNN kernel on a GPU by itself
model.add(Dropout(0.5))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
""",
    fixed="""\
from keras.layers import LSTM as CuDNNLSTM, Embedding
from keras.layers import Dense, Dropout
from keras.models import Sequential

model = Sequential()
model.add(Embedding(20000, 128))
model.add(CuDNNLSTM(64))
model.add(Dropout(0.5))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("safe",),
    check=check,
)
