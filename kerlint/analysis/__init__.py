"""The analysis layer: the questions rules ask of a file, answered once per file.

``FileAnalysis(ir)`` is what every rule's ``check`` receives. It answers from the IR
(``.ir``) and memoises what more than one rule asks (shapes through each model, each
model's output head, the compiled heads, the one-hot labels, the statement index). The
submodules hold the questions as plain functions:

- ``activations``: what activation a layer applies;
- ``heads``: a model's output head, its units and the units its activation sees;
- ``losses``: the loss table, what a ``loss=`` is, the compiles in effect, custom-loop losses;
- ``flow``: where the module binds each name, one walk of its statements that ``labels`` and
  ``scaling`` follow arrays back through;
- ``labels``: what ``fit()`` is given: one-hot labels, literal label arrays, validation data;
- ``scaling``: how an array was scaled on its way to a fit (``/ 255``, standardised);
- ``graph``: shapes through Sequential steps and functional calls, the chain before the
  output, inputs Keras refuses;
- ``source``: what the statements bind, their indentation, the Keras the file targets.

Every answer is None when the code cannot be followed; rules then stay silent. Nothing
here imports a rule.
"""

from __future__ import annotations

from functools import cached_property

from typing import NamedTuple

import libcst as cst

from ..data import record
from ..ir import Compile, FileIR, Model, Tensor
from . import graph, heads, labels, losses, source
from .activations import LINEAR
from .heads import Head
from .losses import LossInfo


class ModelOutput(NamedTuple):
    """One output of a model with several: its place, its name (the dict key, or the ``name=``
    of the layer that makes it), and its tensor."""

    index: int
    name: str | None
    tensor: Tensor


@record(frozen=True)
class CompiledHead:
    """A compile in effect with a loss kerlint knows, and the head of the model (or, for a
    model with several outputs, of one output) that loss trains."""

    model: Model
    head: Head | None
    compile: Compile
    loss: LossInfo
    output: ModelOutput | None = None  # None: the model has one output
    loss_node: cst.CSTNode | None = None  # where the loss is written, for this output
    loss_shared: bool = False  # one loss for several outputs: changing it changes them all

    def __init__(self, model, head, compile, loss, output=None, loss_node=None, loss_shared=False):
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "head", head)
        object.__setattr__(self, "compile", compile)
        object.__setattr__(self, "loss", loss)
        object.__setattr__(self, "output", output)
        object.__setattr__(self, "loss_node", loss_node)
        object.__setattr__(self, "loss_shared", loss_shared)

    @property
    def parts(self) -> tuple:
        """(model, head, compile, loss), as most rules read them."""
        return self.model, self.head, self.compile, self.loss

    @property
    def label(self) -> str:
        """``output "age": `` for one output of several (messages start with it), else ""."""
        if self.output is None:
            return ""
        return f'output "{self.output.name}": ' if self.output.name else f"output {self.output.index}: "

    @property
    def loss_edit_node(self) -> cst.CSTNode | None:
        """The loss to rewrite for a fix, or None when rewriting it would change other outputs."""
        return None if self.loss_shared else self.loss_node


