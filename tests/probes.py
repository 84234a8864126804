"""Running kerlint in a fresh process that reports, on its last line of stderr, whether it
imported LibCST (``LIBCST=True`` / ``LIBCST=False``): a cache hit must not."""

from __future__ import annotations

import subprocess
import sys

_PROBE = (
    "import sys\n"
    "from kerlint.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "finally:\n"
    "    sys.stderr.write('LIBCST=%s\\n' % any(m.split('.')[0] == 'libcst' for m in sys.modules))\n"
)


def run_reporting_libcst(*args, cwd) -> subprocess.CompletedProcess:
    """``kerlint ARGS`` in ``cwd``; its stderr ends with whether LibCST was imported."""
    return subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)
