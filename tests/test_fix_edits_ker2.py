"""The structured fixes of the KER2 rules, applied to the source they came from."""

from __future__ import annotations

from functools import partial
from textwrap import dedent

from . import fixhelp
from .fixhelp import no_fix

fixed = partial(fixhelp.fixed, count=None)


# -- KER202 ----------------------------------------------------------------------------------
def test_ker202_sets_return_sequences_on_the_previous_rnn():
    out, applicability = fixed(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input(shape=(50, 8)),
            layers.LSTM(64, dropout=0.1),  # encoder
            layers.LSTM(32),
        ])
        """,
        "KER202",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input(shape=(50, 8)),
            layers.LSTM(64, dropout=0.1, return_sequences=True),  # encoder
            layers.LSTM(32),
        ])
        """
    )


def test_ker202_replaces_an_explicit_false_inside_bidirectional():
    out, _ = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import LSTM, Bidirectional, Dense
        model = Sequential()
        model.add(Bidirectional(LSTM(100, return_sequences=False), input_shape=(30, 4)))
        model.add(LSTM(50))
        """,
        "KER202",
    )
    assert out == dedent(
        """\
        from keras.models import Sequential
        from keras.layers import LSTM, Bidirectional, Dense
        model = Sequential()
        model.add(Bidirectional(LSTM(100, return_sequences=True), input_shape=(30, 4)))
        model.add(LSTM(50))
        """
    )


def test_ker202_functional_stacked_rnn():
    out, _ = fixed(
        """\
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(None, 16))
        x = tf.keras.layers.GRU(32)(inputs)
        x = tf.keras.layers.GRU(16)(x)
        """,
        "KER202",
    )
    assert out == dedent(
        """\
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(None, 16))
        x = tf.keras.layers.GRU(32, return_sequences=True)(inputs)
        x = tf.keras.layers.GRU(16)(x)
        """
    )


def test_ker202_no_fix_when_the_rank_comes_from_dense():
    no_fix(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(8), keras.layers.LSTM(4)])
        """,
        "KER202",
    )


# -- KER201 ----------------------------------------------------------------------------------
def test_ker201_inserts_pooling_into_the_layer_list():
    out, applicability = fixed(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input(shape=(200,)),
            layers.Embedding(20000, 100),
            layers.Conv1D(32, 8, activation="relu"),  # features
            layers.Dense(5, activation="softmax"),
        ])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """,
        "KER201",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input(shape=(200,)),
            layers.Embedding(20000, 100),
            layers.Conv1D(32, 8, activation="relu"),  # features
            layers.GlobalMaxPooling1D(),
            layers.Dense(5, activation="softmax"),
        ])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """
    )


def test_ker201_inserts_an_add_statement_with_the_indentation_and_an_import():
    out, _ = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import Embedding, LSTM, Dense


        def build():
            model = Sequential()
            model.add(Embedding(5000, 32, input_length=100))
            model.add(LSTM(16, return_sequences=True))
            model.add(Dense(8, activation="relu"))
            model.add(Dense(1, activation="sigmoid"))
            return model


        model = build()
        model.compile(loss="binary_crossentropy", optimizer="adam")
        """,
        "KER201",
    )
    assert out == dedent(
        """\
        from keras.models import Sequential
        from keras.layers import Embedding, LSTM, Dense
        import keras


        def build():
            model = Sequential()
            model.add(Embedding(5000, 32, input_length=100))
            model.add(LSTM(16, return_sequences=True))
            model.add(keras.layers.GlobalAveragePooling1D())
            model.add(Dense(8, activation="relu"))
            model.add(Dense(1, activation="sigmoid"))
            return model


        model = build()
        model.compile(loss="binary_crossentropy", optimizer="adam")
        """
    )


def test_ker201_functional_wraps_the_head_input():
    out, _ = fixed(
        """\
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(28, 28, 1))
        x = tf.keras.layers.Conv2D(16, 3, activation="relu")(inputs)
        x = tf.keras.layers.MaxPooling2D()(x)
        outputs = tf.keras.layers.Dense(10, activation="softmax")(x)
        model = tf.keras.Model(inputs, outputs)
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        """,
        "KER201",
    )
    assert out == dedent(
        """\
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(28, 28, 1))
        x = tf.keras.layers.Conv2D(16, 3, activation="relu")(inputs)
        x = tf.keras.layers.MaxPooling2D()(x)
        outputs = tf.keras.layers.Dense(10, activation="softmax")(tf.keras.layers.GlobalAveragePooling2D()(x))
        model = tf.keras.Model(inputs, outputs)
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        """
    )


# -- KER204 / KER205 -------------------------------------------------------------------------
def test_ker204_adds_one_where_the_length_is_taken():
    out, applicability = fixed(
        """\
        from keras.layers import Embedding
        vocab_size = len(tokenizer.word_index)  # vocabulary
        layer = Embedding(vocab_size, 64)
        """,
        "KER204",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        from keras.layers import Embedding
        vocab_size = len(tokenizer.word_index) + 1  # vocabulary
        layer = Embedding(vocab_size, 64)
        """
    )
    out, _ = fixed(
        """\
        from keras.layers import Embedding
        layer = Embedding(input_dim=len(tok.word_index), output_dim=8)
        """,
        "KER204",
    )
    assert out == dedent(
        """\
        from keras.layers import Embedding
        layer = Embedding(input_dim=len(tok.word_index) + 1, output_dim=8)
        """
    )


