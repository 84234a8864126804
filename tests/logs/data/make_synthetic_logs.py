"""Write the synthetic log fixtures in tests/logs/data/ and seed 004's reconstructed log in
tests/fixtures/logs/ (run by hand; the outputs are committed).

They reproduce the byte shapes of Keras 2 / tf.keras 2 console output that TensorFlow 2.21 no
longer prints: the `[=====>....]` progress bar redrawn with backspaces and a carriage return
(keras.utils.Progbar with dynamic display), verbose=2 lines of Keras 2.2 and tf.keras 2.x, the
old `acc` names and `Train on N samples` line, TensorFlow log lines interleaved, CSVLogger files
appended by two runs and print(history.history) output. The numbers are chosen to carry one
signature per file; the tests assert on them.
"""

import math
from pathlib import Path

HERE = Path(__file__).parent
SEED_LOGS = HERE.parent.parent / "fixtures" / "logs"
NOISE = [
    "2019-06-11 14:02:31.512093: I tensorflow/core/platform/cpu_feature_guard.cc:142] Your CPU "
    "supports instructions that this TensorFlow binary was not compiled to use: AVX2 FMA",
    "2019-06-11 14:02:31.540012: I tensorflow/core/common_runtime/process_util.cc:115] Creating "
    "new thread pool with default inter op setting: 2. Tune using inter_op_parallelism_threads",
    "WARNING:tensorflow:From /usr/lib/python3.6/site-packages/keras/backend/"
    "tensorflow_backend.py:422: The name tf.global_variables is deprecated.",
]


def v(x):
    # keras.utils.Progbar: %.4f, or %.4e below 1e-3
    if isinstance(x, str):
        return x
    return f"{x:.4e}" if abs(x) < 1e-3 and x != 0 else (f"{x:.4f}" if x == x else "nan")


def eta(seconds):
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def bar(current, target, width=30):
    prog_width = int(width * current / target)
    out = "["
    if prog_width > 0:
        out += "=" * (prog_width - 1)
        out += ">" if current < target else "="
    out += "." * (width - prog_width) + "]"
    digits = len(str(target))
    return f"{current:>{digits}}/{target} {out}"


def progbar_epoch(target, step, metrics_at, final_metrics, secs, unit="step", redraw="\b"):
    """One epoch of keras.utils.Progbar (dynamic display): updates erase the previous line with
    backspaces and a carriage return, the last one ends with a newline."""
    out, prev = [], 0
    current = 0
    while current < target:
        current = min(current + step, target)
        if current < target:
            line = bar(current, target) + f" - ETA: {eta(int(secs * (target - current) / target))}"
            metrics = metrics_at(current)
        else:
            per = secs / target * 1000
            line = bar(current, target) + f" - {secs}s {per:.0f}ms/{unit}"
            metrics = final_metrics
        line += "".join(f" - {k}: {v(x)}" for k, x in metrics.items())
        if redraw == "\b":
            out.append("\b" * prev + "\r" + line)
        else:
            out.append("\r" + line)
        prev = len(line)
    out.append("\n")
    return "".join(out)


def nan_run():
    """Keras 2.2 with backspace redraws: the loss turns NaN in the middle of epoch 3."""
    parts = ["Using TensorFlow backend.\n", NOISE[2] + "\n",
             "Train on 1000 samples, validate on 200 samples\n"]
    epochs = [
        (0.6123, 0.6702, 0.5801, 0.7050),
        (0.4550, 0.7910, 0.4702, 0.7800),
    ]
    for i, (loss, acc, vl, va) in enumerate(epochs, start=1):
        parts.append(f"Epoch {i}/5\n")
        if i == 1:
            parts.append(NOISE[0] + "\n")
        parts.append(progbar_epoch(
            1000, 32, lambda c, l=loss, a=acc: {"loss": l + 0.05 * (1 - c / 1000), "acc": a - 0.02},
            {"loss": loss, "acc": acc, "val_loss": vl, "val_acc": va}, 2, unit="sample"))
    parts.append("Epoch 3/5\n")
    parts.append(progbar_epoch(
        1000, 32, lambda c: {"loss": 0.41 if c < 320 else "nan", "acc": 0.81 if c < 320 else 0.52},
        {"loss": "nan", "acc": 0.5030, "val_loss": "nan", "val_acc": 0.4950}, 2, unit="sample"))
    for i in (4, 5):
        parts.append(f"Epoch {i}/5\n")
        parts.append(progbar_epoch(
            1000, 32, lambda c: {"loss": "nan", "acc": 0.4990},
            {"loss": "nan", "acc": 0.4990, "val_loss": "nan", "val_acc": 0.4950}, 2,
            unit="sample"))
    return "".join(parts)


