"""Static shape inference, one layer family at a time: input shape in, exact output shape out.

Expected shapes were read from Keras 3.15 (``keras.Input(batch_shape=...)`` through the layer).
``None`` is a dim kerlint cannot know, ``VAR`` a dim the model leaves variable.
"""

from __future__ import annotations

import libcst as cst
import pytest

from kerlint import shapes
from kerlint.analysis.graph import model_output_shape, sequential_steps
from kerlint.extract import extract
from kerlint.shapes import VAR

B = None  # the batch axis


def _ir(code: str):
    return extract(cst.parse_module("import keras\nfrom keras import layers\n" + code + "\n"))


def make(code: str):
    """The layer built by ``code`` (the outermost one for wrappers)."""
    return _ir("layer = " + code).layers[-1]


def out(code: str, *in_shapes, **call_kw):
    outs, err = shapes.infer(make(code), list(in_shapes), call_kw)
    assert err is None, err.message
    return outs[0] if outs and len(outs) == 1 else outs


def error(code: str, *in_shapes):
    outs, err = shapes.infer(make(code), list(in_shapes))
    assert outs is None and err is not None
    return err


# -- core ----------------------------------------------------------------------------------
def test_dense_acts_on_the_last_axis_of_any_rank():
    assert out("layers.Dense(7)", (B, 20)) == (B, 7)
    assert out("layers.Dense(7)", (B, 4, 5, 3)) == (B, 4, 5, 7)
    assert out("layers.Dense(units=n)", (B, 20)) == (B, None)  # units from a name
    assert out("layers.Dense(output_dim=3)", (B, 20)) == (B, 3)  # Keras 1 spelling


def test_embedding_adds_a_feature_axis():
    assert out("layers.Embedding(100, 8)", (B, 9)) == (B, 9, 8)
    assert out("layers.Embedding(100, 8)", (B, VAR)) == (B, VAR, 8)


def test_identity_layers_keep_the_shape():
    for code in ("layers.Dropout(0.5)", "layers.BatchNormalization()", "layers.LayerNormalization()",
                 "layers.Activation('relu')", "layers.Masking()", "layers.GaussianNoise(0.1)",
                 "layers.ActivityRegularization()", "layers.Softmax()", "layers.LeakyReLU()"):
        assert out(code, (B, 4, 5, 3)) == (B, 4, 5, 3), code


def test_a_reshape_keras_refuses_gives_no_shape():
    # 10 values cannot make rows of 3: Keras raises, and no shape follows
    assert out("layers.Reshape((3, -1))", (B, 10)) is None
    assert out("layers.Reshape((5, -1))", (B, 10)) == (B, 5, 2)


def test_lambda_and_unknown_layers_give_an_unknown_shape():
    outs, err = shapes.infer(make("layers.Lambda(lambda t: t)"), [(B, 4)])
    assert outs is None and err is None


# -- convolution ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "code, shape, expected",
    [
        ("layers.Conv1D(4, 3)", (B, 11, 3), (B, 9, 4)),
        ("layers.Conv1D(4, 3, strides=2, padding='causal')", (B, 11, 3), (B, 6, 4)),
        ("layers.Conv1D(4, 3, padding='same', dilation_rate=2)", (B, 11, 3), (B, 11, 4)),
        ("layers.Conv1D(4, 3, dilation_rate=2)", (B, 11, 3), (B, 7, 4)),
        ("layers.Conv1D(4, 3)", (B, VAR, 3), (B, VAR, 4)),
        ("layers.Conv1D(nb_filter=4, filter_length=3, border_mode='same')", (B, 11, 3), (B, 11, 4)),
        ("layers.Conv2D(4, 3)", (B, 28, 28, 1), (B, 26, 26, 4)),
        ("layers.Conv2D(4, (3, 5), strides=(1, 2), padding='same')", (B, 28, 28, 1), (B, 28, 14, 4)),
        ("layers.Conv2D(4, 3, data_format='channels_first')", (B, 1, 28, 28), (B, 4, 26, 26)),
        ("layers.Conv2D(4, 3, 3)", (B, 28, 28, 1), (B, None, None, 4)),  # Keras 1 rows/cols
        ("layers.Conv3D(4, (3, 3, 3), strides=(1, 2, 2))", (B, 8, 9, 9, 3), (B, 6, 4, 4, 4)),
        ("layers.SeparableConv1D(4, 3, padding='same', strides=2)", (B, 9, 3), (B, 5, 4)),
        ("layers.SeparableConv2D(8, 3, dilation_rate=2)", (B, 11, 11, 3), (B, 7, 7, 8)),
        ("layers.DepthwiseConv1D(3, depth_multiplier=2)", (B, 11, 3), (B, 9, 6)),
        ("layers.DepthwiseConv2D(3, depth_multiplier=2, strides=2)", (B, 11, 11, 3), (B, 5, 5, 6)),
        ("layers.Conv1DTranspose(4, 4, strides=2, padding='same')", (B, 7, 3), (B, 14, 4)),
        ("layers.Conv2DTranspose(4, 5, strides=3)", (B, 7, 7, 3), (B, 23, 23, 4)),
        ("layers.Conv2DTranspose(4, 3, strides=2, padding='same', output_padding=1)", (B, 7, 7, 3), (B, 14, 14, 4)),
        ("layers.Conv2DTranspose(4, 3, strides=2, output_padding=1)", (B, 7, 7, 3), (B, 16, 16, 4)),
        ("layers.Conv3DTranspose(4, 3, strides=2)", (B, 4, 4, 4, 3), (B, 9, 9, 9, 4)),
    ],
)
def test_convolutions(code, shape, expected):
    assert out(code, shape) == expected


