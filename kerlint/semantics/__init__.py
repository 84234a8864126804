"""Keras semantics for the interpreter: what imports, calls and attributes mean to Keras.

The interpreter (``kerlint.interp``) follows Python; this layer turns Keras calls into the
ModelSpec IR (``kerlint.ir``): layers, models with their layers or graph, compiles, fits,
losses and optimizers, and every Keras call site and attribute the rules look at.
"""

from __future__ import annotations

import libcst as cst

from ..catalog import get_catalog
from ..interp import NOT_HANDLED, Semantics
from ..interp.values import UNKNOWN, ClassVal, Const, Seq
from ..ir import AttributeAccess, BoundArgs, CallSite, KerasObject, KerasRef, Layer, MethodCall, Model, Tensor
from ..names import dotted_name
from . import constructors, layer_calls, refs, subclasses
from .arguments import bind
from .model_methods import FIT_METHODS, MODEL_METHODS, model_method

# Calls that shuffle or split data at random (KER303 reads ``ir.shuffle_evidence``).
_SHUFFLE_CALLS = {"train_test_split", "permutation", "shuffle", "ShuffleSplit", "StratifiedShuffleSplit"}
_KERAS_VALUES = (KerasObject, Model, Layer)


class KerasSemantics(Semantics):
    def __init__(self, ir, imports=None):
        self.ir = ir
        self.resolver = ir.resolver  # the imports of the module running (another, while it is imported)
        self.imports = imports  # semantics.imports.ProjectImports, or None: no project modules
        self.catalog = get_catalog()
        self.public = self.catalog.public_class_names()
        self.interp = None  # the Interpreter: program order (seq) and branch depth (cond)
        self.pending_calls: list[Model] = []  # model subclasses whose call() has not run yet

    # -- names --------------------------------------------------------------------------
    def import_statement(self, node) -> dict:
        resolver = self.resolver
        values = {}
        for local in resolver.add(node):
            qualified = resolver.bindings.get(local)
            values[local] = refs.ref_for(qualified) if qualified else UNKNOWN
        if node.__class__ is cst.ImportFrom and node.names.__class__ is cst.ImportStar and node.module is not None:
            module = dotted_name(node.module)
            if module and refs.canonicalize(module) is not None:
                self.ir.uses_keras = True
        if any(isinstance(v, KerasRef) for v in values.values()):
            self.ir.uses_keras = True
        if self.imports is not None:
            ours = self.imports.bind(self, node)
            values.update(ours)
            if self.resolver is self.ir.resolver:
                self.ir.project_names.update(ours)
        return values

    def is_external_name(self, name: str) -> bool:
        return name in self.public or name in ("tf", "keras")

    def external_name(self, name: str, node):
        self.ir.uses_keras = True
        return refs.snippet_ref(name, self.public, node)

    def bound(self, name: str, value) -> None:
        if isinstance(value, Model) and value.name is None:
            value.name = name

    def diverged(self, name: str, values: list) -> None:
        if any(isinstance(v, Model) for v in values):
            self.ir.chosen_at_run_time.add(name)

    def context_value(self, value):
        return value if isinstance(value, Model) else UNKNOWN

    # -- attributes ---------------------------------------------------------------------
    def attribute(self, base, attr: str, node):
        if isinstance(base, KerasRef):
            return refs.attribute_ref(base, attr, node)
        if isinstance(base, _KERAS_VALUES):
            self.ir.attributes.append(AttributeAccess(node, base, attr))
            return _model_io(base, attr, node)
        if base is UNKNOWN and attr == "lr":
            self.ir.attributes.append(AttributeAccess(node, base, attr))
        return UNKNOWN

    def store_attribute(self, base, attr: str, node, value=UNKNOWN) -> None:
        self.ir.attributes.append(AttributeAccess(node, base, attr, store=True))
        if isinstance(base, Layer) and attr == "activation":
            base.activation_overridden = True
        elif isinstance(base, Model) and attr in ("layers", "outputs", "output"):
            base.tampered = True
            base.why = base.why or "structure changed (layers or outputs assigned)"
        if attr == "trainable" and isinstance(base, (Layer, Model)):
            # The last literal written wins; a value kerlint cannot read leaves it unknown.
            base.trainable = value.value if isinstance(value, Const) and isinstance(value.value, bool) else None

    def kept_on_object(self, instance, attr: str, value) -> None:
        if isinstance(value, Model) and value.held_by is None:
            value.held_by = f"{instance.cls.node.name.value}.{attr}"

    # -- calls --------------------------------------------------------------------------
    def saw_call(self, node, name) -> None:
        if name in _SHUFFLE_CALLS or (
            name == "sample" and any(a.keyword and a.keyword.value == "frac" for a in node.args)
        ):
            self.ir.shuffle_evidence = True

    def call(self, callee, node, args, statement):
        if isinstance(callee, KerasRef):
            return constructors.call_keras(self, node, callee, args)
        if isinstance(callee, Layer):
            if callee.instance is not None:
                followed = subclasses.follow_layer_call(self, callee, args)
                if followed is not None:
                    return followed
            return self.call_layer(node, callee, args)
        if isinstance(callee, Model):
            if callee in self.pending_calls and args and isinstance(args[0][1], Tensor):
                given = args[0][1]
                subclasses.run_call(self, callee, Tensor(given.shape, node=given.node, is_input=True))
            return self.call_layer(node, Layer(None, BoundArgs(), node, model=callee), args)
        if isinstance(callee, KerasObject):
            # ``loss_fn(y, model(x))`` in a custom training loop: rules judge it like a compile.
            self.ir.object_calls.append(CallSite(node, callee.ref, bind(None, args), callee))
            return UNKNOWN
        return NOT_HANDLED

    def call_method(self, receiver, method: str, node, args, statement):
        if isinstance(receiver, KerasRef):
            callee = refs.attribute_ref(receiver, method, node.func)
            return constructors.call_keras(self, node, callee, args) if isinstance(callee, KerasRef) else UNKNOWN
        if isinstance(receiver, _KERAS_VALUES):
            self.ir.attributes.append(AttributeAccess(node.func, receiver, method))
        if isinstance(receiver, Layer) and receiver.model is None and (method == "compile" or method in FIT_METHODS):
            self.ir.other_model_calls.append(MethodCall(node, method, receiver, self.interp.seq, bool(self.interp.cond)))
        model = receiver if isinstance(receiver, Model) else None
        if method == "__init__" and model is not None and model.style == "subclassed":
            # super().__init__(inputs, outputs) in a subclass's __init__
            if subclasses.init_graph(model, args) and model in self.pending_calls:
                self.pending_calls.remove(model)
            return Const(None)
        if model is not None or (receiver is UNKNOWN and method in MODEL_METHODS):
            return model_method(self, node, model, receiver, method, args, statement)
        return NOT_HANDLED

    def add_model(self, model: Model) -> None:
        model.built_via = self.interp.call_path()
        model.built_in_frames = tuple(self.interp.frames)
        self.ir.models.append(model)

    def uncertain_here(self, model: Model) -> bool:
        """A change to ``model`` at this point may not happen: in a branch or loop inside the one
        the model was made in, or in a function nothing in the program is seen to call (run on
        its own) since the model was made, like a method that adds an optional head."""
        if self.interp.cond > model.built_in_branch:
            return True
        frames = self.interp.frames
        shared = 0
        for made, now in zip(model.built_in_frames, frames):
            if made is not now:
                break
            shared += 1
        return any(frame.call is None for frame in frames[shared:])

    def binary_op(self, node, left, right):
        return layer_calls.tensor_op(self.ir, node, left, right)

    def call_layer(self, node, layer: Layer, args):
        return layer_calls.call_layer(self.ir, node, layer, args)

    # -- classes ------------------------------------------------------------------------
    def class_kind(self, bases: list) -> str | None:
        kind = None
        for value in bases:
            if isinstance(value, KerasRef):
                kind = _keras_base_kind(value.canonical) or kind
            elif isinstance(value, ClassVal) and value.kind:
                kind = value.kind
        return kind

    def instantiate(self, cls: ClassVal, node, args, instance):
        if cls.kind == "model":
            return subclasses.instantiate_model(self, cls, node, args, instance)
        if cls.kind == "layer":
            return subclasses.instantiate_layer(self, cls, node, args, instance)
        return UNKNOWN

    def settle(self) -> None:
        subclasses.settle(self)


def _keras_base_kind(canonical: str) -> str | None:
    if canonical in ("models.Model", "models.Sequential"):
        return "model"
    if canonical.startswith("layers."):
        return "layer"
    if canonical.startswith(("losses.", "callbacks.", "metrics.", "optimizers.")):
        return canonical.split(".")[0]
    return None


def _model_io(base, attr: str, node):
    """``model.output`` / ``model.input`` of a known single-output model, ``layer.output``."""
    if isinstance(base, Model):
        if attr == "layers" and base.style == "sequential" and base.has_graph and not any(
                e.conditional for e in base.entries):
            return Seq([e.layer for e in base.entries], "list", node)
        if attr == "output" and base.outputs and len(base.outputs) == 1:
            return base.outputs[0]
        if attr == "input" and base.inputs and len(base.inputs) == 1:
            return base.inputs[0]
    if isinstance(base, Layer) and attr == "output":
        return Tensor(None, node=node)
    return UNKNOWN
