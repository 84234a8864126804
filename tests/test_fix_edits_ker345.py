"""The fixes of the KER3 (training setup), KER4 (Keras 3 API) and KER5 (performance) rules,
applied to the source they came from."""

from __future__ import annotations

from textwrap import dedent

from kerlint.fix import apply_edits
from kerlint.lint import lint_source

from .fixhelp import fixed, reports

# -- KER3 -------------------------------------------------------------------------------


def test_ker302_points_at_the_validation_data_and_names_the_test_arrays():
    (report,) = reports(
        """\
        import keras
        model.fit(X_train, y_train, epochs=5, validation_data=(X_test, y_test))
        """,
        "KER302",
    )
    assert (report.row, report.column, report.end_column) == (2, 56, 70)
    assert report.fix is None
    assert report.message == (
        "validation_data is built from `X_test`, `y_test`, by their names the test set: tuning on it inflates "
        "the test score"
    )


def test_ker305_replaces_accuracy_with_multilabel_metrics():
    out, applicability = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(30,)), keras.layers.Dense(8, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy", "mse"])
        """,
        "KER305",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(30,)), keras.layers.Dense(8, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=[keras.metrics.AUC(multi_label=True), keras.metrics.Precision(), keras.metrics.Recall(), "mse"])
        """
    )


def test_ker305_bare_string_becomes_a_list_with_the_files_alias():
    out, _ = fixed(
        """\
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(30,))
        outputs = tf.keras.layers.Dense(num_labels, activation="sigmoid")(inputs)
        model = tf.keras.Model(inputs, outputs)
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics="acc")
        """,
        "KER305",
    )
    assert out == dedent(
        """\
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(30,))
        outputs = tf.keras.layers.Dense(num_labels, activation="sigmoid")(inputs)
        model = tf.keras.Model(inputs, outputs)
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=[tf.keras.metrics.AUC(multi_label=True), tf.keras.metrics.Precision(), tf.keras.metrics.Recall()])
        """
    )


def test_ker306_adds_early_stopping_and_appends_to_a_callback_list():
    source = """\
        from tensorflow import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        model.fit(x, y, epochs=100, validation_split=0.2)
        """
    found = lint_source(dedent(source), "t.py", ["KER306"]).reports
    assert len(found) == 1 and found[0].fix.applicability == "unsafe"
    out = apply_edits(dedent(source), found[0].fix.edits)
    assert out == dedent(
        """\
        from tensorflow import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        model.fit(x, y, epochs=100, validation_split=0.2, callbacks=[keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)])
        """
    )
    assert not lint_source(out, "t.py", ["KER306"]).reports

    source = """\
        import keras
        from keras.callbacks import EarlyStopping, ModelCheckpoint
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        model.fit(x, y, epochs=30, validation_data=(xv, yv),
                  callbacks=[ModelCheckpoint("m.keras")])
        """
    found = lint_source(dedent(source), "t.py", ["KER306"]).reports
    assert len(found) == 1 and found[0].fix.applicability == "unsafe"
    out = apply_edits(dedent(source), found[0].fix.edits)
    assert out == dedent(
        """\
        import keras
        from keras.callbacks import EarlyStopping, ModelCheckpoint
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        model.fit(x, y, epochs=30, validation_data=(xv, yv),
                  callbacks=[ModelCheckpoint("m.keras"), EarlyStopping(patience=3, restore_best_weights=True)])
        """
    )
    assert not lint_source(out, "t.py", ["KER306"]).reports


def test_opt_in_rules_are_off_by_default():
    from kerlint.cli import selection

    default = selection([], [], [])
    for code in ("KER302", "KER303", "KER306", "KER502"):
        assert code not in default
    for code in ("KER304", "KER305", "KER401", "KER405", "KER407", "KER501"):
        assert code in default


# -- KER4 -------------------------------------------------------------------------------


