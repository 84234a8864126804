"""Regenerate tests/logs/data/precision/: real Keras 3 runs of sound models whose numbers look like
the chance-level signatures (a loss above ln C from a regulariser or class weights, a regression
whose output has several units, noise labels, imbalance). Each log starts with the model.summary()
a user prints, so `kerlint log` knows the class count. About a minute of CPU with tensorflow-cpu:

    python tests/logs/data/make_precision_logs.py
"""
import os, sys
from pathlib import Path

OUT = Path(__file__).parent / "precision"
os.environ["CUDA_VISIBLE_DEVICES"] = "-1"; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, keras
from keras import layers, regularizers
rng = np.random.default_rng(1)
x = rng.normal(size=(1500, 20)).astype("float32")
def fit(name, model, loss, y, epochs=10, scale=1.0, **kw):
    keras.utils.set_random_seed(1)
    model.compile(loss=loss, optimizer="adam", metrics=kw.pop("metrics", ["accuracy"]))
    with open(OUT / f"{name}.txt", "w") as f:
        sys.stdout = f
        model.summary()
        model.fit(x * scale, y, epochs=epochs, batch_size=32, validation_split=0.2, verbose=2, **kw)
        sys.stdout = sys.__stdout__
def mlp(out, reg=None):
    return keras.Sequential([keras.Input((20,)), layers.Dense(32, activation="relu", kernel_regularizer=reg), out])
OUT.mkdir(exist_ok=True)
w = rng.normal(size=(20, 10))
y10 = np.argmax(x @ w + 3 * rng.normal(size=(1500, 10)), axis=1)
fit("a_hard10", mlp(layers.Dense(10, activation="softmax")), "sparse_categorical_crossentropy", y10, epochs=15)
fit("b_noise_binary", mlp(layers.Dense(1, activation="sigmoid")), "binary_crossentropy", rng.integers(0, 2, 1500).astype("float32"), epochs=8)
fit("c_imbalanced", mlp(layers.Dense(1, activation="sigmoid")), "binary_crossentropy", (rng.random(1500) < 0.1).astype("float32"), epochs=8)
y3 = np.argmax(x @ w[:, :3], axis=1)
fit("d_unscaled3", mlp(layers.Dense(3, activation="softmax")), "sparse_categorical_crossentropy", y3, scale=20.0)
fit("e_regress3", mlp(layers.Dense(3)), "mse", (x @ w[:, :3]) * 2, metrics=[])
fit("f_regress1_acc", mlp(layers.Dense(1)), "mse", (x @ w[:, 0]) * 2)
y5 = np.argmax(x @ w[:, :5], axis=1)
fit("g_l2_5", mlp(layers.Dense(5, activation="softmax", kernel_regularizer=regularizers.l2(0.1)), reg=regularizers.l2(0.1)), "sparse_categorical_crossentropy", y5)
fit("h_smooth", mlp(layers.Dense(1, activation="sigmoid")), keras.losses.BinaryCrossentropy(label_smoothing=0.2), (x[:, 0] > 0).astype("float32"))
y4 = np.where(rng.random(1500) < 0.85, 0, rng.integers(1, 4, 1500))
fit("i_weighted4", mlp(layers.Dense(4, activation="softmax")), "sparse_categorical_crossentropy", y4, class_weight={0: 1.0, 1: 20.0, 2: 20.0, 3: 20.0})
ym = (rng.random((1500, 6)) < 0.08).astype("float32")
fit("j_multilabel", mlp(layers.Dense(6, activation="sigmoid")), "binary_crossentropy", ym)
fit("k_noise5", mlp(layers.Dense(5, activation="softmax")), "sparse_categorical_crossentropy", rng.integers(0, 5, 1500), epochs=8)
