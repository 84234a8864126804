"""Train the image models. Run from the project root after `pip install -e .`."""

import numpy as np
from sklearn.datasets import load_digits

from vision import nets

photos = np.load("data/photos.npz")
x_train, y_train = photos["x_train"], photos["y_train"]
x_val, y_val = photos["x_val"], photos["y_val"]

# One label per image, but the head scores every cell of the last feature map.
inspector = nets.defect_classifier()
inspector.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])  # error: KER201
inspector.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=20)

# A quick check on sklearn's 8x8 digits: four poolings halve 8 pixels down to nothing.
digits = load_digits()
images = digits.images[..., None] * (255 / 16)  # pixels from 0-16 to the 0-255 the model rescales
small = nets.small_cnn(10, input_shape=(8, 8, 1))  # error: KER206
small.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
small.fit(images, digits.target, validation_split=0.2, epochs=20)
