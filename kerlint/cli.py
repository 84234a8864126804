"""Command line: ``kerlint check``, ``kerlint rule``, ``kerlint rules``. No analysis here.

The commands are click's, built (and click imported) on first use: ``kerlint check`` with the
options it is run with day to day is read here without click, whose import is a good part of
the start of a warm run or a one-file run. Anything else (help, an unknown option, a value
click checks or would complain about, an option set from the environment) goes to click.
"""

from __future__ import annotations

import os
import sys

from . import __version__
from .report import FORMATS


def _codes(values) -> list[str]:
    from .config import parse_codes

    return parse_codes(values)


def selection(select, ignore, extend_select) -> list[str]:
    """The codes the command line selects with no configuration file (see config.Selection)."""
    from .config import ConfigError, Selection, check_codes, default_codes, known_codes

    try:
        check_codes(list(select) + list(ignore) + list(extend_select), "command line")
    except ConfigError as exc:
        raise _click_part("UsageError")(str(exc)) from None
    layer = Selection(tuple(select) or None, tuple(extend_select), tuple(ignore))
    return sorted(layer.apply(default_codes(), known_codes()))


def _config_error(exc) -> None:
    import click

    click.echo(f"kerlint: error: {exc}", err=True)
    sys.exit(2)


def _guarded(call, passing=()):
    """``call()``. A kerlint bug outside any one file (those are diagnostics) ends the run with
    exit status 2 and one line, not a traceback; KERLINT_DEBUG=1 shows the traceback. An
    interruption, and the exceptions in ``passing``, go on to the caller."""
    try:
        return call()
    except (KeyboardInterrupt, EOFError, *passing):
        raise
    except BrokenPipeError:  # the reader went away (`kerlint check | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("KERLINT_DEBUG"):
            import traceback

            traceback.print_exc()
        sys.stderr.write(f"kerlint: error: internal error: {type(exc).__name__}: {exc}; please report this "
                         "with the command and the files it ran on (KERLINT_DEBUG=1 shows the traceback)\n")
        sys.exit(2)


