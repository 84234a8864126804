"""The structured fix each diagnostic carries, applied to the source it came from."""

from __future__ import annotations

from textwrap import dedent

from .fixhelp import fixed


def test_ker101_adds_activation_keeping_quotes_and_layout():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([
            keras.Input(shape=(8,)),
            keras.layers.Dense(3, name='head'),  # the output
        ])
        model.compile(loss='categorical_crossentropy', optimizer='adam')
        """,
        "KER101",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([
            keras.Input(shape=(8,)),
            keras.layers.Dense(3, name='head', activation='softmax'),  # the output
        ])
        model.compile(loss='categorical_crossentropy', optimizer='adam')
        """
    )


def test_ker101_gives_the_dense_its_activation_when_a_linear_activation_layer_follows():
    # Activation("linear") passes its input through (a cast, in mixed precision): the head's
    # activation belongs on the Dense, and the identity layer stays as it was.
    out, _ = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import Dense, Activation
        model = Sequential()
        model.add(Dense(1, input_dim=4))
        model.add(Activation("linear"))
        model.compile(loss="binary_crossentropy", optimizer="sgd")
        """,
        "KER101",
    )
    assert out == dedent(
        """\
        from keras.models import Sequential
        from keras.layers import Dense, Activation
        model = Sequential()
        model.add(Dense(1, input_dim=4, activation="sigmoid"))
        model.add(Activation("linear"))
        model.compile(loss="binary_crossentropy", optimizer="sgd")
        """
    )


def test_ker104_softmax_instead_of_sigmoid():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="sigmoid")])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """,
        "KER104",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """
    )


def test_ker203_replaces_only_the_mismatching_entry():
    out, applicability = fixed(
        """\
        import tensorflow as tf
        model = tf.keras.Sequential([
            tf.keras.layers.Embedding(input_dim=1000, output_dim=300),
            tf.keras.layers.Dropout(0.2, noise_shape=[None, 50, 1]),
        ])
        """,
        "KER203",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import tensorflow as tf
        model = tf.keras.Sequential([
            tf.keras.layers.Embedding(input_dim=1000, output_dim=300),
            tf.keras.layers.Dropout(0.2, noise_shape=[None, None, 1]),
        ])
        """
    )


def test_ker301_unsafe_validation_split_one_line_and_multiline():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.fit(x, y, epochs=10)
        """,
        "KER301",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.fit(x, y, epochs=10, validation_split=0.2)
        """
    )
    out, _ = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.fit(
            x,
            y,
            epochs=10,
        )
        """,
        "KER301",
    )
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.fit(
            x,
            y,
            epochs=10,
            validation_split=0.2,
        )
        """
    )
    out, _ = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.fit(x,
                  y,
                  epochs=10)
        """,
        "KER301",
    )
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.fit(x,
                  y,
                  epochs=10,
                  validation_split=0.2)
        """
    )
