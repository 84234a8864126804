"""`kerlint log` through the main command, as a user runs it."""

from __future__ import annotations


from .conftest import run_kerlint



def test_log_is_a_subcommand_of_kerlint():
    proc = run_kerlint("log", "--help")
    assert proc.returncode == 0
    assert "FILE" in proc.stdout


def test_log_on_a_collapsed_progress_bar_log(tmp_path):
    # Seed 000's log as pasted from a web page: one long line.
    text = (
        "Train on 5487 samples, validate on 610 samples Epoch 1/3 5487/5487 [==============================] "
        "- 23s 4ms/sample - loss: 1.4769 - accuracy: 0.5216 - val_loss: 2.4135 - val_accuracy: 0.6164 "
        "Epoch 2/3 5487/5487 [==============================] - 19s 3ms/sample - loss: 7.5815 - accuracy: "
        "0.4593 - val_loss: 9.6993 - val_accuracy: 0.3000 Epoch 3/3 5487/5487 [==============================] "
        "- 19s 3ms/sample - loss: 9.8212 - accuracy: 0.3807 - val_loss: 9.4066 - val_accuracy: 0.3164\n"
    )
    log = tmp_path / "train.log"
    log.write_text(text)
    proc = run_kerlint("log", str(log))
    assert proc.returncode == 1
    assert "KER601" in proc.stdout
    assert "1.4769" in proc.stdout and "7.5815" in proc.stdout


def test_log_reads_several_files_and_a_model_summary(tmp_path):
    # Keras 2's model.summary() before the run gives the class count: a linear 3-class head
    # under a probability loss, whose loss starts far above ln 3 and whose accuracy stays at 1/3
    summary = (
        "_________________________________________________________________\n"
        "Layer (type)                 Output Shape              Param #   \n"
        "=================================================================\n"
        "dense_1 (Dense)              (None, 64)                1344      \n"
        "_________________________________________________________________\n"
        "dense_2 (Dense)              (None, 3)                 195       \n"
        "=================================================================\n"
        "Total params: 1,539\nTrainable params: 1,539\nNon-trainable params: 0\n"
        "_________________________________________________________________\n"
    )
    epochs = [(6.1021, 0.3301, 5.9012, 0.3200), (5.8123, 0.3412, 5.8001, 0.3350),
              (5.6540, 0.3288, 5.7122, 0.3300), (5.5012, 0.3390, 5.6003, 0.3250)]
    text = summary + "Train on 960 samples, validate on 240 samples\n" + "".join(
        f"Epoch {i}/4\n960/960 [==============================] - 0s 52us/sample - loss: {l:.4f} - "
        f"acc: {a:.4f} - val_loss: {vl:.4f} - val_acc: {va:.4f}\n"
        for i, (l, a, vl, va) in enumerate(epochs, start=1))
    bad = tmp_path / "keras2.log"
    bad.write_text(text)
    clean = tmp_path / "clean.log"
    clean.write_text(text.replace("(None, 3)", "(None, 100)"))  # 100 classes: 0.33 is no chance
    proc = run_kerlint("log", str(bad), str(clean))
    assert proc.returncode == 1, proc.stderr
    assert "KER606 chance-level (run 1, epochs 1-4)" in proc.stdout
    assert "KER613 loss-above-chance (run 1, epochs 1-4)" in proc.stdout
    assert "3 classes from the output shape (None, 3) in the model summary" in " ".join(
        proc.stdout.split())
    assert proc.stdout.rstrip().endswith("2 files: 1 with problems (KER606, KER613), 1 clean.")
