"""The flake8 plugin: ``flake8 --select KER`` reports what ``kerlint check`` reports.

Registered as the ``flake8.extension`` entry point ``KER``. The selection is kerlint's own
(defaults and the nearest ``[tool.kerlint]``), then flake8 filters what it shows. ``# noqa``
comments are left to flake8, which reads them itself. flake8 adds 1 to the column a plugin
yields, so columns are yielded 0-based and both tools print the same position.
"""

from __future__ import annotations

from . import __version__

_resolver = None


def _codes(filename: str):
    from .config import SettingsResolver

    global _resolver
    if _resolver is None:
        _resolver = SettingsResolver()
    return _resolver.codes_for(filename)


class KerlintChecker:
    name = "kerlint"
    version = __version__

    def __init__(self, tree, filename: str, lines: list[str]):
        # flake8 passes the decoded lines (also for stdin); the ast ``tree`` is not used.
        self.filename = filename
        self.lines = lines

    def run(self):
        from .config import ConfigError
        from .source import PythonSource

        from pathlib import Path

        on_disk = Path(self.filename) if self.filename not in ("-", "stdin") and Path(self.filename).is_file() else None
        source = PythonSource.from_text("".join(self.lines), self.filename, on_disk)
        if not source.may_report():
            return
        try:
            codes = _codes(self.filename)
        except ConfigError as exc:
            yield 1, 0, f"KER000 configuration error: {exc}", type(self)
            return
        result = source.lint(codes, noqa=False)
        for r in result.reports:
            yield r.row, max(r.column - 1, 0), f"{r.code} {r.message}", type(self)
