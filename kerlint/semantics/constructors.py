"""Calls to Keras objects: ``Input``, ``Sequential``, ``Model``, layer classes, losses,
optimizers, callbacks, metrics, schedules, and the model loaders kerlint cannot follow."""

from __future__ import annotations

from .. import shapes
from ..catalog import Signature, legacy, shape_rules
from ..interp.values import UNKNOWN, Const, DictVal, Seq
from ..ir import BoundArg, BoundArgs, CallSite, KerasObject, KerasRef, Layer, Model, SeqEntry, Tensor
from .applications import make_application
from .arguments import bind, keras1_layer_args

# keras.Model(*args, **kwargs) forwards to Functional(inputs, outputs, name=None, ...).
MODEL_SIGNATURE = Signature(("inputs", "outputs", "name"), frozenset({"trainable"}),
                            {"name": None, "trainable": True}, var_kwargs=True)
# Keras 1 spelled them Model(input=..., output=...).
KERAS1_MODEL_ARGS = {"input": "inputs", "output": "outputs"}
_OBJECT_SECTIONS = ("losses", "optimizers", "callbacks", "metrics")
# Functions making a model kerlint cannot see into: name -> what the model is ("loaded").
_LOADERS = {"load_model": "loaded", "clone_model": "cloned", "model_from_json": "loaded"}


def call_keras(sem, node, ref: KerasRef, args):
    """The Value a call to the Keras object ``ref`` makes."""
    c = ref.canonical
    module, _, name = c.rpartition(".")
    if c in ("layers.Input", "Input"):
        return make_input(sem, node, ref, args)
    if c == "models.Sequential":
        return make_sequential(sem, node, ref, args)
    if c == "models.Model":
        return make_functional(sem, node, ref, args)
    if module == "layers":
        made = make_layer_call(sem, node, ref, name, args)
        if made is not None:
            return made
    if c.startswith("applications.") and name[:1].isupper():
        made = make_application(sem, node, ref, args)
        if made is not None:
            return made
    made = make_object(sem, node, ref, module, name, args)
    if made is not None:
        return made
    if args and isinstance(args[0][1], Tensor) and _last_axis_only(args[1:]) and legacy.function_activation(c):
        return apply_activation(sem, node, ref, args)
    sem.ir.calls.append(CallSite(node, ref, bind(None, args), UNKNOWN))
    if c.startswith("models.") and name in _LOADERS:
        return _opaque_model(sem, node, _LOADERS[name], f"{_LOADERS[name]} with {name}")
    if c.startswith("applications.") and name[:1].isupper():
        # ResNet50(...), not imagenet_utils.correct_pad(...) or preprocess_input(...)
        return _opaque_model(sem, node, "application", "a keras.applications model the catalog does not have")
    return UNKNOWN


def _opaque_model(sem, node, origin: str, why: str) -> Model:
    m = Model("opaque", node, why=why, origin=origin)
    sem.add_model(m)
    return m


def make_input(sem, node, ref, args) -> Tensor:
    bound = bind(sem.catalog.signature("input", "Input"), args)
    shape = shapes.shape_from_seq(bound.value("shape"))
    if shape is None:
        shape = shapes.shape_from_seq(bound.value("batch_shape"), batch=False)
    t = Tensor(shape, node=node, is_input=True, args=bound)
    sem.ir.calls.append(CallSite(node, ref, bound, t))
    return t


def make_sequential(sem, node, ref, args) -> Model:
    bound = bind(sem.catalog.signature("models", "Sequential"), args)
    m = Model("sequential", node, built_in_branch=sem.interp.cond)
    layers_arg = bound.get("layers")
    if layers_arg is not None:
        value = layers_arg.value
        if isinstance(value, Seq) and not value.opaque:
            _add_listed_layers(m, value, node)
        elif not (isinstance(value, Const) and value.value is None):
            m.tampered = True
            m.why = "layers given as a value kerlint cannot follow"
    sem.add_model(m)
    sem.ir.calls.append(CallSite(node, ref, bound, m))
    return m


def _add_listed_layers(m: Model, listed: Seq, node) -> None:
    for item in listed.items:
        el = getattr(item, "node", None) or listed.node or node
        if isinstance(item, Tensor) and item.is_input:
            m.inputs = [item]
            continue
        if not isinstance(item, Layer):
            item = Layer(None, BoundArgs(), el, model=item if isinstance(item, Model) else None)
        m.entries.append(SeqEntry(item, el, False))


def make_functional(sem, node, ref, args) -> Model:
    bound = bind(MODEL_SIGNATURE, args, keras1=KERAS1_MODEL_ARGS)
    ins = bound.get("inputs")
    outs = bound.get("outputs")
    if ins is None and outs is None:
        m = Model("opaque", node, why="keras.Model() called without inputs and outputs")
    else:
        m = Model("functional", node)
        set_graph(m, bound)
    sem.add_model(m)
    sem.ir.calls.append(CallSite(node, ref, bound, m))
    return m


