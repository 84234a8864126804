"""Diagnostics and fixes: first as CST-holding objects that rules return, then as plain data.

A rule reports a ``Diagnostic`` holding CST nodes. ``lint.py`` turns each into a
``Report``: plain, picklable data with 1-based rows and columns and text edits, which the
reporters, the fixer, the cache and worker processes all use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only in annotations: reading and reporting results must not import LibCST
    import libcst as cst

SAFE = "safe"
UNSAFE = "unsafe"


@dataclass
class NodeEdit:
    """Replace ``node`` with ``replacement`` (a CST node or source text).

    With ``insert="before"`` / ``"after"`` the text (whole lines, ending in a newline) is
    inserted at the start of the node's first line / of the line after its last line, and
    the node is kept: how an import is added (see ``edits.keras_name``). With
    ``insert="lines"`` the text replaces the node's whole lines, line break included
    (``""`` deletes a statement with its indentation and trailing comment).
    """

    node: cst.CSTNode
    replacement: object
    insert: str | None = None


@dataclass
class Fix:
    applicability: str  # SAFE | UNSAFE
    message: str
    edits: list  # [NodeEdit]


@dataclass
class Diagnostic:
    code: str
    message: str
    node: cst.CSTNode
    fix: Fix | None = None
    # Where else the fault may be reported when ``node`` is in another module the file imports
    # (the compile() of this file whose loss disagrees with a layer defined there).
    anchors: tuple = ()
    # Nodes the fault involves besides ``node`` (the output layer a loss here disagrees with):
    # one in an imported module is named in the message and listed as related.
    about: tuple = ()
    # The code's severity (``codes.SEVERITIES``) unless set: a rule may lower one report, such
    # as a Keras 3 error that is only a deprecation note in a project pinned to Keras 2.
    severity: str | None = None


@dataclass(frozen=True)
class TextEdit:
    """Replace text between two 0-based offsets (also kept as 1-based row/column)."""

    start: int
    end: int
    content: str
    row: int
    column: int
    end_row: int
    end_column: int
    # Another file of the project (absolute path): a fix completed here may edit the module
    # that defines the layer; applied only when that file is linted too (``crossfix``).
    path: str | None = None


@dataclass
class TextFix:
    applicability: str
    message: str
    edits: tuple  # (TextEdit, ...)


@dataclass
class Report:
    """One diagnostic as plain data. Rows and columns are 1-based, columns in characters."""

    code: str
    message: str
    row: int
    column: int
    end_row: int
    end_column: int
    fix: TextFix | None = None
    noqa_row: int | None = None
    cell: int | None = None  # notebook cell (1-based) when the file is a notebook
    cell_row: int | None = None
    extra: dict = field(default_factory=dict)
    # (filename, row, column) of the other places the fault involves: a layer in an imported module.
    related: tuple = ()
    # The Diagnostic's severity override, if any; ``report.severity()`` resolves the level.
    severity: str | None = None

    def sort_key(self):
        return (self.row, self.column, self.code)