def chance_then_healthy():
    """tf.keras 2.x verbose=2, two fit() calls: the first never leaves ln 2, the second learns."""
    lines = [NOISE[0], NOISE[1]]
    run1 = [(0.6932, 0.5012, 0.6931, 0.4950), (0.6931, 0.4987, 0.6931, 0.4950),
            (0.6931, 0.5003, 0.6932, 0.4950), (0.6932, 0.4998, 0.6931, 0.4950),
            (0.6931, 0.5020, 0.6931, 0.4950)]
    for i, (l, a, vl, va) in enumerate(run1, start=1):
        lines.append(f"Epoch {i}/5")
        lines.append(f"32/32 - 1s - loss: {l:.4f} - accuracy: {a:.4f} - val_loss: {vl:.4f} - "
                     f"val_accuracy: {va:.4f} - 1s/epoch - 20ms/step")
    lines.append("WARNING:tensorflow:Detecting that an object or model or tf.train.Checkpoint is "
                 "being deleted with unrestored values.")
    run2 = [(0.6012, 0.6810, 0.5523, 0.7200), (0.4721, 0.7902, 0.4630, 0.7950),
            (0.3950, 0.8301, 0.4105, 0.8150), (0.3402, 0.8598, 0.3801, 0.8300),
            (0.3010, 0.8770, 0.3622, 0.8400)]
    for i, (l, a, vl, va) in enumerate(run2, start=1):
        lines.append(f"Epoch {i}/5")
        lines.append(f"32/32 - 0s - loss: {l:.4f} - accuracy: {a:.4f} - val_loss: {vl:.4f} - "
                     f"val_accuracy: {va:.4f} - 412ms/epoch - 13ms/step")
    return "\n".join(lines) + "\n"


def keras22_verbose2_healthy():
    """Keras 2.2 verbose=2 (` - 2s - loss: ...`), EarlyStopping messages, a healthy run."""
    lines = ["Using TensorFlow backend.", "Train on 8000 samples, validate on 2000 samples"]
    vals = [(0.5210, 0.7460, 0.4402, 0.7985), (0.3901, 0.8302, 0.3650, 0.8410),
            (0.3312, 0.8601, 0.3301, 0.8600), (0.2950, 0.8772, 0.3120, 0.8675),
            (0.2701, 0.8890, 0.3050, 0.8720), (0.2510, 0.8975, 0.3012, 0.8730)]
    for i, (l, a, vl, va) in enumerate(vals, start=1):
        lines.append(f"Epoch {i}/6")
        lines.append(f" - 2s - loss: {l:.4f} - acc: {a:.4f} - val_loss: {vl:.4f} - "
                     f"val_acc: {va:.4f}")
        if i == 3:
            lines.append(f"\nEpoch 0000{i}: val_loss improved from 0.36500 to 0.33010, saving "
                         "model to best.h5")
    return "\n".join(lines) + "\n"


def zero_loss():
    """categorical_crossentropy on a 1-unit output: Keras 2 prints a loss of exactly 0."""
    parts = ["Train on 500 samples, validate on 100 samples\n"]
    for i in range(1, 5):
        parts.append(f"Epoch {i}/4\n")
        parts.append(progbar_epoch(
            500, 50, lambda c: {"loss": 0.0, "acc": 0.4120},
            {"loss": 0.0, "acc": 0.4120, "val_loss": 0.0, "val_acc": 0.3900}, 1, unit="sample",
            redraw="\r"))
    return "".join(parts)


def leaked_labels():
    """The label left among the features: validation accuracy 1.0 at the loss floor."""
    lines = []
    vals = [(0.2011, 0.9430, 0.0102, 1.0), (0.0040, 1.0, 1.1921e-07, 1.0),
            (1.1921e-07, 1.0, 1.1921e-07, 1.0), (1.1921e-07, 1.0, 1.1921e-07, 1.0)]
    for i, (l, a, vl, va) in enumerate(vals, start=1):
        lines.append(f"Epoch {i}/4")
        lines.append(f"250/250 [==============================] - 1s 3ms/step - loss: {v(l)} - "
                     f"accuracy: {a:.4f} - val_loss: {v(vl)} - val_accuracy: {va:.4f}")
    return "\n".join(lines) + "\n"


