"""Fuzzing kerlint: program generators and the check every generated program must pass.

Used by tests/test_fuzz.py (a bounded run in CI) and tools/fuzz.py (the full sweep).

``check(source)`` lints ``source`` with every rule and fixes it with the unsafe fixes too, and
returns what went wrong: an exception, an internal-error diagnostic, a KER000 on text Python
parses, a fix that did not settle, fixed text that no longer parses (or compiles, when the
original did), or a second fix that still changes the text.
"""

from __future__ import annotations

import ast
import random
import traceback
import warnings

from kerlint.fix import fix_text
from kerlint.lint import lint_source
from kerlint.rules import all_rules

ALL_CODES = sorted(all_rules())


def _parses(text: str, mode: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if mode == "compile":
                compile(text, "<fuzz>", "exec", dont_inherit=True)
            else:
                ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def check(source: str, codes=ALL_CODES, stats=None) -> list[str]:
    """The problems kerlint shows on ``source``; empty when it behaves. ``stats``, a Counter,
    counts the programs with diagnostics and those that fixing changed."""
    problems = []

    def lint(text):
        result = lint_source(text, "fuzz.py", codes)
        for r in result.reports:
            if r.code == "KER000" and "internal error" in r.message:
                problems.append(f"internal error: {r.message}")
        return result.reports

    parses = _parses(source, "ast")
    try:
        result = lint_source(source, "fuzz.py", codes)
    except Exception:  # noqa: BLE001 - what the fuzzing looks for
        return [f"lint crashed:\n{traceback.format_exc()}"]
    for r in result.reports:
        if r.code == "KER000" and "internal error" in r.message:
            problems.append(f"internal error: {r.message}")
        elif r.code == "KER000" and parses:
            problems.append(f"KER000 on text Python parses: {r.row}:{r.column} {r.message}")
    try:
        out = fix_text(source, lint, unsafe=True)
    except Exception:  # noqa: BLE001
        return problems + [f"fix crashed:\n{traceback.format_exc()}"]
    if stats is not None:
        stats["with diagnostics"] += bool(result.reports)
        stats["changed by --fix"] += out.text != source
        stats["fixes applied"] += sum(out.fixed.values())
    if out.error is not None:
        problems.append(f"fix refused: {out.error.message}")
    if out.text != source:
        if parses and not _parses(out.text, "ast"):
            problems.append("fixed text does not parse")
        elif _parses(source, "compile") and not _parses(out.text, "compile"):
            problems.append("fixed text does not compile")
        try:
            again = fix_text(out.text, lint, unsafe=True)
        except Exception:  # noqa: BLE001
            return problems + [f"second fix crashed:\n{traceback.format_exc()}"]
        if again.text != out.text:
            problems.append("a second fix changes the fixed text")
    return sorted(set(problems))


def mixed(keras_program: str, other: str, rng: random.Random) -> str:
    """``other`` (a whole module) put between two top-level statements of ``keras_program``."""
    lines = keras_program.splitlines(keepends=True)
    cuts = [i for i, line in enumerate(lines)
            if i == 0 or (line[:1].isalpha() and not lines[i - 1].rstrip().endswith((",", "(", "[", "\\")))]
    cut = rng.choice(cuts + [len(lines)])
    if other and not other.endswith(("\n", "\r")):
        other += "\n"
    return "".join(lines[:cut]) + other + "".join(lines[cut:])


# -- generated Keras programs ------------------------------------------------------------------


def _catalog():
    from kerlint.catalog import get_catalog

    return get_catalog().data


IMPORTS = [
    ("import keras\n", "keras."),
    ("import tensorflow as tf\n", "tf.keras."),
    ("from tensorflow import keras\n", "keras."),
    ("import keras as K\n", "K."),
    ("from keras import layers, models, optimizers, losses, callbacks\n", ""),
    ("from keras.layers import *\nfrom keras.models import Sequential, Model\n", "*"),
]

NAMES = ["x", "n", "units", "n_classes", "cfg.units", "None", "shape", "x_train.shape[1:]", "len(vocab)",
         "args.dim", "undefined_name"]
STRINGS = ["relu", "softmax", "sigmoid", "linear", "tanh", "same", "valid", "channels_last", "glorot_uniform",
           "mean", "", "ünïcode", "x" * 40, "softmax ", "SOFTMAX", "{}", "%s"]


class KerasProgram:
    """A random Keras program: imports, data, a model built one of several ways, compile, fit."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.data = _catalog()
        self.layers = sorted(self.data["layers"])
        self.losses = sorted(self.data["losses"]) + sorted(self.data["loss_functions"])
        self.optimizers = sorted(self.data["optimizers"])
        self.metrics = sorted(self.data["metrics"]) + sorted(self.data["metric_functions"]) + ["accuracy", "acc"]
        self.callbacks = sorted(self.data["callbacks"])
        self.activations = sorted(self.data["activations"])

    # values
    def number(self):
        r = self.rng
        return r.choice([0, 1, 2, 3, 8, 10, 64, 128, -1, 1000, 10**9, r.randint(-5, 300)])

    def float_(self):
        return self.rng.choice([0.0, 0.1, 0.5, 0.9, 1.0, 1.5, -0.2, 1e-3, 3e-4, 10.0, 1e-12, float("inf")])

    def literal(self, default=None):
        r = self.rng
        kind = r.random()
        if kind < 0.15:
            return r.choice(NAMES)
        if kind < 0.2:
            return r.choice(["lambda t: t", "[1, 2]", "{'a': 1}", "f(x)", "n * 2", "-n", "(1, 2) + (3,)", "...",
                             "not n", "n if n else 3", "[i for i in range(3)]", "*args", "b'x'", "1j"])
        if isinstance(default, bool):
            return r.choice(["True", "False", "0", "1"])
        if isinstance(default, int):
            return str(self.number())
        if isinstance(default, float):
            f = self.float_()
            return "float('inf')" if f == float("inf") else repr(f)
        if isinstance(default, str):
            return repr(r.choice(STRINGS + [default]))
        if isinstance(default, (list, tuple)):
            return self.tuple_(len(default) or r.randint(1, 3))
        return r.choice([str(self.number()), self.tuple_(r.randint(1, 3)), "None", repr(r.choice(STRINGS)),
                         repr(self.float_()) if self.float_() != float("inf") else "1.0"])

    def tuple_(self, n):
        items = [str(self.rng.choice([None, 1, 2, 3, 8, 28, 32, -1, 0])) for _ in range(n)]
        return "(" + ", ".join(items) + ("," if n == 1 else "") + ")"

    def args(self, params, kwonly=(), required_only=False):
        r = self.rng
        out = []
        positional = True
        for p in params:
            name = p["name"]
            required = "default" not in p
            if not required and (required_only or r.random() < 0.75):
                positional = False
                continue
            value = self.literal(p.get("default"))
            if value.startswith("*"):
                value = value.lstrip("*") or "x"
            if positional and r.random() < 0.6:
                out.append(value)
            else:
                positional = False
                out.append(f"{name}={value}")
        for p in kwonly:
            if r.random() < 0.1:
                out.append(f"{p['name']}={self.literal(p.get('default'))}")
        if r.random() < 0.05:
            out.append(r.choice(["**kwargs", "unknown_arg=3", "*extra"]))
        return self.join(out)

    def join(self, args):
        """Arguments on one line or one per line, with comments and trailing commas now and then."""
        r = self.rng
        if len(args) > 2 and r.random() < 0.3:
            body = "".join(f"\n        {a},{'  # note' if r.random() < 0.2 else ''}" for a in args)
            return body + "\n    "
        return ", ".join(args)

    # names
    def qual(self, prefix, section, name):
        if prefix == "*":
            return name
        if prefix == "":
            return f"{section}.{name}"
        return f"{prefix}{section}.{name}"

    def layer(self, prefix, name=None, depth=0):
        r = self.rng
        name = name or r.choice(self.layers if r.random() < 0.5 else
                                ["Dense", "Dense", "Dropout", "Conv2D", "LSTM", "GRU", "Embedding", "Flatten",
                                 "MaxPooling2D", "GlobalAveragePooling1D", "BatchNormalization", "Activation",
                                 "TimeDistributed", "Bidirectional", "Reshape", "Conv1D", "SimpleRNN", "Softmax"])
        entry = self.data["layers"].get(name, {"params": []})
        params = entry.get("params", [])
        if name in ("TimeDistributed", "Bidirectional") and depth < 2:
            inner = self.layer(prefix, r.choice(["Dense", "LSTM", "GRU", "Conv2D", "Dropout"]), depth + 1)
            rest = self.args(params[1:], entry.get("kwonly", ()))
            return f"{self.qual(prefix, 'layers', name)}({inner}{', ' + rest if rest else ''})"
        return f"{self.qual(prefix, 'layers', name)}({self.args(params, entry.get('kwonly', ()))})"

    def input_(self, prefix):
        shape = self.tuple_(self.rng.randint(1, 4))
        func = "Input" if prefix == "*" else ("layers.Input" if prefix == "" else f"{prefix}Input")
        return f"{func}(shape={shape})" if self.rng.random() < 0.8 else f"{func}({shape})"

    def stack(self, prefix):
        r = self.rng
        n = r.randint(0, 7)
        out = [self.layer(prefix) for _ in range(n)]
        if r.random() < 0.8:
            units = r.choice(["1", "2", "10", "n_classes", "num_classes", "0"])
            act = r.choice([None, "softmax", "sigmoid", "linear", "relu", "tanh", "log_softmax"])
            head = self.qual(prefix, "layers", "Dense") + f"({units}" + (f", activation={act!r}" if act else "") + ")"
            out.append(head)
        return out

    def model(self, prefix):
        r = self.rng
        stack = self.stack(prefix)
        seq = "Sequential" if prefix == "*" else ("models.Sequential" if prefix == "" else f"{prefix}Sequential")
        mod = "Model" if prefix == "*" else ("models.Model" if prefix == "" else f"{prefix}Model")
        style = r.choice(["list", "list", "add", "functional", "function", "subclass", "loop"])
        if r.random() < 0.5:
            stack.insert(0, self.input_(prefix))
        if style == "list":
            sep = ",\n    " if r.random() < 0.5 else ", "
            return f"model = {seq}([{sep.join(stack)}])\n"
        if style == "add":
            return f"model = {seq}()\n" + "".join(f"model.add({s})\n" for s in stack)
        if style == "loop":
            return (f"model = {seq}()\nfor units in [64, 32, {self.number()}]:\n"
                    f"    model.add({self.qual(prefix, 'layers', 'Dense')}(units, activation='relu'))\n"
                    + "".join(f"model.add({s})\n" for s in stack[-2:]))
        if style == "functional":
            body = f"inputs = {self.input_(prefix)}\nh = inputs\n"
            for s in stack:
                if "Input(" in s:
                    continue
                body += f"h = {s}(h)\n"
            return body + f"model = {mod}(inputs=inputs, outputs=h)\n"
        if style == "function":
            body = "def build_model(n_classes=10, units=64):\n"
            body += f"    model = {seq}()\n" + "".join(f"    model.add({s})\n" for s in stack)
            body += "    return model\n\n"
            return body + "model = build_model()\n"
        body = f"class Net({mod}):\n    def __init__(self):\n        super().__init__()\n"
        for i, s in enumerate(stack):
            body += f"        self.l{i} = {s}\n"
        body += "\n    def call(self, x, training=False):\n"
        for i in range(len(stack)):
            body += f"        x = self.l{i}(x)\n"
        body += "        return x\n\nmodel = Net()\n"
        return body

    def compile_(self, prefix):
        r = self.rng
        args = []
        if r.random() < 0.9:
            loss = r.choice(self.losses)
            if loss[0].isupper():
                extra = r.choice(["", "from_logits=True", "from_logits=False", "reduction='sum'"])
                args.append(f"loss={self.qual(prefix, 'losses', loss)}({extra})")
            else:
                args.append(f"loss={loss!r}")
        if r.random() < 0.8:
            opt = r.choice(self.optimizers)
            if r.random() < 0.5:
                args.append(f"optimizer={opt.lower()!r}")
            else:
                lr = r.choice(["", "lr=0.01", "learning_rate=1e-3", "learning_rate=10", "learning_rate=0",
                               "learning_rate=schedule", "decay=1e-6"])
                args.append(f"optimizer={self.qual(prefix, 'optimizers', opt)}({lr})")
        if r.random() < 0.7:
            ms = r.sample(self.metrics, r.randint(0, 3))
            args.append("metrics=[" + ", ".join(repr(m) if m[0].islower() else self.qual(prefix, "metrics", m) + "()"
                                                for m in ms) + "]")
        r.shuffle(args)
        return f"model.compile({self.join(args)})\n"

    def fit(self, prefix):
        r = self.rng
        args = ["x_train", "y_train"]
        for option in ["epochs=10", "batch_size=32", "validation_split=0.2", "validation_data=(x_test, y_test)",
                       "shuffle=False", "verbose=0", "steps_per_epoch=100", "class_weight=weights",
                       f"callbacks=[{self.qual(prefix, 'callbacks', r.choice(self.callbacks))}()]",
                       "initial_epoch=3", "epochs=0", "batch_size=-1", "nb_epoch=5"]:
            if r.random() < 0.25:
                args.append(option)
        method = r.choice(["fit"] * 8 + ["fit_generator", "train_on_batch"])
        out = f"history = model.{method}({self.join(args)})\n"
        if r.random() < 0.3:
            out += r.choice(["model.evaluate(x_test, y_test)\n", "p = model.predict_classes(x_test)\n",
                             "p = model.predict(x_test).argmax(-1)\n", "model.save('m.h5')\n",
                             "model.summary()\n"])
        return out

    def program(self) -> str:
        r = self.rng
        header, prefix = r.choice(IMPORTS)
        if prefix == "tf.keras." and r.random() < 0.3:
            header += "from tensorflow.keras import layers\n"
        text = header + "import numpy as np\n\n"
        text += r.choice(["", "x_train = np.random.rand(100, 20)\ny_train = np.random.randint(0, 10, 100)\n",
                          "y_train = np.zeros((100, 10))\n", "(x_train, y_train), (x_test, y_test) = data\n"])
        text += self.model(prefix)
        for _ in range(r.choice([0, 1, 1, 1, 2])):
            text += self.compile_(prefix)
        for _ in range(r.choice([0, 1, 1, 2])):
            text += self.fit(prefix)
        if r.random() < 0.1:
            lines = text.splitlines(keepends=True)
            i = r.randrange(len(lines))
            lines[i] = lines[i].rstrip("\n") + r.choice(["  # noqa", "  # noqa: KER101", "  # noqa:KER2"]) + "\n"
            text = "".join(lines)
        if r.random() < 0.1:
            text = text.replace("\n", "\r\n")
        if r.random() < 0.05:
            text = text.rstrip("\n")
        if r.random() < 0.05:
            text = text.replace("    ", "\t")
        return text


def keras_program(seed: int) -> str:
    return KerasProgram(random.Random(seed)).program()
