"""Benchmark kerlint against the LibCST parse floor, flake8, Fixit and ruff on real Keras code.

    python tools/bench.py                 # set up (first time), run, print the table, write JSON
    python tools/bench.py --reps 3 --quick

Everything it downloads or builds lives outside the repository, in ``--work`` (default
``~/.cache/kerlint-bench``, or ``$KERLINT_BENCH_DIR``):

- ``venv/``: its own virtualenv with flake8, Fixit, ruff, LibCST and click (kerlint itself is
  run from a snapshot of this checkout's ``kerlint/`` on ``PYTHONPATH``, with that LibCST);
- ``downloads/`` and ``corpus/real/``: registry packages fetched with ``pip download --no-deps``
  and their ``.py`` files unpacked;
- ``corpus/generated/``: Keras-heavy files generated from a fixed seed (a known size);
- ``corpus/project/`` and ``corpus/project-concatenated/``: a generated project (a ``.git``
  root; 50 model modules in a ``models/`` package, some importing its ``layers_lib`` or
  ``losses``; 150 training scripts in ``train/``, each importing 3 of them) and its twin, where
  each script holds the code of the modules it imports pasted in and no project import;
- ``large/``: one big generated file per shape and size, for the large-file case (outside
  ``corpus/``, which other sweeps lint whole);
- ``results/``: one JSON file per run, and ``latest.json``.

The ``large`` case (``--large-only`` runs it alone; ``--skip large`` leaves it out) measures
time and peak memory per MB of one file, to choose ``MAX_SOURCE_CHARS`` (docs/performance.md).

The ``project`` cases (``--skip project`` leaves them out) measure the cost of following
imports: kerlint cold on the project's ``train/`` against the same on the twin (target: at
most 1.5 times), and the two must give the same diagnostics per file and code.

Each repetition runs every case once, in an order rotated from one repetition to the next, so
that load from elsewhere falls on all of them alike. Times are wall-clock medians; peak memory
is the largest resident set of any one process of the run (the main process or a worker).
"""

from __future__ import annotations

import argparse
import compileall
import collections
import datetime
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ["keras==3.15.1", "keras-hub==0.32.0", "tf-models-official==2.20.0"]
QUICK_PACKAGES = ["keras==3.15.1"]
TOOLS = ["flake8==7.5.0", "fixit==2.2.1", "ruff==0.17.6", "libcst==1.9.0", "click"]
GENERATED_FILES = 400
SEED = 8

# The files kerlint lints: those over its size limit (argv[2], characters) are skipped by both.
FLOOR = r"""
import sys, libcst
files = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8")]
limit = float(sys.argv[2])
failed = skipped = 0
for name in files:
    with open(name, "rb") as fh:
        data = fh.read()
    if len(data) > limit and len(data.decode("utf-8", "replace")) > limit:
        skipped += 1
        continue
    try:
        libcst.parse_module(data)
    except Exception:
        failed += 1
print(f"parsed {len(files) - failed - skipped} files, {failed} failed, {skipped} over the size limit")
"""

ONE_FLOOR = "import sys, libcst; libcst.parse_module(open(sys.argv[1], 'rb').read())"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- setting up ---------------------------------------------------------------------------


def venv_python(work: Path) -> Path:
    return work / "venv" / "bin" / "python"


def ensure_venv(work: Path) -> Path:
    python = venv_python(work)
    marker = work / "venv" / "kerlint-bench-tools.txt"
    if not python.exists():
        log(f"creating {work / 'venv'}")
        subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    if not marker.exists() or marker.read_text() != "\n".join(TOOLS):
        log("installing " + " ".join(TOOLS))
        subprocess.run([str(python), "-m", "pip", "install", "-q", *TOOLS], check=True)
        marker.write_text("\n".join(TOOLS))
    return python


def ensure_real_corpus(work: Path, python: Path, packages) -> Path:
    downloads = work / "downloads"
    real = work / "corpus" / "real"
    downloads.mkdir(parents=True, exist_ok=True)
    for spec in packages:
        name = spec.split("==")[0]
        target = real / name
        if (target / ".done").exists():
            continue
        before = set(downloads.iterdir())
        log(f"downloading {spec}")
        subprocess.run([str(python), "-m", "pip", "download", "-q", "--no-deps", "-d", str(downloads), spec],
                       check=True)
        archives = [p for p in downloads.iterdir() if _dist_name(p.name) == _norm(name)]
        new = [p for p in archives if p not in before] or archives
        archive = sorted(new)[-1]
        if target.exists():
            shutil.rmtree(target)
        _unpack_py(archive, target)
        (target / ".done").write_text(archive.name)
    return real