def test_convolution_on_the_wrong_rank_is_an_error():
    err = error("layers.Conv1D(32, 3)", (B, 100))
    assert err.kind == "rank" and err.expected_rank == 3 and err.got == (B, 100)
    assert error("layers.Conv2D(32, 3)", (B, 28, 28)).expected_rank == 4
    assert error("layers.Conv1D(32, 3)", (B, 10, 10, 3)).expected_rank == 3


def test_convolution_that_collapses_a_dimension_is_an_error():
    err = error("layers.Conv2D(4, 3)", (B, 2, 2, 3))
    assert err.kind == "collapse"
    assert out("layers.Conv2D(4, 3)", (B, 3, 3, 3)) == (B, 1, 1, 4)  # 1 is still fine


# -- pooling -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "code, shape, expected",
    [
        ("layers.MaxPooling1D()", (B, 11, 3), (B, 5, 3)),
        ("layers.MaxPooling1D(pool_length=3)", (B, 11, 3), (B, 3, 3)),  # Keras 1
        ("layers.MaxPooling1D(2, data_format='channels_first')", (B, 6, 7), (B, 6, 3)),
        ("layers.MaxPooling2D((2, 2))", (B, 26, 26, 32), (B, 13, 13, 32)),
        ("layers.AveragePooling2D(3, strides=2, padding='same')", (B, 7, 8, 6), (B, 4, 4, 6)),
        ("layers.MaxPooling3D()", (B, 4, 5, 6, 3), (B, 2, 2, 3, 3)),
        ("layers.MaxPooling1D()", (B, VAR, 3), (B, VAR, 3)),
        ("layers.GlobalAveragePooling1D()", (B, VAR, 16), (B, 16)),
        ("layers.GlobalMaxPooling2D()", (B, 3, 4, 6), (B, 6)),
        ("layers.GlobalMaxPooling2D(keepdims=True)", (B, 3, 4, 6), (B, 1, 1, 6)),
        ("layers.GlobalAveragePooling3D()", (B, 4, 5, 6, 3), (B, 3)),
        ("layers.GlobalAveragePooling2D(data_format='channels_first')", (B, 3, 4, 6), (B, 3)),
    ],
)
def test_pooling(code, shape, expected):
    assert out(code, shape) == expected


def test_pooling_errors():
    assert error("layers.MaxPooling2D()", (B, 28, 28)).kind == "rank"
    assert error("layers.GlobalAveragePooling1D()", (B, 10, 10, 3)).expected_rank == 3
    assert error("layers.GlobalAveragePooling2D()", (B, 10, 3)).expected_rank == 4
    assert error("layers.MaxPooling2D()", (B, 1, 1, 3)).kind == "collapse"
    assert error("layers.MaxPooling1D()", (B, 1, 3)).kind == "collapse"


# -- recurrent -----------------------------------------------------------------------------
def test_rnns_with_return_sequences_and_state():
    assert out("layers.LSTM(7)", (B, 4, 5)) == (B, 7)
    assert out("layers.GRU(7, return_sequences=True)", (B, VAR, 5)) == (B, VAR, 7)
    assert out("layers.SimpleRNN(7, return_sequences=True, return_state=True)", (B, 4, 5)) == [(B, 4, 7), (B, 7)]
    assert out("layers.LSTM(7, return_state=True)", (B, 4, 5)) == [(B, 7), (B, 7), (B, 7)]
    assert out("layers.LSTM(output_dim=7)", (B, 4, 5)) == (B, 7)  # Keras 1


def test_rnn_on_the_wrong_rank_is_an_error():
    err = error("layers.LSTM(4)", (B, 10))
    assert err.kind == "rank" and err.expected_rank == 3
    assert error("layers.LSTM(4)", (B, 10, 10, 3)).expected_rank == 3


