"""KER303: validation_split on arrays the file never shuffles (opt-in)."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..ir import Const
from . import Rule


def _split(fit):
    arg = fit.args.get("validation_split")
    if arg is None:
        return None
    v = arg.value
    if isinstance(v, Const) and (v.value is None or v.value == 0 or isinstance(v.value, bool)):
        return None
    return arg


def check(file):
    ir = file.ir
    if ir.shuffle_evidence:
        return
    for fit in ir.fits:
        if fit.method != "fit":
            continue
        if fit.model is None and not ir.uses_keras:
            continue
        arg = _split(fit)
        if arg is None:
            continue
        yield Diagnostic(
            "KER303",
            "validation_split holds out the last part of the arrays as they are, before any "
            "shuffling (shuffle=True only shuffles the training part), and nothing in this file "
            "shuffles or randomly splits them first: if the rows are ordered (by class, date or "
            "source), the validation set is not like the training set and val_loss/val_accuracy "
            "mislead; shuffle the arrays first or pass validation_data from a random split",
            fit.node,
        )


RULE = Rule(
    code="KER303",
    name="validation-split-unshuffled",
    summary="validation_split on arrays that are never shuffled",
    explanation=(
        "`fit(x, y, validation_split=0.1)` takes the *last* 10% of `x` and `y`, in their "
        "current order, as validation data; `shuffle=True` shuffles only the remaining "
        "training part, each epoch. Data loaded from files is often ordered (all negatives "
        "then all positives, or by date), and then the validation set holds one class or one "
        "period only. Shuffle once before `fit` (`np.random.permutation`, "
        "`sklearn.utils.shuffle`) or split with `train_test_split`. The rule stays silent when "
        "any shuffle or random split is visible in the file. Off by default (opt-in)."
    ),
    bad="model.fit(X, y, epochs=10, validation_split=0.1, shuffle=True)",
    good=(
        "X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.1)\n"
        "model.fit(X_train, y_train, epochs=10, validation_data=(X_val, y_val))"
    ),
    fix_availability="never",
    check=check,
    default=False,
)
