"""Convolution blocks. Their sizes live in nets.py, next to the models that use them, so the
two modules import each other (Python allows it: each reads the other's names only when one
of its functions runs)."""

from keras import layers

from . import nets


def conv_block(x, filters):
    x = layers.Conv2D(filters, nets.KERNEL_SIZE, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    return layers.MaxPooling2D()(x)


def feature_extractor(x):
    """The four blocks every image model here starts with: each halves the height and width."""
    x = conv_block(x, nets.BASE_WIDTH)
    x = conv_block(x, nets.BASE_WIDTH * 2)
    x = conv_block(x, nets.BASE_WIDTH * 4)
    return conv_block(x, nets.BASE_WIDTH * 8)
