"""The ``keras.applications`` backbones: shapes, parameter counts and names without Keras.

Plain data from ``applications.json`` (written by ``tools/gen_applications.py``, which builds
every constructor with ``weights=None`` and checks each recorded rule against the models it
builds). Shapes are channels_last, Keras's default ``image_data_format``, with the batch dim
None. Everything answers None when it cannot know: an unknown constructor, an argument value
the catalog has no entry for (``alpha=0.6``), a call Keras refuses.

What Keras does, and these functions follow:

- ``include_top=True``: the output is ``(None, classes)`` and ``pooling`` is ignored;
  without ``input_shape`` the input is ``default_input_shape`` (224x224 for most; any size for
  MobileNetV3). A None spatial dim is refused except by MobileNetV3 (global pooling top).
- ``include_top=False``: the feature map ``(None, h, w, channels)``, or ``(None, channels)``
  with ``pooling="avg"`` or ``"max"``; any other ``pooling`` value is silently ignored (4D).
  Without ``input_shape`` the input is ``(None, None, 3)`` (NASNetMobile: 224x224).
- The feature map size is exact for every valid input size: a list of ``[k, s]`` stages,
  each ``n -> (n - k) // s + 1`` (``[1, s]`` is a "same" stride-``s`` stage). Where Keras
  pads by parity (``correct_pad``: MobileNetV2/V3, EfficientNet, NASNet) a None height makes
  every such stage round down along the width instead (``spatial_none``), a None width with a
  known height is a TypeError, and NASNet refuses some widths with the height None. A
  NASNet built with ``input_shape=(None, None, C)`` builds but fails on every image: so does
  ``NASNetLarge(include_top=False)`` without ``input_shape`` (``runs_unsized``).
- Parameter counts do not depend on the spatial size (but for VGG's Flatten top, and for
  NASNet, which builds a different cell when the width is None); they are linear in the
  input channels, and with ``include_top=True`` in ``classes``.
"""

from __future__ import annotations

import json
from dataclasses import field
from functools import lru_cache
from pathlib import Path

from ..data import record

_PATH = Path(__file__).with_name("applications.json")

# Keyword arguments every constructor has that do not change the architecture.
_COMMON = frozenset({"include_top", "weights", "input_tensor", "input_shape", "pooling", "classes",
                     "classifier_activation", "name"})
# Architecture arguments checked (by the generator) to change neither a shape nor a count.
_NO_EFFECT = frozenset({"include_preprocessing", "dropout", "dropout_rate"})
_PREFIXES = ("tensorflow.keras.", "tf.keras.", "keras.")

Shape = tuple  # (None, ...) with ints and None


