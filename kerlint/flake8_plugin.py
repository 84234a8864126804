"""The flake8 plugin: ``flake8 --select KER`` reports what ``kerlint check`` reports.

Registered as the ``flake8.extension`` entry point ``KER``. The rules run are kerlint's own
selection (defaults and the nearest ``[tool.kerlint]``) plus what flake8's own ``select`` and
``extend-select`` name more precisely than ``KER``: ``flake8 --select KER302`` or
``--extend-select KER3`` turns on the opt-in rules they name, as ``kerlint check --extend-select``
would, while ``KER`` alone (which flake8 needs to show any kerlint code) keeps kerlint's set.
flake8 then decides what it shows (``--ignore``, ``--extend-ignore``), and a rule flake8 would
hide is not run. ``# noqa`` comments are left to flake8, which reads them itself. flake8 adds 1
to the column a plugin yields, so columns are yielded 0-based and both tools print the same
position.
"""

from __future__ import annotations

from . import __version__

_resolver = None
PLUGIN_PREFIX = "KER"


def _codes(filename: str):
    from .config import Selection, SettingsResolver

    global _resolver
    if _resolver is None:
        # flake8's selection is a command-line layer over [tool.kerlint], as in `kerlint check`:
        # per-file-ignores still apply to it.
        _resolver = SettingsResolver(Selection(extend_select=tuple(sorted(KerlintChecker.selected))))
    return _resolver.codes_for(filename)


def _named(options) -> list[str]:
    """The codes and prefixes flake8's select and extend-select name, ``KER`` itself left out."""
    named = [*(getattr(options, "select", None) or ()), *(getattr(options, "extend_select", None) or ())]
    return [p.strip().upper() for p in named if p.strip().upper().startswith(PLUGIN_PREFIX)
            and len(p.strip()) > len(PLUGIN_PREFIX)]


def flake8_selection(options) -> tuple[frozenset, frozenset]:
    """(codes flake8's selection turns on, codes flake8 would hide), from its parsed options."""
    from flake8.style_guide import Decision, DecisionEngine

    from .codes import SELECTABLE, UNUSED_NOQA

    engine = DecisionEngine(options)
    shown = {c for c in SELECTABLE if engine.decision_for(c) is Decision.Selected}
    named = _named(options)
    # KER900 judges kerlint's own noqa handling, which the plugin leaves to flake8.
    wanted = {c for c in shown if c != UNUSED_NOQA and any(c.startswith(p) for p in named)}
    return frozenset(wanted), frozenset(SELECTABLE - shown)


class KerlintChecker:
    name = "kerlint"
    version = __version__
    # Set from flake8's options (``parse_options``): in every worker, which parses them again.
    selected: frozenset = frozenset()
    hidden: frozenset = frozenset()

    def __init__(self, tree, filename: str, lines: list[str]):
        # flake8 passes the decoded lines (also for stdin); the ast ``tree`` is not used.
        self.filename = filename
        self.lines = lines

    @classmethod
    def parse_options(cls, options):
        global _resolver
        cls.selected, cls.hidden = flake8_selection(options)
        _resolver = None

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
        codes = sorted(set(codes) - self.hidden)
        result = source.lint(codes, noqa=False)
        for r in result.reports:
            yield r.row, max(r.column - 1, 0), f"{r.code} {r.message}", type(self)
