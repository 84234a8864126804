"""Image classifiers built from the blocks in blocks.py."""

import keras
from keras import layers

from . import blocks

BASE_WIDTH = 16
KERNEL_SIZE = 3


def small_cnn(num_classes, input_shape=(96, 96, 3)):
    inputs = keras.Input(shape=input_shape)
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = blocks.feature_extractor(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="small_cnn")


def defect_classifier(input_shape=(128, 128, 1)):
    """Defective or not, one score per image from the inspection camera."""
    inputs = keras.Input(shape=input_shape)
    x = blocks.feature_extractor(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name="defect_classifier")


def defect_classifier_pooled(input_shape=(128, 128, 1)):
    """The same, with each feature map pooled to one vector per image before the head."""
    inputs = keras.Input(shape=input_shape)
    x = blocks.feature_extractor(inputs)
    x = layers.GlobalMaxPooling2D()(x)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name="defect_classifier")