@record(frozen=True)
class Application:
    """One constructor of ``keras.applications``."""

    name: str  # the constructor: "ResNet50"
    paths: tuple[str, ...]  # where keras exports it: ("applications.ResNet50", "applications.resnet.ResNet50", ...)
    signature: tuple[tuple[str, object], ...]  # (parameter, default) in order; MobileNet takes input_shape first
    model_name: str  # Keras's name for the model; "{alpha:0.2f}"/"{rows}" in MobileNet(V2)'s (see model_name())
    default_input_shape: Shape  # the input with include_top=True and no input_shape: (224, 224, 3)
    default_input_shape_notop: Shape  # ... with include_top=False: (None, None, 3); NASNetMobile (224, 224, 3)
    min_size: int  # smallest height and width Keras accepts
    channels: int  # channels of the feature map (default architecture arguments)
    spatial: tuple[tuple[int, int], ...]  # [k, s] stages of the feature map size
    top: tuple[tuple, ...]  # layers include_top=True adds: (class, name or None for an automatic one, activation?)
    classifier: tuple[str, str]  # the layer holding the class weights: ("Dense", "predictions")
    top_needs_static: bool  # include_top=True refuses a None height or width
    runs_unsized: bool  # a model built with input_shape=(None, None, C) can be called (NASNet's fails on any image)
    notop_tail: tuple[tuple, ...]  # layers include_top=False ends with that the top lacks (ConvNeXt: LayerNormalization)
    entry: dict = field(compare=False, repr=False)  # the raw catalog entry

    def __init__(self, name, paths, signature, model_name, default_input_shape, default_input_shape_notop,
                 min_size, channels, spatial, top, classifier, top_needs_static, runs_unsized, notop_tail,
                 entry):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "paths", paths)
        object.__setattr__(self, "signature", signature)
        object.__setattr__(self, "model_name", model_name)
        object.__setattr__(self, "default_input_shape", default_input_shape)
        object.__setattr__(self, "default_input_shape_notop", default_input_shape_notop)
        object.__setattr__(self, "min_size", min_size)
        object.__setattr__(self, "channels", channels)
        object.__setattr__(self, "spatial", spatial)
        object.__setattr__(self, "top", top)
        object.__setattr__(self, "classifier", classifier)
        object.__setattr__(self, "top_needs_static", top_needs_static)
        object.__setattr__(self, "runs_unsized", runs_unsized)
        object.__setattr__(self, "notop_tail", notop_tail)
        object.__setattr__(self, "entry", entry)

    @property
    def top_activation_layer(self) -> tuple:
        """The layer that applies ``classifier_activation``: ``("Dense", "predictions", ...)``
        (a Dense's own activation) or ``("Activation", "predictions", ...)``."""
        return self.top[-1]

    @property
    def arguments(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.signature)

    def default(self, argument: str):
        return dict(self.signature)[argument]

    @property
    def architecture_arguments(self) -> tuple[str, ...]:
        """Arguments beyond the common ones (``alpha``, ``minimalistic``, ...)."""
        return tuple(a for a in self.arguments if a not in _COMMON)

    def feature_size(self, n: int | None, height_known: bool = True) -> int | None:
        """The feature map's size along a dim of input size ``n`` (None: unknown). Some
        models pad as for an even size at every stage when the height is None (Keras's
        ``correct_pad`` looks only at the height): ``height_known=False`` gives the width then.
        0 when the input is too small for a stage."""
        if n is None:
            return None
        rule = self.spatial if height_known else self.entry.get("spatial_none", self.spatial)
        for k, s in rule:
            n = (n - k) // s + 1
            if n < 1:
                return 0
        return n


