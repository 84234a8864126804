import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerlint.cli import main

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
# the user stories' logs (shared/seeds 000-004), each with <name>.expected.json beside it
SEEDS = Path(__file__).parent.parent / "fixtures" / "logs"


class Result:
    def __init__(self, r):
        self.exit_code = r.exit_code
        self.stdout = r.stdout
        self.stderr = r.stderr
        self.exception = r.exception

    def json(self):
        return json.loads(self.stdout)

    def codes(self):
        return [d["code"] for d in self.json()["diagnostics"]]


@pytest.fixture
def run_log():
    """Invoke `kerlint log ARGS` in-process, through the `kerlint` program (whose `check` and
    `summary` commands --source runs); stdin may be given as bytes."""

    def run(*args, input=None):
        r = CliRunner().invoke(main, ["log", *[str(a) for a in args]], input=input,
                               catch_exceptions=True, env={"KERLINT_DEBUG": "1"})
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        return Result(r)

    return run


@pytest.fixture
def diagnose_file(run_log):
    """The JSON report of a log file, asserting the exit code matches what was found."""

    def run(path, *extra):
        r = run_log(path, "--output-format", "json", *extra)
        assert r.exit_code in (0, 1), r.stderr
        report = r.json()
        assert r.exit_code == (1 if report["diagnostics"] else 0)
        return report

    return run


def by_code(report, code):
    return [d for d in report["diagnostics"] if d["code"] == code]