def check(paths, select, extend_select, ignore, exit_zero, stdin_filename, config_file, isolated,
          extend_exclude, force_exclude, respect_gitignore, fix, unsafe_fixes, fixable, extend_fixable, unfixable,
          diff, fix_only, output_format, statistics, show_fixes, no_cache, cache_dir, exclude, add_noqa,
          show_files, show_settings, output_file, color, verbose, quiet):
    """Lint PATHS (files or directories; default: the current directory). `-` reads stdin."""
    from .config import ConfigError, SettingsResolver, cli_selection, known_codes
    from .fix import FixMode, summary, without_fixes
    from .runner import lint_paths

    if verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="kerlint: %(message)s", stream=sys.stderr)

    fixing = fix or fix_only or diff
    cache = None
    try:
        resolver = SettingsResolver(
            cli_selection(select, extend_select, ignore),
            config=config_file,
            isolated=isolated,
            extend_exclude=[p for v in extend_exclude for p in v.split(",") if p.strip()],
            respect_gitignore=respect_gitignore,
            exclude=[p for v in exclude for p in v.split(",") if p.strip()] if exclude else None,
            fixable=cli_selection(fixable, extend_fixable, unfixable),
        )
        if show_files or show_settings:
            from .showing import show

            sys.exit(show(list(paths) or ["."], resolver, force_exclude, settings=show_settings,
                          cli={"output-format": output_format, "unsafe-fixes": unsafe_fixes, "cache-dir": cache_dir}))
        # The run's own settings come from the configuration of the current directory (or
        # --config); the command line (and its environment variables) wins over it.
        run = resolver.for_run()
        output_format = output_format or run.output_format or "full"
        unsafe_fixes = unsafe_fixes if unsafe_fixes is not None else bool(run.unsafe_fixes)
        unfixable_codes = known_codes() - run.fixable
        fix_mode = None
        if fixing:
            fix_mode = FixMode(unsafe=unsafe_fixes, write=not diff, diff=diff,
                               fixable=run.fixable if unfixable_codes else None)
        if not no_cache and any(p != "-" for p in paths or ["."]):
            cache = _open_cache(cache_dir or run.cache_dir, config_file, isolated)
        results = lint_paths(list(paths) or ["."], None, stdin_filename=stdin_filename, resolver=resolver,
                             force_exclude=force_exclude, fix=fix_mode, cache=cache)
    except ConfigError as exc:
        _config_error(exc)
    if unfixable_codes:
        results = without_fixes(results, unfixable_codes)
    for result in results:
        if result.error:  # a file kerlint could not analyse: said, and not counted as a finding
            sys.stderr.write(f"kerlint: warning: {result.path}: {result.error}\n")
    if not results and "-" not in paths:
        sys.stderr.write("kerlint: warning: No Python files found under the given path(s)\n")
    if add_noqa:
        from .add_noqa import add_noqa as write_noqa

        added, warnings = write_noqa(results)
        for warning in warnings:
            sys.stderr.write(f"kerlint: warning: {warning}\n")
        print(f"Added {added} noqa directive{'s' if added != 1 else ''}.")
        sys.exit(0)
    from .report import TEXT_FORMATS, render, stats

    out = sys.stdout
    if output_file:
        import atexit

        out = open(output_file, "w", encoding="utf-8")
        atexit.register(out.close)
    if fixing:
        out = _fixed_stdin(results, diff) or out
    if diff or fix_only:
        sys.exit(_fix_only_output(results, out, diff=diff, unsafe=unsafe_fixes, exit_zero=exit_zero))
    if statistics:
        stats.render(results, out, fmt=output_format, unsafe=unsafe_fixes)
    else:
        render(output_format, results, out, color=_color(out, color), show_fixes=show_fixes, unsafe=unsafe_fixes)
    count = sum(len(r.reports) for r in results)
    if output_format in TEXT_FORMATS and not quiet:
        if show_fixes:
            _list_fixes(results, out)
        for line in summary(results, fixing=fixing, unsafe=unsafe_fixes, fix_only=False, diff=False):
            out.write(line + "\n")
    sys.exit(0 if exit_zero or count == 0 else 1)


def _open_cache(cache_dir, config_file, isolated):
    """The result cache, and from it the names the pre-scan looks for (so a run whose files
    are all cache hits or pre-scan clears reads no catalog and imports no LibCST)."""
    from . import cache, lint

    opened = cache.Cache.open(cache_dir or cache.default_root(config_file, isolated))
    if opened is not None:
        lint.use_public_names(opened.meta()["public"])
    return opened


def _color(stream, mode: str = "auto") -> bool:
    """Colour on a terminal only; NO_COLOR (any value) turns it off, FORCE_COLOR on; --color
    always / never decides."""
    import os

    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _list_fixes(results, out) -> None:
    """--show-fixes after --fix: what was fixed, per file and code (ruff's layout)."""
    from .codes import CODES

    fixed = [(r.path, r.fix.fixed) for r in results if getattr(r, "fix", None) is not None and r.fix.fixed]
    if not fixed:
        return
    total = sum(sum(c.values()) for _, c in fixed)
    out.write(f"\nFixed {total} error{'s' if total != 1 else ''}:\n")
    for path, counts in fixed:
        out.write(f"- {path}:\n")
        for code, n in sorted(counts.items()):
            out.write(f"    {n} × {code} ({CODES[code].name})\n")
    out.write("\n")


def _fixed_stdin(results, diff):
    """``check --fix -``: the fixed source goes to stdout, so the reports go to stderr."""
    outputs = [r.fix.output for r in results if r.fix is not None and r.fix.output is not None]
    if not outputs or diff:
        return None
    sys.stdout.flush()
    for data in outputs:
        sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return sys.stderr


