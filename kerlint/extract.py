"""Model extraction: interpret a module with Keras semantics and return its ModelSpec IR.

The interpreter (``kerlint.interp``) follows the program; the Keras semantics
(``kerlint.semantics``) record every layer, model, compile and fit it meets. Anything that
cannot be followed is UNKNOWN, and rules stay silent on UNKNOWN.
"""

from __future__ import annotations

import libcst as cst

from .interp import Interpreter
from .ir import FileIR
from .names import Resolver
from .semantics import KerasSemantics


def extract(module: cst.Module, imports=None) -> FileIR:
    """``imports``: a ``semantics.imports.ProjectImports`` to follow the project's own modules."""
    ir = FileIR(module=module, resolver=Resolver())
    semantics = KerasSemantics(ir, imports)
    interpreter = Interpreter(module, semantics)
    semantics.interp = interpreter
    interpreter.run()
    if imports is not None:
        ir.modules_read = dict(imports.read)
    if "bound_names" in interpreter.__dict__:  # already walked for the snippet names: reuse it
        ir.bound_names = interpreter.bound_names
    return ir
