"""The keras.applications catalog against Keras: a sample of backbones built with
``weights=None`` (small architectures, odd and even and non-square sizes, each pooling mode,
a top with a non-default ``classes``, architecture arguments), and the catalog's output shape,
parameter counts (total, trainable, non-trainable), model name and output activation must be
Keras's; a model built without a size must run on an image exactly when the catalog says so. Calls the catalog says Keras refuses must raise. tools/gen_applications.py checks
every constructor this way when it writes the catalog; this keeps a sample under test.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from kerlint.catalog import applications as apps

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras", reason="the comparison builds the models with Keras (pip install -e '.[test]')")

pytestmark = [pytest.mark.proof, pytest.mark.filterwarnings("ignore:This model usually expects 1 or 3 input channels")]

CASES = [
    ("ResNet50", {"include_top": False, "input_shape": (224, 224, 3), "pooling": "avg"}),
    ("ResNet50", {"classes": 10, "pooling": "max", "input_shape": (100, 131, 3)}),
    ("MobileNet", {"include_top": False, "input_shape": (97, 130, 3)}),
    ("MobileNet", {"include_top": False, "input_shape": (225, 225, 1), "pooling": "max", "alpha": 0.5}),
    ("MobileNet", {"classes": 17, "input_shape": (160, 160, 3), "classifier_activation": None}),
    ("MobileNetV2", {"include_top": False, "input_shape": (225, 225, 3)}),
    ("MobileNetV2", {"include_top": False, "input_shape": (None, 225, 3)}),
    ("MobileNetV2", {"include_top": False, "input_shape": (33, 65, 4), "alpha": 0.35, "pooling": "avg"}),
    ("MobileNetV2", {"classes": 3, "alpha": 1.4, "classifier_activation": "sigmoid"}),
    ("MobileNetV3Small", {"input_shape": (None, None, 3), "classes": 10}),
    ("MobileNetV3Small", {"include_top": False, "input_shape": (75, 33, 3), "minimalistic": True}),
    ("VGG16", {"include_top": False, "input_shape": (63, 64, 3)}),
    ("VGG16", {"input_shape": (100, 120, 3), "classes": 7}),
    ("EfficientNetB0", {"include_top": False, "input_shape": (33, 47, 1), "pooling": "average"}),
    ("EfficientNetB0", {"classes": 5}),
    ("EfficientNetV2B0", {"include_top": False, "input_shape": (33, 33, 3), "include_preprocessing": False}),
    ("DenseNet121", {"include_top": False, "input_shape": (60, 255, 3)}),
    ("ConvNeXtTiny", {"include_top": False, "input_shape": (35, 67, 3), "pooling": "avg"}),
    ("InceptionV3", {"include_top": False, "input_shape": (75, 76, 3)}),
    ("Xception", {"include_top": False, "input_shape": (71, 100, 3), "pooling": "max"}),
    ("NASNetMobile", {"include_top": False}),
    ("NASNetMobile", {"include_top": False, "input_shape": (None, None, 3)}),
]

REFUSED = [
    ("InceptionV3", {"include_top": False, "input_shape": (74, 299, 3)}),
    ("ResNet50", {"input_shape": (None, None, 3)}),
    ("MobileNetV2", {"include_top": False, "input_shape": (225, None, 3)}),
]

_COMMON = ("include_top", "input_shape", "pooling", "classes", "classifier_activation")


def _build(name, kwargs):
    keras.backend.clear_session()
    return getattr(keras.applications, name)(weights=None, **kwargs)


def _size(weights) -> int:
    total = 0
    for w in weights:
        n = 1
        for d in w.shape:
            n *= int(d)
        total += n
    return total


def _catalog(name, kwargs):
    kw = dict(kwargs)
    include_top = kw.pop("include_top", True)
    input_shape = kw.pop("input_shape", None)
    pooling = kw.pop("pooling", None)
    classes = kw.pop("classes", 1000)
    activation = kw.pop("classifier_activation", "softmax")
    return {
        "output_shape": apps.output_shape(name, include_top=include_top, pooling=pooling, input_shape=input_shape,
                                          classes=classes, classifier_activation=activation, **kw),
        "params": apps.params(name, include_top=include_top, classes=classes, input_shape=input_shape, **kw),
        "name": apps.model_name(name, input_shape=input_shape, include_top=include_top, weights=None, **kw),
        "activation": apps.output_activation(name, include_top=include_top, classifier_activation=activation),
    }


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_catalog_matches_keras(name, kwargs):
    model = _build(name, kwargs)
    last = model.layers[-1]
    activation = getattr(last, "activation", None)
    keras_facts = {
        "output_shape": tuple(model.output_shape),
        "params": (model.count_params(), _size(model.trainable_weights), _size(model.non_trainable_weights)),
        "name": model.name,
        "activation": getattr(activation, "__name__", None) if kwargs.get("include_top", True) else None,
    }
    assert _catalog(name, kwargs) == keras_facts
    shape = model.input_shape
    if shape[1] is None and shape[2] is None:
        # Built without a size: it runs on an image, but for NASNet's (an Add of its cells fails).
        try:
            model(np.zeros((1, 64, 65, shape[3]), "float32"), training=False)
            ran = True
        except Exception:  # noqa: BLE001 - TensorFlow raises its own InvalidArgumentError
            ran = False
        assert ran == apps.application(name).runs_unsized


@pytest.mark.parametrize("name, kwargs", REFUSED, ids=[n for n, _ in REFUSED])
def test_catalog_knows_what_keras_refuses(name, kwargs):
    message = apps.input_shape_error(name, kwargs["input_shape"], include_top=kwargs.get("include_top", True))
    assert message is not None
    assert _catalog(name, kwargs)["output_shape"] is None
    with pytest.raises((ValueError, TypeError)) as raised:
        _build(name, kwargs)
    assert message.split(";")[0].split(" (")[0] in str(raised.value)


# -- backbones in programs: what `kerlint summary` says of the model built on one ---------------
_HEADER = "import keras\nfrom keras import layers\n\n"
PROGRAMS = {
    "called on an Input, frozen": """\
base = keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None, alpha=0.5)
base.trainable = False
inputs = keras.Input(shape=(64, 64, 3))
x = base(inputs, training=False)
x = layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, layers.Dense(5, activation="softmax")(x))
""",
    "listed in a Sequential, pooled": """\
base = keras.applications.ResNet50(include_top=False, weights=None, input_shape=(64, 80, 3), pooling="avg")
model = keras.Sequential([base, layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
""",
    "its input and output taken": """\
base = keras.applications.EfficientNetB0(include_top=False, weights=None, input_shape=(96, 96, 3))
x = layers.Flatten()(base.output)
model = keras.Model(base.input, layers.Dense(3, activation="softmax")(x))
""",
    "built on an input_tensor": """\
inputs = keras.Input(shape=(75, 75, 1))
base = keras.applications.DenseNet121(include_top=False, weights=None, input_tensor=inputs, pooling="max")
model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(base.output))
""",
    "built without a size, called on one": """\
base = keras.applications.MobileNetV3Small(include_top=False, weights=None, pooling="avg", minimalistic=True)
inputs = keras.Input(shape=(96, 96, 3))
model = keras.Model(inputs, layers.Dense(2)(base(inputs)))
""",
    "its own top, fewer classes": """\
model = keras.applications.VGG16(weights=None, input_shape=(48, 48, 3), classes=7)
""",
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", PROGRAMS, ids=list(PROGRAMS))
def test_summary_of_a_model_on_a_backbone_matches_keras(program):
    from kerlint.summary import summarize_text

    src = _HEADER + PROGRAMS[program]
    entries, notice = summarize_text(src, "backbone.py")
    assert notice is None
    (entry,) = [e for e in entries if e.get("name") == "model"]
    namespace: dict = {}
    keras.backend.clear_session()
    exec(compile(src, "<backbone>", "exec"), namespace)
    built = namespace["model"]
    assert entry["graph"] == "known"
    assert tuple(entry["layers"][-1]["output_shape"]) == tuple(built.output_shape)
    assert entry["params"] == {"total": built.count_params(), "trainable": _size(built.trainable_weights),
                               "non_trainable": _size(built.non_trainable_weights)}