def _fix_only_output(results, out, *, diff, unsafe, exit_zero) -> int:
    """--diff / --fix-only: the diffs (to stdout), then only what stopped a fix (KER000)."""
    from .fix import summary
    from .lint import FileResult
    from .report import text

    diffs = [r.fix.diff for r in results if r.fix is not None and r.fix.diff]
    for chunk in diffs:
        sys.stdout.write(chunk)
    if diff:
        out = sys.stderr
    errors = [FileResult(r.path, [rep for rep in r.reports if rep.code == "KER000"]) for r in results]
    text.render(errors, out)
    for line in summary(results, fixing=True, unsafe=unsafe, fix_only=True, diff=diff):
        out.write(line + "\n")
    failed = any(r.reports for r in errors)
    return 0 if exit_zero else int(bool(diffs) or failed)


# --- `kerlint check` read without click ----------------------------------------------------
#
# Its options as the click command (in _build) declares them. A run given only these, in the
# forms below, gets from check_params() the arguments click would pass; anything else is left
# to click. tests/test_startup_cli.py holds the two to the same answers.
_FLAGS = {
    "--exit-zero": "exit_zero", "--fix": "fix", "--diff": "diff", "--fix-only": "fix_only", "--isolated": "isolated",
    "--force-exclude": "force_exclude", "--statistics": "statistics", "--show-fixes": "show_fixes",
    "--no-cache": "no_cache", "--add-noqa": "add_noqa", "--show-files": "show_files",
    "--show-settings": "show_settings", "-v": "verbose", "--verbose": "verbose", "-q": "quiet", "--quiet": "quiet",
}
_SWITCHES = {
    "--unsafe-fixes": ("unsafe_fixes", True), "--no-unsafe-fixes": ("unsafe_fixes", False),
    "--respect-gitignore": ("respect_gitignore", True), "--no-respect-gitignore": ("respect_gitignore", False),
}
_LISTS = {
    "--select": "select", "--extend-select": "extend_select", "--ignore": "ignore", "--fixable": "fixable",
    "--extend-fixable": "extend_fixable", "--unfixable": "unfixable", "--extend-exclude": "extend_exclude",
    "--exclude": "exclude",
}
_VALUES = {
    "--stdin-filename": "stdin_filename", "--config": "config_file", "--output-format": "output_format",
    "--cache-dir": "cache_dir", "-o": "output_file", "--output-file": "output_file", "--color": "color",
}
_DEFAULTS = {"color": "auto"}
_CHOICES = {"output_format": FORMATS, "color": ("auto", "always", "never")}
# The click.Path() values, and whether each may name a folder: click looks at what exists.
_PATHS = {"paths": True, "config_file": False, "cache_dir": True, "output_file": False}
_ENVIRONMENT = ("KERLINT_OUTPUT_FORMAT", "KERLINT_NO_CACHE", "KERLINT_CACHE_DIR")


def check_params(args, environ=None) -> dict | None:
    """The arguments of ``check()`` for ``kerlint ARGS`` when it is a ``check`` that needs no
    more of click than reading these options; else None."""
    environ = os.environ if environ is None else environ
    if not args or args[0] != "check" or os.name == "nt":  # click expands wildcards on Windows
        return None
    if any(name in environ for name in _ENVIRONMENT) or any(
            name.startswith("_") and name.endswith("_COMPLETE") for name in environ):  # shell completion
        return None
    params = dict.fromkeys(_FLAGS.values(), False)
    params.update(dict.fromkeys((dest for dest, _ in _SWITCHES.values()), None))
    params.update(dict.fromkeys(_VALUES.values(), None), **_DEFAULTS)
    lists = {dest: [] for dest in _LISTS.values()}
    paths = []
    rest = iter(args[1:])
    for arg in rest:
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        name, equals, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in _FLAGS or name in _SWITCHES:
            if equals:
                return None
            if name in _FLAGS:
                params[_FLAGS[name]] = True
            else:
                dest, on = _SWITCHES[name]
                params[dest] = on
            continue
        dest = _LISTS.get(name) or _VALUES.get(name)
        if dest is None:
            return None
        if not equals:
            value = next(rest, None)
            if value is None:
                return None
        if value.startswith("-"):  # click reads it as the value; rare, and its business
            return None
        if name in _LISTS:
            lists[dest].append(value)
        else:
            params[dest] = value
    params.update({dest: tuple(values) for dest, values in lists.items()}, paths=tuple(paths))
    for dest, choices in _CHOICES.items():
        if params[dest] is not None and params[dest] not in choices:
            return None
    for dest, folder_ok in _PATHS.items():
        values = params[dest] if dest == "paths" else (params[dest],) if params[dest] is not None else ()
        if not all(_plain_path(value, folder_ok) for value in values):
            return None
    return params