def test_ker401_renames_lr_argument_and_attribute():
    out, applicability = fixed(
        """\
        from keras.optimizers import Adam
        opt = Adam(lr=0.001, beta_1=0.9)
        """,
        "KER401",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        from keras.optimizers import Adam
        opt = Adam(learning_rate=0.001, beta_1=0.9)
        """
    )
    out, _ = fixed(
        """\
        import keras
        print(keras.backend.get_value(model.optimizer.lr))
        """,
        "KER401",
    )
    assert out == dedent(
        """\
        import keras
        print(keras.backend.get_value(model.optimizer.learning_rate))
        """
    )


def test_ker401_leaves_argparse_lr_alone():
    assert not reports(
        """\
        import keras
        opt = keras.optimizers.Adam(learning_rate=args.lr)
        """,
        "KER401",
    )


def test_ker402_inverse_time_decay_reuses_the_files_alias():
    out, applicability = fixed(
        """\
        import tensorflow as tf
        opt = tf.keras.optimizers.SGD(learning_rate=0.01, decay=1e-6, momentum=0.9)
        """,
        "KER402",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import tensorflow as tf
        opt = tf.keras.optimizers.SGD(learning_rate=tf.keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6), momentum=0.9)
        """
    )
    out, _ = fixed(
        """\
        from tensorflow import keras
        opt = keras.optimizers.Adam(0.001, decay=0.01)
        """,
        "KER402",
    )
    assert out == dedent(
        """\
        from tensorflow import keras
        opt = keras.optimizers.Adam(keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=0.01))
        """
    )


def test_ker402_without_learning_rate_uses_the_default_and_adds_an_import():
    out, _ = fixed(
        """\
        from keras.optimizers import RMSprop
        from keras.models import Sequential

        opt = RMSprop(decay=1e-4)
        """,
        "KER402",
    )
    assert out == dedent(
        """\
        from keras.optimizers import RMSprop
        from keras.models import Sequential
        import keras

        opt = RMSprop(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=1e-4))
        """
    )


def test_ker402_fix_renames_lr_too():
    out, _ = fixed(
        """\
        import keras
        opt = keras.optimizers.SGD(lr=0.1, decay=1e-6)
        """,
        "KER402",
    )
    assert out == dedent(
        """\
        import keras
        opt = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=1e-6))
        """
    )


def test_ker403_renames_and_makes_keras2_positionals_keywords():
    out, applicability = fixed(
        """\
        model.fit_generator(train_gen, steps_per_epoch=100, epochs=5)
        """,
        "KER403",
    )
    assert applicability == "safe"
    assert out == "model.fit(train_gen, steps_per_epoch=100, epochs=5)\n"
    out, _ = fixed(
        """\
        history = model.fit_generator(gen, 200, 10, validation_data=val)
        """,
        "KER403",
    )
    assert out == "history = model.fit(gen, steps_per_epoch=200, epochs=10, validation_data=val)\n"
    out, _ = fixed("preds = model.predict_generator(test_gen, 50)\n", "KER403")
    assert out == "preds = model.predict(test_gen, steps=50)\n"


def test_ker403_no_fix_when_workers_have_to_move_to_the_data():
    (report,) = reports("model.fit_generator(gen, epochs=3, workers=4, use_multiprocessing=True)\n", "KER403")
    assert report.fix is None
    assert report.message == (
        "fit_generator() was removed in Keras 3 (AttributeError); fit() takes generators, and worker settings "
        "move to a PyDataset"
    )


def test_ker404_argmax_for_softmax_threshold_for_sigmoid():
    out, applicability = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Dense(4, activation="softmax", input_dim=8)])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        classes = model.predict_classes(x_test, batch_size=64)
        """,
        "KER404",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        from keras.models import Sequential
        from keras.layers import Dense
        import numpy as np
        model = Sequential([Dense(4, activation="softmax", input_dim=8)])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        classes = np.argmax(model.predict(x_test, batch_size=64), axis=-1)
        """
    )
    out, _ = fixed(
        """\
        import numpy as numpy_
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Dense(1, activation='sigmoid', input_dim=8)])
        model.compile(loss='binary_crossentropy', optimizer='adam')
        labels = model.predict_classes(x_test)[:, 0]
        """,
        "KER404",
    )
    assert out == dedent(
        """\
        import numpy as numpy_
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Dense(1, activation='sigmoid', input_dim=8)])
        model.compile(loss='binary_crossentropy', optimizer='adam')
        labels = (model.predict(x_test) > 0.5).astype('int32')[:, 0]
        """
    )


