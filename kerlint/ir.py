"""The ModelSpec IR: plain data that model extraction produces and rules read.

Values are what the extractor knows about an expression. Anything it cannot follow is
``UNKNOWN``; rules treat UNKNOWN as "stay silent".
"""

from __future__ import annotations

from dataclasses import field
from functools import cached_property
from typing import Any

import libcst as cst

from .data import FACTORY, record
from .interp import bound_names as _bound_names
from .interp.values import UNKNOWN, Const, DictVal, Seq, Value  # noqa: F401 - the IR's plain values
from .names import KerasPath, Resolver


@record(eq=False)
class KerasRef(Value):
    """A reference to a Keras (or TensorFlow) module, class or function, not yet called."""

    path: KerasPath
    node: cst.CSTNode | None = None

    def __init__(self, path, node=None):
        self.path = path
        self.node = node

    @property
    def canonical(self) -> str:
        return self.path.canonical


@record(eq=False)
class BoundArg:
    name: str  # the Keras 3 parameter name
    value: Value
    node: cst.Arg
    written: str | None  # the keyword as written, None for a positional argument

    def __init__(self, name, value, node, written):
        self.name = name
        self.value = value
        self.node = node
        self.written = written

    @property
    def positional(self) -> bool:
        return self.written is None


@record
class BoundArgs:
    """Call arguments bound to parameter names through the catalog's signature."""

    by_name: dict = field(default_factory=dict)  # name -> BoundArg
    extra_positional: list = field(default_factory=list)  # BoundArg beyond the signature
    unknown_keywords: list = field(default_factory=list)  # BoundArg not in the signature
    has_star: bool = False  # *args or **kwargs present: absent names may be set there
    signature: Any = None  # catalog.Signature or None

    def __init__(self, by_name=FACTORY, extra_positional=FACTORY, unknown_keywords=FACTORY, has_star=False,
                 signature=None):
        self.by_name = {} if by_name is FACTORY else by_name
        self.extra_positional = [] if extra_positional is FACTORY else extra_positional
        self.unknown_keywords = [] if unknown_keywords is FACTORY else unknown_keywords
        self.has_star = has_star
        self.signature = signature

    def get(self, name: str) -> BoundArg | None:
        return self.by_name.get(name)

    def has(self, name: str) -> bool:
        return name in self.by_name

    def value(self, name: str, default: Value = UNKNOWN) -> Value:
        """Value of ``name``: the argument, else the catalog default, else ``default``."""
        arg = self.by_name.get(name)
        if arg is not None:
            return arg.value
        if self.has_star:
            return UNKNOWN
        if self.signature is not None:
            from .catalog import REQUIRED

            d = self.signature.default(name)
            if d is not REQUIRED and not isinstance(d, dict):
                return Const(d)
        return default

    def all(self):
        yield from self.by_name.values()
        yield from self.extra_positional
        yield from self.unknown_keywords


@record(eq=False)
class KerasObject(Value):
    """An instance of a Keras loss, optimizer, callback, metric or schedule."""

    section: str  # "losses" | "optimizers" | "callbacks" | "metrics" | "schedules"
    kind: str  # canonical class name, e.g. "CategoricalCrossentropy"
    args: BoundArgs
    node: cst.Call
    ref: KerasRef

    def __init__(self, section, kind, args, node, ref):
        self.section = section
        self.kind = kind
        self.args = args
        self.node = node
        self.ref = ref


