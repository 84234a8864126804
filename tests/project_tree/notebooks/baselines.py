"""Quick baselines for the exploration notebooks in this folder."""

import keras
from keras import layers


def linear_baseline(num_features, num_classes):
    """Multinomial logistic regression: one Dense layer, logits out."""
    return keras.Sequential([
        keras.Input(shape=(num_features,)),
        layers.Dense(num_classes),
    ], name="linear_baseline")


def mlp_baseline(num_features, num_classes, width=64):
    return keras.Sequential([
        keras.Input(shape=(num_features,)),
        layers.Dense(width, activation="relu"),
        layers.Dense(width, activation="relu"),
        layers.Dense(num_classes, activation="softmax"),
    ], name="mlp_baseline")
