"""Regenerate the real-Keras training logs under tests/logs/data/real/.

Run by hand with a Python that has tensorflow-cpu installed (about a minute of CPU):

    python tests/logs/data/make_real_logs.py [OUT_DIR [SCENARIO...]]

The models and the capture are those of tests/logs/keras_training.py, which the suite also
trains (test_log_real_training.py); the committed copies let the fast tests run without
TensorFlow. Each file is one model's run in its own process, so it starts with TensorFlow's
start-up lines like a user's log: verbose=1 captured from a pseudo-terminal (Keras's real \\r/\\b
redraws and ANSI colours), verbose=2 through a pipe with stderr merged, the CSVLogger file and
the History.history dump.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.logs.keras_training import SCENARIOS, train  # noqa: E402


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "real"
    out.mkdir(exist_ok=True)
    only = sys.argv[2:]  # scenario names: regenerate only these
    for scenario in SCENARIOS:
        if only and scenario not in only:
            continue
        for variant in ("buggy", "fixed"):
            name = f"{scenario}_{variant}"
            (out / f"{name}_v1.txt").write_bytes(train([name], 1)[name])
            (out / f"{name}_v2.txt").write_bytes(train([name], 2, out_dir=str(out))[name])
            print("wrote", name)


if __name__ == "__main__":
    main()
