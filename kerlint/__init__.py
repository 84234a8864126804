"""kerlint: a static linter for Keras model code."""

__version__ = "0.1.0"
