"""Where a fault that only this file's arguments complete is reported: at the call through which
this file built the model, when the layer at fault lives in an imported project module.

``nets.small_cnn(10, input_shape=(8, 8, 1))`` collapses the feature maps of a convolution in
``blocks.py``; linted alone, ``blocks.py`` is fine with its own default size. The diagnostic goes
on the call here and names the layer there. When the imported module, linted alone, reports the
same fault at the same place, it is that module's to report, never twice."""

from __future__ import annotations

from .analysis import graph

# {(path, text digest, selection): {(code, row, column)}}: what a module reports linted alone,
# computed once per process; a module being linted is an empty set, so cycles end.
_ALONE: dict = {}


def built_through(node, models) -> tuple:
    """The calls through which the model holding ``node`` was built (outermost first), then that
    model's own constructor node: the places a fault at ``node`` may be reported.

    One function of another module may build several of this file's models, each with other
    arguments, out of the same nodes: the model whose layer call Keras refuses there is the one.
    When that does not single one out, nothing is returned (a wrong place is worse than none)."""
    holding = [m for m in models if _holds(m, node)]
    refused = [m for m in holding if _refused(m, node)]
    if len(refused) == 1:
        holding = refused
    if len(holding) != 1:
        return ()
    model = holding[0]
    return (*model.built_via, *((model.node,) if model.node is not None else ()))


def _holds(model, node) -> bool:
    if model.style == "sequential":
        return any(entry.node is node or entry.layer.node is node for entry in model.entries)
    return any(call.node is node or call.layer.node is node for call in graph.functional_calls(model))


def _refused(model, node) -> bool:
    """A functional model whose call at ``node`` gets an input Keras refuses."""
    if model.style == "sequential":
        return False
    return any(call.node is node and call.error is not None for call in graph.functional_calls(model))


def reported_alone(lint, path, text: str, select, code: str, row: int, column: int) -> bool:
    """Whether the module at ``path`` (with ``text``), linted alone by ``lint(text, path)``,
    reports ``code`` at ``row``/``column`` (1-based)."""
    key = (str(path), hash(text), tuple(sorted(select)))
    if key not in _ALONE:
        _ALONE[key] = set()
        reports = lint(text, path)
        _ALONE[key] = {(r.code, r.row, r.column) for r in reports}
    return (code, row, column) in _ALONE[key]
