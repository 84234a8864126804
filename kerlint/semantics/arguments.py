"""Call arguments bound to parameter names through the catalog's signatures."""

from __future__ import annotations

from ..catalog import legacy
from ..ir import BoundArg, BoundArgs


def bind(sig, args, keras1: dict | None = None) -> BoundArgs:
    """Bind ``[(cst.Arg, Value)]`` to ``sig`` (a catalog Signature, or None: keep them all).

    ``keras1`` maps Keras 1 keywords to today's names, for keywords ``sig`` does not accept.
    """
    out = BoundArgs(signature=sig)
    positional = list(sig.positional) if sig is not None else []
    i = 0
    for arg, value in args:
        if arg.star:
            out.has_star = True
            continue
        if arg.keyword is None:
            if i < len(positional):
                name = positional[i]
                out.by_name[name] = BoundArg(name, value, arg, None)
            else:
                out.extra_positional.append(BoundArg(f"#{i}", value, arg, None))
            i += 1
            continue
        _bind_keyword(out, sig, arg, value, keras1)
    return out


def _bind_keyword(out: BoundArgs, sig, arg, value, keras1) -> None:
    written = arg.keyword.value
    name = written
    if keras1 and written in keras1 and not (sig is not None and sig.accepts(written)):
        mapped = keras1[written]
        name = mapped if mapped is not None else written
    bound = BoundArg(name, value, arg, written)
    taken = out.by_name.get(name)
    if name != written and taken is not None and taken.positional:
        # ``Convolution2D(32, 3, 3, subsample=(2, 2))``: Keras 3 binds the third number to
        # ``strides``; the Keras 1 keyword stays beside it, unknown to Keras 3 (KER406 reports it,
        # shape inference reads the Keras 1 form with it).
        out.unknown_keywords.append(bound)
        return
    if sig is None or sig.accepts(name) or sig.var_kwargs:
        out.by_name[name] = bound
        if sig is not None and not sig.accepts(name):
            out.unknown_keywords.append(bound)
    else:
        out.unknown_keywords.append(bound)


def keras1_layer_args(kind: str) -> dict:
    """Keras 1 keyword -> Keras 3 name for a layer class (None: no Keras 3 equivalent)."""
    table = dict(legacy.KERAS1_ARGS["*"])
    table.update(legacy.KERAS1_ARGS.get(kind, {}))
    return table