def test_conv_lstm():
    assert out("layers.ConvLSTM2D(4, 3, padding='valid', strides=2)", (B, 5, 11, 11, 3)) == (B, 5, 5, 4)
    assert out("layers.ConvLSTM2D(4, 3, padding='same', return_sequences=True)", (B, 5, 11, 11, 3)) == (
        B, 5, 11, 11, 4)
    assert out("layers.ConvLSTM1D(4, 3)", (B, 5, 11, 3)) == (B, 9, 4)
    assert error("layers.ConvLSTM2D(4, 3)", (B, 11, 11, 3)).expected_rank == 5


def test_bidirectional_merge_modes():
    assert out("layers.Bidirectional(layers.LSTM(10, return_sequences=True))", (B, 50, 8)) == (B, 50, 20)
    assert out("layers.Bidirectional(layers.LSTM(10))", (B, 50, 8)) == (B, 20)
    assert out("layers.Bidirectional(layers.LSTM(4, return_sequences=True), merge_mode=None)", (B, 10, 3)) == [
        (B, 10, 4), (B, 10, 4)]
    assert out("layers.Bidirectional(layers.GRU(4, return_state=True))", (B, 10, 3)) == [(B, 8), (B, 4), (B, 4)]
    assert out(
        "layers.Bidirectional(layers.LSTM(4, return_state=True, return_sequences=True), merge_mode='sum')",
        (B, 10, 3),
    ) == [(B, 10, 4), (B, 4), (B, 4), (B, 4), (B, 4)]
    assert error("layers.Bidirectional(layers.LSTM(4))", (B, 10)).expected_rank == 3


def test_time_distributed():
    assert out("layers.TimeDistributed(layers.Dense(3))", (B, 10, 8)) == (B, 10, 3)
    assert out("layers.TimeDistributed(layers.Conv2D(4, 3))", (B, 5, 28, 28, 1)) == (B, 5, 26, 26, 4)
    assert error("layers.TimeDistributed(layers.Dense(3))", (B, 10)).kind == "rank"


# -- reshaping -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "code, shape, expected",
    [
        ("layers.Flatten()", (B, 3, 4, 6), (B, 72)),
        ("layers.Flatten()", (B, 6), (B, 6)),
        ("layers.Flatten()", (B, VAR, 6), (B, VAR)),
        ("layers.Reshape((-1, 4))", (B, 4, 6), (B, 6, 4)),
        ("layers.Reshape((28, 28, 1))", (B, 784), (B, 28, 28, 1)),
        ("layers.Permute((2, 1))", (B, 4, 6), (B, 6, 4)),
        ("layers.RepeatVector(3)", (B, 6), (B, 3, 6)),
        ("layers.UpSampling1D(3)", (B, 4, 5), (B, 12, 5)),
        ("layers.UpSampling2D((2, 3), data_format='channels_first')", (B, 3, 4, 5), (B, 3, 8, 15)),
        ("layers.UpSampling3D(2)", (B, 4, 5, 6, 3), (B, 8, 10, 12, 3)),
        ("layers.ZeroPadding1D((1, 2))", (B, 4, 5), (B, 7, 5)),
        ("layers.ZeroPadding2D()", (B, 4, 4, 3), (B, 6, 6, 3)),
        ("layers.ZeroPadding3D()", (B, 4, 4, 4, 3), (B, 6, 6, 6, 3)),
        ("layers.Cropping1D((1, 1))", (B, 8, 3), (B, 6, 3)),
        ("layers.Cropping2D(((1, 2), (0, 1)))", (B, 8, 8, 3), (B, 5, 7, 3)),
        ("layers.Resizing(64, 48)", (B, 28, 28, 3), (B, 64, 48, 3)),
        ("layers.CenterCrop(20, 20)", (B, 28, 28, 3), (B, 20, 20, 3)),
    ],
)
def test_reshaping(code, shape, expected):
    assert out(code, shape) == expected


def test_reshaping_errors():
    assert error("layers.RepeatVector(3)", (B, 4, 6)).expected_rank == 2
    assert error("layers.Cropping2D(2)", (B, 4, 4, 3)).kind == "collapse"


# -- merging -------------------------------------------------------------------------------
def test_merging():
    assert out("layers.Concatenate()", (B, 4, 5), (B, 4, 6)) == (B, 4, 11)
    assert out("layers.Concatenate(axis=1)", (B, 4, 5), (B, 3, 5)) == (B, 7, 5)
    assert out("layers.Concatenate()", (B, VAR, 5), (B, VAR, 6)) == (B, VAR, 11)
    assert out("layers.Add()", (B, 4, 5), (B, 4, 5)) == (B, 4, 5)
    assert out("layers.Multiply()", (B, 4, 5), (B, 4, 5)) == (B, 4, 5)
    assert out("layers.Average()", (B, 5), (B, 5), (B, 5)) == (B, 5)
    assert out("layers.Dot(axes=1)", (B, 5), (B, 5)) == (B, 1)
    assert out("layers.Dot(axes=(2, 2))", (B, 4, 5), (B, 6, 5)) == (B, 4, 6)
    assert out("layers.Dot(axes=1)", (B, 4, 5), (B, 4, 6)) == (B, 5, 6)
    assert out("layers.Dot(axes=(2, 1))", (B, 4, 5), (B, 5)) == (B, 4)


