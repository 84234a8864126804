"""Losses the shop's models are trained with, kept in one place so that experiments agree."""

import keras
from keras import ops

# The category head emits logits (see models/heads.py): the loss applies the softmax itself.
CATEGORY_LOSS = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

# For churn heads that emit raw scores.
CHURN_LOGITS_LOSS = keras.losses.BinaryCrossentropy(from_logits=True)


def weighted_churn_loss(y_true, y_pred, positive_weight=4.0):
    """Binary crossentropy on probabilities, with churners counted more (they are rare)."""
    y_pred = ops.clip(y_pred, 1e-7, 1.0 - 1e-7)
    per_sample = -(positive_weight * y_true * ops.log(y_pred) + (1.0 - y_true) * ops.log(1.0 - y_pred))
    return ops.mean(per_sample, axis=-1)
