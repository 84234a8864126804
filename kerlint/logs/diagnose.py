"""Diagnoses of a parsed training log: KER601... codes, each with the epochs and numbers behind it
and the `kerlint check` rules that usually cause that signature. The codes' names and
descriptions are in the code registry (``kerlint/codes.py``)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from ..codes import CODES
from .classes import from_log, noise
from .model import (CLIP_LOSS, ClassCount, Log, Run, is_accuracy_name, is_loss_name, is_val,
                    pinned_loss)

FLOOR_MAX = 2.5e-7  # printed 1.1921e-07 and its neighbours


@dataclass
class Diagnosis:
    code: str
    run: int
    epochs: list[int]
    message: str
    explanation: str
    rules: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    suggestion: str | None = None

    @property
    def name(self) -> str:
        return CODES[self.code].name


def fmt(v: float) -> str:
    """Numbers as Keras prints them: 4 decimals, scientific below 1e-3."""
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if v != 0 and abs(v) < 1e-3:
        return f"{v:.4e}"
    return f"{v:.4f}"


def epochs_text(epochs: list[int]) -> str:
    if not epochs:
        return ""
    if len(epochs) == 1:
        return f"epoch {epochs[0]}"
    if epochs == list(range(epochs[0], epochs[-1] + 1)):
        return f"epochs {epochs[0]}-{epochs[-1]}"
    return "epochs " + ", ".join(str(e) for e in epochs)


def _finite(series: list[tuple[int, float]]) -> list[tuple[int, float]]:
    return [(e, v) for e, v in series if math.isfinite(v)]


def _constant_streaks(series: list[tuple[int, float]], min_len: int = 3,
                      keep: Callable[[float], bool] = lambda v: True) -> list[list[tuple[int, float]]]:
    """Runs of consecutive epochs whose values agree to 1e-4 relative (equal as printed)."""
    streaks: list[list[tuple[int, float]]] = []
    cur: list[tuple[int, float]] = []
    lo = hi = 0.0
    for e, v in series:
        if not math.isfinite(v) or not keep(v):
            if len(cur) >= min_len:
                streaks.append(cur)
            cur = []
            continue
        if cur and e == cur[-1][0] + 1:
            nlo, nhi = min(lo, v), max(hi, v)
            if nhi - nlo <= 1e-4 * max(abs(nlo), abs(nhi)):
                cur.append((e, v))
                lo, hi = nlo, nhi
                continue
        if len(cur) >= min_len:
            streaks.append(cur)
        cur, lo, hi = [(e, v)], v, v
    if len(cur) >= min_len:
        streaks.append(cur)
    return streaks


def _acc_for(run: Run, loss_name: str) -> str | None:
    """The accuracy metric reported next to a loss: `val_accuracy` for `val_loss`, and so on."""
    return run.acc_key(val=is_val(loss_name))


def _loss_names(run: Run) -> list[str]:
    names = [n for n in run.metric_names() if is_loss_name(n)]
    main = run.loss_key()
    names.sort(key=lambda n: (is_val(n), n != main and n != "val_" + (main or ""), n))
    return names


def _has_accuracy(run: Run) -> bool:
    return run.acc_key() is not None or run.acc_key(val=True) is not None


def _zero_accuracy(run: Run) -> bool:
    """Every accuracy reading is 0: what `metrics=["accuracy"]` gives a regression."""
    values = [v for n in run.metric_names() if is_accuracy_name(n) for _, v in run.series(n)]
    return bool(values) and all(v == 0 for v in values)


def _split_name(name: str) -> str:
    return "validation" if is_val(name) else "training"


def _at(step: int, total: int | None) -> str:
    return f"{step}/{total}" if total else f"step {step}"


# -- KER601 ----------------------------------------------------------------------------------
def _divergence(run: Run, out: list[Diagnosis]) -> None:
    key = run.loss_key()
    if key is None:
        return
    series = _finite(run.series(key))
    if not series:
        return
    first_v = series[0][1]
    val_key = run.loss_key(val=True)
    val = dict(_finite(run.series(val_key))) if val_key else {}
    events: dict[int, dict[str, Any]] = {}
    for (e0, v0), (e1, v1) in zip(series, series[1:]):
        # small late spikes (0.05 -> 0.12 after starting at 0.7) are noise, not divergence
        if v0 > 0 and v1 >= 2 * v0 and (v1 >= 0.5 * first_v or v1 >= 10 * v0):
            events.setdefault(e1, {})["jump"] = (e0, v0, e1, v1)
    prev_loss = {}
    for (_, v0), (e1, _) in zip(series, series[1:]):
        prev_loss[e1] = v0
    for ep in run.epochs:
        t = ep.trace
        if t is None or t.rise is None:
            continue
        ratio, (s0, v0), (s1, v1) = t.rise
        base = prev_loss.get(ep.number, t.first[1] if t.first else v0)
        if ratio >= 3 and v1 >= 2 * base and v1 > v0:
            events.setdefault(ep.number, {})["within"] = (s0, v0, s1, v1, ep.total_steps)
    for e, ev in sorted(events.items()):
        parts, evidence = [], {"metric": key}
        if "jump" in ev:
            e0, v0, e1, v1 = ev["jump"]
            parts.append(f"{key} jumped x{v1 / v0:.1f} from {fmt(v0)} (epoch {e0}) to {fmt(v1)} "
                         f"(epoch {e1})")
            evidence.update(from_epoch=e0, from_value=v0, to_epoch=e1, to_value=v1,
                            factor=round(v1 / v0, 3))
            if val_key and e0 in val and e1 in val and val[e0] > 0 and val[e1] >= 2 * val[e0]:
                parts.append(f"{val_key} x{val[e1] / val[e0]:.1f} ({fmt(val[e0])} -> "
                             f"{fmt(val[e1])})")
                evidence.update(val_from=val[e0], val_to=val[e1])
        if "within" in ev:
            s0, v0, s1, v1, total = ev["within"]
            parts.append(f"inside epoch {e} the running {key} rose from {fmt(v0)} (at "
                         f"{_at(s0, total)}) to {fmt(v1)} (at {_at(s1, total)})")
            evidence.update(within_epoch=e, batch_from=s0, batch_from_value=v0, batch_to=s1,
                            batch_to_value=v1, steps=total)
        out.append(Diagnosis(
            "KER601", run.index, [e], "; ".join(parts),
            "A loss that multiplies between or inside epochs means an update threw the weights out "
            "of the region they were descending; training rarely recovers from it by itself. "
            "Usual causes: a learning rate too high (KER304), or a linear output fed to a "
            "probability loss (KER101), whose clipped loss moves in steps of 16.118.",
            ["KER304", "KER101"], evidence))
    # a steady climb over several epochs, with no single jump
    flagged = set(events)
    i = 0
    while i < len(series) - 1:
        j = i
        while (j + 1 < len(series) and series[j + 1][1] > series[j][1]
               and series[j + 1][0] == series[j][0] + 1):
            j += 1
        if j - i >= 3:
            (ea, va), (eb, vb) = series[i], series[j]
            span = list(range(ea, eb + 1))
            if va > 0 and vb >= 2 * va and vb >= 0.5 * first_v and not flagged & set(span):
                out.append(Diagnosis(
                    "KER601", run.index, span,
                    f"{key} rose at every epoch from {fmt(va)} (epoch {ea}) to {fmt(vb)} "
                    f"(epoch {eb}), x{vb / va:.1f}",
                    "Training loss that climbs epoch after epoch means the optimizer is not "
                    "descending: a learning rate too high (KER304), or a loss that does not "
                    "match the output layer (KER101).",
                    ["KER304", "KER101"],
                    {"metric": key, "from_epoch": ea, "from_value": va, "to_epoch": eb,
                     "to_value": vb, "factor": round(vb / va, 3)}))
        i = max(j, i + 1)


# -- KER602 ----------------------------------------------------------------------------------
def _samples_for(run: Run, name: str) -> int | None:
    if run.samples_unit != "samples":
        return None
    return run.val_samples if is_val(name) else run.train_samples


def _saturation(run: Run, out: list[Diagnosis]) -> None:
    any_acc = _has_accuracy(run)
    for name in _loss_names(run):
        acc_name = _acc_for(run, name)
        series = _finite(run.series(name))
        parts: list[str] = []
        epochs: set[int] = set()
        evidence: dict[str, Any] = {"metric": name}
        accs_here = dict(run.series(acc_name)) if acc_name else {}
        floor = [e for e, v in series if 0 < v <= FLOOR_MAX and accs_here.get(e, 0) < 0.99995]
        if floor:
            epochs.update(floor)
            parts.append(f"{name} is {fmt(run.epoch(floor[0]).metrics[name])} at "
                         f"{epochs_text(floor)}, the floor -log(float32(1 - 1e-7)) = 1.1921e-07")
            evidence["floor_epochs"] = floor
        # inside epochs: the running loss at the floor (seed 003's first batches)
        if not is_val(name) and name == run.loss_key():
            for ep in run.epochs:
                t = ep.trace
                if t is not None and t.floor_first is not None and ep.number not in floor:
                    epochs.add(ep.number)
                    acc_txt = f" with {run.acc_key()} {fmt(t.floor_acc)}" if (
                        t.floor_acc is not None and run.acc_key()) else ""
                    where = (_at(t.floor_first, ep.total_steps) if t.floor_first == t.floor_last
                             else f"{_at(t.floor_first, ep.total_steps)}-"
                                  f"{_at(t.floor_last, ep.total_steps)}")
                    parts.append(f"inside epoch {ep.number} the running {name} is 1.1921e-07"
                                 f"{acc_txt} at {where}: -log(float32(1 - 1e-7)), the floor")
                    evidence.setdefault("batch_floor", []).append(
                        {"epoch": ep.number, "from": t.floor_first, "to": t.floor_last})
        # loss = (1 - accuracy) x 16.118: every output at a clip bound
        if acc_name:
            accs = dict(run.series(acc_name))
            pinned = []
            for e, v in series:
                if v < 0.05 or e not in accs:
                    continue
                if not pinned_loss(v, accs[e]):
                    continue
                ep = run.epoch(e)
                t = ep.trace if ep is not None and not is_val(name) else None
                pinned.append((e, v, accs[e], t))
            strong = [p for p in pinned if p[3] is not None and p[3].pinnable >= 5
                      and p[3].pinned >= 0.8 * p[3].pinnable]
            if len(pinned) >= 2 or strong:
                e, v, a, t = (strong or pinned)[0]
                calc = f"(1 - {fmt(a)}) x 16.118 = {(1 - a) * CLIP_LOSS:.4f}, logged {fmt(v)}"
                if len(pinned) == 1:
                    text = f"{name} = (1 - {acc_name}) x 16.118 in epoch {e}: {calc},"
                else:
                    text = (f"{name} = (1 - {acc_name}) x 16.118 at "
                            f"{epochs_text([p[0] for p in pinned])} (epoch {e}: {calc})")
                if t is not None:
                    text += (f" and within 1% at {t.pinned} of the {t.pinnable} progress updates "
                             f"of epoch {e}")
                parts.append(text + ": each wrong prediction costs -log(1e-7) = 16.118 and each "
                             "right one nothing, so the outputs sit at 0 or 1")
                epochs.update(p[0] for p in pinned)
                evidence["pinned_epochs"] = [p[0] for p in pinned]
        # a frozen multiple of 16.118 (seed 000's val_loss 9.4066)
        if any_acc:
            for streak in _constant_streaks(series, keep=lambda v: 0.2 * CLIP_LOSS <= v <= CLIP_LOSS):
                v = streak[0][1]
                frac = v / CLIP_LOSS
                text = (f"{name} stays at {fmt(v)} at {epochs_text([s[0] for s in streak])}: "
                        f"{fmt(v)} = {frac:.4f} x 16.118")
                n = _samples_for(run, name)
                evidence.update(multiple_of_16_118=round(frac, 5))
                if n:
                    k = frac * n
                    if abs(k - round(k)) <= 0.00005 * n / CLIP_LOSS + 0.002 and round(k) > 0:
                        k = round(k)
                        text += (f" = {k}/{n} x 16.118: {k} of the {n} {_split_name(name)} "
                                 "samples get probability 1e-7 (the clip floor) for their true "
                                 "class and the others about 1")
                        evidence.update(samples_at_floor=k, samples=n)
                    else:
                        text += (f": about {frac:.0%} of the {_split_name(name)} samples get "
                                 "probability 1e-7 (the clip floor) for their true class")
                else:
                    text += (f": about {frac:.0%} of the {_split_name(name)} samples get "
                             "probability 1e-7 (the clip floor) for their true class")
                parts.append(text)
                epochs.update(s[0] for s in streak)
                break
        # above 16.118 the crossentropy came from logits: their size is the loss (unless the
        # loss is no crossentropy: a regression, known from the source or from an accuracy of
        # exactly 0 at every epoch, the exact-match accuracy Keras gives a regression)
        if any_acc and not run.non_crossentropy_loss and not _zero_accuracy(run):
            above = [(e, v) for e, v in series if v > CLIP_LOSS * 1.01]
            if above:
                peak = max(above, key=lambda p: p[1])
                parts.append(
                    f"{name} exceeds 16.118 = -log(1e-7) at {epochs_text([e for e, _ in above])} "
                    f"(up to {fmt(peak[1])} at epoch {peak[0]}): a clipped probability cannot "
                    "give that, so Keras computed the crossentropy from the logits, which are "
                    "that large: the sigmoid/softmax outputs are pinned at 0 or 1")
                epochs.update(e for e, _ in above)
                evidence["above_clip_epochs"] = [e for e, _ in above]
                evidence["peak"] = peak[1]
        if parts:
            out.append(Diagnosis(
                "KER602", run.index, sorted(epochs), "; ".join(parts),
                "Predictions pinned at 0 or 1 stop the gradient and make the loss jump between "
                "multiples of 16.118. Typical of a linear output fed to a probability loss "
                "(KER101: the loss clips what it takes for probabilities) or of a learning rate "
                "too high (KER304).",
                ["KER101", "KER304"], evidence))


# -- KER603 ----------------------------------------------------------------------------------
def _frozen(run: Run, out: list[Diagnosis]) -> None:
    for name in _loss_names(run):
        streaks = _constant_streaks(run.series(name), keep=lambda v: v > FLOOR_MAX)
        if not streaks:
            continue
        streak = max(streaks, key=len)
        eps = [e for e, _ in streak]
        value = streak[0][1]
        lo, hi = min(v for _, v in streak), max(v for _, v in streak)
        shown = fmt(value) if fmt(lo) == fmt(hi) else f"{fmt(lo)}-{fmt(hi)}"
        text = f"{name} is {shown} at every epoch from {eps[0]} to {eps[-1]}"
        evidence: dict[str, Any] = {"metric": name, "value": value, "from_epoch": eps[0],
                                    "to_epoch": eps[-1]}
        acc_name = _acc_for(run, name)
        if acc_name:
            for acc_streak in _constant_streaks(run.series(acc_name)):
                a_eps = [e for e, _ in acc_streak]
                if set(a_eps) & set(eps):
                    text += (f"; {acc_name} {fmt(acc_streak[0][1])} from epoch {a_eps[0]} "
                             f"to {a_eps[-1]}")
                    evidence.update(accuracy_metric=acc_name, accuracy=acc_streak[0][1],
                                    accuracy_from_epoch=a_eps[0], accuracy_to_epoch=a_eps[-1])
                    break
        where = "validation " if is_val(name) else ""
        out.append(Diagnosis(
            "KER603", run.index, eps, text,
            f"A loss that does not move in its 4th decimal while training goes on means the "
            f"model's {where}outputs no longer change: the weights stopped updating (dead units, "
            "an exploded layer) or the outputs are pinned at a clip bound. Usual causes: a "
            "learning rate too high (KER304), a linear output under a probability loss (KER101), "
            "a layer after the output activation (KER207).",
            ["KER304", "KER101", "KER207"], evidence))


# -- KER604 ----------------------------------------------------------------------------------
def _overfitting(run: Run, out: list[Diagnosis], broken: bool) -> None:
    key, val_key = run.loss_key(), run.loss_key(val=True)
    if key is None or val_key is None or broken:
        return
    val = _finite(run.series(val_key))
    train = dict(_finite(run.series(key)))
    if len(val) < 2:
        return
    best_i = min(range(len(val)), key=lambda i: (val[i][1], i))
    e_best, v_best = val[best_i]
    after = val[best_i + 1:]
    if not after or v_best <= 0:
        return
    e_last, v_last = val[-1]
    peak = max(v for _, v in after)
    if peak < 1.05 * v_best or v_last < 1.02 * v_best:
        return
    if e_best not in train or e_last not in train or train[e_last] > 0.95 * train[e_best]:
        return
    if run.restored_best and run.restored_best_epoch in (None, e_best):
        return  # EarlyStopping(restore_best_weights=True) already kept that epoch
    acc_name = run.acc_key(val=True)
    acc_txt = ""
    evidence: dict[str, Any] = {"metric": val_key, "best_epoch": e_best, "best_value": v_best,
                                "last_epoch": e_last, "last_value": v_last,
                                "train_at_best": train[e_best], "train_last": train[e_last]}
    if acc_name:
        accs = dict(run.series(acc_name))
        if e_best in accs:
            acc_txt = f", {acc_name} {fmt(accs[e_best])}"
            evidence.update(accuracy_metric=acc_name, accuracy_at_best=accs[e_best])
    patience = min(3, max(1, e_last - e_best))
    stop = e_best + patience
    suggestion = (f'keras.callbacks.EarlyStopping(monitor="val_loss", patience={patience}, '
                  f"restore_best_weights=True): it would stop at epoch {stop} and keep the "
                  f"weights of epoch {e_best}")
    out.append(Diagnosis(
        "KER604", run.index, list(range(e_best, e_last + 1)),
        f"{val_key} is lowest at epoch {e_best} ({fmt(v_best)}{acc_txt}) and rises to "
        f"{fmt(v_last)} by epoch {e_last} while {key} keeps falling ({fmt(train[e_best])} -> "
        f"{fmt(train[e_last])}): overfitting from epoch {e_best} on",
        "The model keeps fitting the training data but stops generalising: every epoch after "
        f"{e_best} makes the validation predictions worse. Keep the weights of epoch {e_best} "
        "(EarlyStopping with restore_best_weights), then regularise (dropout, weight decay, "
        "more data) if that epoch is not good enough. `kerlint check` flags long runs without "
        "early stopping (KER306, opt-in).",
        ["KER306"], evidence, suggestion))


# -- KER605 ----------------------------------------------------------------------------------
def _accuracy_falls(run: Run, out: list[Diagnosis]) -> None:
    acc, key = run.acc_key(), run.loss_key()
    if acc is None:
        return
    series = _finite(run.series(acc))
    if len(series) < 3:
        return
    best_i = max(range(len(series)), key=lambda i: (series[i][1], -i))
    e_best, a_best = series[best_i]
    e_last, a_last = series[-1]
    if a_last > a_best - 0.05 or len(series) - best_i < 3:
        return
    losses = dict(_finite(run.series(key))) if key else {}
    # longest stretch of epochs over which accuracy and loss both fell at every step
    streak: list[int] = []
    longest: list[int] = []
    for (e0, a0), (e1, a1) in zip(series[best_i:], series[best_i + 1:]):
        both = (a1 < a0 and e1 == e0 + 1 and e0 in losses and e1 in losses
                and losses[e1] < losses[e0])
        streak = (streak or [e0]) + [e1] if both else []
        if len(streak) > len(longest):
            longest = streak
    disagree = len(longest) >= 4
    text = f"{acc} falls from {fmt(a_best)} (epoch {e_best}) to {fmt(a_last)} (epoch {e_last})"
    evidence: dict[str, Any] = {"metric": acc, "best_epoch": e_best, "best_value": a_best,
                                "last_epoch": e_last, "last_value": a_last}
    if disagree:
        accs = dict(series)
        ea, eb = longest[0], longest[-1]
        text += (f"; from epoch {ea} to {eb} {key} fell ({fmt(losses[ea])} -> "
                 f"{fmt(losses[eb])}) while {acc} fell ({fmt(accs[ea])} -> {fmt(accs[eb])}): "
                 "the loss is not measuring what accuracy counts")
        explanation = ("Training accuracy that falls while the optimizer lowers the loss means "
                       "the loss rewards something other than the right class: a linear output "
                       "that a probability loss normalises itself (KER101), a binary loss on a "
                       "softmax (KER106), a regression loss on a classifier (KER109).")
        rules = ["KER101", "KER106", "KER109"]
        evidence["both_fell"] = [ea, eb]
    else:
        explanation = ("Training accuracy should not fall for long: the optimizer is moving "
                       "away from the solution it had. Usual causes: a learning rate too high "
                       "(KER304), or a linear output under a probability loss (KER101).")
        rules = ["KER304", "KER101"]
    out.append(Diagnosis("KER605", run.index, list(range(e_best, e_last + 1)), text,
                         explanation, rules, evidence))


# -- KER606 ----------------------------------------------------------------------------------
def _loss_plateaus(run: Run, classes: ClassCount | None) -> list[tuple[str, float, int, list[int]]]:
    """Losses that sit at ln C (within 0.2%) for 3+ epochs: (metric, value, C, epochs). With a
    known class count only ln C of that count is looked for."""
    found: list[tuple[str, float, int, list[int]]] = []
    trusted = classes is not None and classes.origin != "accuracy"
    counts = [classes.count] if trusted else list(range(2, 11))
    for name in _loss_names(run):
        series = _finite(run.series(name))
        for count in counts:
            target = math.log(count)
            cur: list[int] = []
            best: list[int] = []
            for e, v in series:
                if abs(v - target) <= 0.002 * target and (not cur or e == cur[-1] + 1):
                    cur.append(e)
                elif abs(v - target) <= 0.002 * target:
                    cur = [e]
                else:
                    cur = []
                if len(cur) > len(best):
                    best = list(cur)
            if len(best) >= 3:
                found.append((name, dict(series)[best[0]], count, best))
                break
    return found


def _single_output(run: Run) -> bool:
    """One loss for one output: a multi-output model's `loss` is the sum of its outputs' losses,
    which no ln C bounds."""
    key = run.loss_key()
    return key is not None and not any(
        is_loss_name(n) and not is_val(n) and n != key for n in run.metric_names())


def _aligned(run: Run) -> tuple[list[int], list[float], list[float]] | None:
    """The epochs with a finite training accuracy and loss: (epochs, accuracies, losses)."""
    acc, key = run.acc_key(), run.loss_key()
    if acc is None or key is None or not _single_output(run):
        return None
    losses = dict(_finite(run.series(key)))
    pairs = [(e, a, losses[e]) for e, a in _finite(run.series(acc)) if e in losses]
    if not pairs:
        return None
    return [p[0] for p in pairs], [p[1] for p in pairs], [p[2] for p in pairs]


def _range_text(values: list[float]) -> str:
    lo, hi = min(values), max(values)
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}-{fmt(hi)}"


def _accuracy_at_chance(run: Run, classes: ClassCount | None) -> dict[str, Any] | None:
    """Training accuracy at 1/C (or flat at one class's share) over the whole run, 3+ epochs,
    while the training loss never falls below ln C."""
    if classes is None or run.non_crossentropy_loss:
        return None
    aligned = _aligned(run)
    if aligned is None or len(aligned[0]) < 3:
        return None
    eps, accs, losses = aligned
    count = classes.count
    p, ln_c = 1 / count, math.log(count)
    if min(losses) < ln_c * 0.998:  # 0.2%: the printed ln C itself
        return None
    samples = run.train_samples if run.samples_unit == "samples" else None
    tol = noise(p, samples)
    median = statistics.median(accs)
    found: dict[str, Any] = {"epochs": eps, "accuracy": accs, "losses": losses, "tolerance": tol}
    if max(accs) <= p + tol and abs(median - p) <= tol:
        found["kind"] = "chance"
        return found
    if classes.origin == "accuracy" or min(accs) <= 0.02:
        # the rest needs a count that does not come from the accuracy itself, and an accuracy
        # well above 0 (a regression's exact-match accuracy is 0: it has no classes)
        return None
    if max(accs) <= p + tol:
        found["kind"] = "below"  # worse than guessing: the loss rewards something else
        return found
    if len(eps) >= 4 and max(accs) - min(accs) <= 0.01:
        found["kind"] = "share"  # the predicted class hardly changes
        return found
    return None


def _chance(run: Run, classes: ClassCount | None, out: list[Diagnosis]) -> None:
    if run.non_crossentropy_loss:
        return  # the source trains it with no crossentropy: ln C means nothing for its loss
    plateaus = _loss_plateaus(run, classes)
    at_chance = _accuracy_at_chance(run, classes)
    if not plateaus and at_chance is None:
        return
    parts: list[str] = []
    evidence: dict[str, Any] = {}
    rules: list[str] = []
    epochs: list[int] = []
    if at_chance is not None:
        assert classes is not None
        count, acc, key = classes.count, run.acc_key(), run.loss_key()
        eps, accs, losses = at_chance["epochs"], at_chance["accuracy"], at_chance["losses"]
        low_i = min(range(len(losses)), key=lambda i: losses[i])
        loss_text = (f"{key} never falls below ln {count} = {math.log(count):.4f}, the loss of a "
                     f"uniform guess (lowest {fmt(losses[low_i])} at epoch {eps[low_i]})")
        if at_chance["kind"] in ("chance", "below"):
            where = "chance" if at_chance["kind"] == "chance" else "below chance"
            text = (f"{acc} stays at {_range_text(accs)} at {epochs_text(eps)}, {where} for "
                    f"{count} classes (1/{count} = {fmt(1 / count)}), while {loss_text}")
        else:
            text = (f"{acc} stays at {_range_text(accs)} at {epochs_text(eps)} while {loss_text}: "
                    "the share of the class the model keeps predicting")
        val_acc = run.acc_key(val=True)
        if val_acc is not None:
            vals = [v for _, v in _finite(run.series(val_acc))]
            if vals:
                text += f"; {val_acc} {_range_text(vals)}"
        if losses[0] >= 2 * math.log(count) and eps[0] == 1 and classes.origin == "accuracy":
            # (with a count known otherwise, KER613 says it)
            text += (f"; {key} {fmt(losses[0])} at epoch 1 is {losses[0] / math.log(count):.1f} x "
                     f"ln {count}")
        parts.append(text + f" ({_classes_note(classes)})")
        epochs = list(eps)
        evidence.update(metric=acc, loss_metric=key, kind=at_chance["kind"], classes=count,
                        classes_from=classes.origin, accuracy_low=min(accs),
                        accuracy_high=max(accs), loss_low=min(losses),
                        chance_accuracy=round(1 / count, 6), chance_loss=round(math.log(count), 6),
                        tolerance=round(at_chance["tolerance"], 4))
        rules = ["KER103", "KER101", "KER107"] if at_chance["kind"] == "share" else [
            "KER101", "KER107"]
    if plateaus:
        name, value, count, best = plateaus[0]
        text = (f"{name} stays at {fmt(value)} ~ ln {count} = {math.log(count):.4f} at "
                f"{epochs_text(best)}: the crossentropy of predicting 1/{count} for every "
                "class of every sample")
        for other, v2, c2, eps2 in plateaus[1:]:
            text += f"; {other} {fmt(v2)} ~ ln {c2} at {epochs_text(eps2)}"
        parts.append(text)
        if not epochs:
            epochs = best
            evidence.update(metric=name, value=value, classes=count)
        evidence.update(plateau_metric=name, plateau_value=value, plateau_classes=count,
                        metrics=[f[0] for f in plateaus])
        rules += [r for r in ("KER207", "KER304") if r not in rules]
    out.append(Diagnosis(
        "KER606", run.index, epochs, "; ".join(parts),
        "The model does no better than chance: a loss at ln C is a uniform guess over C classes, "
        "an accuracy at or below 1/C (or frozen at one class's share) with a loss that never gets "
        "below ln C means the outputs carry nothing of the input. Outputs that a probability loss "
        "cannot read keep it there: a linear or relu/tanh output layer under a crossentropy that "
        "expects probabilities (KER101, KER107), a softmax over one unit (KER103), a layer after "
        "the output activation (KER207); so do a learning rate that killed the units (KER304) and "
        "inputs that carry no signal (constant, or shuffled apart from their labels).",
        rules, evidence))


def _classes_note(classes: ClassCount) -> str:
    if classes.origin == "accuracy":
        return f"{classes.count} classes guessed from {classes.text}: --classes N gives the real count"
    if classes.origin == "option":
        return f"{classes.count} classes: {classes.text}"
    return f"{classes.count} classes from {classes.text}"


# -- KER613 ----------------------------------------------------------------------------------
def _loss_above_chance(run: Run, classes: ClassCount | None, out: list[Diagnosis]) -> None:
    """A first-epoch loss several times ln C (yet one a clipped probability can give) that stays
    above ln C: the loss is not reading probabilities."""
    if classes is None or classes.origin == "accuracy" or run.non_crossentropy_loss:
        return
    key = run.loss_key()
    if key is None or not _single_output(run):
        return
    series = run.series(key)
    if len(series) < 2 or series[0][0] != 1:
        return  # "from the first epoch" needs the first epoch
    count = classes.count
    ln_c = math.log(count)
    first = series[0][1]
    # a clipped probability costs at most 16.118; sparse crossentropy renormalises the clipped
    # outputs, which adds up to ln C
    if not (math.isfinite(first) and max(2.5 * ln_c, ln_c + 1) <= first <= CLIP_LOSS + ln_c):
        return
    head = series[: min(3, len(series))]
    if not all(math.isfinite(v) and v >= ln_c for _, v in head):
        return
    acc = run.acc_key()
    acc_series = _finite(run.series(acc)) if acc else []
    accs = [v for _, v in acc_series]
    if accs and statistics.median(accs) <= 0.02:
        return  # exact-match accuracy of a regression, which has no classes
    if not accs and classes.origin == "summary":
        return  # a summary's output shape is a regression's too: only an accuracy says classes
    samples = run.train_samples if run.samples_unit == "samples" else None
    if any(e <= 3 and a > 1 / count + noise(1 / count, samples) for e, a in acc_series):
        # the model learns from the start: a penalty added to a sound loss (a large L2
        # regulariser), not a loss that reads no probabilities
        return
    val_key = run.loss_key(val=True)
    val_first = dict(run.series(val_key)).get(1) if val_key else None
    if val_first is not None and math.isfinite(val_first) and val_first < 2 * ln_c:
        return  # the excess is the training loss's own: class or sample weights
    above: list[tuple[int, float]] = []
    for e, v in series:
        if not math.isfinite(v) or v < ln_c or (above and e != above[-1][0] + 1):
            break
        above.append((e, v))
    low = min(above, key=lambda p: p[1])
    text = (f"{key} {fmt(first)} at epoch 1 is {first / ln_c:.1f} x ln {count} = {ln_c:.4f}, "
            f"the loss of a uniform guess over {count} classes, and stays above it to epoch "
            f"{above[-1][0]} (lowest {fmt(low[1])} at epoch {low[0]})")
    evidence: dict[str, Any] = {"metric": key, "first_value": first, "classes": count,
                                "classes_from": classes.origin, "chance_loss": round(ln_c, 6),
                                "factor": round(first / ln_c, 3), "above_to_epoch": above[-1][0],
                                "lowest": low[1]}
    if accs:
        text += f"; {acc} {_range_text(accs)}, chance is {fmt(1 / count)}"
        evidence.update(accuracy_metric=acc, accuracy_low=min(accs), accuracy_high=max(accs))
    out.append(Diagnosis(
        "KER613", run.index, [e for e, _ in above], text + f" ({_classes_note(classes)})",
        "A freshly initialised classifier predicts nearly uniform probabilities, so its first "
        "epoch's loss is about ln C or lower. A loss several times ln C from the first epoch on, "
        "yet no more than a clipped probability gives, means the loss is fed values that are not "
        "probabilities: a linear output layer under a crossentropy that expects probabilities "
        "(KER101: Keras clips the outputs into [1e-7, 1 - 1e-7] and normalises them as if they "
        "were probabilities, so a true class at the clip costs about 16.1), or an output "
        "activation such "
        "as relu or tanh (KER107). Also check for inputs far from unit scale, which make the "
        "first predictions confident and wrong, and for a regularisation penalty large enough "
        "to add several ln C to the loss.",
        ["KER101", "KER107"], evidence))


# -- KER607 ----------------------------------------------------------------------------------
def _majority(run: Run, out: list[Diagnosis]) -> None:
    for val in (False, True):
        acc, key = run.acc_key(val=val), run.loss_key(val=val)
        if acc is None or key is None:
            continue
        acc_series = _finite(run.series(acc))
        losses = dict(_finite(run.series(key)))
        for streak in _constant_streaks(acc_series, keep=lambda a: 1e-4 < a < 0.9999):
            eps = [e for e, _ in streak]
            if val and eps[0] != acc_series[0][0]:
                continue  # a converged model on a small validation set repeats its accuracy
            ls = [losses[e] for e in eps if e in losses]
            if len(ls) < 3 or max(ls) - min(ls) <= 0.01 * max(abs(x) for x in ls):
                continue
            a = streak[0][1]
            out.append(Diagnosis(
                "KER607", run.index, eps,
                f"{acc} is {fmt(a)} at every epoch from {eps[0]} to {eps[-1]} while {key} moves "
                f"({fmt(losses[eps[0]])} -> {fmt(losses[eps[-1]])}): the predicted class never "
                f"changes, {fmt(a)} is the share of the class the model always predicts",
                "Accuracy frozen while the loss changes means the outputs move but never cross "
                "the decision threshold: typical of a softmax over a single unit, whose output is "
                "always 1.0 (KER103), or of a second activation after the output (KER207).",
                ["KER103", "KER207"],
                {"metric": acc, "value": a, "from_epoch": eps[0], "to_epoch": eps[-1]}))
            return


# -- KER608 ----------------------------------------------------------------------------------
def _non_finite(run: Run, out: list[Diagnosis]) -> bool:
    parts: list[str] = []
    all_eps: set[int] = set()
    evidence: dict[str, Any] = {"metrics": []}
    for name in _loss_names(run):
        bad = [(e, v) for e, v in run.series(name) if not math.isfinite(v)]
        first_batch = None
        if name == run.loss_key():
            for ep in run.epochs:
                if ep.trace is not None and ep.trace.nonfinite is not None:
                    first_batch = (ep.number, ep.trace.nonfinite[0], ep.total_steps)
                    break
        if not bad and first_batch is None:
            continue
        eps = sorted({e for e, _ in bad} | ({first_batch[0]} if first_batch else set()))
        all_eps.update(eps)
        text = f"{name} is {fmt(bad[0][1]) if bad else 'nan'} at {epochs_text(eps)}"
        evidence["metrics"].append(name)
        evidence.setdefault("epochs", {})[name] = eps
        if first_batch is not None and first_batch[0] == eps[0]:
            text += f", first at {_at(first_batch[1], first_batch[2])} of epoch {first_batch[0]}"
            evidence.update(first_epoch=first_batch[0], first_batch=first_batch[1])
        last_good = [(e, v) for e, v in _finite(run.series(name)) if e < eps[0]]
        if last_good:
            text += f" (last finite value {fmt(last_good[-1][1])} at epoch {last_good[-1][0]})"
        parts.append(text)
    if not parts:
        return False
    out.append(Diagnosis(
        "KER608", run.index, sorted(all_eps), "; ".join(parts),
        "Once one weight is NaN every later update is NaN: training is over. Usual causes: "
        "a learning rate too high (KER304), a Dropout or BatchNormalization after the "
        "softmax (KER207), NaN or inf in the inputs or labels, a log or division by zero in "
        "a custom loss.",
        ["KER304", "KER207"], evidence))
    return True


# -- KER609 ----------------------------------------------------------------------------------
def _perfect_floor(run: Run, out: list[Diagnosis]) -> None:
    for val in (False, True):
        acc, key = run.acc_key(val=val), run.loss_key(val=val)
        if acc is None or key is None:
            continue
        accs = dict(run.series(acc))
        eps = [e for e, v in run.series(key)
               if 0 < v <= FLOOR_MAX and accs.get(e, 0) >= 0.99995]
        if not eps:
            continue
        where = "validation" if val else "training"
        out.append(Diagnosis(
            "KER609", run.index, eps,
            f"{acc} 1.0000 with {key} at the floor 1.1921e-07 at {epochs_text(eps)}: every "
            f"{where} prediction is pinned at the clip bound on the right side",
            "Real data is rarely that easy. Look for the label leaking into the inputs (a "
            "label-derived column left in the features, samples shared between training and "
            f"validation), or a {where} set that holds one class only.",
            [], {"metric": key, "accuracy_metric": acc, "epochs": eps}))


# -- KER610 ----------------------------------------------------------------------------------
def _early_plateau(run: Run, out: list[Diagnosis]) -> None:
    acc, key = run.acc_key(), run.loss_key()
    if acc is None or key is None:
        return
    series = _finite(run.series(acc))
    losses = _finite(run.series(key))
    if len(series) < 3 or len(losses) < 3:
        return
    (e1, a1), best = series[0], max(v for _, v in series)
    if best - a1 > 0.02 or min(v for _, v in series) < a1 - 0.02 or all(
            v == a1 for _, v in series):
        return
    l_first, l_last = losses[0][1], losses[-1][1]
    if l_first <= 0 or l_last > 0.8 * l_first:
        return
    text = (f"{acc} is {fmt(a1)} after epoch {e1} and gains at most {best - a1:.4f} by epoch "
            f"{series[-1][0]} while {key} falls from {fmt(l_first)} to {fmt(l_last)}: the "
            "accuracy does not follow the learning")
    out.append(Diagnosis(
        "KER610", run.index, [e for e, _ in series], text,
        "With several sigmoid outputs (multi-label), 'accuracy' is not a multi-label measure: "
        "Keras 2 reports per-label binary accuracy, which sparse labels inflate toward 1 minus the "
        "share of positive labels (0.95 when 5% of the labels are 1), and Keras 3 top-1 "
        "categorical accuracy (KER305); use AUC(multi_label=True), precision and recall. With a "
        "single-label model, compare it with the share of the majority class, and check a "
        "sigmoid over exclusive classes (KER104).",
        ["KER305", "KER104"],
        {"metric": acc, "first_value": a1, "best_value": best, "loss_first": l_first,
         "loss_last": l_last}))


# -- KER611 / KER612 -------------------------------------------------------------------------
def _zero_loss(run: Run, out: list[Diagnosis]) -> None:
    key = run.loss_key()
    if key is None:
        return
    series = run.series(key)
    if series and all(v == 0 for _, v in series):
        out.append(Diagnosis(
            "KER611", run.index, [e for e, _ in series],
            f"{key} is exactly 0 at {epochs_text([e for e, _ in series])}",
            "A crossentropy of exactly 0 from the first epoch is not a perfect model: categorical "
            "crossentropy over a single output unit is identically 0 (KER105), so no gradient "
            "flows and nothing is learned.",
            ["KER105"], {"metric": key}))


def _no_validation(run: Run, out: list[Diagnosis]) -> None:
    if len(run.epochs) < 2 or any(is_val(n) for n in run.metric_names()):
        return
    out.append(Diagnosis(
        "KER612", run.index, [],
        f"no validation metrics in {len(run.epochs)} epochs: nothing tells when the model "
        "starts to overfit",
        "Pass validation_data= or validation_split= to fit() so that every epoch reports "
        "val_loss; `kerlint check` flags such fit() calls (KER301).",
        ["KER301"], {"epochs": len(run.epochs)}))


def diagnose_run(run: Run) -> list[Diagnosis]:
    out: list[Diagnosis] = []
    classes = run.classes or (None if run.non_crossentropy_loss else from_log(run))
    broken = _non_finite(run, out)
    _divergence(run, out)
    _saturation(run, out)
    broken = broken or any(d.code in ("KER601", "KER602") for d in out)
    _frozen(run, out)
    _overfitting(run, out, broken)
    if not any(d.code == "KER608" for d in out):
        _accuracy_falls(run, out)  # after a NaN, accuracy means nothing
    _chance(run, classes, out)
    _loss_above_chance(run, classes, out)
    _majority(run, out)
    _perfect_floor(run, out)
    _early_plateau(run, out)
    _zero_loss(run, out)
    _no_validation(run, out)
    return out


def diagnose(log: Log) -> list[Diagnosis]:
    out: list[Diagnosis] = []
    for run in log.runs:
        out.extend(diagnose_run(run))
    out.sort(key=lambda d: (d.run, d.code, d.epochs[0] if d.epochs else 0))
    return out
