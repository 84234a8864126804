"""A subclassed model for basket features; variants live in their own modules."""

import keras
from keras import layers


class TabularNet(keras.Model):
    def __init__(self, num_outputs, hidden=64, dropout=0.1, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(hidden, activation="relu")
        self.dropout = layers.Dropout(dropout)
        self.scores = layers.Dense(num_outputs)

    def call(self, inputs, training=False):
        x = self.hidden(inputs)
        x = self.dropout(x, training=training)
        return self.scores(x)
