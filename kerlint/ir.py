"""The ModelSpec IR: plain data that model extraction produces and rules read.

Values are what the extractor knows about an expression. Anything it cannot follow is
``UNKNOWN``; rules treat UNKNOWN as "stay silent".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import libcst as cst

from .interp import bound_names as _bound_names
from .interp.values import UNKNOWN, Const, DictVal, Seq, Value  # noqa: F401 - the IR's plain values
from .names import KerasPath, Resolver


@dataclass(eq=False)
class KerasRef(Value):
    """A reference to a Keras (or TensorFlow) module, class or function, not yet called."""

    path: KerasPath
    node: cst.CSTNode | None = None

    @property
    def canonical(self) -> str:
        return self.path.canonical


@dataclass(eq=False)
class BoundArg:
    name: str  # the Keras 3 parameter name
    value: Value
    node: cst.Arg
    written: str | None  # the keyword as written, None for a positional argument

    @property
    def positional(self) -> bool:
        return self.written is None


@dataclass
class BoundArgs:
    """Call arguments bound to parameter names through the catalog's signature."""

    by_name: dict = field(default_factory=dict)  # name -> BoundArg
    extra_positional: list = field(default_factory=list)  # BoundArg beyond the signature
    unknown_keywords: list = field(default_factory=list)  # BoundArg not in the signature
    has_star: bool = False  # *args or **kwargs present: absent names may be set there
    signature: Any = None  # catalog.Signature or None

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


@dataclass(eq=False)
class KerasObject(Value):
    """An instance of a Keras loss, optimizer, callback, metric or schedule."""

    section: str  # "losses" | "optimizers" | "callbacks" | "metrics" | "schedules"
    kind: str  # canonical class name, e.g. "CategoricalCrossentropy"
    args: BoundArgs
    node: cst.Call
    ref: KerasRef


@dataclass(eq=False)
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

    @property
    def known(self) -> bool:
        return self.kind is not None


@dataclass(eq=False)
class LayerCall:
    """One application of a layer to tensors (functional API)."""

    layer: Layer
    inputs: list  # [Tensor]
    node: cst.Call
    in_shapes: list = field(default_factory=list)
    out_shapes: list = field(default_factory=list)
    error: Any = None  # shapes.ShapeError when Keras would refuse the input
    raw_input: Any = None  # the value passed as the layer's input, as written (KER210)


@dataclass(eq=False)
class Tensor(Value):
    shape: Any  # shapes.Shape or None when unknown
    producer: LayerCall | None = None  # None for Input tensors and unknown ops
    index: int = 0
    node: cst.CSTNode | None = None
    is_input: bool = False
    args: Any = None  # the Input(...) call's BoundArgs, for Input tensors


@dataclass(eq=False)
class SeqEntry:
    """A layer in a Sequential model, in order."""

    layer: Layer
    node: cst.CSTNode  # the list element value or the ``.add(...)`` call
    conditional: bool = False  # added inside a branch or a loop
    add_call: cst.Call | None = None  # the ``model.add(...)`` call, for ``.add`` style
    statement: cst.CSTNode | None = None  # the statement holding the ``.add`` call


@dataclass(eq=False)
class Compile:
    model: Model
    node: cst.Call
    args: BoundArgs
    seq: int
    conditional: bool = False
    stale: bool = False  # layers were added or removed after it: it trained another structure


@dataclass(eq=False)
class Fit:
    model: Model | None  # None when the receiver is not a known model
    node: cst.Call
    method: str  # "fit", "fit_generator", ...
    args: BoundArgs
    seq: int
    conditional: bool = False
    compile: Compile | None = None  # the compile in effect when this fit runs


@dataclass(frozen=True)
class Block:
    """A library model kerlint knows from outside (a ``keras.applications`` backbone): what
    it takes and gives and its weights, not its layers."""

    application: str  # the constructor: "ResNet50"
    arguments: tuple  # ((name, python value), ...) it was called with, literals only
    input_shape: tuple  # the input it was built on, batch first
    output_shape: tuple  # its output for that input
    params: tuple | None  # (trainable, non_trainable) with weights=None, None when not known
    name: str | None  # the name Keras gives the model ("resnet50"), None when not known


@dataclass(eq=False)
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

    @property
    def has_graph(self) -> bool:
        if self.tampered:
            return False
        if self.style == "subclassed":
            return self.outputs is not None  # what call() returns
        return self.style in ("sequential", "functional")


@dataclass(eq=False)
class MethodCall:
    """``<receiver>.<name>(...)`` where the receiver is a model or is not known."""

    node: cst.Call
    name: str
    receiver: Value
    seq: int
    conditional: bool = False


@dataclass(eq=False)
class CallSite:
    """A call to a Keras/TensorFlow object resolved through imports or snippets."""

    node: cst.Call
    ref: KerasRef
    args: BoundArgs | None
    value: Value


@dataclass(eq=False)
class AttributeAccess:
    """A read or write of ``<value>.<attr>`` kerlint cares about (e.g. ``optimizer.lr``)."""

    node: cst.Attribute
    base: Value
    attr: str
    store: bool = False


@dataclass
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

    @cached_property
    def bound_names(self) -> set:
        """Every name the file binds, in any scope (a walk of the module, when first asked)."""
        return _bound_names.collect(self.module)