def set_graph(m: Model, bound) -> None:
    """The graph ``keras.Model(inputs, outputs)`` makes."""
    ins = bound.get("inputs")
    outs = bound.get("outputs")
    m.inputs = tensors_of(ins.value) if ins is not None else []
    if outs is not None:
        _set_outputs(m, outs.value)
        if m.outputs is None:
            m.why = ("outputs made by code kerlint does not follow (a function, layer or model it cannot "
                     "read, or an RNN that may return its states)")
    else:
        m.why = "keras.Model() called without outputs"


def _set_outputs(m: Model, value) -> None:
    if isinstance(value, DictVal):
        m.outputs_are_dict = True
        m.outputs = [v for _, v in value.items if isinstance(v, Tensor)]
        m.output_keys = [k.value if isinstance(k, Const) and isinstance(k.value, str) else None for k, _ in value.items]
        if len(m.outputs) != len(value.items):
            m.outputs = None
    else:
        m.outputs = tensors_of(value)


def tensors_of(value):
    """The tensors of a model's ``inputs``/``outputs`` argument, or None."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, Seq) and all(isinstance(v, Tensor) for v in value.items):
        return list(value.items)
    if isinstance(value, DictVal) and all(isinstance(v, Tensor) for _, v in value.items):
        return [v for _, v in value.items]
    return None


def make_layer_call(sem, node, ref, name: str, args):
    """A layer (``Dense(...)``), or the output of a merge function (``concatenate([a, b])``);
    None for a ``layers`` name that is neither."""
    if name in shape_rules.MERGE_FUNCTIONS:
        kind = shape_rules.MERGE_FUNCTIONS[name]
        layer = Layer(kind, bind(sem.catalog.layer_signature(kind), args[1:]), node, ref)
        sem.ir.layers.append(layer)
        return sem.call_layer(node, layer, args[:1])
    kind = sem.catalog.canonical_layer(name)
    if kind is None and name in legacy.THIRD_PARTY_LAYERS:
        kind = name
    if kind is None:
        return None
    return make_layer(sem, node, ref, kind, args)


def make_layer(sem, node, ref, kind: str, args) -> Layer:
    bound = bind(sem.catalog.layer_signature(kind), args, keras1=keras1_layer_args(kind))
    inner = None
    if kind in ("TimeDistributed", "Bidirectional"):
        first = bound.get("layer")
        if first is not None and isinstance(first.value, Layer):
            inner = first.value
    layer = Layer(kind, bound, node, ref, inner=inner)
    sem.ir.layers.append(layer)
    sem.ir.calls.append(CallSite(node, ref, bound, layer))
    return layer


def _last_axis_only(rest) -> bool:
    """No arguments after the tensor but ``axis=-1`` (the default): an activation over the
    last axis, as an Activation layer applies it."""
    return all(isinstance(v, Const) and v.value == -1 and (a.keyword is None or a.keyword.value == "axis")
               for a, v in rest) and len(rest) <= 1


def apply_activation(sem, node, ref, args):
    """``tf.nn.softmax(x)``, ``keras.activations.sigmoid(x)``, ``ops.softmax(x)`` on a tensor,
    over the last axis: an ``Activation`` applied to it, as far as the loss is concerned."""
    sem.ir.calls.append(CallSite(node, ref, bind(None, args), UNKNOWN))
    name = legacy.function_activation(ref.canonical)
    written = args[0][0]
    bound = BoundArgs(signature=sem.catalog.layer_signature("Activation"))
    bound.by_name["activation"] = BoundArg("activation", Const(name), written, written="activation")
    layer = Layer("Activation", bound, node, ref, applied_as_function=True)
    return sem.call_layer(node, layer, args[:1])


def make_object(sem, node, ref, module: str, name: str, args):
    """A loss, optimizer, callback, metric or schedule instance; None for anything else."""
    section, table = _object_table(sem.catalog, module)
    if table is None:
        return None
    canon = table.get(name) or table.get(name[:1].upper() + name[1:])
    if canon is None:
        return None
    keras1 = {"lr": "learning_rate"} if section == "optimizers" else None
    bound = bind(sem.catalog.signature(section, canon), args, keras1=keras1)
    obj = KerasObject(section, canon, bound, node, ref)
    sem.ir.objects.append(obj)
    sem.ir.calls.append(CallSite(node, ref, bound, obj))
    return obj


def _object_table(cat, module: str):
    if module == "optimizers.schedules":
        return "schedules", cat.schedule_classes
    if module in _OBJECT_SECTIONS:
        return module, {
            "losses": cat.loss_classes,
            "optimizers": cat.optimizer_classes,
            "callbacks": cat.callback_classes,
            "metrics": cat.metric_classes,
        }[module]
    return None, None
