"""Small building blocks shared by the shop's models."""

import keras
from keras import layers

NUM_FEATURES = 24
NUM_CATEGORIES = 12


def dense_block(x, units, dropout=0.2, name=None):
    x = layers.Dense(units, activation="relu", name=name)(x)
    return layers.Dropout(dropout)(x)


def feature_input(num_features=NUM_FEATURES):
    return keras.Input(shape=(num_features,), name="features")
