"""Command line: ``kerlint check``, ``kerlint rule``, ``kerlint rules``. No analysis here."""

from __future__ import annotations

import sys

import click

from . import __version__


class UsageError(click.UsageError):
    pass


def _codes(values) -> list[str]:
    out = []
    for value in values or ():
        out.extend(c.strip().upper() for c in value.split(",") if c.strip())
    return out


def expand(codes, known) -> set[str]:
    """Codes and prefixes (``KER1``, ``KER``, ``ALL``) to the set of rule codes."""
    from .rules import CATALOG_CODES

    out = set()
    for code in codes:
        if code == "ALL":
            out.update(known)
            continue
        matched = {k for k in known if k.startswith(code)}
        if not matched and not any(c.startswith(code) for c in CATALOG_CODES):
            raise UsageError(f"unknown rule code or prefix: {code}")
        out.update(matched)
    return out


def selection(select, ignore, extend_select) -> list[str]:
    from .rules import all_rules

    rules = all_rules()
    known = set(rules)
    chosen = expand(select, known) if select else {c for c, r in rules.items() if r.default}
    chosen |= expand(extend_select, known)
    chosen -= expand(ignore, known)
    return sorted(chosen)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kerlint")
def main():
    """kerlint: find the mistakes in Keras model code that make training fail silently."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma separated).")
@click.option("--extend-select", multiple=True, help="Rule codes or prefixes to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics are found.")
@click.option("--stdin-filename", default=None, help="The file name to report for source read from stdin (-).")
def check(paths, select, extend_select, ignore, exit_zero, stdin_filename):
    """Lint PATHS (files or directories; default: the current directory). `-` reads stdin."""
    from .runner import lint_paths

    codes = selection(_codes(select), _codes(ignore), _codes(extend_select))
    results = lint_paths(list(paths) or ["."], codes, stdin_filename=stdin_filename)
    from .report import text

    out = click.get_text_stream("stdout")
    text.render(results, out)
    count = sum(len(r.reports) for r in results)
    if count:
        out.write(f"Found {count} error{'s' if count != 1 else ''}.\n")
    else:
        out.write("All checks passed!\n")
    sys.exit(0 if exit_zero or count == 0 else 1)


@main.command("rule")
@click.argument("code")
def rule_cmd(code):
    """Explain one rule."""
    from .rules import all_rules

    rule = all_rules().get(code.upper())
    if rule is None:
        raise UsageError(f"unknown rule code: {code}")
    click.echo(f"{rule.code} ({rule.name})\n\n{rule.summary}.\n\n{rule.explanation}\n")
    click.echo("Example of the problem:\n\n" + _indent(rule.bad) + "\n")
    click.echo("Use instead:\n\n" + _indent(rule.good) + "\n")
    click.echo(f"Fix: {rule.fix}. {'On by default.' if rule.default else 'Off by default (opt-in).'}")


@main.command("rules")
def rules_cmd():
    """List every rule."""
    from .rules import all_rules

    for rule in all_rules().values():
        flag = "" if rule.default else " (opt-in)"
        click.echo(f"{rule.code}  {rule.name:<34} {rule.summary}{flag}")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


try:  # the training-log analyser lives in its own package
    from .logs.cli import log as _log_command
except ImportError:  # pragma: no cover - only while the package is absent
    _log_command = None
if _log_command is not None:
    main.add_command(_log_command)
