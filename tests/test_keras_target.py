"""A project pinned to Keras 2 (tensorflow<2.16, keras<3, tf_keras, or target-keras = "2") is told
about Keras 3 removals only as Keras 2 sees them: a deprecation note where Keras 2 warns, nothing
where Keras 2 accepts the API without a word; one pinned to Keras 3, or that pins nothing, gets the
Keras 3 message (the catalog's Keras version paragraph)."""

from __future__ import annotations

import pytest

from kerlint.keras_target import _from_requirements

from .conftest import run_kerlint

OPTIMIZER = "import tensorflow as tf\n\nopt = tf.keras.optimizers.Adam(lr=0.01)\n"


@pytest.mark.parametrize("requirement, target", [
    ("tensorflow==2.15.0", "2"), ("tensorflow<2.16", "2"), ("tensorflow<=2.15", "2"), ("tensorflow~=2.12.0", "2"),
    ("tensorflow[and-cuda]==2.15.1", "2"), ("keras==2.13.1", "2"), ("keras<3", "2"), ("keras>=2.10,<3", "2"),
    ("tf-keras", "2"), ("tf_keras~=2.16", "2"), ("Keras == 2.4.3", "2"),
    ("tensorflow==2.16.1", "3"), ("tensorflow>=2.16", "3"), ("tensorflow-cpu==2.21.0", "3"), ("keras>=3.0", "3"),
    ("tensorflow", None), ("tensorflow>=2.10", None), ("tensorflow~=2.12", None), ("keras", None), ("numpy<2", None),
])
def test_what_a_requirement_pins(requirement, target):
    assert _from_requirements([requirement]) == target


def _project(tmp_path, files: dict, select: str = "KER401", path: str = "opt.py"):
    (tmp_path / ".git").mkdir(parents=True)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return run_kerlint("check", "--no-cache", "--output-format", "concise", "--select", select, path,
                       cwd=tmp_path)


KERAS2_NOTE = "opt.py:3:32: KER401 Adam(lr=...): Keras 2 warns `lr` is deprecated and ignores it since TF 2.11; "
KERAS3_ERROR = "opt.py:3:32: KER401 Adam(lr=...): Keras 3 optimizers have no `lr` and raise"


def test_a_project_pinned_to_tensorflow_2_12_gets_the_keras_2_note(tmp_path):
    proc = _project(tmp_path, {"opt.py": OPTIMIZER, "requirements.txt": "numpy\ntensorflow==2.12  # the GPU box\n"})
    assert proc.stdout.startswith(KERAS2_NOTE), proc.stdout
    assert "Keras 3 raises on it" in proc.stdout


def test_the_same_file_pinned_to_keras_3_gets_the_keras_3_message(tmp_path):
    proc = _project(tmp_path, {"opt.py": OPTIMIZER, "requirements.txt": "keras>=3\ntensorflow\n"})
    assert proc.returncode == 1
    assert proc.stdout.startswith(KERAS3_ERROR), proc.stdout


def test_what_keras_2_warns_about_is_a_note_and_stays_one_from_the_cache(tmp_path):
    # a legacy optimizer takes lr= and fit_generator() trains, both with a warning: notes; the
    # new optimizers of TF 2.11+ drop the lr value, which stays an error
    files = {"requirements.txt": "tensorflow==2.12\n", "train.py": (
        "import tensorflow as tf\n\n"
        "legacy = tf.keras.optimizers.legacy.Adam(lr=0.01)\n"
        "new = tf.keras.optimizers.Adam(lr=0.01)\n"
        "model = tf.keras.Sequential()\n"
        "model.fit_generator(batches)\n")}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / ".git").mkdir()
    for _ in range(2):  # the second run reads the cache
        proc = run_kerlint("check", "--select", "KER401,KER403", "--output-format", "github", "train.py",
                           cwd=tmp_path)
        assert [line.split(",")[0] + "," + line.split(",")[1] for line in proc.stdout.splitlines()] == [
            "::notice file=train.py,line=3", "::error file=train.py,line=4", "::notice file=train.py,line=6"]


