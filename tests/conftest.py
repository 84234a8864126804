import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def run_kerlint(*args, input=None, cwd=None, env=None):
    """Run the real command line in a subprocess, as a user would."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kerlint", *args],
        input=input,
        capture_output=True,
        text=isinstance(input, str) or input is None,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


@pytest.fixture
def kerlint():
    return run_kerlint
