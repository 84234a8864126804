"""Shapes through a model's layers: each Sequential step, the layer calls a functional model
is built from, its output shape, the chain of layers before its output, and where shape
inference found an input Keras refuses."""

from __future__ import annotations


import libcst as cst

from ..data import record
from .. import shapes
from ..catalog import get_catalog
from ..ir import Layer, Model, Tensor

# Layers that pass their input's rank through unchanged: looked through to find the producer.
SHAPE_KEEPING = {
    "Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "ActivityRegularization",
    "BatchNormalization", "LayerNormalization", "Activation", "Masking", "Identity",
    "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
}
# Deeper than any real chain of single-input layers a rule follows back.
_MAX_PRODUCERS = 32


@record
class ShapeStep:
    layer: Layer
    node: cst.CSTNode
    in_shape: tuple | None
    out_shape: tuple | None
    error: shapes.ShapeError | None = None

    def __init__(self, layer, node, in_shape, out_shape, error=None):
        self.layer = layer
        self.node = node
        self.in_shape = in_shape
        self.out_shape = out_shape
        self.error = error


def _sequential_input(model: Model):
    if model.inputs and isinstance(model.inputs[0], Tensor):
        return model.inputs[0].shape
    if model.build_shape is not None:
        return model.build_shape
    if model.entries:
        return shapes.declared_input_shape(model.entries[0].layer)
    return None


def sequential_steps(model: Model) -> list[ShapeStep]:
    """Input and output shape of each Sequential entry, as far as they are known.

    A later layer's input_shape is ignored by Keras: once a shape is lost, it stays lost."""
    steps: list[ShapeStep] = []
    shape = _sequential_input(model)
    for entry in model.entries:
        layer = entry.layer
        if layer.model is not None and not entry.conditional:
            outs = shapes.nested_output_shapes(layer.model, [shape])
            out = outs[0] if outs else None
            steps.append(ShapeStep(layer, entry.node, shape, out))
            shape = out
            continue
        if entry.conditional or not layer.known:
            steps.append(ShapeStep(layer, entry.node, shape, None))
            shape = None
            continue
        if shape is None:
            steps.append(ShapeStep(layer, entry.node, None, None))
            continue
        outs, err = shapes.infer(layer, [shape])
        out = outs[0] if outs and len(outs) == 1 else None
        steps.append(ShapeStep(layer, entry.node, shape, out, err))
        shape = out
    return steps


def model_output_shape(model: Model, steps: list[ShapeStep] | None = None):
    """The shape of a model's single output; ``steps`` saves recomputing a Sequential's."""
    if model.style == "sequential":
        if steps is None:
            steps = sequential_steps(model)
        return steps[-1].out_shape if steps else None
    if model.outputs and len(model.outputs) == 1 and isinstance(model.outputs[0], Tensor):
        return model.outputs[0].shape
    return None


def functional_calls(model: Model) -> list:
    """Layer calls reachable backwards from a functional model's outputs."""
    if not model.outputs:
        return []
    seen = set()
    out = []
    stack = list(model.outputs)
    while stack:
        t = stack.pop()
        if not isinstance(t, Tensor) or t.producer is None or id(t.producer) in seen:
            continue
        seen.add(id(t.producer))
        out.append(t.producer)
        stack.extend(t.producer.inputs)
    return out


def layer_family(layer: Layer | None) -> str:
    return get_catalog().layer_family(layer.kind if layer is not None else None)[0]


# -- the layers before a model's output ----------------------------------------------------------
@record
class Link:
    """One layer of a chain that ends at a model's output, with where it is written."""

    layer: object
    entry: object = None  # SeqEntry (Sequential)
    call: object = None  # LayerCall (functional)

    def __init__(self, layer, entry=None, call=None):
        self.layer = layer
        self.entry = entry
        self.call = call


def output_chain(model: Model, length: int) -> list | None:
    """The last ``length`` layers before a model's single output, in order, or None when
    they do not form a plain chain."""
    if model.style == "sequential":
        entries = model.entries[-length:]
        if len(entries) != length or any(e.conditional for e in entries):
            return None
        return [Link(e.layer, entry=e) for e in entries]
    if not model.outputs or len(model.outputs) != 1:
        return None
    links = []
    tensor = model.outputs[0]
    for _ in range(length):
        producer = getattr(tensor, "producer", None)
        if producer is None:
            return None
        links.insert(0, Link(producer.layer, call=producer))
        if len(producer.inputs) != 1:
            if len(links) < length:
                return None
            break
        tensor = producer.inputs[0]
    return links


# -- inputs Keras refuses ---------------------------------------------------------------------------
@record
class ShapeIssue:
    layer: Layer
    node: object  # CST node to report on
    in_shape: tuple
    error: object  # shapes.ShapeError
    producers: list  # layers before it, nearest first, as far as they are certain

    def __init__(self, layer, node, in_shape, error, producers):
        self.layer = layer
        self.node = node
        self.in_shape = in_shape
        self.error = error
        self.producers = producers


def sequential_issues(model: Model, steps: list[ShapeStep], kind: str):
    """Sequential entries whose input Keras refuses, with ``error.kind == kind``."""
    for i, step in enumerate(steps):
        if step.error is None or step.error.kind != kind:
            continue
        before = []
        for prev in reversed(model.entries[:i]):
            if prev.conditional:
                break
            before.append(prev.layer)
        yield ShapeIssue(step.layer, step.node, step.in_shape, step.error, before)


def call_issues(layer_calls, kind: str):
    """Functional layer calls whose input Keras refuses, with ``error.kind == kind``."""
    for lc in layer_calls:
        err = lc.error
        if err is None or err.kind != kind:
            continue
        before = []
        tensor = lc.inputs[0] if len(lc.inputs) == 1 else None
        for _ in range(_MAX_PRODUCERS):
            producer = getattr(tensor, "producer", None)
            if producer is None:
                break
            before.append(producer.layer)
            if len(producer.inputs) != 1:
                break
            tensor = producer.inputs[0]
        yield ShapeIssue(lc.layer, lc.node, lc.in_shapes[0], err, before)
