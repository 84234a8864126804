"""KER201: a per-sample model whose Dense head keeps the time or spatial axis."""

from __future__ import annotations

from dataclasses import field

import libcst as cst

from ..data import FACTORY, record
from ..analysis.activations import PROBABILITY_ACTIVATIONS
from ..analysis.graph import SHAPE_KEEPING
from ..analysis.losses import BINARY_LOSSES, compile_loss, compiles_in_effect
from ..catalog import get_catalog, legacy
from ..diagnostics import UNSAFE, Diagnostic, Fix, NodeEdit
from ..edits import keras_name
from ..fixes import insert_before
from ..ir import Tensor
from ..shapes import const, fmt_shape
from . import Rule
from ..interp.tree import code_children, names_in

# Layers whose rank-3+ output a Dense head may have been put on by mistake.
_PRODUCERS = {"conv", "pool", "rnn", "conv_rnn", "bidirectional", "attention", "multi_head_attention",
              "embedding", "time_distributed", "concatenate", "elementwise"}
# Layers that restore resolution or length: what decoders and segmentation nets do.
_DECODER_FAMILIES = {"upsampling", "repeat_vector"}


@record
class Step:
    layer: object
    in_shape: tuple | None
    out_shape: tuple | None
    entry: object = None  # SeqEntry (Sequential)
    call: object = None  # LayerCall (functional)

    def __init__(self, layer, in_shape, out_shape, entry=None, call=None):
        self.layer = layer
        self.in_shape = in_shape
        self.out_shape = out_shape
        self.entry = entry
        self.call = call


@record
class Path:
    """The head's run of Dense/shape-keeping layers and everything before it."""

    run: list  # Steps from the first Dense applied to the sequence up to the head
    producer: Step
    ancestors: list = field(default_factory=list)  # layers before the run, any order
    calls: list = field(default_factory=list)  # their LayerCalls, for a functional model

    def __init__(self, run, producer, ancestors=FACTORY, calls=FACTORY):
        self.run = run
        self.producer = producer
        self.ancestors = [] if ancestors is FACTORY else ancestors
        self.calls = [] if calls is FACTORY else calls


def _family(layer):
    return get_catalog().layer_family(layer.kind)


def _sequential_path(file, model, head):
    steps = file.steps(model)
    entries = model.entries
    idx = next((i for i in range(len(steps) - 1, -1, -1) if steps[i].layer is head.layer), None)
    if idx is None:
        return None
    run = []
    i = idx
    while i >= 0 and _in_run(steps[i].layer):
        s = steps[i]
        run.insert(0, Step(s.layer, s.in_shape, s.out_shape, entry=entries[i]))
        i -= 1
    if i < 0 or entries[i].conditional:
        return None
    s = steps[i]
    producer = Step(s.layer, s.in_shape, s.out_shape, entry=entries[i])
    return Path(run, producer, [st.layer for st in steps[: i + 1]])


def _functional_path(model, head):
    if not model.outputs or len(model.outputs) != 1:
        return None
    tensor = model.outputs[0]
    call = None
    for _ in range(64):
        if not isinstance(tensor, Tensor) or tensor.producer is None:
            return None
        call = tensor.producer
        if call.layer is head.layer:
            break
        if len(call.inputs) != 1:
            return None
        tensor = call.inputs[0]
    else:
        return None
    run = []
    while call is not None and _in_run(call.layer):
        run.insert(0, Step(call.layer, _one(call.in_shapes), _one(call.out_shapes), call=call))
        if len(call.inputs) != 1:
            return None
        call = call.inputs[0].producer
    if call is None:
        return None
    producer = Step(call.layer, _one(call.in_shapes), _one(call.out_shapes), call=call)
    ancestors, seen, stack = [], set(), [call]
    while stack:
        c = stack.pop()
        if c is None or id(c) in seen:
            continue
        seen.add(id(c))
        ancestors.append(c)
        stack.extend(t.producer for t in c.inputs if isinstance(t, Tensor))
    return Path(run, producer, [c.layer for c in ancestors], ancestors)


