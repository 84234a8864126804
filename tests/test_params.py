"""Parameter counts, one layer family at a time: the layer and its input shapes in, the
trainable and non-trainable counts out.

Every expected number was measured once with Keras 3.15 (the layer called on
``keras.Input(batch_shape=...)``; ``trainable_weights`` / ``non_trainable_weights`` summed) and is
written here as a plain int. ``tests/proofs/test_shapes_vs_keras.py`` compares the counts on
generated models.
"""

from __future__ import annotations

import libcst as cst
import pytest

from kerlint.catalog import param_rules
from kerlint.extract import extract
from kerlint.params import ParamCount, layer_params
from kerlint.shapes import VAR


def make(code: str):
    """The layer built by ``code`` (the outermost one for wrappers)."""
    return extract(cst.parse_module("import keras\nfrom keras import layers\nlayer = " + code + "\n")).layers[-1]


def count(code: str, *in_shapes):
    return layer_params(make(code), list(in_shapes), [])


# (layer, input shapes, trainable, non-trainable), as Keras 3.15 counts them.
MEASURED = [
    ('layers.Dense(10)', [(None, 7)], 80, 0),
    ('layers.Dense(10, use_bias=False)', [(None, 7)], 70, 0),
    ('layers.Dense(4)', [(None, 3, 5, 6)], 28, 0),
    ('layers.EinsumDense("ab,bc->ac", output_shape=8, bias_axes="c")', [(None, 7)], 64, 0),
    ('layers.EinsumDense("abc,cde->abde", output_shape=(5, 2, 3), bias_axes="de")', [(None, 5, 7)], 48, 0),
    ('layers.EinsumDense("abc,cd->abd", output_shape=(None, 8))', [(None, 5, 7)], 56, 0),
    ('layers.Embedding(1000, 64)', [(None, 20)], 64000, 0),
    ('layers.Conv1D(8, 3)', [(None, 20, 4)], 104, 0),
    ('layers.Conv2D(32, (3, 3))', [(None, 28, 28, 1)], 320, 0),
    ('layers.Conv2D(16, 3, use_bias=False)', [(None, 28, 28, 3)], 432, 0),
    ('layers.Conv2D(16, 3, groups=4)', [(None, 28, 28, 8)], 304, 0),
    ('layers.Conv2D(6, (3, 2), data_format="channels_first")', [(None, 4, 10, 10)], 150, 0),
    ('layers.Conv3D(4, 2)', [(None, 6, 6, 6, 3)], 100, 0),
    ('layers.Conv1DTranspose(5, 3)', [(None, 10, 4)], 65, 0),
    ('layers.Conv2DTranspose(3, 2)', [(None, 5, 7, 4)], 51, 0),
    ('layers.Conv3DTranspose(2, 3, use_bias=False)', [(None, 4, 4, 4, 5)], 270, 0),
    ('layers.SeparableConv1D(8, 3, depth_multiplier=2)', [(None, 20, 4)], 96, 0),
    ('layers.SeparableConv2D(16, 3)', [(None, 28, 28, 3)], 91, 0),
    ('layers.DepthwiseConv1D(3, depth_multiplier=2)', [(None, 20, 4)], 32, 0),
    ('layers.DepthwiseConv2D(3)', [(None, 28, 28, 3)], 30, 0),
    ('layers.DepthwiseConv2D(3, depth_multiplier=3, use_bias=False)', [(None, 28, 28, 3)], 81, 0),
    ('layers.LSTM(32)', [(None, 10, 8)], 5248, 0),
    ('layers.LSTM(4, use_bias=False)', [(None, 10, 8)], 192, 0),
    ('layers.GRU(32)', [(None, 10, 8)], 4032, 0),
    ('layers.GRU(32, reset_after=False)', [(None, 10, 8)], 3936, 0),
    ('layers.SimpleRNN(16)', [(None, 10, 8)], 400, 0),
    ('layers.Bidirectional(layers.LSTM(16))', [(None, 10, 8)], 3200, 0),
    ('layers.Bidirectional(layers.GRU(8, return_sequences=True), merge_mode="sum")', [(None, 10, 8)], 864, 0),
    ('layers.ConvLSTM1D(4, 3)', [(None, 5, 10, 2)], 304, 0),
    ('layers.ConvLSTM2D(8, (3, 3))', [(None, 5, 10, 10, 3)], 3200, 0),
    ('layers.ConvLSTM3D(2, 2, use_bias=False)', [(None, 5, 4, 4, 4, 3)], 320, 0),
    ('layers.BatchNormalization()', [(None, 28, 28, 16)], 32, 32),
    ('layers.BatchNormalization(axis=1)', [(None, 6, 5)], 12, 12),
    ('layers.BatchNormalization(center=False)', [(None, 10)], 10, 20),
    ('layers.BatchNormalization(scale=False, center=False)', [(None, 10)], 0, 20),
    ('layers.LayerNormalization()', [(None, 5, 7)], 14, 0),
    ('layers.LayerNormalization(axis=[1, 2])', [(None, 5, 7)], 70, 0),
    ('layers.LayerNormalization(scale=False)', [(None, 5, 7)], 7, 0),
    ('layers.GroupNormalization(groups=4)', [(None, 10, 8)], 16, 0),
    ('layers.RMSNormalization()', [(None, 5, 7)], 7, 0),
    ('layers.UnitNormalization()', [(None, 7)], 0, 0),
    ('layers.MultiHeadAttention(num_heads=2, key_dim=3)', [(None, 5, 7), (None, 4, 9)], 217, 0),
    ('layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=6)', [(None, 5, 7), (None, 4, 9)], 242, 0),
    ('layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=(5, 6))', [(None, 5, 7), (None, 4, 9)], 458, 0),
    ('layers.MultiHeadAttention(num_heads=2, key_dim=3, use_bias=False)', [(None, 5, 7), (None, 4, 9), (None, 4, 11)], 204, 0),
    ('layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)', [(None, 5, 8), (None, 6, 8)], 424, 0),
    ('layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=1, use_bias=False, use_gate=True)', [(None, 5, 8), (None, 6, 8), (None, 6, 8)], 192, 0),
    ('layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=2, use_gate=True)', [(None, 5, 8), (None, 6, 8)], 272, 0),
    ('layers.Embedding(100, 8, input_length=10)', [(None, 10)], 800, 0),
    ('layers.Attention()', [(None, 5, 7), (None, 4, 7)], 0, 0),
    ('layers.Attention(use_scale=True)', [(None, 5, 7), (None, 4, 7)], 1, 0),
    ('layers.Attention(use_scale=True, score_mode="concat")', [(None, 5, 7), (None, 4, 7)], 2, 0),
    ('layers.AdditiveAttention()', [(None, 5, 7), (None, 4, 7)], 7, 0),
    ('layers.AdditiveAttention(use_scale=False)', [(None, 5, 7), (None, 4, 7)], 0, 0),
    ('layers.TimeDistributed(layers.Dense(4))', [(None, 10, 8)], 36, 0),
    ('layers.TimeDistributed(layers.Conv2D(8, 3))', [(None, 5, 10, 10, 3)], 224, 0),
    ('layers.TimeDistributed(layers.BatchNormalization())', [(None, 5, 6)], 12, 12),
    ('layers.PReLU()', [(None, 5, 7)], 35, 0),
    ('layers.PReLU(shared_axes=[1, 2])', [(None, 5, 6, 7)], 7, 0),
    ('layers.Dense(10, trainable=False)', [(None, 7)], 0, 80),
]