def test_ker404_predict_proba_becomes_predict_and_sklearn_is_left_alone():
    out, _ = fixed(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation="softmax")])
        p = model.predict_proba(x)
        """,
        "KER404",
    )
    assert out == dedent(
        """\
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation="softmax")])
        p = model.predict(x)
        """
    )
    assert not reports("import keras\nclf = make_pipeline(scaler, svc)\np = clf.predict_proba(x)\n", "KER404")


def test_ker405_safe_removal_when_the_model_has_an_input():
    out, applicability = fixed(
        """\
        import keras
        inputs = keras.Input(shape=(100,))
        x = keras.layers.Embedding(1000, 32, input_length=100)(inputs)
        """,
        "KER405",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import keras
        inputs = keras.Input(shape=(100,))
        x = keras.layers.Embedding(1000, 32)(inputs)
        """
    )


def test_ker405_unsafe_moves_the_length_into_an_input():
    out, applicability = fixed(
        """\
        from keras.models import Sequential
        from keras.layers import Embedding, LSTM, Input


        def build(vocab, maxlen):
            model = Sequential()
            model.add(Embedding(vocab, 64, input_length=maxlen))  # embeddings
            model.add(LSTM(32))
            return model
        """,
        "KER405",
    )
    assert applicability == "unsafe"
    assert out == dedent(
        """\
        from keras.models import Sequential
        from keras.layers import Embedding, LSTM, Input


        def build(vocab, maxlen):
            model = Sequential()
            model.add(Input(shape=(maxlen,)))
            model.add(Embedding(vocab, 64))  # embeddings
            model.add(LSTM(32))
            return model
        """
    )
    out, _ = fixed(
        """\
        import tensorflow as tf
        if True:
            model = tf.keras.Sequential([
                tf.keras.layers.Embedding(1000, 16, input_length=20),
                tf.keras.layers.GlobalAveragePooling1D(),
            ])
        """,
        "KER405",
    )
    assert out == dedent(
        """\
        import tensorflow as tf
        if True:
            model = tf.keras.Sequential([
                tf.keras.Input(shape=(20,)),
                tf.keras.layers.Embedding(1000, 16),
                tf.keras.layers.GlobalAveragePooling1D(),
            ])
        """
    )


def test_ker406_renames_keras1_arguments():
    source = """\
        from keras.layers import Dense
        model.add(Dense(64, init="uniform", W_regularizer=reg))
        model.fit(X, Y, nb_epoch=20, batch_size=16)
        """
    out, applicability = fixed(source, "KER406", index=0, count=3)
    assert applicability == "safe"
    assert out == dedent(
        """\
        from keras.layers import Dense
        model.add(Dense(64, kernel_initializer="uniform", W_regularizer=reg))
        model.fit(X, Y, nb_epoch=20, batch_size=16)
        """
    )
    out, _ = fixed(source, "KER406", index=2, count=3)
    assert out == dedent(
        """\
        from keras.layers import Dense
        model.add(Dense(64, init="uniform", W_regularizer=reg))
        model.fit(X, Y, epochs=20, batch_size=16)
        """
    )


