"""``--fix`` killed at random moments (SIGKILL, the whole process group, workers too) leaves
every file with its old content or its new one: never partial, never empty."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")

MODEL = '''
def build_{i}(n_classes={n}):
    model = keras.Sequential([
        keras.Input(shape=(20,)),
        keras.layers.Dense(64, activation="relu"),  # hidden {i}
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(lr=0.001), metrics=["accuracy"])
    model.fit_generator(train_gen, steps_per_epoch=100, epochs=5)
    return model
'''
FILES = 20
MODELS_PER_FILE = 18


def _project(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    out = {}
    for f in range(FILES):
        text = "import keras\n" + "".join(MODEL.format(i=i, n=3 + i % 5) for i in range(MODELS_PER_FILE))
        if f % 3 == 1:
            text = text.replace("\n", "\r\n")  # the bytes written must keep them
        data = text.encode()
        name = f"m{f:02d}.py"
        (folder / name).write_bytes(data)
        out[name] = data
    return out


def _start(folder: Path):
    return subprocess.Popen(
        [sys.executable, "-m", "kerlint", "check", "--fix", "--unsafe-fixes", "--no-cache", "--isolated",
         "--exit-zero", "--output-format", "concise", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def _kill(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)
    # The workers are in the group too; give the kernel a moment to reap them all.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


def test_sigkill_during_fix_leaves_each_file_old_or_new(tmp_path):
    originals = _project(tmp_path / "reference")
    start = time.monotonic()
    proc = _start(tmp_path / "reference")
    assert proc.wait(timeout=300) == 0
    full = time.monotonic() - start
    fixed = {name: (tmp_path / "reference" / name).read_bytes() for name in originals}
    assert all(fixed[name] != originals[name] for name in originals)  # every file has fixes

    rng = random.Random(20240611)
    states = []
    for trial in range(6):
        folder = tmp_path / f"trial{trial}"
        shutil.copytree(tmp_path / "reference", folder)
        for name, data in originals.items():
            (folder / name).write_bytes(data)
        proc = _start(folder)
        if trial % 2 == 0:
            time.sleep(rng.uniform(0.05, full))  # anywhere in the run
        else:
            # Right after the first file is written: the run is in the middle of its writes.
            deadline = time.monotonic() + full * 3
            while time.monotonic() < deadline and proc.poll() is None:
                if any((folder / name).read_bytes() != originals[name] for name in originals):
                    break
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))
        _kill(proc)
        new = 0
        for name in originals:
            data = (folder / name).read_bytes()
            assert data in (originals[name], fixed[name]), f"trial {trial}: {name} is neither old nor new"
            new += data == fixed[name]
        assert sorted(p.name for p in folder.iterdir() if p.suffix == ".py") == sorted(originals)
        # A write killed between creating its temporary file and the rename leaves that file
        # (".m00.py.XXXX.kerlint.tmp", never linted); nothing else appears.
        others = [p.name for p in folder.iterdir() if p.name not in originals]
        assert all(n.startswith(".") and n.endswith(".kerlint.tmp") for n in others), others
        states.append((new, len(others)))
    # The kills landed before, during and after the writes (the state of each run, for the log).
    print("(files fixed, temporary files left) when killed:", states, f"of {FILES}; a full run takes {full:.1f} s")