@record(eq=False)
class Layer(Value):
    """A layer instance."""

    kind: str | None  # canonical Keras class name; None for custom / unknown layers
    args: BoundArgs
    node: cst.CSTNode | None  # the constructor call
    ref: KerasRef | None = None
    inner: Layer | None = None  # the wrapped layer of TimeDistributed / Bidirectional
    activation_overridden: bool = False  # ``layer.activation = ...`` somewhere
    model: Model | None = None  # a model used as a layer
    trainable: bool | None = None  # ``layer.trainable = <literal>`` in the file, last written
    instance: Any = None  # interp Instance: the object of a Layer subclass the file defines
    applied_as_function: bool = False  # ``tf.nn.softmax(x)``: an activation with no layer to edit
    built: bool = False  # a custom layer whose build() kerlint has run (at its first call)

    def __init__(self, kind, args, node, ref=None, inner=None, activation_overridden=False, model=None,
                 trainable=None, instance=None, applied_as_function=False, built=False):
        self.kind = kind
        self.args = args
        self.node = node
        self.ref = ref
        self.inner = inner
        self.activation_overridden = activation_overridden
        self.model = model
        self.trainable = trainable
        self.instance = instance
        self.applied_as_function = applied_as_function
        self.built = built

    @property
    def known(self) -> bool:
        return self.kind is not None


@record(eq=False)
class LayerCall:
    """One application of a layer to tensors (functional API)."""

    layer: Layer
    inputs: list  # [Tensor]
    node: cst.Call
    in_shapes: list = field(default_factory=list)
    out_shapes: list = field(default_factory=list)
    error: Any = None  # shapes.ShapeError when Keras would refuse the input
    raw_input: Any = None  # the value passed as the layer's input, as written (KER210)

    def __init__(self, layer, inputs, node, in_shapes=FACTORY, out_shapes=FACTORY, error=None,
                 raw_input=None):
        self.layer = layer
        self.inputs = inputs
        self.node = node
        self.in_shapes = [] if in_shapes is FACTORY else in_shapes
        self.out_shapes = [] if out_shapes is FACTORY else out_shapes
        self.error = error
        self.raw_input = raw_input


@record(eq=False)
class Tensor(Value):
    shape: Any  # shapes.Shape or None when unknown
    producer: LayerCall | None = None  # None for Input tensors and unknown ops
    index: int = 0
    node: cst.CSTNode | None = None
    is_input: bool = False
    args: Any = None  # the Input(...) call's BoundArgs, for Input tensors

    def __init__(self, shape, producer=None, index=0, node=None, is_input=False, args=None):
        self.shape = shape
        self.producer = producer
        self.index = index
        self.node = node
        self.is_input = is_input
        self.args = args


@record(eq=False)
class SeqEntry:
    """A layer in a Sequential model, in order."""

    layer: Layer
    node: cst.CSTNode  # the list element value or the ``.add(...)`` call
    conditional: bool = False  # added inside a branch or a loop
    add_call: cst.Call | None = None  # the ``model.add(...)`` call, for ``.add`` style
    statement: cst.CSTNode | None = None  # the statement holding the ``.add`` call

    def __init__(self, layer, node, conditional=False, add_call=None, statement=None):
        self.layer = layer
        self.node = node
        self.conditional = conditional
        self.add_call = add_call
        self.statement = statement


@record(eq=False)
class Compile:
    model: Model
    node: cst.Call
    args: BoundArgs
    seq: int
    conditional: bool = False
    stale: bool = False  # layers were added or removed after it: it trained another structure

    def __init__(self, model, node, args, seq, conditional=False, stale=False):
        self.model = model
        self.node = node
        self.args = args
        self.seq = seq
        self.conditional = conditional
        self.stale = stale


@record(eq=False)
class Fit:
    model: Model | None  # None when the receiver is not a known model
    node: cst.Call
    method: str  # "fit", "fit_generator", ...
    args: BoundArgs
    seq: int
    conditional: bool = False
    compile: Compile | None = None  # the compile in effect when this fit runs

    def __init__(self, model, node, method, args, seq, conditional=False, compile=None):
        self.model = model
        self.node = node
        self.method = method
        self.args = args
        self.seq = seq
        self.conditional = conditional
        self.compile = compile


@record(frozen=True)
class Block:
    """A library model kerlint knows from outside (a ``keras.applications`` backbone): what
    it takes and gives and its weights, not its layers."""

    application: str  # the constructor: "ResNet50"
    arguments: tuple  # ((name, python value), ...) it was called with, literals only
    input_shape: tuple  # the input it was built on, batch first
    output_shape: tuple  # its output for that input
    params: tuple | None  # (trainable, non_trainable) with weights=None, None when not known
    name: str | None  # the name Keras gives the model ("resnet50"), None when not known

    def __init__(self, application, arguments, input_shape, output_shape, params, name):
        object.__setattr__(self, "application", application)
        object.__setattr__(self, "arguments", arguments)
        object.__setattr__(self, "input_shape", input_shape)
        object.__setattr__(self, "output_shape", output_shape)
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "name", name)


