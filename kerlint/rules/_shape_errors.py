"""Where shape inference found an input Keras refuses: shared by KER202 and KER206."""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import sequential_steps
from ..catalog import get_catalog
from ..ir import Layer

# Layers that pass their input's rank through unchanged: looked through to find the producer.
SHAPE_KEEPING = {
    "Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "ActivityRegularization",
    "BatchNormalization", "LayerNormalization", "Activation", "Masking", "Identity",
    "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
}


@dataclass
class ShapeIssue:
    layer: Layer
    node: object  # CST node to report on
    in_shape: tuple
    error: object  # shapes.ShapeError
    producers: list  # layers before it, nearest first, as far as they are certain


def issues(ir, kind: str):
    """Every layer whose input shape Keras refuses, with ``error.kind == kind``."""
    for model in ir.models:
        if model.style != "sequential" or not model.has_graph:
            continue
        steps = sequential_steps(model)
        for i, step in enumerate(steps):
            if step.error is None or step.error.kind != kind:
                continue
            before = []
            for prev in reversed(model.entries[:i]):
                if prev.conditional:
                    break
                before.append(prev.layer)
            yield ShapeIssue(step.layer, step.node, step.in_shape, step.error, before)
    for lc in ir.layer_calls:
        err = lc.error
        if err is None or err.kind != kind:
            continue
        before = []
        tensor = lc.inputs[0] if len(lc.inputs) == 1 else None
        for _ in range(32):
            producer = getattr(tensor, "producer", None)
            if producer is None:
                break
            before.append(producer.layer)
            if len(producer.inputs) != 1:
                break
            tensor = producer.inputs[0]
        yield ShapeIssue(lc.layer, lc.node, lc.in_shapes[0], err, before)


def family(layer) -> str:
    return get_catalog().layer_family(layer.kind if layer is not None else None)[0]
