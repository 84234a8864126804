"""Train the image models. Run from the project root after `pip install -e .`."""

import numpy as np

from vision.nets import defect_classifier_pooled, small_cnn

photos = np.load("data/photos.npz")
x_train, y_train = photos["x_train"], photos["y_train"]
x_val, y_val = photos["x_val"], photos["y_val"]

inspector = defect_classifier_pooled()
inspector.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
inspector.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=20)

thumbs = small_cnn(10, input_shape=(28, 28, 1))
thumbs.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
thumbs.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=20)