class FileAnalysis:
    """The analysis of one file's IR, built once per lint and shared by every rule."""

    def __init__(self, ir: FileIR, text: str | None = None):
        self.ir = ir
        self._text = text  # the module's source, when the caller has it
        # Per-model answers, keyed by the model's id (the IR outlives this object).
        self._steps: dict = {}
        self._heads: dict = {}

    def mentions(self, word: str) -> bool:
        """Whether ``word`` occurs in the source (True when the source is not at hand): a rule
        that can only report a name asks before it walks the module for it."""
        return self._text is None or word in self._text

    # -- per model ---------------------------------------------------------------------------
    def steps(self, model: Model) -> list[graph.ShapeStep]:
        """Input and output shape of each entry of a Sequential model."""
        key = id(model)
        if key not in self._steps:
            self._steps[key] = graph.sequential_steps(model)
        return self._steps[key]

    def output_shape(self, model: Model):
        steps = self.steps(model) if model.style == "sequential" else None
        return graph.model_output_shape(model, steps)

    def head(self, model: Model) -> Head | None:
        key = id(model)
        if key not in self._heads:
            self._heads[key] = heads.output_head(model)
        return self._heads[key]

    def output_units(self, model: Model, output: ModelOutput | None = None) -> int | None:
        """Size of the last axis of the model's output (of ``output``, one of several), what the
        loss sees, or None."""
        if output is not None:
            return heads.output_units(output.tensor.shape, self.output_head(output))
        return heads.output_units(self.output_shape(model), self.head(model))

    def activation_units(self, model: Model, output: ModelOutput | None = None) -> int | None:
        """Size of the axis the output activation normalises over, or None."""
        if output is not None:
            return heads.activation_units(self.output_head(output), heads.last_axis(output.tensor.shape))
        return heads.activation_units(self.head(model), heads.last_axis(self.output_shape(model)))

    def label_shape(self, model: Model) -> tuple | None:
        """The shape of the labels every fit of the model uses, when the file writes it."""
        found = set()
        for fit in model.fits:
            arg = fit.args.get("y")
            if arg is None:
                return None
            node = arg.node.value
            if isinstance(node, cst.Name):
                # Test files bind ``y`` in every method: look in the fit's own function.
                node = self.statements.sole_value(node.value, near=fit.node)
            shape = labels.literal_array_shape(node)
            if shape is None:
                return None
            found.add(shape)
        return found.pop() if len(found) == 1 else None

    # -- losses ------------------------------------------------------------------------------
    def outputs(self, model: Model) -> list[ModelOutput]:
        """The outputs of a model with a graph and several outputs; [] for one output."""
        if not model.has_graph or model.style == "sequential" or not model.outputs or len(model.outputs) < 2:
            return []
        keys = model.output_keys or [None] * len(model.outputs)
        return [ModelOutput(i, key if key is not None else heads.layer_name(t), t)
                for i, (key, t) in enumerate(zip(keys, model.outputs))]

    def output_head(self, output: ModelOutput) -> Head | None:
        key = id(output.tensor)
        if key not in self._heads:
            self._heads[key] = heads.tensor_head(output.tensor)
        return self._heads[key]

    @cached_property
    def compiled_heads(self) -> list[CompiledHead]:
        """Every compile in effect with a known loss, with the head of the model it trains (one
        per output for a model with several, each with its own loss)."""
        out = []
        for model in self.ir.models:
            outputs = self.outputs(model)
            for compile in losses.compiles_in_effect(model):
                if outputs:
                    for output, loss, node, shared in losses.output_losses(compile, outputs):
                        out.append(CompiledHead(model, self.output_head(output), compile, loss, output, node, shared))
                    continue
                loss = losses.compile_loss(compile)
                if loss is not None:
                    out.append(CompiledHead(model, self.head(model), compile, loss, None,
                                            compile.args.get("loss").node.value))
        return out

    def classifier_with_regression_loss(self, compiled: CompiledHead) -> bool:
        """A mean squared/absolute error loss on a model that classifies: a softmax output,
        or a linear one over several units trained on one-hot labels."""
        model, head, compile, loss = compiled.model, compiled.head, compiled.compile, compiled.loss
        if head is None or loss.name not in ("mean_squared_error", "mean_absolute_error"):
            return False
        units = self.output_units(model, compiled.output)
        if units == 1:
            return False  # one unit: softmax there is KER103's; a linear one is a regression head
        if head.activation == "softmax":
            return True
        if head.activation != LINEAR:
            return False
        several = units is not None or heads.looks_like_class_count(head.units_expr)
        return several and self.one_hot_labels(model, compile)

    # -- labels ------------------------------------------------------------------------------
    @cached_property
    def one_hot_calls(self) -> set:
        """The ids of the file's ``to_categorical(...)`` / ``one_hot(...)`` calls."""
        return labels.one_hot_calls(self.ir)

    @cached_property
    def one_hot_names(self) -> set:
        """Names the file assigns from an expression holding a one-hot call."""
        return labels.names_assigned_from(self.statements.assigns, self.one_hot_calls)

    def one_hot_labels(self, model: Model, compile: Compile) -> bool:
        """True when a ``fit()`` under ``compile`` trains on labels the file made one-hot."""
        if not self.one_hot_calls:
            return False
        return any(
            labels.fit_on_one_hot(fit, self.one_hot_calls, self.one_hot_names)
            for fit in model.fits
            if fit.compile is compile
        )

    # -- shapes --------------------------------------------------------------------------------
    @cached_property
    def layer_inputs(self) -> list:
        """Every (layer, input shape, shape error) kerlint can follow: Sequential entries and
        functional layer calls."""
        out = []
        for model in self.ir.models:
            if model.style == "sequential" and model.has_graph:
                out.extend((step.layer, step.in_shape, step.error) for step in self.steps(model))
        for lc in self.ir.layer_calls:
            out.append((lc.layer, lc.in_shapes[0] if len(lc.in_shapes) == 1 else None, lc.error))
        return out

    def shape_issues(self, kind: str):
        """Every layer whose input Keras refuses, with ``error.kind == kind``."""
        for model in self.ir.models:
            if model.style == "sequential" and model.has_graph:
                yield from graph.sequential_issues(model, self.steps(model), kind)
        yield from graph.call_issues(self.ir.layer_calls, kind)

    # -- source --------------------------------------------------------------------------------
    @cached_property
    def statements(self) -> source.StatementIndex:
        """The statement tree, walked once: bindings, enclosing functions, indentation."""
        return source.StatementIndex(self.ir.module)

    @cached_property
    def keras2_pinned(self) -> bool:
        """The file targets a Keras 2 that stays Keras 2 (``tf_keras``, ``tensorflow.python.keras``),
        or its project pins Keras 2."""
        return self.ir.resolver.keras_target == "2" or source.keras2_pinned(self.ir.resolver.imports)