def test_ker406_keras1_convolution_kernel_becomes_one_tuple():
    out, applicability = fixed(
        """\
        from keras.layers import Convolution2D
        model.add(Convolution2D(32, 3, 3, activation="relu"))
        """,
        "KER406",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        from keras.layers import Convolution2D
        model.add(Convolution2D(32, (3, 3), activation="relu"))
        """
    )
    out, _ = fixed(
        """\
        from keras.layers import Conv2D
        layer = Conv2D(filters=16, nb_row=5, nb_col=3, padding="same")
        """,
        "KER406",
    )
    assert out == dedent(
        """\
        from keras.layers import Conv2D
        layer = Conv2D(filters=16, kernel_size=(5, 3), padding="same")
        """
    )


def test_ker406_keras2_stride_is_not_taken_for_keras1():
    assert not reports("from keras.layers import Conv2D\nlayer = Conv2D(64, 3, 2)\n", "KER406")


def test_ker407_module_paths_and_removed_names():
    out, applicability = fixed(
        """\
        from keras.layers.core import Dense, Dropout  # layers
        """,
        "KER407",
    )
    assert applicability == "safe"
    assert out == "from keras.layers import Dense, Dropout  # layers\n"
    out, _ = fixed("from keras.utils import np_utils\ny = np_utils.to_categorical(labels)\n", "KER407")
    assert out == "from keras import utils as np_utils\ny = np_utils.to_categorical(labels)\n"
    out, _ = fixed("from keras.layers import CuDNNLSTM\nlayer = CuDNNLSTM(64)\n", "KER407")
    assert out == "from keras.layers import LSTM as CuDNNLSTM\nlayer = CuDNNLSTM(64)\n"
    out, _ = fixed("import keras\nopt = keras.optimizers.rmsprop(learning_rate=1e-3)\n", "KER407")
    assert out == "import keras\nopt = keras.optimizers.RMSprop(learning_rate=1e-3)\n"


def test_ker407_no_module_fix_when_a_name_did_not_move():
    (report,) = reports("from keras.utils.np_utils import probas_to_classes\n", "KER407")
    assert report.fix is None


def test_ker407_leaves_keras_src_and_tf_keras_alone():
    assert not reports("from keras.src.layers.core.dense import Dense\n", "KER407")
    assert not reports("import tf_keras\nfrom tf_keras.layers.core import Dense\n", "KER407")


# -- KER5 -------------------------------------------------------------------------------


def test_ker501_reports_every_reason_on_the_first_argument():
    (report,) = reports(
        """\
        import keras
        layer = keras.layers.GRU(32, reset_after=False, recurrent_dropout=0.1)
        """,
        "KER501",
    )
    assert report.message == (
        "GRU with recurrent_dropout=0.1, reset_after=False cannot use cuDNN: on a GPU it trains several times "
        "slower"
    )
    assert report.fix is None


def test_ker502_unwraps_timedistributed_dense():
    out, applicability = fixed(
        """\
        import keras
        x = keras.layers.TimeDistributed(keras.layers.Dense(8, activation="relu"))(x)
        """,
        "KER502",
    )
    assert applicability == "safe"
    assert out == dedent(
        """\
        import keras
        x = keras.layers.Dense(8, activation="relu")(x)
        """
    )


def test_ker502_keeps_the_wrapper_when_it_has_arguments_of_its_own():
    (report,) = reports(
        "import keras\nlayer = keras.layers.TimeDistributed(keras.layers.Dense(8), input_shape=(10, 4))\n",
        "KER502",
    )
    assert report.fix is None


def test_ker407_legacy_optimizers_flagged_where_created_not_where_the_stub_is_imported():
    found = reports(
        """\
        import tensorflow as tf
        from keras.optimizers import legacy as legacy
        opt = tf.keras.optimizers.legacy.Adam(learning_rate=1e-3)
        """,
        "KER407",
    )
    assert [r.row for r in found] == [3]
    out, _ = fixed(
        """\
        import tensorflow as tf
        opt = tf.keras.optimizers.legacy.Adam(learning_rate=1e-3)
        """,
        "KER407",
    )
    assert out == dedent(
        """\
        import tensorflow as tf
        opt = tf.keras.optimizers.Adam(learning_rate=1e-3)
        """
    )
