"""Subclasses of ``keras.Model`` and ``keras.layers.Layer`` the file defines.

A model subclass is an object whose ``__init__`` the interpreter runs (its layers land on
``self``); its graph is what ``call()`` does to a symbolic input. ``call()`` runs once per
model, with ``training=False`` (the inference path is the one the loss sees), on an input of
the shape the program gives first: ``model.build(shape)``, ``model(tensor)``, else one of
unknown shape when the program ends. A subclass that hands ``inputs``/``outputs`` to
``keras.Model`` (``CustomModel(inputs, outputs)``, ``super().__init__(inputs, outputs)``) has
that functional graph.
"""

from __future__ import annotations

import libcst as cst

from ..interp.objects import split_args
from ..interp.tree import code_children
from ..interp.values import UNKNOWN, ClassVal, Const, FunctionVal
from ..ir import Layer, Model, Tensor
from .arguments import bind
from .constructors import MODEL_SIGNATURE, KERAS1_MODEL_ARGS, set_graph

# Names a train_step uses when it trains on the loss given to compile().
_COMPILED_LOSS = {"compiled_loss", "compute_loss", "loss"}


def instantiate_model(sem, cls, node, args, inst) -> Model:
    m = Model("subclassed", node, built_in_branch=sem.interp.cond)
    if not cls.has_member("__init__"):
        # keras.Model's own __init__: ``CustomModel(inputs, outputs)`` is a functional model.
        init_graph(m, args)
    m.instance = inst
    m.own_training = _trains_its_own_loss(cls)
    sem.add_model(m)
    if m.outputs is None:
        sem.pending_calls.append(m)
    return m


def instantiate_layer(sem, cls, node, args, inst) -> Layer:
    layer = Layer(None, bind(None, args), node)
    layer.instance = inst
    sem.ir.layers.append(layer)
    return layer


def init_graph(m: Model, args) -> bool:
    """``keras.Model.__init__(inputs, outputs)`` on a subclass: the functional graph."""
    bound = bind(MODEL_SIGNATURE, args, keras1=KERAS1_MODEL_ARGS)
    if bound.get("inputs") is None or bound.get("outputs") is None:
        return False
    set_graph(m, bound)
    m.style = "functional"
    return True


def run_call(sem, m: Model, tensor: Tensor | None = None) -> None:
    """Follow ``m.call()`` on ``tensor`` (a symbolic input), once per model."""
    if m not in sem.pending_calls:
        return
    sem.pending_calls.remove(m)
    call = m.instance.cls.lookup("call")
    if not isinstance(call, FunctionVal):
        if isinstance(m.instance.cls.lookup("train_step"), FunctionVal):
            m.why = ("a subclassed model with its own train_step and no call(): it trains the "
                     "models it holds its own way (a GAN, a VAE)")
        else:
            m.why = "a subclassed model whose call() is not in this file"
        return
    if tensor is None:
        tensor = Tensor(m.build_shape, node=m.node, is_input=True)
    result = sem.interp.call_function(call, [m, tensor], {"training": Const(False)})
    outputs = [result] if isinstance(result, Tensor) else None
    if outputs is None or result is tensor:
        m.why = "call() returns a value kerlint cannot follow (an op, a branch or a structure it does not read)"
        return
    m.inputs, m.outputs = [tensor], outputs


def follow_layer_call(sem, layer: Layer, args):
    """A custom layer applied to tensors: what its ``call()`` returns when that is a tensor
    made by layers and ops kerlint follows (the custom layer is then transparent), else None
    (the caller records it as one opaque layer)."""
    cls = layer.instance.cls
    call = cls.lookup("call")
    if not isinstance(call, FunctionVal) or not args or not isinstance(args[0][1], Tensor):
        return None
    if _makes_weights(cls):
        return None  # weights of its own: parameter counts through its layers would be short
    build = cls.lookup("build")
    if isinstance(build, FunctionVal) and not layer.built:
        layer.built = True  # Keras builds a layer once, at its first call
        sem.interp.call_function(build, [layer, UNKNOWN], {})
    pos, kw, star = split_args(args)
    if star:
        return None
    result = sem.interp.call_function(call, [layer, *pos], kw)
    if isinstance(result, Tensor) and result.producer is not None and all(result is not v for v in pos):
        return result
    return None


_WEIGHT_MAKERS = {"add_weight", "add_variable", "Variable"}


def _makes_weights(cls) -> bool:
    """A class of the file (or a direct base of it the file defines) that creates weights itself."""
    stack = [cls.node] + [base.node for base in cls.bases if isinstance(base, ClassVal)]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Call):
            func = n.func
            name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
            if name in _WEIGHT_MAKERS:
                return True
        stack.extend(code_children(n))
    return False


def settle(sem) -> None:
    for m in list(sem.pending_calls):
        run_call(sem, m)


def _trains_its_own_loss(cls) -> bool:
    """A ``train_step`` (or ``compute_loss``) of the file's that never reads the compiled loss:
    whatever ``compile(loss=...)`` says is not what trains the model."""
    step = cls.lookup("train_step")
    own = cls.lookup("compute_loss")
    if not isinstance(step, FunctionVal) and not isinstance(own, FunctionVal):
        return False
    if isinstance(own, FunctionVal):
        return not _reads_compiled_loss(own.node)
    return not _reads_compiled_loss(step.node)


def _reads_compiled_loss(node) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Attribute) and n.attr.value in _COMPILED_LOSS:
            return True
        stack.extend(code_children(n))
    return False

