"""`kerlint log FILE`: read a Keras training log and say what went wrong.

Exit codes: 0 nothing found, 1 problems diagnosed, 2 usage error or unreadable input.
"""

from __future__ import annotations

import sys

import click

from ..codes import LOG, of_kind
from .diagnose import diagnose
from .report import render_json, render_text
from .source import LogReadError, read_log

NO_EPOCHS = ("no Keras training epochs found (expected fit() console output with `Epoch 1/N` "
             "lines, a CSVLogger file or a History.history JSON)")


def _codes(value: str | None) -> list[str]:
    if not value:
        return []
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    known = [k.code for k in of_kind(LOG)]
    for c in codes:
        if not any(k.startswith(c) for k in known):
            raise click.BadParameter(f"unknown code {c!r} (log codes are KER601-KER612)")
    return codes


def _ascii_only() -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "\u2581\u2588".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def _fail(message: str) -> None:
    click.echo(f"kerlint log: {message}", err=True)
    sys.exit(2)


@click.command("log")
@click.argument("file", metavar="FILE")
@click.option("--output-format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="Report format.")
@click.option("--plot", "plot_path", metavar="FILE.png", default=None,
              help="Also draw loss and metrics per epoch, diagnosed epochs marked "
                   "(needs matplotlib: pip install 'kerlint[plot]').")
@click.option("--select", default=None, metavar="CODES",
              help="Only report these codes (comma-separated, prefixes allowed).")
@click.option("--ignore", default=None, metavar="CODES",
              help="Do not report these codes (comma-separated, prefixes allowed).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are diagnosed.")
def log(file: str, output_format: str, plot_path: str | None, select: str | None,
        ignore: str | None, exit_zero: bool) -> None:
    """Diagnose a Keras training log: FILE is fit() console output (verbose 1 or 2, Keras 1-3,
    pasted or captured), a CSVLogger CSV or a History.history JSON; `-` reads stdin.

    Reports divergence, saturated probabilities, frozen metrics, overfitting and other training
    failures (KER601-KER612) with the epochs and numbers behind them, and the `kerlint check`
    rules that usually cause them.
    """
    selected, ignored = _codes(select), _codes(ignore)
    if plot_path:
        from .plot import PlotUnavailable, load_pyplot

        try:
            load_pyplot()
        except PlotUnavailable as exc:
            _fail(str(exc))
    try:
        stdin = getattr(sys.stdin, "buffer", None) if file == "-" else None
        parsed = read_log(file, stdin=stdin)
    except LogReadError as exc:
        _fail(str(exc))
        return
    except MemoryError:
        _fail(f"{file}: out of memory while reading the log")
        return
    except Exception as exc:  # a parser bug must not show the user a traceback
        _fail(f"{file}: internal error while reading the log: {type(exc).__name__}: {exc}")
        return
    if not parsed.runs:
        hint = f"; it starts like a History dump but is {parsed.notes[0]}" if parsed.notes else ""
        _fail(f"{parsed.source}: {NO_EPOCHS}{hint}")
    try:
        diags = diagnose(parsed)
    except Exception as exc:
        _fail(f"{parsed.source}: internal error while diagnosing: {type(exc).__name__}: {exc}")
        return
    if selected:
        diags = [d for d in diags if any(d.code.startswith(c) for c in selected)]
    if ignored:
        diags = [d for d in diags if not any(d.code.startswith(c) for c in ignored)]
    if output_format == "json":
        click.echo(render_json(parsed, diags), nl=False)
    else:
        ascii_only = _ascii_only()
        text = render_text(parsed, diags, ascii_only=ascii_only)
        if ascii_only:  # a file name or metric name the terminal cannot show
            text = text.encode("ascii", "replace").decode("ascii")
        click.echo(text, nl=False)
    if plot_path:
        from .plot import render_plot

        try:
            render_plot(parsed, diags, plot_path)
        except OSError as exc:
            _fail(f"cannot write the plot to {plot_path}: {exc.strerror or exc}")
        except Exception as exc:
            _fail(f"cannot draw the plot: {type(exc).__name__}: {exc}")
        if output_format == "text":
            click.echo(f"Plot written to {plot_path}")
    sys.exit(1 if diags and not exit_zero else 0)
