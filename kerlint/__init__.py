"""kerlint: a static linter for Keras model code."""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """``%load_ext kerlint``: lint each cell before it runs (see ``kerlint.ipython``)."""
    from .ipython import load

    load(ipython)


def unload_ipython_extension(ipython):
    from .ipython import unload

    unload(ipython)
