"""Train the tiny buggy and fixed models behind the real-Keras logs and capture their console.

Used by test_log_real.py (which trains them in the suite) and by data/make_real_logs.py (which
wrote the committed copies in data/real/). The training runs in a subprocess, TensorFlow on the
CPU, seeds fixed: verbose=1 under a pseudo-terminal, so Keras draws its progress bar with the
\\r/\\b redraws and ANSI colours a user's terminal gets; verbose=2 through a pipe with stderr
merged, as `python train.py 2>&1 | tee train.log` records it.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

SCENARIOS = ("ker101", "ker304", "ker103", "overfit", "chance5", "logits5")

# Printed on its own line before each run when one process trains several models; the capture
# is cut there, so each run gets exactly the bytes its fit() wrote.
MARK = "@@kerlint-log-run"

TRAIN = r'''
import os, sys, json
import numpy as np
import keras
from keras import layers

MARK = sys.argv[1]
verbose = int(sys.argv[2])


def train(scenario, variant, epochs=None):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    buggy = variant == "buggy"
    callbacks = []
    if scenario == "ker101":
        # seed 000's fault: a linear output fed to CategoricalCrossentropy() without from_logits
        x = rng.normal(size=(1200, 20)).astype("float32")
        w = rng.normal(size=(20, 3))
        y = keras.utils.to_categorical(np.argmax(x @ w, axis=1), 3)
        # (the layers are made in this order: the seeded initial weights depend on it)
        model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"),
                                  layers.Dense(3) if buggy
                                  else layers.Dense(3, activation="softmax")])
        model.compile(loss=keras.losses.CategoricalCrossentropy(),
                      optimizer=keras.optimizers.Adam(1e-3), metrics=["accuracy"])
        fit = dict(epochs=10, batch_size=32, validation_split=0.1)
    elif scenario == "ker304":
        # learning rate far too high for Adam
        x = rng.normal(size=(1200, 20)).astype("float32")
        y = (x[:, :5].sum(axis=1) + 0.5 * rng.normal(size=1200) > 0).astype("float32")
        model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"),
                                  layers.Dense(64, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy",
                      optimizer=keras.optimizers.Adam(learning_rate=5.0 if buggy else 1e-3),
                      metrics=["accuracy"])
        fit = dict(epochs=10, batch_size=32, validation_split=0.2)
    elif scenario == "ker103":
        # softmax over a single unit: the output is always 1.0
        x = rng.normal(size=(1000, 10)).astype("float32")
        y = (x[:, 0] + 0.3 * rng.normal(size=1000) > 0.6).astype("float32")
        model = keras.Sequential([keras.Input((10,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(1, activation="softmax" if buggy else "sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
        fit = dict(epochs=8, batch_size=32, validation_split=0.2)
    elif scenario == "overfit":
        # few noisy samples, a big model: val_loss turns up while the training loss keeps falling
        x = rng.normal(size=(300, 30)).astype("float32")
        y = (x[:, 0] + 1.5 * rng.normal(size=300) > 0).astype("float32")
        model = keras.Sequential([keras.Input((30,)), layers.Dense(256, activation="relu"),
                                  layers.Dense(256, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(3e-3),
                      metrics=["accuracy"])
        fit = dict(epochs=25, batch_size=32, validation_split=0.3)
        if not buggy:
            callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3,
                                                       restore_best_weights=True, verbose=1)]
    elif scenario in ("chance5", "logits5"):
        # issue 22: a linear Dense(5) head under a probability loss; the model.summary() a user
        # prints before training tells `kerlint log` the 5 classes
        x = rng.normal(size=(1200, 20)).astype("float32")
        w = rng.normal(size=(20, 5))
        y = np.argmax(x @ w, axis=1)
        if scenario == "chance5":
            # sparse crossentropy: accuracy at chance (0.2) while the loss stays above ln 5
            model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(5) if buggy
                                      else layers.Dense(5, activation="softmax")])
            loss = "sparse_categorical_crossentropy"
        else:
            # categorical crossentropy: the loss stays near 3.5 x ln 5 from epoch 1 (the output
            # layer is made first: the seeded initial weights depend on the order)
            out = layers.Dense(5) if buggy else layers.Dense(5, activation="softmax")
            hidden = layers.Dense(64, activation="relu")
            model = keras.Sequential([keras.Input((20,)), hidden, out])
            y = keras.utils.to_categorical(y, 5)
            loss = "categorical_crossentropy"
        model.compile(loss=loss, optimizer=keras.optimizers.Adam(1e-3), metrics=["accuracy"])
        model.summary()
        fit = dict(epochs=12, batch_size=32, validation_split=0.2)
    else:
        raise SystemExit("unknown scenario " + scenario)

    if epochs:  # the suite stops some runs once their signature is complete
        fit["epochs"] = int(epochs)
    name = scenario + "_" + variant
    out = os.environ.get("KLOG_DIR")
    if out:
        callbacks.append(keras.callbacks.CSVLogger(os.path.join(out, name + ".csv")))
    history = model.fit(x, y, verbose=verbose, shuffle=True, callbacks=callbacks, **fit)
    if out:
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump({k: [float(v) for v in vs] for k, vs in history.history.items()}, f,
                      indent=1)


for run in sys.argv[3:]:
    sys.stdout.flush()
    sys.stderr.flush()
    print(MARK, run, flush=True)
    train(*run.split("_"))
sys.stdout.flush()
'''

ENV = {
    "CUDA_VISIBLE_DEVICES": "-1",  # CPU only, whatever the machine has
    "TF_CPP_MIN_LOG_LEVEL": "0",  # keep TensorFlow's log lines: users' logs have them
    "PYTHONHASHSEED": "0",
    "PYTHONUNBUFFERED": "1",
}


def _on_terminal(args: list[str], env: dict[str, str], timeout: float) -> bytes:
    """What a terminal receives from ``args`` (stdout and stderr on one pseudo-terminal)."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env,
                            close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                raise TimeoutError(f"training did not finish in {timeout:.0f} s")
            ready, _, _ = select.select([master], [], [], min(left, 1.0))
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        proc.wait()
    if proc.returncode:
        raise RuntimeError(f"training exited {proc.returncode}:\n"
                           + b"".join(chunks)[-3000:].decode(errors="replace"))
    return b"".join(chunks)


def _through_pipe(args: list[str], env: dict[str, str], timeout: float) -> bytes:
    proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=env, timeout=timeout)
    if proc.returncode:
        raise RuntimeError(f"training exited {proc.returncode}:\n"
                           + proc.stdout[-3000:].decode(errors="replace"))
    return proc.stdout


def split_runs(data: bytes) -> dict[str, bytes]:
    """Cut a capture at the marks; what came before the first mark (TensorFlow's start-up lines)
    stays with the first run, as it would in a log of that run alone."""
    mark = MARK.encode()
    head, *parts = data.split(mark + b" ")
    runs = {}
    for i, part in enumerate(parts):
        name, _, body = part.partition(b"\n")
        name = name.strip(b"\r ").decode()
        runs[name] = (head if i == 0 else b"") + body
    return runs


def train(runs: list[str], verbose: int, *, python: str = sys.executable,
          out_dir: str | None = None, timeout: float = 300) -> dict[str, bytes]:
    """Train ``runs`` (names like "ker101_buggy") in one subprocess; their console output."""
    env = dict(os.environ, **ENV)
    if out_dir:
        env["KLOG_DIR"] = out_dir
    args = [python, "-c", TRAIN, MARK, str(verbose), *runs]
    capture = _on_terminal if verbose == 1 else _through_pipe
    return split_runs(capture(args, env, timeout))