def _norm(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _dist_name(filename: str) -> str:
    stem = filename
    for suffix in (".whl", ".tar.gz", ".zip"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return _norm(stem.split("-")[0])


def _unpack_py(archive: Path, target: Path) -> None:
    """Only the ``.py`` files: the corpus is what a linter of Python source reads."""
    target.mkdir(parents=True)
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                if info.filename.endswith(".py") and ".." not in info.filename.split("/"):
                    out = target / info.filename
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(z.read(info))
    else:
        with tarfile.open(archive) as t:
            for member in t.getmembers():
                if member.isfile() and member.name.endswith(".py") and ".." not in member.name.split("/"):
                    out = target / member.name
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(t.extractfile(member).read())


# -- the generated corpus -------------------------------------------------------------------

_LAYERS = [
    'layers.Dense({n}, activation="relu")',
    "layers.Dropout({r})",
    'layers.Conv2D({n}, 3, activation="relu", padding="same")',
    "layers.MaxPooling2D()",
    "layers.BatchNormalization()",
    'layers.Dense({n}, activation="tanh")',
]
_HEADS = [
    ('layers.Dense({k}, activation="softmax")', '"categorical_crossentropy"'),
    ('layers.Dense({k})', '"sparse_categorical_crossentropy"'),  # logits into a probability loss
    ('layers.Dense(1, activation="sigmoid")', '"binary_crossentropy"'),
    ('layers.Dense({k}, activation="sigmoid")', '"categorical_crossentropy"'),
    ('layers.Dense({k})', 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)'),
]


def _model_function(rnd: random.Random, i: int) -> str:
    size = rnd.choice([28, 32, 64])
    head, loss = rnd.choice(_HEADS)
    k = rnd.choice([3, 5, 10, 100])
    body = []
    if rnd.random() < 0.5:
        body.append(f"    inputs = keras.Input(shape=({size}, {size}, 3))")
        body.append("    x = inputs")
        for _ in range(rnd.randint(2, 6)):
            layer = rnd.choice(_LAYERS).format(n=rnd.choice([16, 32, 64, 128]), r=rnd.choice([0.1, 0.25, 0.5]))
            body.append(f"    x = {layer}(x)")
        body.append("    x = layers.Flatten()(x)")
        body.append(f"    outputs = {head.format(k=k)}(x)")
        body.append(f'    model = keras.Model(inputs, outputs, name="model_{i}")')
    else:
        body.append("    model = keras.Sequential([")
        body.append(f"        keras.Input(shape=({size}, {size}, 3)),")
        for _ in range(rnd.randint(2, 6)):
            layer = rnd.choice(_LAYERS).format(n=rnd.choice([16, 32, 64, 128]), r=rnd.choice([0.1, 0.25, 0.5]))
            body.append(f"        {layer},")
        body.append("        layers.Flatten(),")
        body.append(f"        {head.format(k=k)},")
        body.append("    ])")
    lr = rnd.choice(["1e-3", "3e-4", "0.01"])
    body.append(f"    model.compile(optimizer=keras.optimizers.Adam(learning_rate={lr}), loss={loss},")
    body.append('                  metrics=["accuracy"])')
    if rnd.random() < 0.5:
        body.append("    model.fit(x_train, y_train, epochs=10, batch_size=32, validation_split=0.1)")
    else:
        body.append("    model.fit(x_train, y_train, epochs=10)")
    body.append("    return model")
    return f"def build_model_{i}(x_train, y_train):\n" + "\n".join(body) + "\n"


def _helper_function(rnd: random.Random, i: int) -> str:
    return (
        f"def preprocess_{i}(images, labels, scale={rnd.choice([255.0, 127.5])}):\n"
        f'    """Scale and shuffle batch {i}."""\n'
        "    images = np.asarray(images, dtype=np.float32) / scale\n"
        "    order = np.random.permutation(len(images))\n"
        "    return images[order], labels[order]\n"
    )


def generate_corpus(folder: Path, count: int) -> dict:
    """``count`` files of 4 model-building and 4 helper functions each, from a fixed seed."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / ".done"
    if stamp.exists() and stamp.read_text() == str(count):
        return _stats(sorted(folder.rglob("*.py")))
    for old in folder.glob("*.py"):
        old.unlink()
    rnd = random.Random(SEED)
    for n in range(count):
        parts = ['"""Generated Keras training script (kerlint benchmark)."""', "",
                 "import numpy as np", "import keras", "from keras import layers", ""]
        for j in range(4):
            parts.append(_model_function(rnd, 4 * n + j))
            parts.append(_helper_function(rnd, 4 * n + j))
        (folder / f"train_{n:04d}.py").write_text("\n\n".join(parts))
    stamp.write_text(str(count))
    return _stats(sorted(folder.rglob("*.py")))


# -- the project corpus: the cost of following imports ---------------------------------------

PROJECT_MODELS = 50
PROJECT_SCRIPTS = 150
PROJECT_IMPORTS = 3  # model modules each training script imports

_KERAS_IMPORTS = ["import keras", "from keras import layers"]
_SHARED = {
    "layers_lib": '''def conv_block(x, filters, pool=True):
    """Convolution, normalization and (by default) pooling."""
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.BatchNormalization()(x)
    if pool:
        x = layers.MaxPooling2D()(x)
    return x


def dense_block(x, units, rate=0.25):
    """A hidden Dense layer and its dropout."""
    x = layers.Dense(units, activation="relu")(x)
    return layers.Dropout(rate)(x)
''',
    "losses": '''def sparse_logits():
    """Integer labels and a linear head."""
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def smoothed(smoothing=0.1):
    """One-hot labels and a softmax head."""
    return keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)


def binary():
    """One sigmoid unit."""
    return keras.losses.BinaryCrossentropy()
''',
}
_HEAD_LAYER = {"softmax": 'layers.Dense(classes, activation="softmax")', "logits": "layers.Dense(classes)",
               "sigmoid": 'layers.Dense(1, activation="sigmoid")'}
_SHARED_LOSS = {"softmax": "smoothed", "logits": "sparse_logits", "sigmoid": "binary"}
# Losses a training script compiles a head with: (text, needs ``import keras``). The wrong
# ones are faults found only by reading the imported module (KER101, 102, 105, 106, 108, 109).
_GOOD_LOSSES = {
    "softmax": [('"categorical_crossentropy"', False), ("keras.losses.CategoricalCrossentropy()", True)],
    "logits": [("keras.losses.SparseCategoricalCrossentropy(from_logits=True)", True)],
    "sigmoid": [('"binary_crossentropy"', False), ("keras.losses.BinaryCrossentropy()", True)],
}
_BAD_LOSSES = {
    "softmax": [('"binary_crossentropy"', False), ('"mse"', False),
                ("keras.losses.SparseCategoricalCrossentropy(from_logits=True)", True)],
    "logits": [('"sparse_categorical_crossentropy"', False), ('"categorical_crossentropy"', False)],
    "sigmoid": [('"categorical_crossentropy"', False), ('"sparse_categorical_crossentropy"', False)],
}


def _model_module(rnd: random.Random, m: int) -> dict:
    """``models/m_XX.py``: 1-3 builders (functional, Sequential, a subclassed keras.Model), some
    with a custom Layer, some built from ``layers_lib`` or giving a loss from ``losses``. Each
    is clean on its own: every fault of the corpus is completed by a training script."""
    tag = f"{m:02d}"
    lib = rnd.random() < 0.4
    block = rnd.random() < 0.3
    side, channels = rnd.choice([28, 32, 64]), rnd.choice([1, 3])
    body = [f"SHAPE_{tag} = ({side}, {side}, {channels})\n"]
    project_imports = ["from .layers_lib import conv_block, dense_block"] if lib else []
    if block:
        body.append(
            f"class Block{tag}(layers.Layer):\n"
            '    """Dense, then dropout."""\n\n'
            "    def __init__(self, units, rate=0.1, **kwargs):\n"
            "        super().__init__(**kwargs)\n"
            '        self.dense = layers.Dense(units, activation="relu")\n'
            "        self.drop = layers.Dropout(rate)\n\n"
            "    def call(self, inputs, training=False):\n"
            "        return self.drop(self.dense(inputs), training=training)\n")
    builders = []
    for letter in "abc"[: rnd.randint(1, 3)]:
        name, head = f"build_{tag}{letter}", rnd.choice(list(_HEAD_LAYER))
        params, out = ("" if head == "sigmoid" else "classes=10"), _HEAD_LAYER[head]
        filters = rnd.sample([16, 32, 64, 128], 3)
        kind = rnd.choice(["functional", "functional", "sequential", "subclassed"])
        if kind == "functional":
            lines = [f"def {name}({params}):", f"    inputs = keras.Input(shape=SHAPE_{tag})", "    x = inputs"]
            for f in filters[: rnd.randint(1, 3)]:
                if lib:
                    lines.append(f"    x = conv_block(x, {f})")
                else:
                    lines.append(f'    x = layers.Conv2D({f}, 3, activation="relu", padding="same")(x)')
                    lines.append("    x = layers.MaxPooling2D()(x)")
            lines.append(f"    x = layers.{rnd.choice(['Flatten', 'GlobalAveragePooling2D'])}()(x)")
            units = rnd.choice([64, 128, 256])
            if block:
                lines.append(f"    x = Block{tag}({units})(x)")
            elif lib:
                lines.append(f"    x = dense_block(x, {units}, rate={rnd.choice([0.1, 0.25, 0.5])})")
            else:
                lines.append(f'    x = layers.Dense({units}, activation="relu")(x)')
            lines.append(f"    outputs = {out}(x)")
            lines.append(f'    return keras.Model(inputs, outputs, name="m{tag}_{letter}")')
        elif kind == "sequential":
            lines = [f"def {name}({params}):", "    return keras.Sequential([", f"        keras.Input(shape=SHAPE_{tag}),"]
            for f in filters[: rnd.randint(1, 3)]:
                lines.append(f'        layers.Conv2D({f}, 3, activation="relu", padding="same"),')
                lines.append("        layers.MaxPooling2D(),")
            lines += ["        layers.Flatten(),", f'        layers.Dense({rnd.choice([64, 128])}, activation="relu"),',
                      f"        layers.Dropout({rnd.choice([0.1, 0.25, 0.5])}),", f"        {out},",
                      f'    ], name="m{tag}_{letter}")']
        else:
            cls = f"Net{tag}{letter}"
            init = "self, **kwargs" if head == "sigmoid" else "self, classes=10, **kwargs"
            body.append(
                f"class {cls}(keras.Model):\n"
                '    """A small subclassed classifier."""\n\n'
                f"    def __init__({init}):\n"
                "        super().__init__(**kwargs)\n"
                f'        self.conv = layers.Conv2D({filters[0]}, 3, activation="relu")\n'
                "        self.pool = layers.GlobalAveragePooling2D()\n"
                f'        self.hidden = layers.Dense({rnd.choice([64, 128])}, activation="relu")\n'
                f"        self.head = {out}\n\n"
                "    def call(self, inputs, training=False):\n"
                "        x = self.pool(self.conv(inputs))\n"
                "        return self.head(self.hidden(x))\n")
            lines = [f"def {name}({params}):", f"    return {cls}({'' if head == 'sigmoid' else 'classes'})"]
        body.append("\n".join(lines) + "\n")
        builders.append((name, head))
    loss_fn = None
    if rnd.random() < 0.3:
        project_imports.append("from . import losses")
        loss_fn = f"loss_{tag}"
        body.append(f"def {loss_fn}():\n"
                    f'    """The loss {builders[0][0]} is trained with."""\n'
                    f"    return losses.{_SHARED_LOSS[builders[0][1]]}()\n")
    return {"name": f"m_{tag}", "imports": list(_KERAS_IMPORTS), "project_imports": project_imports,
            "needs": (["layers_lib"] if lib else []) + (["losses"] if loss_fn else []),
            "body": "\n\n".join(body), "builders": builders, "loss_fn": loss_fn, "shape": (side, side, channels)}


def _training_script(rnd: random.Random, n: int, modules: list) -> dict:
    """``train/t_XXX.py``: imports 3 model modules (``from models.m_07 import build_07a``,
    ``import models.m_12 as m12``, ``from models import m_33``), builds, compiles and fits one
    model of each; about a third compile with a loss that disagrees with the imported head."""
    with_keras = rnd.random() < 0.7  # without: the pre-scan must follow the imports to keep it
    imports = ["import numpy as np"] + (["import keras"] if with_keras else [])
    project_imports, needs, functions, calls, qualifiers = [], [], [], [], []
    shared_loss = rnd.random() < 0.2
    for mod in rnd.sample(modules, PROJECT_IMPORTS):
        name, head = rnd.choice(mod["builders"])
        style = rnd.choice(["from", "as", "module"])
        wanted = [name]
        if style == "from":
            prefix = ""
        elif style == "as":
            prefix = f"m{mod['name'][2:]}."
            project_imports.append(f"import models.{mod['name']} as {prefix[:-1]}")
        else:
            prefix = f"{mod['name']}."
            project_imports.append(f"from models import {mod['name']}")
        if prefix:
            qualifiers.append(prefix[:-1])
        wrong = rnd.random() < 0.35
        choices = [c for c in (_BAD_LOSSES if wrong else _GOOD_LOSSES)[head] if with_keras or not c[1]]
        loss = rnd.choice(choices)[0] if choices else None
        if not wrong and mod["loss_fn"] and name == mod["builders"][0][0] and rnd.random() < 0.7:
            loss = f"{prefix}{mod['loss_fn']}()"
            wanted.append(mod["loss_fn"])
        elif not wrong and shared_loss:
            loss = f"{_SHARED_LOSS[head]}()"
            if "losses" not in needs:
                needs.append("losses")
            project_imports.append(f"from models.losses import {_SHARED_LOSS[head]}")
        elif loss is None:  # no keras import and no string loss for this head: the shared one
            loss = f"{_SHARED_LOSS[head]}()"
            if "losses" not in needs:
                needs.append("losses")
            project_imports.append(f"from models.losses import {_SHARED_LOSS[head]}")
        if style == "from":
            project_imports.append(f"from models.{mod['name']} import {', '.join(wanted)}")
        for need in mod["needs"]:
            if need not in needs:
                needs.append(need)
        k = 1 if head == "sigmoid" else rnd.choice([3, 5, 10, 100])
        args = "" if head == "sigmoid" else f"classes={k}"
        optimizer = (f"keras.optimizers.Adam(learning_rate={rnd.choice(['1e-3', '3e-4'])})" if with_keras
                     else rnd.choice(['"adam"', '"rmsprop"']))
        labels = "np.random.randint(0, 2, size=(256, 1))" if head == "sigmoid" else f"np.random.randint(0, {k}, size=(256,))"
        fit = ("model.fit(x, y, epochs=epochs, batch_size=32, validation_split=0.1)" if rnd.random() < 0.7
               else "model.fit(x, y, epochs=epochs, batch_size=32)")
        fn = f"train_{name[6:]}"
        functions.append(
            f"def {fn}(epochs={rnd.choice([5, 10, 20])}):\n"
            f'    x = np.random.rand(256, {", ".join(map(str, mod["shape"]))}).astype("float32")\n'
            f"    y = {labels}\n"
            f"    model = {prefix}{name}({args})\n"
            f'    model.compile(optimizer={optimizer}, loss={loss}, metrics=["accuracy"])\n'
            f"    {fit}\n"
            "    return model\n")
        calls.append(f"    {fn}()")
        needs_mod = mod["name"]
        if needs_mod not in needs:
            needs.append(needs_mod)
    functions.append("def main():\n" + "\n".join(calls) + "\n")
    body = "\n\n".join(functions) + '\n\nif __name__ == "__main__":\n    main()\n'
    return {"name": f"t_{n:03d}", "imports": imports, "project_imports": list(dict.fromkeys(project_imports)), "needs": needs,
            "body": body, "qualifiers": qualifiers + ["losses"]}


def _unit_text(doc: str, unit: dict) -> str:
    head = "\n".join(unit["imports"] + unit["project_imports"])
    return f'"""{doc}"""\n\n{head}\n\n\n{unit["body"]}'


def generate_project(root: Path, twin: Path) -> dict:
    """A project of model modules and training scripts importing them (``root``, with a
    ``.git`` folder: kerlint's project root), and its concatenated twin (``twin``): each script
    with the code of the modules it imports pasted in, and no project import. Cheap, so
    written anew on every run, from a fixed seed."""
    for folder in (root, twin):
        if folder.exists():
            shutil.rmtree(folder)
    (root / ".git").mkdir(parents=True)
    (root / "models").mkdir()
    (root / "train").mkdir()
    twin.mkdir(parents=True)
    rnd = random.Random(SEED)
    (root / "models" / "__init__.py").write_text('"""Model builders (kerlint benchmark)."""\n')
    for name, body in _SHARED.items():
        unit = {"imports": _KERAS_IMPORTS, "project_imports": [], "body": body}
        (root / "models" / f"{name}.py").write_text(_unit_text(f"Shared {name} (kerlint benchmark).", unit))
    modules = [_model_module(rnd, m) for m in range(PROJECT_MODELS)]
    by_name = {m["name"]: m for m in modules}
    for mod in modules:
        (root / "models" / f"{mod['name']}.py").write_text(_unit_text("Model builders (kerlint benchmark).", mod))
    for n in range(PROJECT_SCRIPTS):
        script = _training_script(rnd, n, modules)
        doc = f"Training script {script['name']} (kerlint benchmark)."
        (root / "train" / f"{script['name']}.py").write_text(_unit_text(doc, script))
        # The twin: the shared modules, then the model modules, then the script, each once.
        order = [u for u in ("layers_lib", "losses") if u in script["needs"]]
        order += [u for u in script["needs"] if u in by_name]
        imports = list(dict.fromkeys(script["imports"] + _KERAS_IMPORTS))
        parts = [_SHARED[u] if u in _SHARED else by_name[u]["body"] for u in order] + [script["body"]]
        qualifiers = "|".join(map(re.escape, sorted(set(script["qualifiers"]))))
        strip = re.compile(rf"(?<![\w.])(?:{qualifiers})\.")  # ``m12.build_12a`` -> ``build_12a``
        text = f'"""{doc}"""\n\n' + "\n".join(imports) + "\n\n\n" + "\n\n".join(strip.sub("", p) for p in parts)
        (twin / f"{script['name']}.py").write_text(text)
    scripts = sorted((root / "train").glob("*.py"))
    return {"modules": len(list(root.rglob("*.py"))), "scripts": _stats(scripts),
            "concatenated": _stats(sorted(twin.glob("*.py")))}


def _stats(files) -> dict:
    lines = size = 0
    for f in files:
        data = f.read_bytes()
        lines += data.count(b"\n")
        size += len(data)
    return {"files": len(files), "lines": lines, "bytes": size}


# -- running ------------------------------------------------------------------------------


def run_once(argv, *, env=None, cwd=None, timeout=3600) -> dict:
    """Wall time, CPU time and the largest resident set of any process of the run."""
    out = cwd / ".bench-output" if cwd else Path(os.devnull)
    with open(out, "wb") as fh:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        try:
            # wait4's usage covers the process and every descendant it waited for (workers).
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            raise
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_bytes().decode("utf-8", "replace") if cwd else ""
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "exit": proc.returncode,
        "output_lines": text.count("\n"),
        "output": text,
    }


def snapshot_kerlint(work: Path) -> tuple[Path, str]:
    """A copy of this checkout's ``kerlint/``: the runs measure one version of the code even
    while the checkout is edited."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "kerlint"], cwd=REPO, capture_output=True,
                               text=True).stdout.strip()
    except OSError:
        commit, dirty = "unknown", ""
    label = commit + ("+dirty" if dirty else "")
    target = work / "src"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "kerlint", target / "kerlint", ignore=shutil.ignore_patterns("__pycache__"))
    # Byte-compiled, as pip installs it: without this, a run under PYTHONDONTWRITEBYTECODE
    # compiles kerlint's every module in every process, while LibCST's come compiled.
    compileall.compile_dir(target / "kerlint", quiet=1)
    return target, label


def size_limit(src: Path) -> float:
    """``MAX_SOURCE_CHARS`` of the kerlint snapshot (read, not imported: it runs in the
    harness's venv), the floor's limit too."""
    found = re.search(r"^MAX_SOURCE_CHARS = ([\d_]+)", (src / "kerlint" / "lint.py").read_text(), re.M)
    return float(found.group(1).replace("_", "")) if found else float("inf")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path,
                        default=Path(os.environ.get("KERLINT_BENCH_DIR", Path.home() / ".cache" / "kerlint-bench")))
    parser.add_argument("--reps", type=int, default=5, help="repetitions of every case (default 5)")
    parser.add_argument("--quick", action="store_true", help="keras alone and 100 generated files")
    parser.add_argument("--generated", type=int, default=None, help=f"generated files (default {GENERATED_FILES})")
    parser.add_argument("--fixit-reps", type=int, default=None,
                        help="run Fixit (minutes a run) in only the first N repetitions")
    parser.add_argument("--skip", action="append", default=[], help="leave a case out (e.g. --skip fixit)")
    parser.add_argument("--out", type=Path, default=None, help="the JSON result (default: in WORK/results)")
    parser.add_argument("--setup-only", action="store_true", help="install and build the corpus, run nothing")
    parser.add_argument("--large-only", action="store_true",
                        help="only the large-file case: time and memory per MB of one big file (--skip large: not it)")
    parser.add_argument("--large-sizes", type=lambda v: tuple(float(x) for x in v.split(",")), default=LARGE_SIZES_MB,
                        help="sizes in MB of the large files, comma-separated (default %(default)s)")
    args = parser.parse_args(argv)

    work = args.work.expanduser().resolve()
    if work == REPO or REPO in work.parents:
        parser.error("--work must be outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    python = ensure_venv(work)
    if args.large_only:
        return run_large_only(args, work, python)
    packages = QUICK_PACKAGES if args.quick else PACKAGES
    generated_count = args.generated if args.generated is not None else (100 if args.quick else GENERATED_FILES)
    real = ensure_real_corpus(work, python, packages)
    corpus = work / ("corpus-quick" if args.quick else "corpus-full")
    gen_stats = generate_corpus(work / "corpus" / f"generated-{generated_count}", generated_count)
    _assemble(corpus, {**{p.split("==")[0]: real / p.split("==")[0] for p in packages},
                       "generated": work / "corpus" / f"generated-{generated_count}"})
    files = sorted(corpus.rglob("*.py"))
    stats = _stats(files)
    real_stats = _stats([f for f in files if f.relative_to(corpus).parts[0] != "generated"])
    file_list = work / "files.txt"
    file_list.write_text("".join(f"{f}\n" for f in files))
    one = corpus / "generated" / "train_0000.py"
    plain = work / "plain.py"
    plain.write_text("import os\n\n\ndef main():\n    for name in sorted(os.listdir('.')):\n        print(name)\n")
    log(f"corpus: {stats['files']} files, {stats['lines']} lines ({real_stats['files']} files from "
        f"{', '.join(packages)}; {gen_stats['files']} generated)")
    project_root, twin = work / "corpus" / "project", work / "corpus" / "project-concatenated"
    project_stats = generate_project(project_root, twin)
    log(f"project: {project_stats['modules']} modules, {project_stats['scripts']['files']} training scripts "
        f"({project_stats['scripts']['lines']} lines; concatenated {project_stats['concatenated']['lines']} lines)")
    if args.setup_only:
        return 0

    src, label = snapshot_kerlint(work)
    env = dict(os.environ, PYTHONPATH=str(src), NO_COLOR="1")
    env.pop("KERLINT_CACHE_DIR", None)
    env.pop("KERLINT_NO_CACHE", None)
    bin_dir = python.parent
    kerlint = [str(python), "-m", "kerlint", "check", "--isolated", "--exit-zero", "--output-format", "concise"]
    warm_cache = work / "warm-cache"
    one_cache = work / "one-cache"
    for folder in (warm_cache, one_cache):
        if folder.exists():
            shutil.rmtree(folder)
    cases = {
        "floor": [str(python), "-c", FLOOR, str(file_list), str(size_limit(src))],
        "kerlint cold": kerlint + ["--no-cache", str(corpus)],
        "kerlint warm": kerlint + ["--cache-dir", str(warm_cache), str(corpus)],
        "flake8": [str(bin_dir / "flake8"), "--exit-zero", str(corpus)],
        "fixit": [str(bin_dir / "fixit"), "lint", str(corpus)],
        "ruff": [str(bin_dir / "ruff"), "check", "--no-cache", "--isolated", "--exit-zero", str(corpus)],
        "project imports": kerlint + ["--no-cache", str(project_root / "train")],
        "project concatenated": kerlint + ["--no-cache", str(twin)],
        "one floor": [str(python), "-c", ONE_FLOOR, str(one)],
        "kerlint one": kerlint + ["--no-cache", str(one)],
        "kerlint one hit": kerlint + ["--cache-dir", str(one_cache), str(one)],
        "kerlint one clear": kerlint + ["--cache-dir", str(one_cache), str(plain)],
        "flake8 one": [str(bin_dir / "flake8"), "--exit-zero", str(one)],
        "ruff one": [str(bin_dir / "ruff"), "check", "--no-cache", "--isolated", "--exit-zero", str(one)],
    }
    for skip in args.skip:
        for name in [n for n in cases if n == skip or n.startswith(skip + " ")]:
            del cases[name]
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    # Fill the caches the warm cases read (not timed), and check the warm run agrees.
    cold_output = run_once(cases.get("kerlint cold", kerlint + ["--no-cache", str(corpus)]), env=env, cwd=scratch)
    run_once(kerlint + ["--cache-dir", str(warm_cache), str(corpus)], env=env, cwd=scratch)
    run_once(kerlint + ["--cache-dir", str(one_cache), str(one)], env=env, cwd=scratch)
    run_once(kerlint + ["--cache-dir", str(one_cache), str(plain)], env=env, cwd=scratch)
    warm_output = run_once(kerlint + ["--cache-dir", str(warm_cache), str(corpus)], env=env, cwd=scratch)
    agree = sorted(cold_output["output"].splitlines()) == sorted(warm_output["output"].splitlines())
    # The training scripts must get the same diagnostics whether the models are imported or pasted in.
    found = {name: _diagnostics(run_once(cases[name], env=env, cwd=scratch)["output"])
             for name in ("project imports", "project concatenated") if name in cases}

    load_before = os.getloadavg()
    samples = {name: [] for name in cases}
    names = list(cases)
    started = time.time()
    for rep in range(args.reps):
        order = names[rep % len(names):] + names[: rep % len(names)]
        for name in order:
            if name == "fixit" and args.fixit_reps is not None and rep >= args.fixit_reps:
                continue
            result = run_once(cases[name], env=env, cwd=scratch)
            result.pop("output")
            samples[name].append(result)
            log(f"rep {rep + 1}/{args.reps} {name:18} {result['wall']:8.3f} s  {result['peak_rss_mb']:7.1f} MB"
                f"  load {os.getloadavg()[0]:.2f}")
    load_after = os.getloadavg()
    editor = None
    if "editor" not in args.skip:
        editor = editor_latency(python, env, scratch, work / "corpus" / f"generated-{generated_count}")
        log(f"editor: re-diagnose {editor['lines']} lines, median {editor['median_ms']:.0f} ms")

    large = None
    if "large" not in args.skip:
        large = large_files(python, env, scratch, work / "large", sizes=args.large_sizes)

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    report = summarize(samples, stats, cores, project_stats["concatenated"])
    if large is not None:
        report["large"] = large
    if editor is not None:
        report["editor"] = editor
        report["targets"]["editor re-diagnose, 1,000 lines < 200 ms"] = _check(editor["median_ms"] / 1000,
                                                                              lambda v: v < 0.200)
    report.update({
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "kerlint": label,
        "machine": {"cores": cores, "platform": platform.platform(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": load_after,
                    "minutes": round((time.time() - started) / 60, 1)},
        "tools": _versions(python),
        "corpus": {"path": str(corpus), "packages": packages, "generated": gen_stats, "real": real_stats,
                   "total": stats, "one_file": str(one), "one_file_lines": one.read_bytes().count(b"\n")},
        "kerlint_diagnostics": cold_output["output_lines"],
        "warm_output_matches_cold": agree,
        "project": {"path": str(project_root), "concatenated_path": str(twin), **project_stats,
                    "diagnostics": {name: sum(c.values()) for name, c in found.items()},
                    "same_diagnostics": len(found) == 2 and found["project imports"] == found["project concatenated"]},
        "reps": args.reps,
        "fixit_reps": min(args.reps, args.fixit_reps) if args.fixit_reps is not None else args.reps,
        "samples": samples,
    })
    out = args.out or work / "results" / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    if args.out is None:
        (out.parent / "latest.json").write_text(json.dumps(report, indent=2))
    print_table(report)
    if large is not None:
        print_large(large)
    print_issue_table(report)
    print(f"\nJSON: {out}")
    return 0


def _spread(r) -> str:
    low, high = r.get("cold/(floor cpu/cores), per rep: min"), r.get("cold/(floor cpu/cores), per rep: max")
    return "" if low is None else f", {low:.2f} to {high:.2f} rep by rep"


def print_issue_table(report) -> None:
    """The ratios of issue 23, as a Markdown table to set beside the one there (keras-io
    examples and guides, 2 cores, medians of 5: floor 5.45 s CPU; cold 8.19 s CPU, 4.43 s wall;
    one file 1.67 x its floor)."""
    cases, r, m = report["cases"], report["ratios"], report["machine"]
    corpus = report["corpus"]
    title = (f"kerlint {report['kerlint']} on {corpus['total']['files']} files, {corpus['total']['lines']:,} lines: "
             f"{', '.join(corpus['packages'])} + {corpus['generated']['files']} generated files "
             f"(the bench corpus; keras-io is not on this machine); {m['cores']} cores; medians of {report['reps']}; "
             f"load {m['load_before'][0]:.2f} -> {m['load_after'][0]:.2f}")

    def cell(name, key, fmt):
        return format(cases[name][key], fmt) if name in cases else "—"

    def ratio(name, target):
        value = r.get(name)
        return "—" if value is None else f"{value:.2f} (target {target})"

    jobs = m["cores"]
    rows = [
        ("LibCST parse only, 1 process (the floor)", cell("floor", "median_cpu_s", ".2f"),
         cell("floor", "median_s", ".2f"), ""),
        (f"`kerlint check --no-cache`, {jobs} workers", cell("kerlint cold", "median_cpu_s", ".2f"),
         cell("kerlint cold", "median_s", ".2f"),
         f"wall / (floor CPU / cores) {ratio('cold/(floor cpu/cores)', '≤ 1.2')}{_spread(r)}; "
         f"CPU / floor CPU {ratio('cpu: cold/floor', '≤ 1.25')}"),
        ("ruff `check --no-cache --isolated` (default rules)", "—", cell("ruff", "median_s", ".2f"), ""),
        ("`kerlint check` warm (cache hits)", "—", cell("kerlint warm", "median_s", ".2f"), "target ≤ 0.2 s"),
        ("one file: `import libcst` + parse", cell("one floor", "median_cpu_s", ".2f"), cell("one floor", "median_s", ".2f"),
         ""),
        ("one file: `kerlint check --no-cache`", cell("kerlint one", "median_cpu_s", ".2f"),
         cell("kerlint one", "median_s", ".2f"), f"one file / its floor {ratio('one/one floor', '≤ 1.2')}"),
        ("project: scripts following imports", cell("project imports", "median_cpu_s", ".2f"),
         cell("project imports", "median_s", ".2f"),
         f"/ the concatenated twin {ratio('project/concatenated', '≤ 1.5')}"),
        ("project: the concatenated twin", cell("project concatenated", "median_cpu_s", ".2f"),
         cell("project concatenated", "median_s", ".2f"), ""),
    ]
    editor = report.get("editor")
    if editor:
        rows.append((f"language server: re-diagnose {editor['lines']:,} lines", f"{editor['median_cpu_ms'] / 1000:.3f}",
                     f"{editor['median_ms'] / 1000:.3f}", "target < 0.2 s"))
    peak = cases.get("kerlint cold", {}).get("peak_rss_mb")
    if peak is not None:
        rows.append(("peak memory, largest process of the cold run", "—", "—",
                     f"{peak:.0f} MB (floor {cases.get('floor', {}).get('peak_rss_mb', 0):.0f} MB; target ≤ 150 MB)"))
    print(f"\n{title}\n")
    print("| | CPU s | wall s | ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def run_large_only(args, work: Path, python: Path) -> int:
    """``--large-only``: the large-file case alone, its table and its JSON."""
    src, label = snapshot_kerlint(work)
    env = dict(os.environ, PYTHONPATH=str(src), NO_COLOR="1")
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    load_before = os.getloadavg()
    large = large_files(python, env, scratch, work / "large", sizes=args.large_sizes)
    report = {"when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), "kerlint": label,
              "machine": {"cores": len(os.sched_getaffinity(0)), "load_before": load_before,
                          "load_after": os.getloadavg()},
              "tools": _versions(python), "large": large}
    out = args.out or work / "results" / f"large-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"kerlint {label}; load {load_before[0]:.2f} -> {report['machine']['load_after'][0]:.2f}")
    print_large(large)
    print(f"\nJSON: {out}")
    return 0


# The language server's work after a keystroke: the document linted again (parse, analysis,
# rules), in one process that has linted it once already, as the server has.
EDITOR_LATENCY = """
import json, statistics, sys, time
from pathlib import Path
from kerlint import editor
from kerlint.config import default_codes
path = Path(sys.argv[1])
text = path.read_text()
doc = editor.Document(path.as_uri(), path, text=text)
codes = sorted(default_codes())
started = time.perf_counter(); editor.diagnose(doc, codes); first = time.perf_counter() - started
times, cpu = [], []
for i in range(int(sys.argv[2])):
    doc.text = text + f"\\nedited_{i} = {i}\\n"  # a keystroke's worth: one statement changes
    started, started_cpu = time.perf_counter(), time.process_time()
    editor.diagnose(doc, codes)
    times.append(time.perf_counter() - started); cpu.append(time.process_time() - started_cpu)
print(json.dumps({"lines": text.count("\\n"), "first_ms": first * 1000, "median_ms": statistics.median(times) * 1000,
                  "max_ms": max(times) * 1000, "median_cpu_ms": statistics.median(cpu) * 1000}))
"""
EDITOR_LINES = 1000


def editor_latency(python: Path, env: dict, scratch: Path, generated: Path) -> dict:
    """The language server's re-diagnose time for a file of about 1,000 lines (generated model
    code, whole files joined)."""
    text = ""
    for file in sorted(generated.rglob("*.py")):
        if text.count("\n") >= EDITOR_LINES:
            break
        text += file.read_text() + "\n"
    target = scratch / "editor_1000.py"
    target.write_text(text)  # whole files: a cut one would not parse
    out = subprocess.run([str(python), "-c", EDITOR_LATENCY, str(target), "20"], env=env, cwd=scratch,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


# -- large files: time and memory per MB ------------------------------------------------------

LARGE_SHAPES = ("functions", "table", "chain")
LARGE_SIZES_MB = (0.25, 0.5, 1, 2, 4)
# A shape's bigger sizes are not run once one size took this long or this much memory: the
# trend is known by then, and the machine is shared.
LARGE_STOP_S = 120
LARGE_STOP_MB = 4096

# kerlint's command line on one file, with the size limit lifted so that files above it are
# measured too (everything else as `kerlint check` runs: one file is linted in this process).
LARGE_KERLINT = """
import sys
import kerlint.lint
kerlint.lint.MAX_SOURCE_CHARS = float("inf")
from kerlint.cli import main
main(["check", "--no-cache", "--isolated", "--exit-zero", "--output-format", "concise", sys.argv[1]])
"""
LARGE_IMPORT = "import libcst"


def _large_header(title: str) -> list[str]:
    return [f'"""{title} (generated; kerlint benchmark)."""', "", "import numpy as np", "import keras",
            "from keras import layers", ""]


def _large_functions(rnd: random.Random, size: int) -> str:
    """Many small functions: model builders that compile and fit, and their helpers (the
    generated corpus's code, more of it)."""
    parts, total, i = _large_header("Model zoo"), 0, 0
    while total < size:
        for part in (_model_function(rnd, i), _helper_function(rnd, i)):
            parts.append(part)
            total += len(part) + 2
        i += 1
    return "\n\n".join(parts)


def _large_table(rnd: random.Random, size: int) -> str:
    """One data table (rows of four measurements and a class, as a dataset pasted into a
    script), then the small model trained on it."""
    lines = _large_header("Measurements and their classifier") + ["DATA = ["]
    total = 0
    while total < size:
        row = ", ".join(f"{rnd.uniform(0, 10):.2f}" for _ in range(4))
        line = f"    ({row}, {rnd.randrange(3)}),"
        lines.append(line)
        total += len(line) + 1
    lines += ["]", "", "x = np.array([row[:4] for row in DATA], dtype=np.float32)",
              "y = np.array([row[4] for row in DATA])", "",
              "model = keras.Sequential([", "    keras.Input(shape=(4,)),", '    layers.Dense(16, activation="relu"),',
              '    layers.Dense(3, activation="softmax"),', "])",
              'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])',
              "model.fit(x, y, epochs=50, batch_size=16)", ""]
    return "\n".join(lines)


def _large_chain(rnd: random.Random, size: int) -> str:
    """A long chain of ``model.add`` lines at module level (a generated architecture), then
    compile and fit."""
    lines = _large_header("A deep Sequential model") + ["model = keras.Sequential()",
                                                       "model.add(keras.Input(shape=(32, 32, 3)))"]
    total = 0
    while total < size:
        layer = rnd.choice(_LAYERS).format(n=rnd.choice([16, 32, 64, 128]), r=rnd.choice([0.1, 0.25, 0.5]))
        line = f"model.add({layer})"
        lines.append(line)
        total += len(line) + 1
    lines += ["model.add(layers.Flatten())", 'model.add(layers.Dense(10, activation="softmax"))',
              'model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])',
              "model.fit(x_train, y_train, epochs=10, batch_size=64)", ""]
    return "\n".join(lines)


LARGE_GENERATORS = {"functions": _large_functions, "table": _large_table, "chain": _large_chain}


def generate_large(folder: Path, shapes=LARGE_SHAPES, sizes=LARGE_SIZES_MB) -> dict:
    """``{(shape, MB): path}``: a file of each shape at each size (a fixed seed)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for shape in shapes:
        for mb in sizes:
            path = folder / f"{shape}-{mb:g}mb.py"
            if not path.exists():
                path.write_text(LARGE_GENERATORS[shape](random.Random(SEED), int(mb * 1_000_000)))
            out[shape, mb] = path
    return out


def large_files(python: Path, env: dict, scratch: Path, folder: Path, shapes=LARGE_SHAPES,
                sizes=LARGE_SIZES_MB) -> dict:
    """Wall time, CPU time and peak memory of ``kerlint check`` on one generated file of each
    shape and size, and of LibCST's parse of it (the floor), each in a process of its own
    (peak memory: the process's ``getrusage`` maximum resident set, through ``wait4``). Each
    shape is measured at size 0 too (its few lines of imports and model): the base every run
    pays (Python, imports). Per MB: (value - base) / MB of source."""
    files = generate_large(folder, shapes, (0, *sizes))
    rows = []
    for shape in shapes:
        stopped = False
        for mb in (0, *sizes):
            path = files[shape, mb]
            text = path.read_text()
            row = {"shape": shape, "mb": mb, "chars": len(text), "lines": text.count("\n")}
            if stopped:
                rows.append({**row, "skipped": True})
                continue
            for name, argv in (("parse", [str(python), "-c", ONE_FLOOR, str(path)]),
                               ("kerlint", [str(python), "-c", LARGE_KERLINT, str(path)])):
                r = run_once(argv, env=env, cwd=scratch)
                row[name] = {"wall": r["wall"], "cpu": r["cpu"], "peak_rss_mb": r["peak_rss_mb"], "exit": r["exit"],
                             "output_lines": r["output_lines"]}
                log(f"large {shape:9} {mb:5g} MB {name:7} {r['wall']:7.1f} s {r['peak_rss_mb']:7.0f} MB"
                    f"  load {os.getloadavg()[0]:.2f}")
            rows.append(row)
            k = row["kerlint"]
            stopped = k["wall"] > LARGE_STOP_S or k["peak_rss_mb"] > LARGE_STOP_MB
    return {"rows": rows, "per_mb": _per_mb(rows)}


def _per_mb(rows) -> dict:
    """``{shape: {...}}``: the largest seconds and MB per MB of source above the shape's base
    (its size-0 run) of any size measured, for kerlint and for the parse alone."""
    out = {}
    for shape in dict.fromkeys(r["shape"] for r in rows):
        base = next(r for r in rows if r["shape"] == shape and r["mb"] == 0)
        measured = [r for r in rows if r["shape"] == shape and r["mb"] and not r.get("skipped")]
        entry = {"base": {name: base[name] for name in ("kerlint", "parse")}}
        for name in ("kerlint", "parse"):
            for key, unit in (("wall", "s"), ("peak_rss_mb", "MB")):
                entry[f"{name} {unit}/MB"] = max(
                    ((r[name][key] - base[name][key]) / ((r["chars"] - base["chars"]) / 1e6) for r in measured),
                    default=None)
        out[shape] = entry
    return out


def print_large(large: dict) -> None:
    print("\nlarge files: `kerlint check` on one generated file (size limit lifted), and LibCST's parse of it")
    print(f"{'shape':10} {'MB':>5} {'lines':>8} {'kerlint s':>10} {'peak MB':>8} {'parse s':>8} {'peak MB':>8}")
    for r in large["rows"]:
        if r.get("skipped"):
            print(f"{r['shape']:10} {r['mb']:5g} {r['lines']:8}   (not run: a smaller size passed the stop limits)")
            continue
        k, p = r["kerlint"], r["parse"]
        print(f"{r['shape']:10} {r['chars'] / 1e6:5.2f} {r['lines']:8} {k['wall']:10.1f} {k['peak_rss_mb']:8.0f} "
              f"{p['wall']:8.1f} {p['peak_rss_mb']:8.0f}")
    print("per MB of source above the size-0 run (the worst size of each shape)")
    for shape, e in large["per_mb"].items():
        if e["kerlint s/MB"] is None:
            continue
        print(f"  {shape:10} kerlint {e['kerlint s/MB']:5.1f} s/MB {e['kerlint MB/MB']:6.0f} MB/MB;"
              f"  parse {e['parse s/MB']:5.1f} s/MB {e['parse MB/MB']:6.0f} MB/MB")


def _assemble(corpus: Path, parts: dict) -> None:
    """One folder holding the chosen packages and the generated files (hard links: no copy)."""
    stamp = corpus / ".done"
    wanted = json.dumps(sorted((k, str(v)) for k, v in parts.items()))
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    for name, source in parts.items():
        shutil.copytree(source, corpus / name, copy_function=_link_or_copy, ignore=shutil.ignore_patterns(".done"))
    stamp.write_text(wanted)


def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _versions(python: Path) -> dict:
    code = ("import importlib.metadata as m, json; "
            "print(json.dumps({n: m.version(n) for n in ('libcst', 'flake8', 'fixit', 'ruff', 'click')}))")
    try:
        return json.loads(subprocess.run([str(python), "-c", code], capture_output=True, text=True).stdout)
    except ValueError:
        return {}


_DIAGNOSTIC = re.compile(r"^(.+?):\d+:\d+: (KER\d+) ", re.M)


def _diagnostics(output: str) -> collections.Counter:
    """``{(file name, code): count}`` of a run's concise output (line numbers differ between the
    project and its concatenated twin; the file names do not)."""
    return collections.Counter((Path(f).name, code) for f, code in _DIAGNOSTIC.findall(output))


def summarize(samples, stats, cores, project_stats=None) -> dict:
    med = {name: statistics.median(s["wall"] for s in runs) for name, runs in samples.items() if runs}
    peak = {name: max(s["peak_rss_mb"] for s in runs) for name, runs in samples.items() if runs}
    cases = {}
    for name in med:
        runs = samples[name]
        entry = {"median_s": med[name], "min_s": min(s["wall"] for s in runs), "max_s": max(s["wall"] for s in runs),
                 "median_cpu_s": statistics.median(s["cpu"] for s in runs), "peak_rss_mb": peak[name]}
        # The project cases count the code of the concatenated twin: the scripts and the modules
        # each imports, the code kerlint interprets either way.
        of = project_stats if name.startswith("project") and project_stats else stats
        if "one" not in name:
            entry["files_per_s"] = of["files"] / med[name]
            entry["lines_per_s"] = of["lines"] / med[name]
        cases[name] = entry

    def ratio(a, b):
        return med[a] / med[b] if a in med and b in med else None

    def cpu_ratio(a, b):
        return cases[a]["median_cpu_s"] / cases[b]["median_cpu_s"] if a in cases and b in cases else None

    ratios = {
        "cold/floor": ratio("kerlint cold", "floor"),
        "cold/(floor/cores)": med["kerlint cold"] / (med["floor"] / cores) if "floor" in med and "kerlint cold" in med else None,
        # Issue 23's measure: the wall a perfect split of the floor's CPU over the cores would take.
        "cold/(floor cpu/cores)": (med["kerlint cold"] / (cases["floor"]["median_cpu_s"] / cores)
                                   if "floor" in med and "kerlint cold" in med else None),
        "fixit/cold (speed-up)": ratio("fixit", "kerlint cold"),
        "flake8/cold (speed-up)": ratio("flake8", "kerlint cold"),
        "ruff/cold (speed-up)": ratio("ruff", "kerlint cold"),
        "cold/ruff": ratio("kerlint cold", "ruff"),
        "project/concatenated": ratio("project imports", "project concatenated"),
        "one/one floor": ratio("kerlint one", "one floor"),
        "one/flake8 one": ratio("kerlint one", "flake8 one"),
        "one hit/flake8 one": ratio("kerlint one hit", "flake8 one"),
        "one clear/flake8 one": ratio("kerlint one clear", "flake8 one"),
        # CPU time, all processes of a run: what other load on the machine skews least.
        "cpu: cold/floor": cpu_ratio("kerlint cold", "floor"),
        "cpu: fixit/cold (speed-up)": cpu_ratio("fixit", "kerlint cold"),
        "cpu: flake8/cold (speed-up)": cpu_ratio("flake8", "kerlint cold"),
        "cpu: project/concatenated": cpu_ratio("project imports", "project concatenated"),
        "cpu: fixit/floor": cpu_ratio("fixit", "floor"),
        "cpu: flake8/floor": cpu_ratio("flake8", "floor"),
    }
    # The machine's speed drifts from minute to minute: the ratio of each rep's cold run to the
    # floor run next to it shows how far the medians above can move.
    paired = [c["wall"] / (f["cpu"] / cores) for c, f in zip(samples.get("kerlint cold", []), samples.get("floor", []))]
    if paired:
        ratios["cold/(floor cpu/cores), per rep: min"] = min(paired)
        ratios["cold/(floor cpu/cores), per rep: median"] = statistics.median(paired)
        ratios["cold/(floor cpu/cores), per rep: max"] = max(paired)
    r = ratios
    targets = {
        "cold <= 1.2 x floor CPU/cores": _check(r["cold/(floor cpu/cores)"], lambda v: v <= 1.2),
        "cold CPU <= 1.25 x floor CPU": _check(r["cpu: cold/floor"], lambda v: v <= 1.25),
        "cold >= 25x faster than Fixit": _check(r["fixit/cold (speed-up)"], lambda v: v >= 25),
        "cold >= 4x faster than flake8": _check(r["flake8/cold (speed-up)"], lambda v: v >= 4),
        "warm <= 0.2 s": _check(med.get("kerlint warm"), lambda v: v <= 0.2),
        "one file <= 1.2 x one-file floor": _check(r["one/one floor"], lambda v: v <= 1.2),
        "one file, cache hit <= 60 ms": _check(med.get("kerlint one hit"), lambda v: v <= 0.060),
        "one file, pre-scan clear <= 60 ms": _check(med.get("kerlint one clear"), lambda v: v <= 0.060),
        "peak RSS per process <= 150 MB (cold)": _check(peak.get("kerlint cold"), lambda v: v <= 150),
        "project imports <= 1.5 x concatenated": _check(r["project/concatenated"], lambda v: v <= 1.5),
    }
    return {"cases": cases, "ratios": ratios, "targets": targets}


def _check(value, test):
    return None if value is None else {"value": value, "met": bool(test(value))}


def print_table(report) -> None:
    corpus = report["corpus"]["total"]
    m = report["machine"]
    print(f"\nkerlint {report['kerlint']} on {corpus['files']} files, {corpus['lines']} lines "
          f"({', '.join(report['corpus']['packages'])} + {report['corpus']['generated']['files']} generated); "
          f"{m['cores']} cores; {report['reps']} reps (Fixit {report['fixit_reps']}); load {m['load_before'][0]:.2f} -> {m['load_after'][0]:.2f}")
    print(f"\n{'case':20} {'median s':>9} {'min s':>8} {'cpu s':>8} {'files/s':>9} {'lines/s':>10} {'peak MB':>8}")
    for name, c in report["cases"].items():
        fps = f"{c['files_per_s']:9.0f}" if "files_per_s" in c else " " * 9
        lps = f"{c['lines_per_s']:10.0f}" if "lines_per_s" in c else " " * 10
        print(f"{name:20} {c['median_s']:9.3f} {c['min_s']:8.3f} {c['median_cpu_s']:8.2f} {fps} {lps} "
              f"{c['peak_rss_mb']:8.1f}")
    print("\nratios")
    for name, value in report["ratios"].items():
        if value is not None:
            print(f"  {name:28} {value:8.2f}")
    print("\ntargets")
    for name, t in report["targets"].items():
        if t is not None:
            print(f"  {'met   ' if t['met'] else 'MISSED'} {name:40} ({t['value']:.3f})")
    print(f"\nkerlint diagnostics on the corpus: {report['kerlint_diagnostics']} lines of output; "
          f"warm output matches cold: {report['warm_output_matches_cold']}")
    p = report["project"]
    if p["diagnostics"]:
        label = {"project imports": "following imports", "project concatenated": "concatenated"}
        counts = ", ".join(f"{n} {label[name]}" for name, n in p["diagnostics"].items())
        print(f"project ({p['modules']} modules, {p['scripts']['files']} training scripts): diagnostics on the "
              f"scripts {counts}; same per file and code: {p['same_diagnostics']}")


if __name__ == "__main__":
    sys.exit(main())
