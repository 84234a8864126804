"""KER409: ``self.compiled_loss`` / ``self.compiled_metrics`` in a model's custom ``train_step``."""

from __future__ import annotations

import libcst as cst

from ..diagnostics import Diagnostic
from ..names import dotted_name, keras2_object
from . import Rule
from ..interp.tree import code_children, kinds

_MODEL_CLASSES = ("models.Model", "models.Sequential")
_ATTRIBUTES = ("compiled_loss", "compiled_metrics")
_BLOCKS = kinds(cst.IndentedBlock, cst.SimpleStatementSuite)
_PARTS = kinds(cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally)


def _class_defs(body):
    """Every class the module defines, in statement order (classes in functions, branches and
    other classes too); expressions are not entered."""
    for stmt in body:
        kind = stmt.__class__
        if kind is cst.ClassDef:
            yield stmt
        if kind is cst.SimpleStatementLine:
            continue
        for part in _parts(stmt):
            yield from _class_defs(part.body)


def _parts(stmt):
    for child in code_children(stmt):
        kind = child.__class__
        if kind in _BLOCKS:
            yield child
        elif kind in _PARTS:
            yield from _parts(child)


def _model_classes(file):
    """(ClassDef, the Keras path of the model class it derives from), in source order, for the
    classes deriving from ``keras.Model`` (directly or through another class of the file)."""
    ir = file.ir
    classes = list(_class_defs(ir.module.body))
    found: dict = {}
    changed = True
    while changed:
        changed = False
        for cls in classes:
            name = cls.name.value
            if name in found:
                continue
            for base in cls.bases:
                if base.keyword is not None:
                    continue
                dotted = dotted_name(base.value)
                if dotted is None:
                    continue
                if dotted in found:
                    found[name] = (cls, found[dotted][1])
                    changed = True
                    break
                path = ir.resolver.resolve(dotted)
                if path is not None and path.canonical in _MODEL_CLASSES:
                    found[name] = (cls, path)
                    changed = True
                    break
    return [(cls, found[cls.name.value][1]) for cls in classes if found.get(cls.name.value, (None,))[0] is cls]


def _own_attribute(cls: cst.ClassDef) -> bool:
    """The class defines ``compiled_loss``/``compiled_metrics`` itself (a method, a property, an
    assignment to ``self.<name>``): then the name is its own, not Keras 2's."""
    stack = [cls.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.FunctionDef) and node.name.value in _ATTRIBUTES:
            return True
        if isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign)):
            target = node.target
            if isinstance(target, cst.Attribute) and target.attr.value in _ATTRIBUTES:
                return True
            if isinstance(target, cst.Name) and target.value in _ATTRIBUTES:
                return True
        stack.extend(code_children(node))
    return False


def _methods(cls: cst.ClassDef):
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    for stmt in body:
        if isinstance(stmt, cst.FunctionDef):
            params = stmt.params.posonly_params or stmt.params.params
            if params:
                yield stmt, params[0].name.value


def _uses(method: cst.FunctionDef, receiver: str):
    """``<receiver>.compiled_loss`` / ``<receiver>.compiled_metrics`` in a method (its nested
    functions and classes, which have a ``self`` of their own, left out)."""
    stack = [method.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if (isinstance(node, cst.Attribute) and node.attr.value in _ATTRIBUTES
                and isinstance(node.value, cst.Name) and node.value.value == receiver):
            yield node
            continue
        stack.extend(code_children(node))


_MESSAGES = {
    "compiled_loss": (
        "`{r}.compiled_loss()` is Keras 2's: Keras 3 has only a TensorFlow-backend shim; use {r}.compute_loss()"
    ),
    "compiled_metrics": (
        "`{r}.compiled_metrics` on Keras 3 feeds y_pred to the loss tracker: fit() reports the mean prediction"
    ),
}


def check(file):
    if not file.ir.uses_keras or not any(file.mentions(name) for name in _ATTRIBUTES):
        return
    for cls, path in _model_classes(file):
        if keras2_object(path, file.ir.resolver, file.keras2_pinned) or _own_attribute(cls):
            continue  # a tf_keras model has them; so does a class that defines them
        for method, receiver in _methods(cls):
            for node in _uses(method, receiver):
                yield Diagnostic("KER409", _MESSAGES[node.attr.value].format(r=receiver), node)


RULE = Rule(
    code="KER409",
    explanation=(
        "A Keras 2 custom `train_step` computed the loss with `self.compiled_loss(y, y_pred)` "
        "and updated the metrics with `self.compiled_metrics.update_state(y, y_pred)`. Keras 3 "
        "replaced both: the loss is `self.compute_loss(x, y, y_pred, sample_weight)`, and the "
        "metrics are updated one by one from `self.metrics` (the `loss` tracker with the loss, "
        "the others with `(y, y_pred)`), or with `self.compute_metrics(...)`. On the TensorFlow "
        "backend Keras 3 keeps shims that warn \"`model.compiled_loss()` is deprecated\"; the "
        "metrics shim calls `update_state` on every metric in `self.metrics`, and passes the "
        "loss tracker (a `Mean`) the predictions: the `loss` that `fit()` reports is then the "
        "mean prediction, not the loss (measured: 0.1 while the true mean squared error is 30). "
        "On the JAX and PyTorch backends neither attribute exists (AttributeError). A class "
        "that defines `compiled_loss` or `compiled_metrics` itself, a `tf_keras` model, and "
        "any model of a project pinned to Keras 2 (where both work without a word) are left "
        "alone. The loss call that works on every backend is "
        "`self.compute_loss(y=y, y_pred=y_pred)`. There is no automatic fix: the metric loop "
        "has to be written."
    ),
    bad="""\
import keras
import tensorflow as tf


class RegressionModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}
""",
    good="""\
import keras
import tensorflow as tf


class RegressionModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}
""",
    fix_availability="never",
    check=check,
)
