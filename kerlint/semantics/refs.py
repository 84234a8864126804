"""References to Keras and TensorFlow objects: from imports, attributes and snippet names."""

from __future__ import annotations

from functools import lru_cache

from ..catalog import legacy
from ..interp.values import UNKNOWN
from ..ir import KerasRef
from ..names import KerasPath
from ..names import canonicalize as _canonicalize

# The canonical path of a qualified name, once per name: every attribute of every Keras
# reference asks it, and the answer (frozen) depends on the name alone.
canonicalize = lru_cache(maxsize=4096)(_canonicalize)

_THIRD_PARTY_BY_MODULE = {
    module: name for name, info in legacy.THIRD_PARTY_LAYERS.items() for module in info["modules"]
}


def ref_for(qualified: str):
    """A KerasRef for an imported fully qualified path, or UNKNOWN."""
    path = canonicalize(qualified)
    if path is not None:
        return KerasRef(path)
    root = qualified.split(".")[0]
    last = qualified.split(".")[-1]
    if root in _THIRD_PARTY_BY_MODULE or last in legacy.THIRD_PARTY_LAYERS:
        if last in legacy.THIRD_PARTY_LAYERS and root in legacy.THIRD_PARTY_LAYERS[last]["modules"]:
            return KerasRef(KerasPath(f"layers.{last}", qualified))
        if qualified == root:
            return KerasRef(KerasPath(f"thirdparty.{root}", qualified))
    return UNKNOWN


def attribute_ref(base: KerasRef, attr: str, node):
    """``base.attr`` for a reference ``base``: a reference, or UNKNOWN."""
    raw = base.path.raw + "." + attr
    path = canonicalize(raw)
    if path is None:
        if base.canonical.startswith("thirdparty.") and attr in legacy.THIRD_PARTY_LAYERS:
            return KerasRef(KerasPath(f"layers.{attr}", raw), node)
        return UNKNOWN
    if base.path.legacy_module and not path.legacy_module:
        path = KerasPath(path.canonical, path.raw, base.path.legacy_module)
    return KerasRef(path, node)


def snippet_ref(name: str, public: dict, node) -> KerasRef:
    """The Keras object a snippet means by a name it never binds (``Dense``, ``tf``)."""
    if name in public:
        return KerasRef(canonicalize("keras." + public[name]), node)
    return KerasRef(canonicalize("tensorflow" if name == "tf" else "keras"), node)
