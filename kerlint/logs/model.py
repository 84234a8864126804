"""Plain data for a parsed training log: runs of epochs, each with its metrics and batch trace."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# -log(1e-7): the crossentropy of one sample whose true-class probability sits at Keras's lower
# clip bound (epsilon = 1e-7).
CLIP_LOSS = -math.log(1e-7)
# -log(float32(1 - 1e-7)): the smallest loss a clipped probability can give; Keras prints it as
# 1.1921e-07 (float32(1 - 1e-7) = 1 - 2**-23).
FLOOR_LOSS = 1.1920929e-07

ACCURACY_NAMES = (
    "accuracy",
    "acc",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
)


def is_loss_name(name: str) -> bool:
    return name.endswith("loss")


def is_accuracy_name(name: str) -> bool:
    return name.endswith("acc") or name.endswith("accuracy")


def is_val(name: str) -> bool:
    return name.startswith("val_")


class Trace:
    """The running loss/accuracy shown by a progress bar inside one epoch.

    Kept in constant space whatever the number of redraws: exact statistics are updated on the fly
    and the points themselves are thinned to at most MAX_POINTS.
    """

    MAX_POINTS = 400

    __slots__ = (
        "points", "stride", "seen", "n", "first", "min_point", "rise", "floor_first",
        "floor_last", "floor_acc", "nonfinite", "pinned", "pinnable", "last",
    )

    def __init__(self) -> None:
        self.points: list[tuple[int, float, float | None]] = []
        self.stride = 1
        self.seen = 0
        self.n = 0
        self.first: tuple[int, float] | None = None
        self.min_point: tuple[int, float] | None = None
        # largest rise of the running loss over its earlier minimum: (ratio, from, to)
        self.rise: tuple[float, tuple[int, float], tuple[int, float]] | None = None
        self.floor_first: int | None = None
        self.floor_last: int | None = None
        self.floor_acc: float | None = None
        self.nonfinite: tuple[int, float] | None = None
        self.pinned = 0
        self.pinnable = 0
        self.last: tuple[int, float, float | None] | None = None

    def add(self, step: int, loss: float, acc: float | None) -> None:
        self.n += 1
        point = (step, loss, acc)
        self.last = point
        self.seen += 1
        if (self.seen - 1) % self.stride == 0:
            self.points.append(point)
            if len(self.points) > self.MAX_POINTS:
                self.points = self.points[::2]
                self.stride *= 2
        if not math.isfinite(loss):
            if self.nonfinite is None:
                self.nonfinite = (step, loss)
            return
        if self.first is None:
            self.first = (step, loss)
        if self.min_point is not None and self.min_point[1] > 0:
            ratio = loss / self.min_point[1]
            if self.rise is None or ratio > self.rise[0]:
                self.rise = (ratio, self.min_point, (step, loss))
        if self.min_point is None or loss < self.min_point[1]:
            self.min_point = (step, loss)
        if 0 < loss <= 2.5e-7:
            if self.floor_first is None:
                self.floor_first = step
                self.floor_acc = acc
            self.floor_last = step
        if acc is not None and loss >= 0.05:
            self.pinnable += 1
            if pinned_loss(loss, acc):
                self.pinned += 1

    def series(self) -> list[tuple[int, float, float | None]]:
        pts = list(self.points)
        if self.last is not None and (not pts or pts[-1] != self.last):
            pts.append(self.last)
        return pts


def pinned_loss(loss: float, acc: float) -> bool:
    """True when loss = (1 - accuracy) x 16.118: every wrong prediction costs -log(1e-7) and
    every right one nothing, i.e. all outputs sit at a clip bound."""
    expected = (1.0 - acc) * CLIP_LOSS
    return abs(loss - expected) <= 0.01 * max(loss, expected) + 0.002


@dataclass(frozen=True)
class ClassCount:
    """How many classes the model tells apart, and where that number comes from."""

    count: int
    # "option" (--classes), "source" (the output layer in the source), "summary" (a
    # model.summary() in the log), "metrics" (binary_accuracy, ...), "accuracy" (its values)
    origin: str
    # for the user: "--classes 5", "Dense(5) at train.py:12:5", "the accuracy 0.2000 = 1/5"
    text: str


@dataclass
class Epoch:
    number: int
    metrics: dict[str, float]
    # no final progress line: the values are the last running values shown
    partial: bool = False
    total_steps: int | None = None
    trace: Trace | None = None


@dataclass
class Run:
    index: int
    epochs: list[Epoch] = field(default_factory=list)
    declared_epochs: int | None = None
    train_samples: int | None = None
    val_samples: int | None = None
    samples_unit: str = "samples"
    restored_best_epoch: int | None = None
    restored_best: bool = False
    early_stopped_epoch: int | None = None
    # epoch whose header is the last thing in the log (output cut there)
    truncated_at: int | None = None
    # the notebook cell whose output holds the run (1-based among all cells, as `check` counts)
    cell: int | None = None
    # the last dimension of the output shape in the last model.summary() printed before the run
    summary_units: int | None = None
    # the number of classes, when the options, the source or the log tell it (see classes.py)
    classes: ClassCount | None = None
    # the loss the source shows the run's model trained with, when it is no plain crossentropy
    # (a regression loss, hinge, focal): ln C means nothing for it
    non_crossentropy_loss: str | None = None

    def metric_names(self) -> list[str]:
        names: dict[str, None] = {}
        for ep in self.epochs:
            for k in ep.metrics:
                names.setdefault(k, None)
        return list(names)

    def series(self, name: str) -> list[tuple[int, float]]:
        return [(ep.number, ep.metrics[name]) for ep in self.epochs if name in ep.metrics]

    def epoch(self, number: int) -> Epoch | None:
        for ep in self.epochs:
            if ep.number == number:
                return ep
        return None

    def loss_key(self, val: bool = False) -> str | None:
        names = self.metric_names()
        base = "loss" if "loss" in names else next(
            (n for n in names if is_loss_name(n) and not is_val(n)), None)
        if base is None:
            return None
        if val:
            key = "val_" + base
            return key if key in names else None
        return base

    def acc_key(self, val: bool = False) -> str | None:
        names = self.metric_names()
        for a in ACCURACY_NAMES:
            key = ("val_" + a) if val else a
            if key in names:
                return key
        for n in names:
            if is_accuracy_name(n) and is_val(n) == val:
                return n
        return None


@dataclass
class Log:
    source: str
    format: str  # "console", "csv", "json", "notebook"
    runs: list[Run]
    notes: list[str] = field(default_factory=list)
