"""Functional builders. The category head returns logits unless the caller asks for an
activation: the training scripts pick the loss to match."""

import keras
from keras import layers

from ..layers_util import NUM_FEATURES, dense_block, feature_input


def build_category_model(num_classes, hidden=(128, 64), head_activation=None):
    inputs = feature_input(NUM_FEATURES)
    x = inputs
    for i, units in enumerate(hidden):
        x = dense_block(x, units, name=f"hidden_{i}")
    outputs = layers.Dense(num_classes, activation=head_activation, name="category")(x)
    return keras.Model(inputs, outputs, name="category_model")


def build_churn_model(hidden=32):
    inputs = feature_input()
    x = dense_block(inputs, hidden, dropout=0.3)
    outputs = layers.Dense(1, activation="sigmoid", name="churn")(x)
    return keras.Model(inputs, outputs, name="churn_model")
