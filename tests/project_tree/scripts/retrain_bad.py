"""Nightly job: retrain the photo classifier, and a linear probe on its pooled features."""

import keras
import numpy as np
import vision.nets

from vision.training import compile_classifier

photos = np.load("data/photos.npz")
x_train, y_train = photos["x_train"], photos["y_train"]
x_val, y_val = photos["x_val"], photos["y_val"]

# small_cnn ends in a softmax: from_logits=True applies a second one.
model = vision.nets.small_cnn(10, input_shape=(28, 28, 1))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))  # error: KER102
model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=5)

# The shared compile expects probabilities; the probe outputs logits.
features = np.load("data/photo_features.npz")
probe = keras.Sequential([keras.Input(shape=(128,)), keras.layers.Dense(10)])  # error: KER101
compile_classifier(probe, learning_rate=1e-2)
probe.fit(features["train"], y_train, validation_data=(features["val"], y_val), epochs=30)