# -- attention -----------------------------------------------------------------------------
def test_attention_layers():
    assert out("layers.Attention()", (B, 4, 5), (B, 6, 5)) == (B, 4, 5)
    assert out("layers.Attention()", (B, 4, 5), (B, 6, 5), (B, 6, 7)) == (B, 4, 5)
    assert out("layers.AdditiveAttention()", (B, 4, 5), (B, 6, 5)) == (B, 4, 5)
    q, v = (B, 4, 5), (B, 6, 5)
    assert out("layers.Attention()", q, v, return_attention_scores=_true()) == [(B, 4, 5), (B, 4, 6)]


def test_multi_head_attention():
    q, v = (B, 4, 5), (B, 6, 7)
    assert out("layers.MultiHeadAttention(num_heads=2, key_dim=4)", q, v) == (B, 4, 5)
    assert out("layers.MultiHeadAttention(num_heads=2, key_dim=4, output_shape=9)", q, v) == (B, 4, 9)
    assert out("layers.MultiHeadAttention(2, 4)", q, v, return_attention_scores=_true()) == [(B, 4, 5), (B, 2, 4, 6)]


def _true():
    from kerlint.ir import Const

    return Const(True)


# -- input shapes and whole models -----------------------------------------------------------
def test_declared_input_shapes():
    assert shapes.declared_input_shape(make("layers.Dense(3, input_shape=(20,))")) == (B, 20)
    assert shapes.declared_input_shape(make("layers.Dense(3, input_dim=20)")) == (B, 20)
    assert shapes.declared_input_shape(make("layers.LSTM(3, input_dim=8, input_length=50)")) == (B, 50, 8)
    assert shapes.declared_input_shape(make("layers.LSTM(3, batch_input_shape=(32, 50, 8))")) == (32, 50, 8)
    assert shapes.declared_input_shape(make("layers.Embedding(100, 8, input_length=50)")) == (B, 50)
    assert shapes.declared_input_shape(make("layers.Embedding(100, 8)")) == (B, VAR)
    assert shapes.declared_input_shape(make("layers.InputLayer(shape=(None, 8))")) == (B, VAR, 8)
    assert shapes.declared_input_shape(make("layers.InputLayer(input_shape=(8,))")) == (B, 8)
    assert shapes.declared_input_shape(make("layers.Bidirectional(layers.LSTM(3, input_shape=(5, 8)))")) == (B, 5, 8)


def _outputs(code):
    ir = _ir(code)
    return [model_output_shape(m) for m in ir.models]


def test_sequential_and_functional_models():
    assert _outputs(
        "m = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3),"
        " layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10)])"
    ) == [(B, 10)]
    assert _outputs(
        "m = keras.Sequential()\n"
        "m.add(layers.Embedding(1000, 64, input_length=20))\n"
        "m.add(layers.Bidirectional(layers.LSTM(10, return_sequences=True)))\n"
        "m.add(layers.Dense(1))"
    ) == [(B, 20, 1)]
    assert _outputs(
        "i = keras.Input(shape=(None,))\n"
        "x = layers.Embedding(1000, 64)(i)\n"
        "x, h, c = layers.LSTM(8, return_sequences=True, return_state=True)(x)\n"
        "x = layers.MultiHeadAttention(2, 16)(x, x)\n"
        "o = layers.Dense(3)(layers.concatenate([layers.GlobalAveragePooling1D()(x), h]))\n"
        "m = keras.Model(i, o)"
    ) == [(B, 3)]


def test_third_party_self_attention_keeps_the_sequence_axis():
    ir = _ir(
        "from keras_self_attention import SeqSelfAttention\n"
        "m = keras.Sequential([keras.Input(shape=(30,)), layers.Embedding(100, 8),"
        " layers.Bidirectional(layers.LSTM(10, return_sequences=True)), SeqSelfAttention(), layers.Dense(1)])"
    )
    steps = sequential_steps(ir.models[0])
    assert [s.out_shape for s in steps] == [(B, 30, 8), (B, 30, 20), (B, 30, 20), (B, 30, 1)]


def test_unknown_layer_makes_everything_after_it_unknown():
    ir = _ir(
        "class Mine(keras.layers.Layer):\n    pass\n"
        "m = keras.Sequential([keras.Input(shape=(30,)), Mine(), layers.Dense(1)])"
    )
    assert [s.out_shape for s in sequential_steps(ir.models[0])] == [None, None]
