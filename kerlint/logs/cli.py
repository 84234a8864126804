"""`kerlint log FILE...`: read Keras training logs and say what went wrong.

Exit codes: 0 nothing found, 1 problems diagnosed, 2 usage error or an input that could not be
read as a training log (the others are still reported).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import click

from ..codes import LOG, of_kind
from .classes import from_log
from .diagnose import Diagnosis, diagnose
from .join import SourceCheck, check_source, classes_of, findings_for, model_of
from .model import ClassCount, Log
from .report import render_json, render_text, to_dict
from .source import LogReadError, read_log

NO_EPOCHS = ("no Keras training epochs found (expected fit() console output with `Epoch 1/N` "
             "lines, a CSVLogger file, a History.history JSON or a notebook with its outputs)")


def _codes(value: str | None) -> list[str]:
    if not value:
        return []
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    known = [k.code for k in of_kind(LOG)]
    for c in codes:
        if not any(k.startswith(c) for k in known):
            raise click.BadParameter(f"unknown code {c!r} (log codes are {known[0]}-{known[-1]})")
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


class Unreadable(Exception):
    """One input cannot be reported on; the message is for the user."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.message = message


@dataclass
class Report:
    log: Log
    diags: list[Diagnosis]
    source: SourceCheck | None = None
    joins: dict[int, list] = field(default_factory=dict)  # id(diagnosis) -> [Finding]


def _read(file: str) -> Log:
    try:
        stdin = getattr(sys.stdin, "buffer", None) if file == "-" else None
        parsed = read_log(file, stdin=stdin)
    except LogReadError as exc:
        raise Unreadable(file, str(exc)) from None
    except MemoryError:
        raise Unreadable(file, f"{file}: out of memory while reading the log") from None
    except Exception as exc:  # a parser bug must not show the user a traceback
        raise Unreadable(file, f"{file}: internal error while reading the log: "
                               f"{type(exc).__name__}: {exc}") from None
    if not parsed.runs:
        if parsed.format == "notebook":
            raise Unreadable(file, f"{parsed.source}: no Keras training epochs found: "
                                   f"{parsed.notes[0] if parsed.notes else 'no fit() output'}")
        hint = f"; it starts like a History dump but is {parsed.notes[0]}" if parsed.notes else ""
        raise Unreadable(file, f"{parsed.source}: {NO_EPOCHS}{hint}")
    return parsed


def _runner(ctx: click.Context):
    """Runs a sibling command of the `kerlint` program this command belongs to (`check`,
    `summary`), in this process, and gives (exit status, stdout, stderr). None when `log` runs
    outside that program (called on its own, as a library), where there is no `check` to run."""
    root = ctx.find_root().command
    if not isinstance(root, click.Group):
        return None

    def run(args: list[str]) -> tuple[int, str, str]:
        import contextlib
        import io

        command = root.get_command(ctx, args[0])
        if command is None:
            return 2, "", f"no `{args[0]}` command"
        out, err = io.StringIO(), io.StringIO()
        status = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                result = command.main(args[1:], prog_name=f"kerlint {args[0]}",
                                      standalone_mode=False)
                status = result if isinstance(result, int) else 0
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
            except click.ClickException as exc:
                err.write(exc.format_message() + "\n")
                status = exc.exit_code
        return status, out.getvalue(), err.getvalue()

    return run


def _source_for(log: Log, file: str, option: str | None) -> str | None:
    """The source to check: --source, or the notebook the log came from."""
    if option:
        return option
    if log.format == "notebook" and file != "-":
        return file
    return None


def _classes(log: Log, option: int | None, source: SourceCheck | None) -> None:
    """Give each run the class count the options, the source or the log tell, and mark the runs
    whose model the source shows trained with a loss that is no crossentropy."""
    for run in log.runs:
        if source is not None:
            model = model_of(run, source)
            if model is not None:
                run.classes, run.non_crossentropy_loss = classes_of(model)
        if option is not None:
            # the count only: a loss the source shows is no crossentropy stays none
            run.classes = ClassCount(option, "option", f"--classes {option}")
        if run.classes is None and run.non_crossentropy_loss is None:
            run.classes = from_log(run)


def _check(path: str, runner) -> SourceCheck:
    if runner is None:
        return SourceCheck(path, error="`kerlint check` is not at hand: run `kerlint log`")
    try:
        return check_source(path, runner)
    except Exception as exc:  # the log's report goes on without the source
        return SourceCheck(path, error=f"{type(exc).__name__}: {exc}")


def _report(file: str, classes: int | None, source_option: str | None,
            checked: dict[str, SourceCheck], selected: list[str], ignored: list[str],
            runner) -> Report:
    log = _read(file)
    path = _source_for(log, file, source_option)
    source = None
    if path is not None:
        if path not in checked:
            checked[path] = _check(path, runner)
        source = checked[path]
    _classes(log, classes, source)
    try:
        diags = diagnose(log)
    except Exception as exc:
        raise Unreadable(file, f"{log.source}: internal error while diagnosing: "
                               f"{type(exc).__name__}: {exc}") from None
    if selected:
        diags = [d for d in diags if any(d.code.startswith(c) for c in selected)]
    if ignored:
        diags = [d for d in diags if not any(d.code.startswith(c) for c in ignored)]
    report = Report(log, diags, source)
    if source is not None:
        runs = {run.index: run for run in log.runs}
        for d in diags:
            run = runs[d.run]
            report.joins[id(d)] = findings_for(run, d.rules, source, model_of(run, source))
    return report


