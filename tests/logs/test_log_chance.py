"""Chance level (KER606) and loss above chance (KER613) stay silent on sound models whose numbers
look like them: real Keras 3 runs in data/precision/ (made by data/make_precision_logs.py), each
log beginning with the model.summary() that tells the class count."""

import pytest

from .conftest import DATA, by_code

PRECISION = DATA / "precision"

EXPECTED = {
    "a_hard10": [],  # 10 noisy classes, softmax: accuracy climbs slowly from 0.1
    "b_noise_binary": [],  # random labels: the model memorises, accuracy leaves 0.5
    "c_imbalanced": ["KER607"],  # 10% positives: it always predicts the majority, rightly said
    "d_unscaled3": [],  # inputs x20: loss 8.4 at epoch 1, but accuracy already above 1/3
    "e_regress3": [],  # a 3-unit regression (MSE, no accuracy): its summary is no class count
    "f_regress1_acc": [],  # a regression with "accuracy" (always 0): its MSE is no crossentropy
    "g_l2_5": [],  # L2(0.1): loss 4.6 = 2.9 x ln 5 at epoch 1, a penalty, accuracy climbing
    "h_smooth": [],  # label smoothing 0.2
    "i_weighted4": ["KER606"],  # class weights x20: loss 5.8, but val_loss 1.45 ~ ln 4
    "j_multilabel": ["KER605"],  # 6 sigmoid labels: Keras 3 "accuracy" is top-1, and falls
    "k_noise5": [],  # random labels over 5 classes: the loss goes below ln 5
}


def test_every_log_is_listed():
    assert sorted(p.stem for p in PRECISION.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sound_models_are_not_called_chance_level(diagnose_file, name):
    report = diagnose_file(PRECISION / f"{name}.txt")
    assert [d["code"] for d in report["diagnostics"]] == EXPECTED[name]
    assert report["runs"][0]["classes"] is not None  # the summary was read


def test_class_weights_are_not_taken_for_logits(diagnose_file):
    # the data has no signal for the minority classes: accuracy at 1/4 with the loss above ln 4 is
    # chance level indeed; the training loss's excess is the weights' (val_loss has none)
    report = diagnose_file(PRECISION / "i_weighted4.txt")
    (d,) = by_code(report, "KER606")
    assert d["evidence"]["kind"] == "chance" and d["evidence"]["classes_from"] == "summary"
    assert not by_code(report, "KER613")