@record(eq=False)
class Model(Value):
    # "sequential" | "functional" | "subclassed" | "opaque". A subclass the file defines is
    # "subclassed" (its graph from call()) or "functional" (given inputs and outputs).
    style: str
    node: cst.CSTNode | None
    entries: list = field(default_factory=list)  # [SeqEntry] for Sequential
    inputs: list = field(default_factory=list)  # [Tensor] for functional
    outputs: list | None = None  # [Tensor] for functional; None when unknown
    outputs_are_dict: bool = False
    output_keys: list | None = None  # the dict keys of dict outputs, in order (None: not a str)
    compiles: list = field(default_factory=list)
    fits: list = field(default_factory=list)
    build_shape: Any = None  # shape given to model.build(...)
    built_in_branch: int = 0  # how deep in branches and loops the model was made
    built_via: tuple = ()  # the calls of the functions (builders) that were running when it was made
    built_in_frames: tuple = ()  # the interpreter's frames then (which runs of those functions)
    tampered: bool = False  # structure changed in a way kerlint cannot follow
    name: str | None = None  # variable name it was first bound to, for messages
    why: str | None = None  # why kerlint has no (or no exact) graph, in words, when it knows
    origin: str | None = None  # for an opaque model: "loaded", "application", ... (what made it)
    trainable: bool | None = None  # ``model.trainable = <literal>`` in the file, last written
    instance: Any = None  # interp Instance: the object of a Model subclass the file defines
    held_by: str | None = None  # "Agent.model": the plain class (a wrapper) keeping it on self
    own_training: bool = False  # a subclass whose train_step never reads the compiled loss
    block: Block | None = None  # an opaque model known from outside (a keras.applications backbone)

    def __init__(self, style, node, entries=FACTORY, inputs=FACTORY, outputs=None, outputs_are_dict=False,
                 output_keys=None, compiles=FACTORY, fits=FACTORY, build_shape=None, built_in_branch=0,
                 built_via=(), built_in_frames=(), tampered=False, name=None, why=None, origin=None,
                 trainable=None, instance=None, held_by=None, own_training=False, block=None):
        self.style = style
        self.node = node
        self.entries = [] if entries is FACTORY else entries
        self.inputs = [] if inputs is FACTORY else inputs
        self.outputs = outputs
        self.outputs_are_dict = outputs_are_dict
        self.output_keys = output_keys
        self.compiles = [] if compiles is FACTORY else compiles
        self.fits = [] if fits is FACTORY else fits
        self.build_shape = build_shape
        self.built_in_branch = built_in_branch
        self.built_via = built_via
        self.built_in_frames = built_in_frames
        self.tampered = tampered
        self.name = name
        self.why = why
        self.origin = origin
        self.trainable = trainable
        self.instance = instance
        self.held_by = held_by
        self.own_training = own_training
        self.block = block

    @property
    def has_graph(self) -> bool:
        if self.tampered:
            return False
        if self.style == "subclassed":
            return self.outputs is not None  # what call() returns
        return self.style in ("sequential", "functional")


@record(eq=False)
class MethodCall:
    """``<receiver>.<name>(...)`` where the receiver is a model or is not known."""

    node: cst.Call
    name: str
    receiver: Value
    seq: int
    conditional: bool = False

    def __init__(self, node, name, receiver, seq, conditional=False):
        self.node = node
        self.name = name
        self.receiver = receiver
        self.seq = seq
        self.conditional = conditional


@record(eq=False)
class CallSite:
    """A call to a Keras/TensorFlow object resolved through imports or snippets."""

    node: cst.Call
    ref: KerasRef
    args: BoundArgs | None
    value: Value

    def __init__(self, node, ref, args, value):
        self.node = node
        self.ref = ref
        self.args = args
        self.value = value


