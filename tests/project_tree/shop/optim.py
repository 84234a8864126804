"""Optimizer settings carried over from the first version of the project (Keras 2)."""

import keras


def make_optimizer(learning_rate=1e-3):
    return keras.optimizers.Adam(lr=learning_rate)  # error: KER401
