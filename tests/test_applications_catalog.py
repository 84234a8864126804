"""The keras.applications catalog (kerlint/catalog/applications.py): lookups without Keras.

The numbers are Keras 3.15's (tests/proofs/test_applications_vs_keras.py builds a sample of
the models and compares; tools/gen_applications.py checks every entry when it writes them).
"""

from __future__ import annotations

import pytest

from kerlint.catalog import applications as apps
from kerlint.catalog.applications import application, input_shape_error, model_name, output_activation, output_shape, params


def test_every_constructor_keras_exports_is_catalogued():
    names = apps.names()
    assert len(names) == 40
    for name in ("ResNet50", "ResNet152V2", "VGG16", "VGG19", "MobileNet", "MobileNetV2", "MobileNetV3Small",
                 "MobileNetV3Large", "DenseNet201", "InceptionV3", "InceptionResNetV2", "Xception", "NASNetMobile",
                 "NASNetLarge", "EfficientNetB7", "EfficientNetV2L", "ConvNeXtXLarge"):
        assert name in names
    assert application("RegNetX002") is None  # Keras 2 only
    assert apps.keras_version().startswith("3.")


@pytest.mark.parametrize("spelling", [
    "ResNet50", "applications.ResNet50", "applications.resnet50.ResNet50", "applications.resnet.ResNet50",
    "keras.applications.ResNet50", "keras.applications.resnet50.ResNet50", "tf.keras.applications.resnet.ResNet50",
    "resnet50.ResNet50",
])
def test_names_and_submodule_paths_resolve(spelling):
    assert application(spelling).name == "ResNet50"


def test_wrong_paths_do_not_resolve():
    assert application("applications.vgg16.ResNet50") is None
    assert application("resnet50") is None
    # keras.applications.mobilenet_v3 exports only preprocess_input and decode_predictions.
    assert application("applications.mobilenet_v3.MobileNetV3Small") is None
    assert application("applications.MobileNetV3Small").paths == ("applications.MobileNetV3Small",)


def test_application_facts():
    r = application("ResNet50")
    assert r.model_name == "resnet50"
    assert r.default_input_shape == (224, 224, 3)
    assert r.default_input_shape_notop == (None, None, 3)
    assert r.min_size == 32 and r.channels == 2048
    assert r.spatial == ((1, 32),)
    assert r.top == (("GlobalAveragePooling2D", "avg_pool"), ("Dense", "predictions", "softmax"))
    assert r.classifier == ("Dense", "predictions")
    assert r.arguments[:3] == ("include_top", "weights", "input_tensor")
    assert r.default("classifier_activation") == "softmax" and r.default("weights") == "imagenet"
    assert r.architecture_arguments == ()
    # MobileNet takes input_shape first, then its width multiplier.
    m = application("MobileNet")
    assert m.arguments[:3] == ("input_shape", "alpha", "depth_multiplier")
    assert m.architecture_arguments == ("alpha", "depth_multiplier", "dropout")
    assert m.classifier == ("Conv2D", "conv_preds") and m.top_activation_layer[0] == "Activation"
    assert application("InceptionV3").default_input_shape == (299, 299, 3)
    assert application("InceptionV3").min_size == 75 and application("Xception").min_size == 71
    assert application("EfficientNetB7").default_input_shape == (600, 600, 3)
    assert application("MobileNetV3Large").default_input_shape == (None, None, 3)
    # Only NASNetMobile gives include_top=False a default size; NASNetLarge's is None x None,
    # and a NASNet built without a size cannot run on any image.
    assert application("NASNetMobile").default_input_shape_notop == (224, 224, 3)
    assert application("NASNetLarge").default_input_shape_notop == (None, None, 3)
    assert not application("NASNetLarge").runs_unsized
    assert application("VGG16").top[0] == ("Flatten", None)


@pytest.mark.parametrize("name, size, expected", [
    ("ResNet50", 224, 7), ("ResNet50", 225, 8), ("ResNet50", 32, 1), ("ResNet50", 33, 2),
    ("VGG16", 224, 7), ("VGG16", 63, 1), ("VGG16", 64, 2),  # floor: 2x2 max pools
    ("MobileNet", 224, 7), ("MobileNet", 225, 7),  # fixed (0, 1) padding: floor
    ("MobileNetV2", 224, 7), ("MobileNetV2", 225, 8),  # correct_pad: ceil
    ("EfficientNetB0", 33, 2), ("DenseNet121", 224, 7), ("DenseNet121", 255, 8), ("DenseNet121", 60, 1),
    ("InceptionV3", 299, 8), ("InceptionV3", 224, 5), ("InceptionV3", 75, 1),
    ("Xception", 299, 10), ("Xception", 71, 3), ("NASNetMobile", 224, 7), ("NASNetLarge", 331, 11),
    ("ConvNeXtTiny", 224, 7), ("ConvNeXtTiny", 35, 1),
])
def test_feature_map_size(name, size, expected):
    assert output_shape(name, include_top=False, input_shape=(size, size, 3))[1:3] == (expected, expected)