def _one(shapes):
    return shapes[0] if shapes and len(shapes) == 1 else None


def _in_run(layer) -> bool:
    return layer.known and (layer.kind == "Dense" or layer.kind in SHAPE_KEEPING)


def _backbone(layer) -> bool:
    """A keras.applications model used as a layer: an image model whose feature map is 4D."""
    return layer.model is not None and layer.model.block is not None


def _name(layer) -> str:
    return layer.model.block.application if _backbone(layer) else layer.kind


def _reduces(layer) -> bool:
    """A layer that shortens the time axis or shrinks the image: pooling, strides, a
    valid-padded kernel, cropping (a backbone: all of these)."""
    if _backbone(layer):
        return True
    family, params = _family(layer)
    if family == "pool" or (family == "padding" and params.get("sign", 1) < 0):
        return True
    if family == "time_distributed":
        return False
    if family in ("conv", "conv_rnn") and not params.get("transpose"):
        strides = const(layer.args.value("strides"))
        if isinstance(strides, int) and strides > 1 or isinstance(strides, tuple) and any(
            isinstance(s, int) and s > 1 for s in strides
        ):
            return True
        padding = const(layer.args.value("padding"))
        kernel = const(layer.args.value("kernel_size"))
        kernels = kernel if isinstance(kernel, tuple) else (kernel,)
        return padding == "valid" and any(isinstance(k, int) and k > 1 for k in kernels)
    return False


def _decoder(path) -> bool:
    for layer in path.ancestors:
        family, params = _family(layer)
        if family in _DECODER_FAMILIES or params.get("transpose"):
            return True
    for call in path.calls:
        if any(a.keyword is not None and a.keyword.value == "initial_state" for a in call.node.args):
            return True
        family = _family(call.layer)[0]
        if family in ("attention", "multi_head_attention") and len(call.inputs) >= 2:
            if call.inputs[0] is not call.inputs[1]:
                return True  # cross-attention: a decoder attending to an encoder
    return False


def _channels_first(path) -> bool:
    return any(const(layer.args.value("data_format")) == "channels_first"
               for layer in path.ancestors if layer.known and layer.args.signature
               and layer.args.signature.accepts("data_format"))


def _label_name(fit):
    arg = fit.args.get("y")
    if arg is not None and isinstance(arg.node.value, cst.Name):
        return arg.node.value.value
    return None


def _labels_per_sample(file, model) -> bool:
    """The same label array trains another model of the file whose output is per sample."""
    names = {_label_name(f) for f in model.fits} - {None}
    if not names:
        return False
    for other in file.ir.models:
        if other is model:
            continue
        shape = file.output_shape(other)
        if shape is None or len(shape) != 2:
            continue
        if any(_label_name(f) in names for f in other.fits):
            return True
    return False


def _labels_say(label, out, units):
    """"step" when the labels have the output's time axis, "sample" when they evidently do
    not, None when the labels cannot tell."""
    if label is None:
        return None
    if len(label) >= 3:
        return "step"
    if len(label) == 1:
        return "sample"
    steps = out[1] if isinstance(out[1], int) else None
    if label[1] is not None and label[1] == steps:
        return "step"
    if label[1] is not None and label[1] == units and steps is not None:
        return "sample"
    return None


# -- what the file shows about the labels a fit trains on -------------------------------------
# Keras helpers that make a dataset with one label per image, text or window, and the arguments
# (with their positions) that turn the labels off when None.
_DATASET_MAKERS = {
    "image_dataset_from_directory": (("labels", 1), ("label_mode", 2)),
    "text_dataset_from_directory": (("labels", 1), ("label_mode", 2)),
    "timeseries_dataset_from_array": (("targets", 1),),
}
# Dataset methods that keep each element's label.
_DATASET_METHODS = {"prefetch", "cache", "shuffle", "map", "repeat", "take", "skip", "filter", "with_options"}
# Array functions and methods that keep one row per sample.
_ARRAY_FUNCTIONS = {"array", "asarray", "asanyarray"}
_ARRAY_METHODS = {"astype", "copy", "ravel", "flatten", "squeeze", "to_numpy"}
_ARRAY_MODULES = {"np", "numpy", "tf", "jnp", "ops"}
_SPLITTERS = {"train_test_split"}
SAMPLE, TARGET, WINDOW = "sample", "target", "window"
SAME = "same"  # a name rebound from itself (``y = to_categorical(y)``): its other bindings say


