"""How many classes a run's model tells apart: what chance level means for its accuracy (1/C)
and its loss (ln C, the crossentropy of a uniform guess).

In order of trust: `--classes N`; the model's output layer in the source (`--source`, or the
notebook the log came from); the last `model.summary()` printed in the log before the run;
metric names that only a binary model reports; and last the accuracy itself, when its values
sit on 1/C (see ``from_accuracy``). A count read from the accuracy is a guess, and the messages
say so; the other diagnoses that need C (KER613) do not use it.
"""

from __future__ import annotations

import math
import statistics

from .model import ClassCount, Run

# Accuracy values above 1/MAX_GUESSED are far enough apart (1/5 = 0.2 and 1/6 = 0.167) for the
# accuracy's median to pick one C; below, neighbouring 1/C are closer than the noise.
MAX_GUESSED = 5
# How far a reading can stray from the value it stands for, when the sample count is unknown.
NOISE = 0.03

BINARY_METRICS = ("binary_accuracy", "binary_crossentropy")


def noise(p: float, samples: int | None) -> float:
    """Three binomial standard deviations of an accuracy p measured on ``samples`` samples (the
    epoch's accuracy is a count of right answers), or NOISE when the count is unknown."""
    if not samples:
        return NOISE
    return max(0.015, 3 * math.sqrt(p * (1 - p) / samples))


def from_summary(run: Run) -> ClassCount | None:
    units = run.summary_units
    if units is None or units < 1:
        return None
    if units == 1:  # a one-unit head: binary classification (sigmoid), if it is a classifier
        return ClassCount(2, "summary", "the one-unit output in the model summary printed in the log")
    return ClassCount(units, "summary", f"the output shape (None, {units}) in the model summary "
                                        "printed in the log")


def from_metrics(run: Run) -> ClassCount | None:
    names = run.metric_names()
    for name in BINARY_METRICS:
        if name in names or "val_" + name in names:
            return ClassCount(2, "metrics", f"the metric {name}")
    return None


def _nearest_gap(c: int) -> float:
    """The distance from 1/c to the nearest other 1/k."""
    return min(abs(1 / c - 1 / k) for k in (c - 1, c + 1) if k >= 2)


def from_accuracy(run: Run) -> ClassCount | None:
    """C when the training accuracy sits on 1/C over the whole run: its median within a quarter of
    the way to the next 1/k, no epoch above 1/C by more than the noise, and the validation
    accuracy's median (if any) within the noise of 1/C too. Only for C <= MAX_GUESSED."""
    acc = run.acc_key()
    if acc is None:
        return None
    values = [v for _, v in run.series(acc) if math.isfinite(v)]
    if len(values) < 3:
        return None
    median = statistics.median(values)
    for c in range(2, MAX_GUESSED + 1):
        p = 1 / c
        if abs(median - p) > _nearest_gap(c) / 4:
            continue
        samples = run.train_samples if run.samples_unit == "samples" else None
        if max(values) > p + noise(p, samples):
            return None
        val_acc = run.acc_key(val=True)
        if val_acc is not None:
            val = [v for _, v in run.series(val_acc) if math.isfinite(v)]
            val_samples = run.val_samples if run.samples_unit == "samples" else None
            if val and abs(statistics.median(val) - p) > noise(p, val_samples):
                return None
        return ClassCount(c, "accuracy", f"the accuracy, which sits on 1/{c}")
    return None


def from_log(run: Run) -> ClassCount | None:
    """What the log alone tells (the options and the source come first: see cli.py)."""
    return from_summary(run) or from_metrics(run) or from_accuracy(run)
