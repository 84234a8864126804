"""Regenerate the real-Keras training logs under tests/logs/data/real/.

Not run by the test suite (it needs TensorFlow and takes about a minute); run by hand with a
Python that has tensorflow-cpu installed:

    python tests/logs/data/make_real_logs.py

Each scenario trains a buggy model and its fixed version on tiny synthetic data with fixed seeds.
verbose=1 runs under a pseudo-terminal so the log keeps Keras's real \\r/\\b redraws and ANSI
colours; verbose=2 runs through a plain pipe. The committed files are the captured bytes.
"""

import os
import pty
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).parent / "real"

TRAIN = r'''
import os, sys, json
import numpy as np
import keras
from keras import layers

scenario, variant, verbose = sys.argv[1], sys.argv[2], int(sys.argv[3])
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
buggy = variant == "buggy"
callbacks = []

if scenario == "ker101":
    # seed 000's fault: a linear output fed to CategoricalCrossentropy() without from_logits
    x = rng.normal(size=(1200, 20)).astype("float32")
    w = rng.normal(size=(20, 3))
    y = keras.utils.to_categorical(np.argmax(x @ w, axis=1), 3)
    model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"),
                              layers.Dense(3) if buggy else layers.Dense(3, activation="softmax")])
    model.compile(loss=keras.losses.CategoricalCrossentropy(), optimizer=keras.optimizers.Adam(1e-3),
                  metrics=["accuracy"])
    fit = dict(epochs=10, batch_size=32, validation_split=0.1)
elif scenario == "ker304":
    # learning rate far too high for Adam
    x = rng.normal(size=(1200, 20)).astype("float32")
    y = (x[:, :5].sum(axis=1) + 0.5 * rng.normal(size=1200) > 0).astype("float32")
    model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"),
                              layers.Dense(64, activation="relu"), layers.Dense(1, activation="sigmoid")])
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
                              layers.Dense(256, activation="relu"), layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(3e-3), metrics=["accuracy"])
    fit = dict(epochs=25, batch_size=32, validation_split=0.3)
    if not buggy:
        callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3,
                                                   restore_best_weights=True, verbose=1)]
else:
    raise SystemExit("unknown scenario " + scenario)

if os.environ.get("KLOG_CSV"):
    callbacks.append(keras.callbacks.CSVLogger(os.environ["KLOG_CSV"]))
history = model.fit(x, y, verbose=verbose, shuffle=True, callbacks=callbacks, **fit)
if os.environ.get("KLOG_JSON"):
    with open(os.environ["KLOG_JSON"], "w") as f:
        json.dump({k: [float(v) for v in vs] for k, vs in history.history.items()}, f, indent=1)
'''


def run_tty(args, env):
    chunks = []

    def read(fd):
        data = os.read(fd, 4096)
        chunks.append(data)
        return data

    old = os.environ.copy()
    os.environ.update(env)
    try:
        pty.spawn(args, read)
    finally:
        os.environ.clear()
        os.environ.update(old)
    return b"".join(chunks)


def main():
    OUT.mkdir(exist_ok=True)
    script = OUT / "_train.py"
    script.write_text(TRAIN)
    try:
        for scenario in ("ker101", "ker304", "ker103", "overfit"):
            for variant in ("buggy", "fixed"):
                base = OUT / f"{scenario}_{variant}"
                env = {"TF_CPP_MIN_LOG_LEVEL": "0"}
                data = run_tty([sys.executable, str(script), scenario, variant, "1"], env)
                Path(f"{base}_v1.txt").write_bytes(data)
                env2 = dict(os.environ, **env, KLOG_CSV=f"{base}.csv", KLOG_JSON=f"{base}.json")
                proc = subprocess.run([sys.executable, str(script), scenario, variant, "2"],
                                      env=env2, capture_output=True, check=True)
                # TF noise goes to stderr; interleave it ahead of the epochs as a terminal shows it
                Path(f"{base}_v2.txt").write_bytes(proc.stderr + proc.stdout)
                print("wrote", base.name)
    finally:
        script.unlink()


if __name__ == "__main__":
    main()
