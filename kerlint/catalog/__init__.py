"""The Keras API catalog: generated signatures (keras_api.json) plus hand-kept data.

Everything here is plain data loaded once per process; kerlint never imports Keras.
"""

from __future__ import annotations

import json
from dataclasses import field
from functools import lru_cache
from pathlib import Path

from ..data import FACTORY, record
from . import legacy, shape_rules

_PATH = Path(__file__).with_name("keras_api.json")

REQUIRED = object()  # marker for a parameter without a default


@record(frozen=True)
class Signature:
    """Parameters of a callable, in order, as Keras declares them."""

    positional: tuple[str, ...]
    keyword_only: frozenset[str] = frozenset()
    defaults: dict = field(default_factory=dict)
    var_args: bool = False
    var_kwargs: bool = False

    def __init__(self, positional, keyword_only=frozenset(), defaults=FACTORY, var_args=False,
                 var_kwargs=False):
        object.__setattr__(self, "positional", positional)
        object.__setattr__(self, "keyword_only", keyword_only)
        object.__setattr__(self, "defaults", {} if defaults is FACTORY else defaults)
        object.__setattr__(self, "var_args", var_args)
        object.__setattr__(self, "var_kwargs", var_kwargs)

    def default(self, name):
        return self.defaults.get(name, REQUIRED)

    def accepts(self, name: str) -> bool:
        return name in self.defaults or name in self.positional or name in self.keyword_only


def _signature(entry: dict, extra: dict | None = None, skip: int = 0) -> Signature:
    positional = [p["name"] for p in entry.get("params", [])][skip:]
    kwonly = [p["name"] for p in entry.get("kwonly", [])]
    defaults = {}
    for p in entry.get("params", [])[skip:] + entry.get("kwonly", []):
        if "default" in p:
            d = p["default"]
            defaults[p["name"]] = tuple(d) if isinstance(d, list) else d
    if extra and entry.get("var_kwargs"):
        # Layer subclasses forward **kwargs to Layer.__init__.
        kwonly += [p["name"] for p in extra.get("kwonly", [])]
        for p in extra.get("kwonly", []):
            defaults.setdefault(p["name"], p.get("default"))
    return Signature(
        positional=tuple(positional),
        keyword_only=frozenset(kwonly),
        defaults=defaults,
        var_args=bool(entry.get("var_args")),
        var_kwargs=bool(entry.get("var_kwargs")),
    )


class Catalog:
    """Lookup tables over the generated Keras API description."""

    def __init__(self, data: dict):
        self.data = data
        self.keras_version = data.get("keras_version", "?")
        self._layer_canon: dict[str, str] = {}
        for name, entry in data["layers"].items():
            self._layer_canon[name] = name
            for alias in entry.get("aliases", ()):
                self._layer_canon[alias] = name
        for name in legacy.LEGACY_LAYERS:
            self._layer_canon.setdefault(name, name)
        self._sig_cache: dict[tuple[str, str], Signature] = {}
        self._public: dict[str, str] | None = None
        self.loss_classes = self._canon_map(data["losses"])
        self.optimizer_classes = self._canon_map(data["optimizers"])
        self.callback_classes = self._canon_map(data["callbacks"])
        self.metric_classes = self._canon_map(data["metrics"])
        self.schedule_classes = self._canon_map(data["schedules"])
        self.loss_functions = set(data["loss_functions"]) - {"get", "serialize", "deserialize"}
        self.activations = set(data["activations"]) - {"get", "serialize", "deserialize"}
        self.layer_functions = set(data["layer_functions"]) - {"serialize", "deserialize"}

    @staticmethod
    def _canon_map(section: dict) -> dict[str, str]:
        out = {}
        for name, entry in section.items():
            out[name] = name
            for alias in entry.get("aliases", ()):
                out[alias] = name
        return out

    # -- layers -----------------------------------------------------------------
    def canonical_layer(self, name: str) -> str | None:
        return self._layer_canon.get(name)

    def is_layer(self, name: str) -> bool:
        return name in self._layer_canon

    def layer_signature(self, kind: str) -> Signature | None:
        key = ("layer", kind)
        sig = self._sig_cache.get(key)
        if sig is None:
            entry = self.data["layers"].get(kind)
            if entry is None:
                return None
            sig = _signature(entry, self.data["layer_base"])
            self._sig_cache[key] = sig
        return sig

    def layer_family(self, kind: str | None) -> tuple[str, dict]:
        if kind is None:
            return ("unknown", {})
        return shape_rules.FAMILIES.get(kind, ("unknown", {}))

    # -- everything else ----------------------------------------------------------
    def signature(self, section: str, name: str) -> Signature | None:
        """Signature of ``name`` in a catalog section (losses, optimizers, ...)."""
        key = (section, name)
        sig = self._sig_cache.get(key)
        if sig is None:
            if section == "input":
                entry = self.data["input"]
            elif section == "model_methods":
                entry = self.data["model_methods"].get(name)
            else:
                entry = self.data.get(section, {}).get(name)
            if entry is None:
                return None
            # Loss functions take (y_true, y_pred, ...): callers bind from the third.
            sig = _signature(entry)
            self._sig_cache[key] = sig
        return sig

    def public_class_names(self) -> dict[str, str]:
        """Unqualified public names that snippets use without importing them (worked out once:
        every file's semantics asks; read-only)."""
        if self._public is None:
            self._public = self._public_class_names()
        return self._public

    def _public_class_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for section, prefix in (
            ("metrics", "metrics"),
            ("callbacks", "callbacks"),
            ("optimizers", "optimizers"),
            ("losses", "losses"),
        ):
            for name in self._canon_map(self.data[section]):
                names[name] = f"{prefix}.{name}"
        for name in self._layer_canon:
            names[name] = f"layers.{name}"
        names["Sequential"] = "models.Sequential"
        names["Model"] = "models.Model"
        names["Input"] = "layers.Input"
        return names


@lru_cache(maxsize=1)
def get_catalog() -> Catalog:
    with _PATH.open(encoding="utf-8") as fh:
        return Catalog(json.load(fh))