def _dotted_tail(func) -> str | None:
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def _positional(call: cst.Call, index: int):
    args = [a for a in call.args if a.keyword is None and not a.star]
    return args[index].value if index < len(args) else None


def _argument(call: cst.Call, name: str, index: int):
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a.value
    return _positional(call, index)


def _element_kind(element, loop_vars: set) -> str | None:
    """What one appended (or comprehended) item of a loop over ``loop_vars`` is: a slice of a
    series at the loop's position (``data[i - 60:i, 0]``, a window) or one position of it
    (``data[i, 0]``, the window's target)."""
    while isinstance(element, cst.Attribute):  # data[i:i + n].values
        element = element.value
    if not isinstance(element, cst.Subscript):
        return None
    indices = []
    node = element
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        if isinstance(node, cst.Subscript):
            indices.extend(el.slice for el in node.slice)
        node = node.value
    slices = [i for i in indices if isinstance(i, cst.Slice)]
    if any(names_in(i) & loop_vars for i in slices):
        return WINDOW
    if not slices and any(names_in(i) & loop_vars for i in indices):
        return TARGET
    return None


def _reshaped(call: cst.Call):
    """The array of ``np.reshape(a, shape)`` or ``a.reshape(shape)``."""
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in _ARRAY_MODULES:
        return _positional(call, 0)
    return func.value if isinstance(func, cst.Attribute) else _positional(call, 0)