def test_target_keras_in_the_configuration_wins(tmp_path):
    proc = _project(tmp_path, {"opt.py": OPTIMIZER, "requirements.txt": "tensorflow>=2.16\n",
                               "pyproject.toml": '[tool.kerlint]\ntarget-keras = "2"\n'})
    assert proc.stdout.startswith(KERAS2_NOTE), proc.stdout


# APIs Keras 2 takes without a word, and whose Keras 3 failure is loud: not reported under a Keras 2 pin.
KERAS2_SILENT = {
    "KER401": "import tensorflow as tf\n\nopt = tf.keras.optimizers.Adam(learning_rate=0.01)\nrate = opt.lr\n",
    "KER405": "from tensorflow.keras import Sequential, layers\n\nmodel = Sequential([layers.Embedding(100, 8, input_length=20)])\n",
    "KER408": "from tensorflow.keras import layers\n\nlayer = layers.Dense(4, batch_input_shape=(None, 3))\n",
    "KER410": "from keras import backend as K\nfrom keras.backend import sum\n\ntotal = K.sum(K.ones((2, 2)))\n",
    "KER411": "import tensorflow as tf\n\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1)])\nmodel.save_weights(\"ckpt\")\n",
    "KER412": "import tensorflow as tf\n\ninputs = tf.keras.Input(shape=(784,))\nx = tf.reshape(inputs, (-1, 28, 28))\n",
}


@pytest.mark.parametrize("code", sorted(KERAS2_SILENT))
def test_a_project_pinned_to_keras_2_is_not_told_what_keras_2_accepts(tmp_path, code):
    files = {"opt.py": KERAS2_SILENT[code], "requirements.txt": "tensorflow==2.15.1\n"}
    assert _project(tmp_path, files, code).stdout == "All checks passed!\n"


@pytest.mark.parametrize("code", sorted(KERAS2_SILENT))
def test_the_same_code_unpinned_is_told(tmp_path, code):
    proc = _project(tmp_path, {"opt.py": KERAS2_SILENT[code]}, code)
    assert f" {code} " in proc.stdout, proc.stdout


@pytest.mark.parametrize("files", [
    {"requirements.txt": "tensorflow==2.17.0\n"},
    {"pyproject.toml": '[project]\nname = "app"\ndependencies = ["keras>=3"]\n'},
    {},
])
def test_a_project_on_keras_3_or_unpinned_is_told(tmp_path, files):
    proc = _project(tmp_path, {"opt.py": OPTIMIZER, **files})
    assert proc.returncode == 1
    assert proc.stdout.startswith(KERAS3_ERROR), proc.stdout


def test_an_unknown_target_keras_is_a_configuration_error(tmp_path):
    proc = _project(tmp_path, {"opt.py": OPTIMIZER, "pyproject.toml": '[tool.kerlint]\ntarget-keras = "4"\n'})
    assert proc.returncode == 2
    assert 'target-keras' in proc.stderr and 'must be "2" or "3"' in proc.stderr


LEGACY_ENV = """\
import os
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import keras
import tensorflow as tf

old = tf.keras.Sequential([tf.keras.layers.Embedding(1000, 16, input_length=20)])
new = keras.Sequential([keras.layers.Embedding(1000, 16, input_length=20)])
"""


def test_tf_use_legacy_keras_makes_tf_keras_keras_2_and_leaves_keras_3(tmp_path):
    # with TF_USE_LEGACY_KERAS=1, tf.keras is tf_keras (Keras 2 accepts input_length); the
    # `keras` package stays Keras 3, which ignores it
    proc = _project(tmp_path, {"legacy.py": LEGACY_ENV}, select="KER405", path="legacy.py")
    assert [line.split(" KER")[0] for line in proc.stdout.splitlines() if " KER405 " in line] == ["legacy.py:8:58:"]
    unset = LEGACY_ENV.replace('"1"', '"0"')
    proc = _project(tmp_path / "unset", {"legacy.py": unset}, select="KER405", path="legacy.py")
    assert [line.split(" KER")[0] for line in proc.stdout.splitlines() if " KER405 " in line] == [
        "legacy.py:7:64:", "legacy.py:8:58:"]
