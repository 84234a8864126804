"""Generate kerlint/catalog/keras_api.json from the installed Keras.

Run by hand when Keras releases (needs the ``[test]`` extra):

    python tools/gen_catalog.py            # rewrite the committed catalog
    python tools/gen_catalog.py --check    # exit 1 if the committed file differs

kerlint itself never imports Keras; it reads the JSON this script writes.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kerlint" / "catalog" / "keras_api.json"

# Defaults that are not JSON literals are stored as their repr under this key.
_REPR = "repr"


def _literal(value):
    """Return a JSON-safe rendering of a default value."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {_REPR: repr(value)}
        return value
    if isinstance(value, (tuple, list)):
        items = [_literal(v) for v in value]
        if all(not isinstance(i, dict) for i in items):
            return items
    return {_REPR: type(value).__name__}


def _signature(func, skip_self: bool) -> dict:
    sig = inspect.signature(func)
    params = []
    kwonly = []
    var_kwargs = False
    var_args = False
    for i, p in enumerate(sig.parameters.values()):
        if skip_self and i == 0:
            continue
        if p.kind is p.VAR_KEYWORD:
            var_kwargs = True
            continue
        if p.kind is p.VAR_POSITIONAL:
            var_args = True
            continue
        entry = {"name": p.name}
        if p.default is not p.empty:
            entry["default"] = _literal(p.default)
        (kwonly if p.kind is p.KEYWORD_ONLY else params).append(entry)
    out = {"params": params}
    if kwonly:
        out["kwonly"] = kwonly
    if var_args:
        out["var_args"] = True
    if var_kwargs:
        out["var_kwargs"] = True
    return out


def _classes(module, base):
    """Public classes of ``module`` that subclass ``base``, grouped by identity."""
    by_class: dict[type, list[str]] = {}
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if inspect.isclass(obj) and (base is None or issubclass(obj, base)):
            by_class.setdefault(obj, []).append(name)
    out = {}
    for cls, names in by_class.items():
        canonical = cls.__name__ if cls.__name__ in names else names[0]
        entry = _signature(cls.__init__, skip_self=True)
        aliases = sorted(n for n in names if n != canonical)
        if aliases:
            entry["aliases"] = aliases
        out[canonical] = entry
    return dict(sorted(out.items()))


def _functions(module, names=None):
    out = {}
    for name in sorted(dir(module)):
        if name.startswith("_") or (names is not None and name not in names):
            continue
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isbuiltin(obj):
            try:
                out[name] = _signature(obj, skip_self=False)
            except (TypeError, ValueError):
                out[name] = {"params": []}
    return out


def build() -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    layer_base = _signature(keras.layers.Layer.__init__, skip_self=True)
    # Layer.__init__ pops these from **kwargs itself.
    layer_base["kwonly"] = layer_base.get("kwonly", []) + [
        {"name": "input_dim", "default": None},
        {"name": "input_shape", "default": None},
    ]
    layers = _classes(keras.layers, keras.layers.Layer)
    model_methods = {
        name: _signature(getattr(keras.Model, name), skip_self=True)
        for name in ("compile", "fit", "evaluate", "predict", "train_on_batch")
    }
    return {
        "generated_by": "tools/gen_catalog.py",
        "keras_version": keras.__version__,
        "layer_base": layer_base,
        "layers": layers,
        "layer_functions": _functions(keras.layers),
        "input": _signature(keras.Input, skip_self=False),
        "models": _classes(keras.models, None),
        "model_methods": model_methods,
        "losses": _classes(keras.losses, keras.losses.Loss),
        "loss_functions": _functions(keras.losses),
        "optimizers": _classes(keras.optimizers, keras.optimizers.Optimizer),
        "schedules": _classes(
            keras.optimizers.schedules,
            keras.optimizers.schedules.LearningRateSchedule,
        ),
        "callbacks": _classes(keras.callbacks, keras.callbacks.Callback),
        "metrics": _classes(keras.metrics, keras.metrics.Metric),
        "metric_functions": sorted(_functions(keras.metrics)),
        "activations": sorted(_functions(keras.activations)),
    }


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=False) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date; run tools/gen_catalog.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