def custom_metrics():
    """A two-output model with custom metric names and a learning rate column."""
    lines = []
    for i in range(1, 4):
        l = 1.2 / i
        lines.append(f"Epoch {i}/3")
        lines.append(
            f"100/100 [==============================] - 3s 30ms/step - loss: {l:.4f} - "
            f"class_out_loss: {l * 0.6:.4f} - box_out_loss: {l * 0.4:.4f} - "
            f"class_out_auc_1: {0.7 + 0.05 * i:.4f} - box_out_mean_iou: {0.3 + 0.1 * i:.4f} - "
            f"val_loss: {l * 1.1:.4f} - val_class_out_loss: {l * 0.65:.4f} - "
            f"val_box_out_loss: {l * 0.45:.4f} - val_class_out_auc_1: {0.68 + 0.05 * i:.4f} - "
            f"val_box_out_mean_iou: {0.28 + 0.1 * i:.4f} - lr: 0.0010")
    return "\n".join(lines) + "\n"


def truncated():
    """A copy cut in the middle of epoch 3's progress bar and in the middle of a number."""
    parts = []
    for i, (l, a) in enumerate([(0.6500, 0.6210), (0.5102, 0.7430)], start=1):
        parts.append(f"Epoch {i}/20\n")
        parts.append(progbar_epoch(
            3000, 100, lambda c, l=l, a=a: {"loss": l + 0.02, "acc": a - 0.01},
            {"loss": l, "acc": a, "val_loss": l + 0.05, "val_acc": a - 0.03}, 9))
    parts.append("Epoch 3/20\n")
    whole = progbar_epoch(3000, 100, lambda c: {"loss": 0.4410, "acc": 0.7950},
                          {"loss": 0.4400, "acc": 0.8000}, 9)
    cut = whole.index("1300/3000")
    return "".join(parts) + whole[:cut] + "1300/3000 [============>.................] - ETA: 5s - loss: 0.44"


def seed004_reconstructed():
    """Seed 004 gives numbers, not a log: 300,000 samples, batch size 500, accuracy .95 and
    loss .22 after the first epoch, .96 and .11 after the next ones. Keras 2.2 (2019) output."""
    vals = [(0.2200, 0.9500), (0.1123, 0.9600), (0.1098, 0.9601), (0.1086, 0.9603),
            (0.1079, 0.9604)]
    lines = ["Train on 300000 samples"]
    for i, (l, a) in enumerate(vals, start=1):
        lines.append(f"Epoch {i}/5")
        lines.append(f"300000/300000 [==============================] - 14s 46us/step - "
                     f"loss: {l:.4f} - acc: {a:.4f}")
    return "\n".join(lines) + "\n"


def csv_two_runs():
    rows = ["epoch,acc,loss,lr,val_acc,val_loss"]
    for e, (a, l, va, vl) in enumerate([(0.61, 0.66, 0.65, 0.62), (0.72, 0.55, 0.70, 0.57),
                                        (0.78, 0.47, 0.71, 0.56), (0.83, 0.40, 0.70, 0.60),
                                        (0.88, 0.31, 0.69, 0.68), (0.92, 0.24, 0.68, 0.77)]):
        rows.append(f"{e},{a},{l},0.001,{va},{vl}")
    # the second run appends to the same file: epochs start again at 0
    for e, (a, l, va, vl) in enumerate([(0.60, 0.67, 0.64, 0.63), (0.71, 0.56, 0.70, 0.58),
                                        (0.76, 0.49, 0.73, 0.53)]):
        rows.append(f"{e},{a},{l},0.0005,{va},{vl}")
    return "\n".join(rows) + "\n"


def history_repr():
    # print(history.history) after a run that blew up: Python repr, nan unquoted
    loss = [0.5123, 0.4210, 3.2e5, math.nan, math.nan]
    acc = [0.75, 0.81, 0.52, 0.5, 0.5]
    return repr({"loss": loss, "accuracy": acc}).replace("nan", "nan") + "\n"


FILES = {
    "keras2_backspace_nan.txt": nan_run,
    "tf2_verbose2_two_runs.txt": chance_then_healthy,
    "keras22_verbose2_healthy.txt": keras22_verbose2_healthy,
    "keras2_zero_loss.txt": zero_loss,
    "leaked_labels.txt": leaked_labels,
    "custom_metrics.txt": custom_metrics,
    "truncated.txt": truncated,
    "seed_004_reconstructed.txt": seed004_reconstructed,
    "csvlogger_two_runs.csv": csv_two_runs,
    "history_repr.txt": history_repr,
}

if __name__ == "__main__":
    for name, make in FILES.items():
        # the seed's log lives with the other seed logs, the rest beside this script
        folder = SEED_LOGS if name.startswith("seed_") else HERE
        (folder / name).write_bytes(make().encode("utf-8"))
        print("wrote", name)