def _plain_path(value: str, folder_ok: bool) -> bool:
    """Whether click.Path() takes ``value`` as it is, with nothing to say about it."""
    import stat

    try:
        st = os.stat(value)
    except OSError:
        return True  # not there: fine, as click.Path(exists=False)
    except ValueError:
        return False
    if not folder_ok and stat.S_ISDIR(st.st_mode):
        return False
    return os.access(value, os.R_OK)


def _check_without_click(params) -> None:
    """``kerlint check`` as click's main runs it; an interruption is handed to click to say."""
    try:
        _guarded(lambda: check(**params))
    except (KeyboardInterrupt, EOFError) as exc:
        import click

        caught = exc

        def again():
            raise caught

        click.Command("check", callback=again).main([], prog_name="kerlint check")


# --- the click command line, built on first use ----------------------------------------------

_CLICK: dict = {}
_CLICK_NAMES = ("UsageError", "main", "check_cmd", "server_cmd", "rule_cmd", "rules_cmd", "summary_cmd")


def _click_part(name: str):
    if not _CLICK:
        _CLICK.update(_build())
    return _CLICK[name]


def __getattr__(name: str):
    """``main``, ``UsageError`` and the click commands, built on first use."""
    if name in _CLICK_NAMES:
        return _click_part(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _build() -> dict:
    """The click group and its commands (click imported here, once)."""
    import click

    class UsageError(click.UsageError):
        pass

    class _Main(click.Group):
        """Imports ``kerlint log`` (the training-log analyser, its own package) only when that
        command is run or listed: ``kerlint check`` must start fast."""

        def list_commands(self, ctx):
            return sorted(set(super().list_commands(ctx)) | ({"log"} if _log_command() else set()))

        def get_command(self, ctx, name):
            if name == "log" and name not in self.commands:
                command = _log_command()
                if command is not None:
                    self.add_command(command)
            return super().get_command(ctx, name)

        def invoke(self, ctx):
            """A kerlint bug outside any one file ends the run with one line (see _guarded)."""
            return _guarded(lambda: super(_Main, self).invoke(ctx),
                            (click.exceptions.Exit, click.ClickException, click.Abort))

    @click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="kerlint")
    def main():
        """kerlint: find the mistakes in Keras model code that make training fail silently."""

    @main.command("check")
    @click.argument("paths", nargs=-1, type=click.Path())
    @click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma separated).")
    @click.option("--extend-select", multiple=True, help="Rule codes or prefixes to enable on top of the selection.")
    @click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
    @click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics are found.")
    @click.option("--stdin-filename", default=None, help="The file name to report for source read from stdin (-).")
    @click.option("--fix", is_flag=True, help="Apply the safe fixes (with `-`: print the fixed source).")
    @click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
                  help="Also apply unsafe fixes (and count them as fixable); default: `unsafe-fixes` in the configuration.")
    @click.option("--fixable", multiple=True, help="Codes or prefixes whose fixes --fix may apply (default: ALL).")
    @click.option("--extend-fixable", multiple=True, help="Codes or prefixes to make fixable on top of `fixable`.")
    @click.option("--unfixable", multiple=True, help="Codes or prefixes whose fixes --fix must not apply.")
    @click.option("--diff", is_flag=True,
                  help="Print a diff of what --fix would change and write nothing; exit 1 if anything would change.")
    @click.option("--fix-only", is_flag=True, help="Apply fixes and report nothing that remains.")
    @click.option("--config", "config_file", default=None, type=click.Path(dir_okay=False),
                  help="Use this configuration file for every path instead of the nearest one.")
    @click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
    @click.option("--extend-exclude", multiple=True, help="Path patterns to exclude on top of the configured ones.")
    @click.option("--force-exclude", is_flag=True,
                  help="Apply exclude patterns to files named on the command line too (for pre-commit).")
    @click.option("--respect-gitignore/--no-respect-gitignore", default=None,
                  help="Skip files that .gitignore lists when walking folders (default: on).")
    @click.option("--output-format", type=click.Choice(FORMATS), default=None, envvar="KERLINT_OUTPUT_FORMAT",
                  help="How to print the diagnostics (default: `output-format` in the configuration, else full).")
    @click.option("--statistics", is_flag=True, help="Print the number of diagnostics of each code instead of them.")
    @click.option("--show-fixes", is_flag=True, help="Mark fixable diagnostics [*] and list the fixes applied.")
    @click.option("--no-cache", is_flag=True, envvar="KERLINT_NO_CACHE",
                  help="Neither read nor write the result cache.")
    @click.option("--cache-dir", type=click.Path(), envvar="KERLINT_CACHE_DIR",
                  help="Where to keep the result cache (default: `cache-dir` in the configuration, "
                       "else .kerlint_cache in the project root).")
    @click.option("--exclude", multiple=True, help="Path patterns to exclude, in place of the configured ones.")
    @click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to every line with a diagnostic (idempotent).")
    @click.option("--show-files", is_flag=True, help="List the files kerlint would lint, and exit.")
    @click.option("--show-settings", is_flag=True, help="Show the settings in force for the first file, and exit.")
    @click.option("-o", "--output-file", type=click.Path(dir_okay=False), default=None,
                  help="Write the diagnostics to this file instead of stdout.")
    @click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
                  help="Colour the output: on a terminal (auto), always, or never.")
    @click.option("-v", "--verbose", is_flag=True, help="Say, on stderr, what happens to each file and why.")
    @click.option("-q", "--quiet", is_flag=True, help="Print the diagnostics and nothing else.")
    def check_cmd(**params):
        """Lint PATHS (files or directories; default: the current directory). `-` reads stdin."""
        check(**params)

    @main.command("server")
    def server_cmd():
        """Run the language server (LSP over stdio) for editors; needs `pip install "kerlint[lsp]"`."""
        try:
            from .server import run
        except ImportError as exc:
            click.echo(f"kerlint server needs the lsp extra: pip install \"kerlint[lsp]\" ({exc})", err=True)
            sys.exit(2)
        run()

    @main.command("rule")
    @click.argument("code", required=False)
    @click.option("--all", "all_", is_flag=True, help="Explain every code.")
    @click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
    def rule_cmd(code, all_, output_format):
        """Explain a code (KER101), list the codes a prefix names (KER2), or explain every code
        (--all): the rules, KER000, the `kerlint log` codes and KER900."""
        import json

        from . import codes
        from .report.docs import as_dict, family_listing, text

        if all_ == bool(code):
            raise UsageError("give a rule code, or --all")
        if all_:
            chosen = codes.explain_all()
        elif code.upper() in codes.CODES:
            chosen = [codes.explain(code.upper())]
        else:
            named = [codes.explain(c.code) for c in codes.matching(code.upper())]
            if not named:
                raise UsageError(f"unknown rule code: {code}")
            if output_format == "json":
                click.echo(json.dumps([as_dict(e, full=False) for e in named], indent=2))
            else:
                click.echo(family_listing(named), nl=False)
            return
        if output_format == "json":
            data = [as_dict(e) for e in chosen]
            click.echo(json.dumps(data if all_ else data[0], indent=2))
            return
        click.echo("\n".join(text(e) for e in chosen), nl=False)

    @main.command("rules")
    @click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("--markdown", is_flag=True, help="Print the rules documentation (docs/rules.md).")
    def rules_cmd(output_format, markdown):
        """List every code kerlint prints: code, name, on by default / opt-in / always / log, fix,
        summary."""
        import json

        from .codes import explain_all
        from .report.docs import as_dict, listing, markdown as render_markdown

        if markdown:
            click.echo(render_markdown(), nl=False)
        elif output_format == "json":
            click.echo(json.dumps([as_dict(e, full=False) for e in explain_all()], indent=2))
        else:
            click.echo(listing(explain_all()), nl=False)

    @main.command("summary")
    @click.argument("paths", nargs=-1, type=click.Path())
    @click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
                  help="A table per model (text), or the JSON array whose schema the README gives.")
    @click.option("--stdin-filename", default=None, help="The file name to report for source read from stdin (-).")
    @click.option("--config", "config_file", default=None, type=click.Path(dir_okay=False),
                  help="Use this configuration file for every path instead of the nearest one.")
    @click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
    @click.option("--extend-exclude", multiple=True, help="Path patterns to exclude on top of the configured ones.")
    @click.option("--force-exclude", is_flag=True, help="Apply exclude patterns to files named on the command line too.")
    @click.option("--respect-gitignore/--no-respect-gitignore", default=None,
                  help="Skip files that .gitignore lists when walking folders (default: on).")
    def summary_cmd(paths, output_format, stdin_filename, config_file, isolated, extend_exclude, force_exclude,
                    respect_gitignore):
        """Show each model in PATHS as kerlint sees it: layers, output shapes, parameter counts,
        compiles and fits, and the compile()/fit() calls it cannot follow. `-` reads stdin."""
        import json
        import os
        from pathlib import Path

        from .config import ConfigError, SettingsResolver, cli_selection
        from .runner import _display, discover_files
        from .source import from_bytes, read_file
        from .summary import render_text, summarize_source

        try:
            resolver = SettingsResolver(
                cli_selection((), (), ()),
                config=config_file,
                isolated=isolated,
                extend_exclude=[p for v in extend_exclude for p in v.split(",") if p.strip()],
                respect_gitignore=respect_gitignore,
            )
            sources = []
            for raw in list(paths) or ["."]:
                if raw == "-":
                    if stdin_filename and force_exclude:
                        settings = resolver.for_path(Path(stdin_filename).parent)
                        if settings.excluded(stdin_filename):
                            continue
                    sources.append(from_bytes(sys.stdin.buffer.read(), stdin_filename or "-"))
                    continue
                sources.extend(read_file(path, _display(path)) for path in sorted(discover_files(raw, resolver, force_exclude)))
        except ConfigError as exc:
            _config_error(exc)
        entries = []
        for source in sources:
            try:
                found, notice = summarize_source(source)
            except Exception as exc:  # noqa: BLE001 - one file must not stop the run
                if os.environ.get("KERLINT_DEBUG"):
                    raise
                found, notice = [], f"internal error in kerlint (summary): {type(exc).__name__}: {exc}"
            if notice:
                sys.stderr.write(f"kerlint: warning: {source.name}: {notice}\n")
            entries.extend(found)
        if output_format == "json":
            click.echo(json.dumps(entries, indent=2))
        else:
            click.echo(render_text(entries), nl=False)

    return {"UsageError": UsageError, "main": main, "check_cmd": check_cmd, "server_cmd": server_cmd,
            "rule_cmd": rule_cmd, "rules_cmd": rules_cmd, "summary_cmd": summary_cmd}


def _log_command():
    try:
        from .logs.cli import log
    except ImportError:  # pragma: no cover - only while the package is absent
        return None
    return log


def run() -> None:
    """The ``kerlint`` program (console script and ``python -m kerlint``): the command line in
    a process of its own, whose garbage collector kerlint may tune (``lint.own_collector``)."""
    from .lint import own_collector

    own_collector()
    params = check_params(sys.argv[1:])
    if params is not None:
        _check_without_click(params)
    else:
        _click_part("main")()
