"""Basket model: the base network with a wider first layer and a normalised input."""

from keras import layers

from .base import TabularNet


class BasketNet(TabularNet):
    def __init__(self, num_outputs, name="basket"):
        super().__init__(num_outputs, hidden=128, name=name)
        self.norm = layers.LayerNormalization()

    def call(self, inputs, training=False):
        x = self.norm(inputs)
        x = self.hidden(x)
        x = self.dropout(x, training=training)
        return self.scores(x)