def test_ker205_drops_the_leading_none():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([
            keras.layers.Conv2D(32, 3, input_shape=(None, 28, 28, 1)),
        ])
        """,
        "KER205",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([
            keras.layers.Conv2D(32, 3, input_shape=(28, 28, 1)),
        ])
        """
    )
    out, _ = fixed(
        """\
        import keras
        model = keras.Sequential([keras.layers.GRU(8, input_shape=[None, 10, 5])])
        """,
        "KER205",
    )
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.layers.GRU(8, input_shape=[10, 5])])
        """
    )


# -- KER207 / KER209 -------------------------------------------------------------------------
def test_ker207_moves_dropout_before_the_output_layer():
    out, applicability = fixed(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input(shape=(20,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),  # output
            layers.Dropout(0.5),
        ])
        """,
        "KER207",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input(shape=(20,)),
            layers.Dense(64, activation="relu"),
            layers.Dropout(0.5),  # output
            layers.Dense(10, activation="softmax"),
        ])
        """
    )


def test_ker207_moves_batchnorm_across_add_statements():
    out, _ = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import Dense, Activation, BatchNormalization
        model = Sequential()
        model.add(Dense(32, activation="relu", input_shape=(8,)))
        model.add(Dense(1))
        model.add(Activation("sigmoid"))
        model.add(BatchNormalization())
        """,
        "KER207",
    )
    assert out == dedent(
        """\
        from keras.models import Sequential
        from keras.layers import Dense, Activation, BatchNormalization
        model = Sequential()
        model.add(Dense(32, activation="relu", input_shape=(8,)))
        model.add(BatchNormalization())
        model.add(Dense(1))
        model.add(Activation("sigmoid"))
        """
    )


def test_ker207_removes_a_second_activation_in_functional_code():
    out, _ = fixed(
        """\
        import keras
        inputs = keras.Input(shape=(16,))
        x = keras.layers.Dense(5, activation="softmax")(inputs)
        x = keras.layers.Activation("sigmoid")(x)
        model = keras.Model(inputs, x)
        """,
        "KER207",
    )
    assert out == dedent(
        """\
        import keras
        inputs = keras.Input(shape=(16,))
        x = keras.layers.Dense(5, activation="softmax")(inputs)
        model = keras.Model(inputs, x)
        """
    )


def test_ker209_removes_a_list_element_keeping_the_others():
    out, applicability = fixed(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input(shape=(20,)),
            layers.Dense(64, activation="relu"),
            layers.Activation("relu"),  # again
            layers.Dense(1),
        ])
        """,
        "KER209",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input(shape=(20,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(1),
        ])
        """
    )
    out, _ = fixed(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid"), layers.Activation("sigmoid")])
        """,
        "KER209",
    )
    assert out == dedent(
        """\
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
        """
    )


def test_ker209_removes_an_add_statement_with_its_comment():
    out, _ = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import Dense, Activation


        def build():
            model = Sequential()
            model.add(Dense(512, input_dim=784, activation="tanh"))
            model.add(Activation("tanh"))  # squash
            model.add(Dense(10, activation="softmax"))
            return model
        """,
        "KER209",
    )
    assert out == dedent(
        """\
        from keras.models import Sequential
        from keras.layers import Dense, Activation


        def build():
            model = Sequential()
            model.add(Dense(512, input_dim=784, activation="tanh"))
            model.add(Dense(10, activation="softmax"))
            return model
        """
    )


def test_ker209_functional_call_is_unwrapped():
    out, _ = fixed(
        """\
        import keras
        inputs = keras.Input(shape=(10,))
        outputs = keras.layers.Softmax()(keras.layers.Dense(3, activation="softmax")(inputs))
        model = keras.Model(inputs, outputs)
        """,
        "KER209",
    )
    assert out == dedent(
        """\
        import keras
        inputs = keras.Input(shape=(10,))
        outputs = keras.layers.Dense(3, activation="softmax")(inputs)
        model = keras.Model(inputs, outputs)
        """
    )