@lru_cache(maxsize=1)
def _data() -> dict:
    with _PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Every accepted spelling -> constructor name."""
    out = {}
    for name, entry in _data()["applications"].items():
        out[name] = out[f"applications.{name}"] = name
        for path in entry["paths"]:
            out[path] = out[f"applications.{path}"] = name
    return out


def keras_version() -> str:
    return _data()["keras_version"]


def names() -> tuple[str, ...]:
    """The constructor names, sorted."""
    return tuple(_data()["applications"])


@lru_cache(maxsize=256)
def application(name: str) -> Application | None:
    """The application ``name`` refers to: a constructor as keras.applications exports it
    (``ResNet50``), or a dotted path (``applications.resnet50.ResNet50``,
    ``keras.applications.ResNet50``, ``tf.keras.applications.resnet.ResNet50``)."""
    if not isinstance(name, str):
        return None
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    canonical = _index().get(name)
    if canonical is None:
        return None
    e = _data()["applications"][canonical]
    default = _variant(e, {})
    size, size_notop = e["default_size"], e["default_size_notop"]
    return Application(
        name=canonical,
        paths=(f"applications.{canonical}", *(f"applications.{p}" for p in e["paths"])),
        signature=tuple((p, d) for p, d in e["signature"]),
        model_name=e["name"],
        default_input_shape=(size, size, 3),
        default_input_shape_notop=(size_notop, size_notop, 3),
        min_size=e["min_size"],
        channels=default["channels"],
        spatial=tuple(tuple(step) for step in e["spatial"]),
        top=tuple(tuple(layer) for layer in e["top"]),
        classifier=tuple(e["classifier"]),
        top_needs_static=e["top_needs_static"],
        runs_unsized=e["runs_unsized"],
        notop_tail=tuple(tuple(layer) for layer in e.get("notop_tail", ())),
        entry=e,
    )


def _variant(entry: dict, args: dict) -> dict | None:
    """The catalog variant for these architecture arguments (defaults filled in), or None."""
    defaults = dict(entry["signature"])
    wanted = {}
    for arg, value in args.items():
        if arg not in defaults or arg in _COMMON:
            return None
        if arg in _NO_EFFECT:
            continue
        if isinstance(value, bool) != isinstance(defaults[arg], bool) or not isinstance(value, (int, float)):
            return None
        if value != defaults[arg]:
            wanted[arg] = value
    for v in entry["variants"]:
        if v["args"] == wanted:
            return v
    return None


def _input(app: Application, include_top, input_shape) -> tuple | str:
    """The input shape Keras builds (weights=None), or the message it refuses it with."""
    if not input_shape:  # Keras tests ``if input_shape:``
        return app.default_input_shape if include_top else app.default_input_shape_notop
    shape = tuple(input_shape)
    if len(shape) != 3:
        return "`input_shape` must be a tuple of three integers."
    if any(d is not None and (not isinstance(d, int) or isinstance(d, bool) or d < 1) for d in shape) or shape[2] is None:
        return "`input_shape` must be positive integers (None for an unknown height or width)."
    rows, cols, _ = shape
    checked = (rows, cols) if not app.entry.get("min_needs_both") or None not in (rows, cols) else ()
    if any(d is not None and d < app.min_size for d in checked):
        return f"Input size must be at least {app.min_size}x{app.min_size}; Received: input_shape={shape}"
    if include_top and app.top_needs_static and None in shape:
        return f"If `include_top` is True, you should specify a static `input_shape`. Received: input_shape={shape}"
    partial = app.entry["partial_none_ok"]
    if (rows is None and cols is not None and not partial[0]) or (cols is None and rows is not None and not partial[1]):
        return "unsupported operand type(s) for %: 'NoneType' and 'int' (one of height and width is None)"
    if rows is None and cols is not None and not _widths_merge(app, cols):
        return "Inputs have incompatible shapes (the width is odd at a reduction while the height is None)"
    if 0 in (app.feature_size(rows), app.feature_size(cols, height_known=rows is not None)):
        # MobileNetV3 without a height: no minimum, a stage comes to nothing.
        return "Computed output size would be zero or negative"
    return shape


def _widths_merge(app: Application, width: int) -> bool:
    """NASNet with the height None: its stride-2 branches pad as for an even width (floor)
    while the reduction of the cell's other input rounds up, so the width entering each of
    these steps must be even or the cell cannot add them."""
    steps = app.entry.get("none_even_steps", ())
    n = width
    for i, (k, s) in enumerate(app.entry.get("spatial_none", app.spatial)):
        if i in steps and n % 2:
            return False
        n = (n - k) // s + 1
    return True


def input_shape_error(name: str, input_shape=None, include_top: bool = True) -> str | None:
    """What Keras raises (with ``weights=None``) for this input shape, or None when it is
    accepted (or the application is unknown). Not checked: the ImageNet weight rules."""
    app = application(name)
    if app is None:
        return None
    got = _input(app, include_top, input_shape)
    return got if isinstance(got, str) else None


def input_shape(name: str, include_top: bool = True, input_shape=None) -> tuple | None:
    """The per-sample input shape the model is built on (``(224, 224, 3)``, ``(None, None, 3)``),
    or None when the application is unknown or Keras refuses the call (weights=None)."""
    app = application(name)
    if app is None or not isinstance(include_top, bool):
        return None
    got = _input(app, include_top, input_shape)
    return None if isinstance(got, str) else got


def _feature_map(app: Application, shape: tuple) -> tuple | None:
    rows, cols, _ = shape
    h = app.feature_size(rows)
    w = app.feature_size(cols, height_known=rows is not None)
    if 0 in (h, w):
        return None
    return h, w


def output_shape(name: str, include_top: bool = True, pooling=None, input_shape=None, classes=1000,
                 classifier_activation="softmax", **arguments) -> Shape | None:
    """The model's output shape: ``(None, classes)`` with the top, ``(None, channels)`` pooled,
    else ``(None, h, w, channels)`` (None for an unknown height or width). None when it
    cannot be known or Keras refuses the call. ``arguments``: the architecture arguments
    (``alpha=0.5``); ``classifier_activation`` does not change the shape."""
    app = application(name)
    if app is None or not isinstance(include_top, bool):
        return None
    variant = _variant(app.entry, arguments)
    shape = _input(app, include_top, input_shape)
    if variant is None or isinstance(shape, str):
        return None
    if include_top:
        if not isinstance(classes, int) or isinstance(classes, bool) or classes < 1:
            return None
        return (None, classes)
    if pooling in ("avg", "max"):
        return (None, variant["channels"])
    size = _feature_map(app, shape)
    return None if size is None else (None, *size, variant["channels"])


def params(name: str, include_top: bool = True, classes=1000, input_channels: int = 3, *, input_shape=None,
           **arguments) -> tuple[int, int, int] | None:
    """``(total, trainable, non_trainable)`` parameters of the model with ``weights=None``.
    ``input_shape`` (as passed to the constructor) wins over ``input_channels``; without it
    the spatial size is the default one. None when it cannot be known or Keras refuses."""
    app = application(name)
    if app is None or not isinstance(include_top, bool):
        return None
    variant = _variant(app.entry, arguments)
    if input_shape is None:
        if not isinstance(input_channels, int) or isinstance(input_channels, bool) or input_channels < 1:
            return None
        base = app.default_input_shape if include_top else app.default_input_shape_notop
        input_shape = (*base[:2], input_channels)
    shape = _input(app, include_top, input_shape)
    if variant is None or isinstance(shape, str):
        return None
    channels = shape[2]
    (ta, tb), (na, nb) = variant["notop_unknown" if shape[1] is None and "notop_unknown" in variant else "notop"]
    trainable, fixed = ta + tb * channels, na + nb * channels
    if include_top:
        if not isinstance(classes, int) or isinstance(classes, bool) or classes < 1:
            return None
        c0, c1, per_position, top_fixed = variant["top"]
        trainable += c0 + c1 * classes
        fixed += top_fixed
        if per_position:  # a Flatten top: weights per position of the feature map
            size = _feature_map(app, shape)
            if size is None or None in size:
                return None
            trainable += per_position * size[0] * size[1]
    return trainable + fixed, trainable, fixed


def model_name(name: str, input_shape=None, include_top: bool = True, weights="imagenet", **arguments) -> str | None:
    """The name Keras gives the model when ``name=`` is not passed: ``"resnet50"``;
    MobileNet and MobileNetV2 put alpha and the input rows in it (``"mobilenet_1.00_224"``,
    ``"mobilenetv2_0.50_None"`` without a height; with ImageNet weights a size they have no
    weights for is named 224)."""
    app = application(name)
    if app is None or _variant(app.entry, arguments) is None:
        return None
    template = app.model_name
    if "{" not in template:
        return template
    shape = _input(app, include_top, input_shape)
    if isinstance(shape, str):
        return None
    rows, cols, _ = shape
    if weights == "imagenet" and (rows != cols or rows not in app.entry.get("imagenet_rows", ())):
        rows = 224
    alpha = arguments.get("alpha", app.default("alpha"))
    return template.format(alpha=float(alpha), rows=rows)


def output_activation(name: str, include_top: bool = True, classifier_activation="softmax") -> str | None:
    """The activation of the model's output: ``classifier_activation`` (``"linear"`` for None:
    logits) with the top; None without it (features) or when unknown (a callable)."""
    if application(name) is None or not include_top:
        return None
    if classifier_activation is None:
        return "linear"
    return classifier_activation if isinstance(classifier_activation, str) else None