class _Labels:
    """The file's statements, walked once when a model needs them: each name's bindings per
    function, and what loops append to lists; then, for a fit, whether its labels are one per
    sample (a ``keras.datasets`` loader, a labelled dataset, the target of a sliding window)."""

    def __init__(self, file):
        self.sites = {id(site.node): site.ref.canonical for site in file.ir.calls}
        self.bindings: dict = {}  # (id(owner), name) -> [(path in an unpacking target, value)]
        self.appends: dict = {}  # (id(owner), name) -> [(loop variables, appended value)]
        self.owner_of: dict = {}  # id(expression of a statement) -> its function (None: module)
        self.parent: dict = {}  # id(function) -> the function (or None) around it
        self._walk(file.ir.module.body, None, ())

    # -- the walk --------------------------------------------------------------------------------
    def _walk(self, body, owner, loops) -> None:
        for stmt in body:
            if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                for small in stmt.body:
                    self._small(small, owner, loops)
            else:
                self._compound(stmt, owner, loops)

    def _small(self, small, owner, loops) -> None:
        value = getattr(small, "value", None)
        node = value
        while isinstance(node, (cst.Attribute, cst.Subscript)):  # model.fit(...).history
            node = node.value
        for n in (value, node):
            if n is not None:
                self.owner_of[id(n)] = owner
        if isinstance(small, cst.Assign):
            for t in small.targets:
                self._bind(t.target, small.value, (), owner)
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
            self._bind(small.target, None, (), owner)
        elif isinstance(small, cst.Expr) and loops and isinstance(value, cst.Call):
            func = value.func
            if (isinstance(func, cst.Attribute) and func.attr.value == "append" and isinstance(func.value, cst.Name)
                    and len(value.args) == 1):
                key = (id(owner), func.value.value)
                self.appends.setdefault(key, []).append((loops[-1], value.args[0].value))

    def _compound(self, stmt, owner, loops) -> None:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self._bind(stmt.name, None, (), owner)
            if isinstance(stmt, cst.FunctionDef):
                self.parent[id(stmt)] = owner
                p = stmt.params
                for param in (*p.posonly_params, *p.params, *p.kwonly_params):
                    self._bind(param.name, None, (), stmt)
                for star in (p.star_arg, p.star_kwarg):
                    if isinstance(star, cst.Param):
                        self._bind(star.name, None, (), stmt)
                owner, loops = stmt, ()
        if isinstance(stmt, (cst.For, cst.While)):
            variables = set()
            if isinstance(stmt, cst.For):
                self._bind(stmt.target, None, (), owner)
                variables = names_in(stmt.target)
            self._walk_parts(stmt.body, owner, loops + (variables,))
            if stmt.orelse is not None:
                self._walk_parts(stmt.orelse, owner, loops)
            return
        if isinstance(stmt, cst.With):
            for item in stmt.items:
                if item.asname is not None:
                    self._bind(item.asname.name, None, (), owner)
        for child in code_children(stmt):
            self._walk_parts(child, owner, loops)

    def _walk_parts(self, part, owner, loops) -> None:
        if isinstance(part, cst.IndentedBlock):
            self._walk(part.body, owner, loops)
        elif isinstance(part, cst.SimpleStatementSuite):
            self._walk([part], owner, loops)
        elif isinstance(part, (cst.Else, cst.If, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally)):
            if isinstance(part, cst.If):
                self._compound(part, owner, loops)
            else:
                self._walk_parts(part.body, owner, loops)

    def _bind(self, target, value, path, owner) -> None:
        if isinstance(target, cst.Name):
            self.bindings.setdefault((id(owner), target.value), []).append((path, value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = value.elements if isinstance(value, (cst.Tuple, cst.List)) else None
            if values is not None and len(values) != len(target.elements):
                values = None
            starred = any(isinstance(el, cst.StarredElement) for el in target.elements)
            for i, el in enumerate(target.elements):
                if starred:
                    self._bind(el.value, None, (), owner)  # positions after the star are unknown
                elif values is not None:
                    self._bind(el.value, values[i].value, (), owner)
                else:
                    self._bind(el.value, value, path + (i,), owner)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, None, (), owner)

    # -- questions -------------------------------------------------------------------------------
    def per_sample(self, fit) -> bool:
        """The fit's labels are evidently one per sample."""
        if id(fit.node) not in self.owner_of:
            return False
        owner = self.owner_of[id(fit.node)]
        y, x = fit.args.get("y"), fit.args.get("x")
        if y is None:
            return x is not None and self._kind(x.node.value, owner, set()) == SAMPLE
        kind = self._kind(y.node.value, owner, set())
        if kind == TARGET:
            return x is not None and self._kind(x.node.value, owner, set()) == WINDOW
        return kind == SAMPLE

    def _lookup(self, name: str, owner):
        while True:
            found = self.bindings.get((id(owner), name))
            if found is not None or owner is None:
                return found, owner
            owner = self.parent.get(id(owner))

    def _kind(self, expr, owner, seen) -> str | None:
        if isinstance(expr, cst.Name):
            return self._name_kind(expr.value, owner, seen)
        if isinstance(expr, cst.Subscript):
            return self._kind(expr.value, owner, seen)  # rows of the labels
        if isinstance(expr, (cst.ListComp, cst.GeneratorExp)):
            loop_vars = set()
            comp = expr.for_in
            while comp is not None:
                loop_vars |= names_in(comp.target)
                comp = comp.inner_for_in
            return _element_kind(expr.elt, loop_vars)
        if not isinstance(expr, cst.Call):
            return None
        canonical = self.sites.get(id(expr), "")
        tail = canonical.rsplit(".", 1)[-1]
        if tail in _DATASET_MAKERS:
            return self._dataset_kind(expr, tail, owner, seen)
        func = expr.func
        if tail == "to_categorical" or (canonical == "" and _dotted_tail(func) in _ARRAY_FUNCTIONS):
            first = _positional(expr, 0)
            return self._kind(first, owner, seen) if first is not None else None
        if isinstance(func, cst.Attribute) and (func.attr.value in _ARRAY_METHODS or func.attr.value in _DATASET_METHODS):
            return self._kind(func.value, owner, seen)
        if _dotted_tail(func) == "reshape":  # windows given a feature axis: still windows
            array = _reshaped(expr)
            kind = self._kind(array, owner, seen) if array is not None else None
            return kind if kind in (WINDOW, SAME) else None
        return None

    def _dataset_kind(self, call, maker, owner, seen) -> str | None:
        """SAMPLE for a dataset with a label per image, text or window; None without labels, or
        when the targets given to ``timeseries_dataset_from_array`` are windows themselves."""
        for name, index in _DATASET_MAKERS[maker]:
            value = _argument(call, name, index)
            if value is None and name == "targets":
                return None
            if isinstance(value, cst.Name) and value.value == "None":
                return None
            if name == "targets" and self._kind(value, owner, seen) == WINDOW:
                return None
        return SAMPLE

    def _name_kind(self, name, owner, seen) -> str | None:
        found, where = self._lookup(name, owner)
        if not found:
            return None
        if (id(where), name) in seen:
            return SAME
        seen = seen | {(id(where), name)}
        kinds = set()
        for path, value in found:
            kind = self._binding_kind(name, path, value, where, seen)
            if kind is None:
                return None
            kinds.add(kind)
        kinds.discard(SAME)
        return kinds.pop() if len(kinds) == 1 else None

    def _binding_kind(self, name, path, value, owner, seen) -> str | None:
        if value is None:
            return None
        if path:
            if not isinstance(value, cst.Call):
                return None
            canonical = self.sites.get(id(value), "")
            if canonical.startswith("datasets.") and canonical.endswith(".load_data"):
                return SAMPLE if len(path) == 2 and path[1] == 1 else None  # (x, y), (x_test, y_test)
            if _dotted_tail(value.func) in _SPLITTERS and len(path) == 1 and not any(a.star for a in value.args):
                array = _positional(value, path[0] // 2)
                return self._kind(array, owner, seen) if array is not None else None
            return None
        if isinstance(value, (cst.List, cst.Tuple)) and not value.elements:
            kinds = {_element_kind(item, loop_vars) for loop_vars, item in self.appends.get((id(owner), name), ())}
            return kinds.pop() if len(kinds) == 1 else None
        return self._kind(value, owner, seen)


def _trained_per_sample(labels, model) -> bool:
    """Every fit of the model trains on labels the file shows to be one per sample."""
    return bool(model.fits) and all(labels.per_sample(fit) for fit in model.fits)


def check(file):
    labels_of_file = None
    for model in file.ir.models:
        head = file.head(model)
        if head is None or head.layer.kind != "Dense":
            continue
        out = file.output_shape(model)
        if out is None or len(out) < 3:
            continue
        path = _sequential_path(file, model, head) if model.style == "sequential" else _functional_path(model, head)
        if path is None or not path.run or path.run[0].in_shape is None or len(path.run[0].in_shape) < 3:
            continue
        producer = path.producer.layer
        if not _backbone(producer) and (not producer.known or (
            _family(producer)[0] not in _PRODUCERS and producer.kind not in legacy.THIRD_PARTY_LAYERS
        )):
            continue
        if _decoder(path):
            continue
        compiles = compiles_in_effect(model)
        losses = [compile_loss(c) for c in compiles]
        if any(loss is None for loss in losses):
            continue  # a custom loss (CTC, ...) may want per-step outputs
        loss = losses[0] if losses else None
        embedded = any(layer.kind == "Embedding" for layer in path.ancestors)
        reduced = any(_reduces(layer) for layer in path.ancestors if layer.known or _backbone(layer))
        binary = loss is not None and loss.name in BINARY_LOSSES
        classifier = head.activation in PROBABILITY_ACTIVATIONS or (
            loss is not None and loss.name.endswith("crossentropy"))
        image = len(path.run[0].in_shape) >= 4
        # A shortened numeric sequence under a linear head may be per-step forecasting whose
        # labels were cut to the same length (the TF time-series tutorial does that).
        labels = _labels_say(file.label_shape(model), out, head.units)
        if labels == "step":
            continue
        per_sample = (
            labels == "sample"
            or (reduced and (embedded or image or classifier))
            or (embedded and (head.units == 1 or binary))
            or _labels_per_sample(file, model)
        )
        if not per_sample and model.fits:
            # A CNN whose convolutions keep the image size, or a forecaster whose RNN returns
            # every step: only the labels tell a per-position model from a forgotten pooling.
            if labels_of_file is None:
                labels_of_file = _Labels(file)
            per_sample = _trained_per_sample(labels_of_file, model)
        if not per_sample:
            continue
        yield _diagnostic(file, model, head, path, loss, anchors=tuple(c.node for c in compiles))


def _diagnostic(file, model, head, path, loss, anchors=()):
    seq_shape = path.run[0].in_shape
    rank = len(seq_shape)
    axis = "time step" if rank == 3 else "position"
    units = head.units if head.units is not None else "n"
    if loss is None:
        harm = "fit() raises or averages them"
    elif loss.name.endswith("crossentropy"):
        harm = "fit() raises"
    else:
        harm = "the loss silently averages them"
    pool = _pool_for(path, rank)
    message = (
        f"Dense({units}) on {fmt_shape(seq_shape)} from {_name(path.producer.layer)} predicts per {axis}, "
        f"not per sample: {harm}"
    )
    return Diagnostic("KER201", message, head.layer.node, _fix(file, model, path, pool), anchors=anchors)


def _pool_for(path, rank):
    if rank == 3:
        family = _family(path.producer.layer)[0]
        return "GlobalMaxPooling1D" if family in ("conv", "pool") else "GlobalAveragePooling1D"
    return {4: "GlobalAveragePooling2D", 5: "GlobalAveragePooling3D"}.get(rank)


def _fix(file, model, path, pool):
    if pool is None or _channels_first(path):
        return None
    name = keras_name(file.ir, f"layers.{pool}")
    if name is None:
        return None
    text = f"{name.text}()"
    first = path.run[0]
    if first.entry is not None:
        edits = insert_before(file, model, first.entry, text)
    else:
        args = first.call.node.args
        if not args or args[0].keyword is not None or args[0].star:
            return None
        value = args[0].value
        edits = [NodeEdit(value, f"{text}({file.ir.module.code_for_node(value)})")]
    if not edits:
        return None
    return Fix(UNSAFE, f"Insert {pool}() before the Dense head", edits + list(name.edits))


RULE = Rule(
    code="KER201",
    explanation=(
        "`Dense` multiplies the last axis only: on a (batch, steps, features) tensor from a "
        "`Conv1D`, an RNN with `return_sequences=True`, an attention layer or an `Embedding`, "
        "it gives one output per step, and on a feature map one per pixel. A classifier or "
        "regressor that has one label per sample then trains on a shape that does not match "
        "its labels: Keras 3 raises a ValueError at the first training step for crossentropy "
        "losses, and a mean squared error broadcasts the label over the steps and silently "
        "averages.\n\n"
        "kerlint reports it when the task is evidently per sample: a one-unit or binary "
        "crossentropy head on text, a time axis or image shortened by pooling or valid "
        "convolutions (so outputs cannot align with per-step labels), labels that another "
        "per-sample model of the file trains on, or labels the file shows to be one per sample: "
        "a `keras.datasets` loader (and `to_categorical` or `train_test_split` of it), a labelled "
        "`image_dataset_from_directory` or `timeseries_dataset_from_array`, or the next value "
        "of a series after each window (`X.append(s[i - 60:i]); y.append(s[i])`). So a CNN whose "
        "`padding=\"same\"` convolutions keep the image size, or a forecaster whose last RNN "
        "returns every step, is reported when its labels say so. Per-token heads (`TimeDistributed`, token "
        "classification with a sparse categorical loss) and decoders are left alone.\n\n"
        "The fix (unsafe) inserts a global pooling layer before the head; `Flatten()` is the "
        "other choice when the length is fixed."
    ),
    bad="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(200,)),
    layers.Embedding(20000, 100),
    layers.Conv1D(32, 8, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    good="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(200,)),
    layers.Embedding(20000, 100),
    layers.Conv1D(32, 8, activation="relu"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fixed="""\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(200,)),
    layers.Embedding(20000, 100),
    layers.Conv1D(32, 8, activation="relu"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    fix_availability="sometimes",
    fix_applicability=("unsafe",),
    check=check,
)
