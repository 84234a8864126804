"""The fixes of the KER1 rules (output layer and loss), applied to the source they came from."""

from __future__ import annotations

from textwrap import dedent

from .fixhelp import fixed, reports


# -- KER102 --------------------------------------------------------------------------------
def test_ker102_removes_from_logits_keeping_other_arguments():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(
            optimizer="adam",
            loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),  # smoothed
        )
        """,
        "KER102",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(
            optimizer="adam",
            loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),  # smoothed
        )
        """
    )


def test_ker102_positional_from_logits_and_a_loss_object_bound_to_a_name():
    out, _ = fixed(
        """\
        import keras
        loss = keras.losses.SparseCategoricalCrossentropy(True)
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4), keras.layers.Softmax()])
        model.compile(optimizer="adam", loss=loss)
        """,
        "KER102",
    )
    assert out == dedent(
        """\
        import keras
        loss = keras.losses.SparseCategoricalCrossentropy()
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4), keras.layers.Softmax()])
        model.compile(optimizer="adam", loss=loss)
        """
    )


def test_ker102_custom_loop_loss_object():
    out, applicability = fixed(
        """\
        import tensorflow as tf
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="sigmoid")])
        loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

        @tf.function
        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            return loss
        """,
        "KER102",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import tensorflow as tf
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="sigmoid")])
        loss_fn = keras.losses.BinaryCrossentropy()

        @tf.function
        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            return loss
        """
    )


def test_ker102_no_fix_when_the_loss_object_also_trains_a_linear_model():
    found = reports(
        """\
        import keras
        loss = keras.losses.CategoricalCrossentropy(from_logits=True)
        probs = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation="softmax")])
        probs.compile(optimizer="adam", loss=loss)
        logits = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3)])
        logits.compile(optimizer="adam", loss=loss)
        """,
        "KER102",
    )
    assert [(r.row, r.fix) for r in found] == [(4, None)]


def test_ker102_tf_nn_with_logits_has_no_fix():
    found = reports(
        """\
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(3, activation="softmax")])
        def loss(x, y):
            return tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=model(x))
        """,
        "KER102",
    )
    assert [(r.row, r.column, r.fix) for r in found] == [(4, 12, None)]


# -- KER103 --------------------------------------------------------------------------------
def test_ker103_sigmoid_instead_of_softmax():
    out, applicability = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential()
        model.add(Dense(1, activation='softmax', input_dim=8))
        model.compile(loss='binary_crossentropy', optimizer='adam')
        """,
        "KER103",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential()
        model.add(Dense(1, activation='sigmoid', input_dim=8))
        model.compile(loss='binary_crossentropy', optimizer='adam')
        """
    )


def test_ker103_softmax_layer_becomes_a_sigmoid_activation():
    out, _ = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1), keras.layers.Softmax()])
        """,
        "KER103",
    )
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1), keras.layers.Activation("sigmoid")])
        """
    )


# -- KER105 --------------------------------------------------------------------------------
def test_ker105_binary_loss_and_sigmoid_output_in_two_edits():
    out, applicability = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import Dense, Activation
        model = Sequential()
        model.add(Dense(1, input_dim=8))
        model.add(Activation('relu'))
        model.compile(loss='categorical_crossentropy', optimizer='adam')
        """,
        "KER105",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        from keras.models import Sequential
        from keras.layers import Dense, Activation
        model = Sequential()
        model.add(Dense(1, input_dim=8))
        model.add(Activation('sigmoid'))
        model.compile(loss='binary_crossentropy', optimizer='adam')
        """
    )


def test_ker105_class_form_keeps_from_logits_and_the_linear_output():
    out, _ = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
        """,
        "KER105",
    )
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
        """
    )


# -- KER106 --------------------------------------------------------------------------------
def test_ker106_categorical_loss_in_string_and_function_form():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(loss="binary_crossentropy", optimizer="adam")
        """,
        "KER106",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """
    )
    out, _ = fixed(
        """\
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(5, activation="softmax")])
        model.compile(loss=tf.keras.losses.binary_crossentropy, optimizer="adam")
        """,
        "KER106",
    )
    assert out == dedent(
        """\
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(5, activation="softmax")])
        model.compile(loss=tf.keras.losses.categorical_crossentropy, optimizer="adam")
        """
    )


def test_ker106_loss_imported_by_name_becomes_a_string():
    out, _ = fixed(
        """\
        import keras
        from keras.losses import BinaryCrossentropy
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(loss=BinaryCrossentropy(), optimizer="adam")
        """,
        "KER106",
    )
    assert out == dedent(
        """\
        import keras
        from keras.losses import BinaryCrossentropy
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """
    )


# -- KER107 --------------------------------------------------------------------------------
def test_ker107_matching_probability_activation():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([
            keras.Input(shape=(8,)),
            keras.layers.Dense(3, activation="relu"),  # head
        ])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """,
        "KER107",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([
            keras.Input(shape=(8,)),
            keras.layers.Dense(3, activation="softmax"),  # head
        ])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """
    )
    out, _ = fixed(
        """\
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(1, activation=tf.nn.tanh)])
        model.compile(loss="binary_crossentropy", optimizer="adam")
        """,
        "KER107",
    )
    assert out == dedent(
        """\
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam")
        """
    )


# -- KER109 --------------------------------------------------------------------------------
def test_ker109_categorical_loss_on_a_softmax_head():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="mse", optimizer="adam")
        """,
        "KER109",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        """
    )


def test_ker109_linear_head_gets_softmax_too():
    out, _ = fixed(
        """\
        import keras
        y_train = keras.utils.to_categorical(labels, 10)
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(10)])
        model.compile(loss=keras.losses.MeanSquaredError(), optimizer="adam")
        model.fit(x_train, y_train, epochs=3, validation_data=(x_val, y_val))
        """,
        "KER109",
    )
    assert out == dedent(
        """\
        import keras
        y_train = keras.utils.to_categorical(labels, 10)
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss=keras.losses.CategoricalCrossentropy(), optimizer="adam")
        model.fit(x_train, y_train, epochs=3, validation_data=(x_val, y_val))
        """
    )


# -- KER110 --------------------------------------------------------------------------------
# Two output units and no one-hot labels: accuracy measures nothing whatever the targets (one
# unit would need targets the file shows to be real-valued).
def test_ker110_mae_instead_of_accuracy():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(2)])
        model.compile(loss="mse", optimizer="adam", metrics=['accuracy'])
        """,
        "KER110",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(2)])
        model.compile(loss="mse", optimizer="adam", metrics=['mae'])
        """
    )


def test_ker110_no_fix_when_mae_is_already_reported():
    found = reports(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(2)])
        model.compile(loss="mse", optimizer="adam", metrics=["mae", "acc"])
        """,
        "KER110",
    )
    assert [(r.row, r.fix) for r in found] == [(3, None)]
