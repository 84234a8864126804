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