def test_output_shapes():
    assert output_shape("ResNet50", include_top=False, input_shape=(224, 224, 3), pooling="avg") == (None, 2048)
    assert output_shape("ResNet50", include_top=False, pooling="max") == (None, 2048)
    assert output_shape("ResNet50", include_top=False) == (None, None, None, 2048)
    assert output_shape("ResNet50", include_top=False, input_shape=(None, 200, 1)) == (None, None, 7, 2048)
    assert output_shape("ResNet50") == (None, 1000)
    # pooling is ignored with the top; an unknown pooling value is ignored (4D features).
    assert output_shape("ResNet50", classes=10, pooling="avg") == (None, 10)
    assert output_shape("ResNet50", include_top=False, pooling="average", input_shape=(64, 64, 3)) == (None, 2, 2, 2048)
    assert output_shape("ResNet50", input_shape=(100, 120, 3), classes=5, classifier_activation=None) == (None, 5)
    assert output_shape("NASNetMobile", include_top=False) == (None, 7, 7, 1056)  # its default input: 224x224
    assert output_shape("MobileNetV3Small", input_shape=(None, None, 3), classes=3) == (None, 3)
    assert output_shape("MobileNetV3Small", include_top=False, input_shape=(64, 96, 3)) == (None, 2, 3, 576)
    assert output_shape("VGG19", include_top=False, input_shape=(32, 47, 3)) == (None, 1, 1, 512)


def test_output_shape_with_one_unknown_dim():
    # correct_pad looks at the height only: with it None every stage pads as for an even
    # size (floor), and a None width with a known height is a TypeError in Keras.
    assert output_shape("MobileNetV2", include_top=False, input_shape=(None, 225, 3)) == (None, None, 7, 1280)
    assert output_shape("MobileNetV2", include_top=False, input_shape=(225, 225, 3)) == (None, 8, 8, 1280)
    assert output_shape("MobileNetV2", include_top=False, input_shape=(225, None, 3)) is None
    assert "NoneType" in input_shape_error("MobileNetV2", (225, None, 3), include_top=False)
    assert output_shape("VGG16", include_top=False, input_shape=(225, None, 3)) == (None, 7, None, 512)


def test_refused_inputs():
    assert output_shape("InceptionV3", include_top=False, input_shape=(74, 299, 3)) is None
    assert input_shape_error("InceptionV3", (74, 299, 3), include_top=False).startswith("Input size must be at least 75x75")
    assert input_shape_error("ResNet50", (None, None, 3)).startswith("If `include_top` is True")
    assert input_shape_error("ResNet50", (None, None, 3), include_top=False) is None
    assert input_shape_error("MobileNetV3Large", (None, None, 3)) is None
    assert input_shape_error("ResNet50", (224, 224)) == "`input_shape` must be a tuple of three integers."
    assert output_shape("ResNet50", input_shape=(224, 224)) is None
    assert output_shape("ResNet50", classes=0) is None
    assert input_shape_error("NoSuchNet", (1, 1, 3)) is None


def test_params_without_top():
    assert params("ResNet50", include_top=False) == (23587712, 23534592, 53120)
    assert params("VGG16", include_top=False) == (14714688, 14714688, 0)
    assert params("MobileNetV2", include_top=False) == (2257984, 2223872, 34112)
    assert params("EfficientNetB0", include_top=False) == (4049571, 4007548, 42023)
    # Independent of the spatial size; linear in the input channels (the stem's kernel, and
    # EfficientNet's Normalization mean and variance).
    assert params("ResNet50", include_top=False, input_shape=(97, 131, 3)) == params("ResNet50", include_top=False)
    assert params("ResNet50", include_top=False, input_channels=1) == (23581440, 23528320, 53120)
    assert params("ResNet50", include_top=False, input_shape=(64, 64, 1)) == (23581440, 23528320, 53120)
    assert params("EfficientNetB0", include_top=False, input_channels=1) == (4049571 - 2 * 288 - 2 * 2,
                                                                                 4007548 - 2 * 288, 42023 - 4)


def test_params_with_top():
    assert params("ResNet50") == (25636712, 25583592, 53120)
    assert params("ResNet50", classes=10) == (23587712 + 2048 * 10 + 10,) + (23534592 + 20490, 53120)
    assert params("VGG16") == (138357544, 138357544, 0)
    assert params("MobileNetV3Small", input_shape=(None, None, 3)) == (2554968, 2542856, 12112)
    assert params("EfficientNetB0") == (5330571, 5288548, 42023)
    # VGG's Flatten top has weights per position of the feature map.
    assert params("VGG16", input_shape=(100, 120, 3)) == (54471464, 54471464, 0)
    assert params("VGG16", input_shape=(None, None, 3)) is None


