"""A Keras-free abstract interpreter of Python modules; semantics plug in through hooks."""

from .hooks import NOT_HANDLED, Semantics
from .interpreter import Interpreter

__all__ = ["NOT_HANDLED", "Interpreter", "Semantics"]