@pytest.mark.parametrize("code, shapes, trainable, non_trainable", MEASURED)
def test_count_matches_keras(code, shapes, trainable, non_trainable):
    assert count(code, *shapes) == ParamCount(trainable, non_trainable)


def test_total_is_both_parts():
    assert count("layers.BatchNormalization()", (None, 28, 28, 16)).total == 64


@pytest.mark.parametrize("code", [
    "layers.Dropout(0.5)", "layers.Flatten()", "layers.MaxPooling2D()", "layers.GlobalAveragePooling2D()",
    'layers.Activation("relu")', "layers.Reshape((4, 2))", "layers.ZeroPadding2D(1)", "layers.UpSampling2D()",
])
def test_parameterless_layers_count_zero(code):
    assert count(code, (None, 4, 4, 2)) == ParamCount(0, 0)


def test_merges_count_zero():
    assert count("layers.Concatenate()", (None, 4), (None, 3)) == ParamCount(0, 0)
    assert count("layers.Add()", (None, 4), (None, 4)) == ParamCount(0, 0)


@pytest.mark.parametrize("code, shapes", [
    # the feature axis the weights span is not known
    ("layers.Dense(10)", [(None, None)]),
    ("layers.Dense(10)", [(None, VAR)]),
    ("layers.Conv2D(8, 3)", [(None, 28, 28, None)]),
    ("layers.LSTM(8)", [(None, 10, VAR)]),
    ("layers.BatchNormalization()", [None]),
    ("layers.PReLU()", [(None, VAR, 7)]),
    # an argument that is not a literal
    ("layers.Dense(n)", [(None, 4)]),
    ("layers.Conv2D(8, k)", [(None, 28, 28, 3)]),
    ("layers.GRU(4, reset_after=flag)", [(None, 10, 8)]),
    ("layers.Dense(4, **kw)", [(None, 4)]),
    # what kerlint does not model
    ("layers.Dense(4, lora_rank=2)", [(None, 4)]),
    ("layers.Lambda(lambda t: t)", [(None, 4)]),
    ("layers.Normalization()", [(None, 4)]),
    ("layers.RNN(layers.LSTMCell(4))", [(None, 10, 8)]),
    ("layers.Bidirectional(layers.LSTM(4), backward_layer=layers.LSTM(4, go_backwards=True))", [(None, 10, 8)]),
    ("layers.TimeDistributed(layers.Lambda(lambda t: t))", [(None, 10, 8)]),
    ("layers.Conv2D(8, 3, groups=3)", [(None, 28, 28, 4)]),  # Keras refuses it
    ("layers.Conv2D(8, 5, 3)", [(None, 28, 28, 3)]),  # kernel 5 and strides 3, or Keras 1's 5x3?
    ("layers.GroupQueryAttention(4, 2, 1)", [(None, 5, 8), (None, 6, 7)]),  # Keras refuses it
    ("layers.Dense(4, kernel_quantizer=q)", [(None, 4)]),  # a keyword kerlint does not know
])
def test_unknown_is_none_never_a_guess(code, shapes):
    assert count(code, *shapes) is None