def test_nasnet_builds_another_cell_when_the_width_is_unknown():
    known = params("NASNetMobile", include_top=False)
    assert known == (4269716, 4232978, 36738)
    assert params("NASNetMobile", include_top=False, input_shape=(64, 64, 3)) == known
    assert params("NASNetMobile", include_top=False, input_shape=(None, None, 3)) == (4267604, 4230954, 36650)


def test_mobilenet_v3_checks_the_minimum_only_with_both_sides_known():
    assert output_shape("MobileNetV3Small", include_top=False, input_shape=(None, 31, 3)) == (None, None, 1, 576)
    assert input_shape_error("MobileNetV3Small", (None, 30, 3), include_top=False).startswith("Computed output size")
    assert input_shape_error("MobileNetV3Small", (31, 40, 3)).startswith("Input size must be at least 32x32")
    assert input_shape_error("ResNet50", (None, 31, 3), include_top=False).startswith("Input size must be at least")


def test_nasnet_with_an_unknown_height():
    # correct_pad rounds the width down with the height None, the reduction of the cell's
    # other input rounds it up: Keras refuses widths that are odd at those steps.
    assert output_shape("NASNetMobile", include_top=False, input_shape=(None, 65, 3)) == (None, None, 2, 1056)
    assert output_shape("NASNetMobile", include_top=False, input_shape=(None, 35, 3)) == (None, None, 1, 1056)
    assert output_shape("NASNetMobile", include_top=False, input_shape=(None, 37, 3)) is None
    assert input_shape_error("NASNetMobile", (None, 69, 3), include_top=False).startswith("Inputs have incompatible")
    # Built with no size at all it builds, but cannot run on any image.
    assert not application("NASNetMobile").runs_unsized and application("ResNet50").runs_unsized
    assert application("MobileNetV2").feature_size(225, height_known=False) == 7


def test_convnext_features_end_with_a_layer_normalization():
    assert application("ConvNeXtTiny").notop_tail == (("LayerNormalization", None),)
    assert application("ConvNeXtTiny").top[-1] == ("Dense", "convnext_tiny_head_dense", "softmax")
    assert application("ResNet50").notop_tail == ()


def test_architecture_arguments():
    assert output_shape("MobileNetV2", include_top=False, input_shape=(96, 96, 3), alpha=0.35) == (None, 3, 3, 1280)
    assert output_shape("MobileNetV2", include_top=False, input_shape=(96, 96, 3), alpha=1.4) == (None, 3, 3, 1792)
    assert output_shape("MobileNet", include_top=False, pooling="avg", alpha=0.25) == (None, 256)
    assert params("MobileNetV2", include_top=False, alpha=0.35) == (410208, 396128, 14080)
    assert params("MobileNetV3Large", include_top=False, minimalistic=True) is not None
    # Arguments that change nothing are accepted; unrecorded values and unknown ones are not.
    assert params("MobileNetV3Small", include_top=False, include_preprocessing=False) == params(
        "MobileNetV3Small", include_top=False)
    assert params("MobileNetV2", include_top=False, alpha=0.6) is None
    assert params("MobileNet", include_top=False, depth_multiplier=2) is None
    assert params("ResNet50", include_top=False, alpha=0.5) is None
    assert output_shape("ResNet50", include_top=False, weights=None) is None  # not an architecture argument


def test_model_names():
    assert model_name("ResNet50") == "resnet50"
    assert model_name("EfficientNetV2B0") == "efficientnetv2-b0"
    assert model_name("MobileNetV3Small") == "MobileNetV3Small"
    assert model_name("MobileNet") == "mobilenet_1.00_224"
    assert model_name("MobileNet", include_top=False, weights=None) == "mobilenet_1.00_None"
    assert model_name("MobileNet", input_shape=(160, 160, 3), alpha=0.5) == "mobilenet_0.50_160"
    assert model_name("MobileNet", input_shape=(150, 150, 3), include_top=False) == "mobilenet_1.00_224"
    assert model_name("MobileNet", input_shape=(150, 150, 3), include_top=False, weights=None) == "mobilenet_1.00_150"
    assert model_name("MobileNetV2", input_shape=(96, 96, 3), include_top=False, alpha=0.35) == "mobilenetv2_0.35_96"


def test_output_activation():
    assert output_activation("ResNet50") == "softmax"
    assert output_activation("ResNet50", classifier_activation=None) == "linear"
    assert output_activation("MobileNet", classifier_activation="sigmoid") == "sigmoid"
    assert output_activation("ResNet50", include_top=False) is None
    assert output_activation("NoSuchNet") is None