@record(eq=False)
class AttributeAccess:
    """A read or write of ``<value>.<attr>`` kerlint cares about (e.g. ``optimizer.lr``)."""

    node: cst.Attribute
    base: Value
    attr: str
    store: bool = False

    def __init__(self, node, base, attr, store=False):
        self.node = node
        self.base = base
        self.attr = attr
        self.store = store


@record
class FileIR:
    module: cst.Module
    resolver: Resolver
    models: list = field(default_factory=list)
    layers: list = field(default_factory=list)  # every Layer constructed
    layer_calls: list = field(default_factory=list)  # every LayerCall
    fits: list = field(default_factory=list)  # every fit-like call, known model or not
    method_calls: list = field(default_factory=list)
    calls: list = field(default_factory=list)  # CallSite for every resolved Keras call
    attributes: list = field(default_factory=list)
    objects: list = field(default_factory=list)  # KerasObject instances
    uses_keras: bool = False  # the file imports Keras/TensorFlow or uses snippet names
    shuffle_evidence: bool = False  # a random shuffle/split is visible in the file
    object_calls: list = field(default_factory=list)  # CallSite: a loss/metric object applied to tensors
    # MethodCall: compile()/fit() on a receiver that is neither a model nor UNKNOWN (an instance
    # of a custom layer class, e.g. a Trainer mixin): Keras training calls no rule judges.
    other_model_calls: list = field(default_factory=list)
    # path -> parsed module: the project's modules this file imports, read to understand it.
    modules_read: dict = field(default_factory=dict)
    # Names this file imports from the project's own modules (read, as far as followed).
    project_names: set = field(default_factory=set)
    # Names that branches bind to different models (``model = a() if ... else b()`` as an if).
    chosen_at_run_time: set = field(default_factory=set)
    # What the analyses worked out of this file, by their kind: made once, and freed with the
    # file (a cache of "the last few files" kept their trees alive after their lint).
    analyses: dict = field(default_factory=dict, repr=False, compare=False)

    def __init__(self, module, resolver, models=FACTORY, layers=FACTORY, layer_calls=FACTORY, fits=FACTORY,
                 method_calls=FACTORY, calls=FACTORY, attributes=FACTORY, objects=FACTORY,
                 uses_keras=False, shuffle_evidence=False, object_calls=FACTORY, other_model_calls=FACTORY,
                 modules_read=FACTORY, project_names=FACTORY, chosen_at_run_time=FACTORY, analyses=FACTORY):
        self.module = module
        self.resolver = resolver
        self.models = [] if models is FACTORY else models
        self.layers = [] if layers is FACTORY else layers
        self.layer_calls = [] if layer_calls is FACTORY else layer_calls
        self.fits = [] if fits is FACTORY else fits
        self.method_calls = [] if method_calls is FACTORY else method_calls
        self.calls = [] if calls is FACTORY else calls
        self.attributes = [] if attributes is FACTORY else attributes
        self.objects = [] if objects is FACTORY else objects
        self.uses_keras = uses_keras
        self.shuffle_evidence = shuffle_evidence
        self.object_calls = [] if object_calls is FACTORY else object_calls
        self.other_model_calls = [] if other_model_calls is FACTORY else other_model_calls
        self.modules_read = {} if modules_read is FACTORY else modules_read
        self.project_names = set() if project_names is FACTORY else project_names
        self.chosen_at_run_time = set() if chosen_at_run_time is FACTORY else chosen_at_run_time
        self.analyses = {} if analyses is FACTORY else analyses

    @cached_property
    def bound_names(self) -> set:
        """Every name the file binds, in any scope (a walk of the module, when first asked)."""
        return _bound_names.collect(self.module)

    def analysis(self, kind, make):
        """The analysis of this file of ``kind`` (its class), ``make()`` the first time: the
        rules that ask share it, and it is freed with the file."""
        found = self.analyses.get(kind)
        if found is None:
            found = self.analyses[kind] = make()
        return found
