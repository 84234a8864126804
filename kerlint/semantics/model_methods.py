"""Methods called on a model (or on a receiver kerlint does not know that may be one):
``add``, ``pop``, ``build``, ``compile``, ``fit`` and the rest of the training API."""

from __future__ import annotations

from .. import shapes
from ..catalog import legacy
from ..interp.values import UNKNOWN, Const
from ..ir import BoundArgs, Compile, Fit, Layer, MethodCall, Model, SeqEntry, Tensor
from . import subclasses
from .arguments import bind

FIT_METHODS = {"fit", "fit_generator", "train_on_batch"}
MODEL_METHODS = FIT_METHODS | {
    "compile", "evaluate", "evaluate_generator", "predict", "predict_generator", "predict_classes",
    "predict_proba", "predict_on_batch", "test_on_batch", "add", "pop", "build", "summary", "save",
    "save_weights", "load_weights", "get_layer",
}
_SIGNED = FIT_METHODS | {"compile", "evaluate", "predict"}


def model_method(sem, node, model: Model | None, receiver, method: str, args, statement):
    """Record ``receiver.method(...)``; ``model`` is the receiver when it is a known model."""
    sig = sem.catalog.signature("model_methods", "fit" if method == "fit_generator" else method) if method in _SIGNED else None
    bound = bind(sig, args, keras1=legacy.KERAS1_METHOD_ARGS.get(method))
    cond = bool(sem.interp.cond)
    sem.ir.method_calls.append(MethodCall(node, method, receiver, sem.interp.seq, cond))
    if method in FIT_METHODS:
        return _fit(sem, node, model, method, bound, cond)
    if model is None:
        return Const(None) if method == "compile" else UNKNOWN
    if method == "add":
        # A model built and filled under `if __name__ == "__main__":` is as certain as at top level.
        return _add(model, node, args, sem.uncertain_here(model), statement)
    if method == "pop":
        return _pop(model, sem.uncertain_here(model))
    if method == "build" and args:
        model.build_shape = shapes.shape_from_seq(args[0][1], batch=False)
        if model in sem.pending_calls:
            subclasses.run_call(sem, model)
        return Const(None)
    if method == "compile":
        model.compiles.append(Compile(model, node, bound, sem.interp.seq, cond))
        return Const(None)
    return UNKNOWN


def _pop(model: Model, cond: bool):
    """``model.pop()``: the last layer goes; compiles made before train another structure."""
    if model.style == "sequential" and model.entries and not cond and not model.entries[-1].conditional:
        _restructured(model)
        return model.entries.pop().layer
    model.tampered = True
    model.why = model.why or "structure changed (pop)"
    return UNKNOWN


def _restructured(model: Model) -> None:
    """The model's layers change: what it was compiled as before is not what it is now."""
    for compile in model.compiles:
        compile.stale = True


def _add(model: Model, node, args, cond: bool, statement):
    if model.style != "sequential":
        return Const(None)
    _restructured(model)
    value = args[0][1] if args else UNKNOWN
    if isinstance(value, Tensor) and value.is_input:
        model.inputs = [value]
        return Const(None)
    where = args[0][0].value if args else node
    if not isinstance(value, Layer):
        value = Layer(None, BoundArgs(), where, model=value if isinstance(value, Model) else None)
    model.entries.append(SeqEntry(value, where, cond, add_call=node, statement=statement))
    return Const(None)


def _fit(sem, node, model: Model | None, method: str, bound, cond: bool):
    fit = Fit(model, node, method, bound, sem.interp.seq, cond)
    if model is not None:
        before = [c for c in model.compiles if c.seq < fit.seq]
        fit.compile = before[-1] if before else None
        model.fits.append(fit)
    sem.ir.fits.append(fit)
    return UNKNOWN