def test_a_keras1_convolution_counts_the_kernel_its_shapes_use():
    # Convolution2D(4, 5, 3) is Keras 1's 5x3 kernel (KER406 converts it); the shapes read it so
    # too, and the count must agree with them: 5 * 3 * 2 * 4 + 4
    assert count("layers.Convolution2D(4, 5, 3)", (None, 9, 9, 2)).trainable == 124


def test_every_rule_in_the_catalog_has_a_computation():
    from kerlint import params

    assert {rule for rule, _ in param_rules.RULES.values()} <= set(params._RULES)


# Arguments for the parameterless layers that cannot be built without them.
_ARGS = {
    "Activation": '"relu"', "Dropout": "0.1", "AlphaDropout": "0.1", "GaussianDropout": "0.1",
    "GaussianNoise": "0.1", "SpatialDropout1D": "0.1", "SpatialDropout2D": "0.1", "SpatialDropout3D": "0.1",
    "Rescaling": "0.5", "Reshape": "(-1,)", "RepeatVector": "2", "Resizing": "2, 2", "CenterCrop": "2, 2",
    "RandomCrop": "2, 2", "RandomRotation": "0.1", "RandomTranslation": "0.1, 0.1", "RandomZoom": "0.1",
    "RandomContrast": "0.1", "RandomBrightness": "0.1", "Permute": "(2, 1)", "Dot": "1",
    "AdaptiveAveragePooling1D": "2", "AdaptiveAveragePooling2D": "2", "AdaptiveAveragePooling3D": "2",
    "AdaptiveMaxPooling1D": "2", "AdaptiveMaxPooling2D": "2", "AdaptiveMaxPooling3D": "2",
    "AveragePooling1D": "2", "AveragePooling2D": "2", "AveragePooling3D": "2",
}
_MERGES = {"Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot"}