def _text(report: Report, ascii_only: bool) -> str:
    text = render_text(report.log, report.diags, ascii_only=ascii_only, source=report.source,
                       joins=report.joins)
    if ascii_only:  # a file name or metric name the terminal cannot show
        text = text.encode("ascii", "replace").decode("ascii")
    return text


@click.command("log")
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option("--source", "source_path", metavar="PATH", default=None,
              help="The script, notebook or folder that trained the model: run `kerlint check` "
                   "on it and point each diagnosis at the lines that usually cause it. A "
                   "notebook given as FILE is its own source.")
@click.option("--classes", type=click.IntRange(2, 100_000), default=None, metavar="N",
              help="The number of classes (chance is 1/N, a uniform guess costs ln N); by "
                   "default read from the source, a model.summary() in the log or the metrics.")
@click.option("--output-format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="Report format.")
@click.option("--plot", "plot_path", metavar="FILE.png", default=None,
              help="Also draw loss and metrics per epoch, diagnosed epochs marked "
                   "(needs matplotlib: pip install 'kerlint[plot]'). One FILE only.")
@click.option("--select", default=None, metavar="CODES",
              help="Only report these codes (comma-separated, prefixes allowed).")
@click.option("--ignore", default=None, metavar="CODES",
              help="Do not report these codes (comma-separated, prefixes allowed).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are diagnosed.")
def log(files: tuple[str, ...], source_path: str | None, classes: int | None, output_format: str,
        plot_path: str | None, select: str | None, ignore: str | None, exit_zero: bool) -> None:
    """Diagnose Keras training logs: each FILE is fit() console output (verbose 1 or 2, Keras 1-3,
    pasted or captured), a CSVLogger CSV, a History.history JSON, or a Jupyter notebook with its
    outputs; `-` reads stdin. One report per FILE.

    Reports divergence, saturated probabilities, frozen metrics, overfitting, chance-level
    accuracy and other training failures (KER601-KER613) with the epochs and numbers behind them,
    and the `kerlint check` rules that usually cause them, found in the source when it is known.
    """
    selected, ignored = _codes(select), _codes(ignore)
    if plot_path and len(files) > 1:
        _fail("--plot draws one log: give one FILE")
    if files.count("-") > 1:
        _fail("stdin (-) can be read once")
    if source_path is not None and not os.path.exists(source_path):
        _fail(f"--source {source_path}: no such file or folder")
    if plot_path:
        from .plot import PlotUnavailable, load_pyplot

        try:
            load_pyplot()
        except PlotUnavailable as exc:
            _fail(str(exc))
    checked: dict[str, SourceCheck] = {}
    reports: list[Report | Unreadable] = []
    runner = _runner(click.get_current_context())
    for file in files:
        try:
            reports.append(_report(file, classes, source_path, checked, selected, ignored,
                                   runner))
        except Unreadable as exc:
            reports.append(exc)
    for source in checked.values():
        if source.error:
            click.echo(f"kerlint log: {source.path}: source not checked: {source.error}", err=True)
    _print(reports, output_format, many=len(files) > 1)
    good = [r for r in reports if isinstance(r, Report)]
    if plot_path and good:
        _plot(good[0], plot_path, output_format)
    if len(good) < len(reports):
        sys.exit(2)
    sys.exit(1 if any(r.diags for r in good) and not exit_zero else 0)


def _print(reports: list[Report | Unreadable], output_format: str, many: bool) -> None:
    import json

    if output_format == "json":
        items = [to_dict(r.log, r.diags, source=r.source, joins=r.joins) if isinstance(r, Report)
                 else {"source": "<stdin>" if r.source == "-" else r.source, "error": r.message}
                 for r in reports]
        for r in reports:
            if isinstance(r, Unreadable):
                click.echo(f"kerlint log: {r.message}", err=True)
        if many:
            click.echo(json.dumps(items, indent=2, allow_nan=False))
        elif isinstance(reports[0], Report):
            click.echo(render_json(reports[0].log, reports[0].diags, source=reports[0].source,
                                   joins=reports[0].joins), nl=False)
        return
    ascii_only = _ascii_only()
    first = True
    for r in reports:
        if isinstance(r, Unreadable):
            click.echo(f"kerlint log: {r.message}", err=True)
            continue
        if not first:
            click.echo("")
        click.echo(_text(r, ascii_only), nl=False)
        first = False
    if many:
        done = [r for r in reports if isinstance(r, Report)]
        found = sorted({d.code for r in done for d in r.diags})
        with_problems = sum(1 for r in done if r.diags)
        text = (f"{len(reports)} files: {with_problems} with problems"
                + (f" ({', '.join(found)})" if found else "")
                + f", {len(done) - with_problems} clean")
        if len(done) < len(reports):
            text += f", {len(reports) - len(done)} unreadable"
        click.echo("\n" + text + ".")


def _plot(report: Report, plot_path: str, output_format: str) -> None:
    from .plot import render_plot

    try:
        render_plot(report.log, report.diags, plot_path)
    except OSError as exc:
        _fail(f"cannot write the plot to {plot_path}: {exc.strerror or exc}")
    except Exception as exc:
        _fail(f"cannot draw the plot: {type(exc).__name__}: {exc}")
    if output_format == "text":
        click.echo(f"Plot written to {plot_path}")