def _input_rank(name: str) -> int:
    if name[-2:] in ("1D", "2D", "3D"):
        return int(name[-2]) + 2
    if name in ("Resizing", "CenterCrop", "RandomCrop") or name.startswith("Random"):
        return 4
    return {"RepeatVector": 2, "Permute": 3}.get(name, 3)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_parameterless_layers_have_no_weights_in_keras():
    """The catalog's "none" entries, checked against installed Keras: each one built has no weight."""
    keras = pytest.importorskip("keras", reason="the check builds the layers with Keras (pip install -e '.[test]')")
    for name, (rule, _) in sorted(param_rules.RULES.items()):
        if rule != "none":
            continue
        layer = eval(f"keras.layers.{name}({_ARGS.get(name, '')})", {"keras": keras})  # noqa: S307
        shape = (2,) + (6,) * (_input_rank(name) - 1)
        if name in _MERGES:
            layer([keras.Input(batch_shape=shape), keras.Input(batch_shape=shape)])
        else:
            layer(keras.Input(batch_shape=shape))
        assert layer.count_params() == 0, name


def _calls(code: str):
    return extract(cst.parse_module("import keras\nfrom keras import layers\n" + code + "\n")).layer_calls


def test_a_sequential_called_as_a_layer_counts_its_layers():
    # Keras 3.15: 32 trainable (Dense 18, BatchNormalization 6, Dense 8), 6 moving statistics.
    (lc,) = _calls("inner = keras.Sequential([layers.Dense(3), layers.BatchNormalization(), layers.Dense(2)])\n"
                   "t = keras.Input(shape=(5,))\ny = inner(t)")
    assert layer_params(lc.layer, lc.in_shapes, lc.out_shapes) == ParamCount(32, 6)
    # Its own Input fixes the shapes; a frozen layer inside stays frozen (Keras: 120 + 8).
    (lc,) = _calls("inner = keras.Sequential([keras.Input(shape=(4, 6)), layers.LSTM(3), "
                   "layers.Dense(2, trainable=False)])\nt = keras.Input(shape=(4, 6))\ny = inner(t)")
    assert layer_params(lc.layer, lc.in_shapes, lc.out_shapes) == ParamCount(120, 8)


def test_a_nested_model_kerlint_cannot_follow_is_none():
    (lc,) = _calls("inner = keras.Sequential([layers.Dense(3), layers.Lambda(lambda t: t)])\n"
                   "t = keras.Input(shape=(5,))\ny = inner(t)")
    assert layer_params(lc.layer, lc.in_shapes, lc.out_shapes) is None


def test_attention_key_given_by_keyword_counts_like_a_third_input():
    # Keras 3.15: MultiHeadAttention(2, 4) on query (4, 8), value (6, 16), key=(6, 32): 544.
    (lc,) = _calls("q = keras.Input(shape=(4, 8))\nv = keras.Input(shape=(6, 16))\nk = keras.Input(shape=(6, 32))\n"
                   "out = layers.MultiHeadAttention(num_heads=2, key_dim=4)(q, v, key=k)")
    assert layer_params(lc.layer, lc.in_shapes, lc.out_shapes) == ParamCount(544)
    (lc,) = _calls("q = keras.Input(shape=(4, 8))\nv = keras.Input(shape=(6, 16))\nk = keras.Input(shape=(6, 32))\n"
                   "out = layers.MultiHeadAttention(num_heads=2, key_dim=4)(query=q, value=v, key=k)")
    assert layer_params(lc.layer, lc.in_shapes, lc.out_shapes) == ParamCount(544)
