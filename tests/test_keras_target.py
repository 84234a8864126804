"""A project pinned to Keras 2 (tensorflow<2.16, keras<3, tf_keras, or target-keras = "2") is not
told about Keras 3 removals its Keras still accepts; one pinned to Keras 3, or that pins nothing,
is (the catalog's Keras version paragraph)."""

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


def _project(tmp_path, files: dict):
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return run_kerlint("check", "--no-cache", "--output-format", "concise", "--select", "KER401", "opt.py",
                       cwd=tmp_path)


def test_a_project_pinned_to_keras_2_is_not_told_about_keras_3(tmp_path):
    proc = _project(tmp_path, {"opt.py": OPTIMIZER, "requirements.txt": "numpy\ntensorflow==2.15.1  # the GPU box\n"})
    assert (proc.returncode, proc.stdout) == (0, "All checks passed!\n")


def test_target_keras_in_the_configuration_wins(tmp_path):
    proc = _project(tmp_path, {"opt.py": OPTIMIZER, "requirements.txt": "tensorflow>=2.16\n",
                               "pyproject.toml": '[tool.kerlint]\ntarget-keras = "2"\n'})
    assert proc.returncode == 0


@pytest.mark.parametrize("files", [
    {"requirements.txt": "tensorflow==2.17.0\n"},
    {"pyproject.toml": '[project]\nname = "app"\ndependencies = ["keras>=3"]\n'},
    {},
])
def test_a_project_on_keras_3_or_unpinned_is_told(tmp_path, files):
    proc = _project(tmp_path, {"opt.py": OPTIMIZER, **files})
    assert proc.returncode == 1
    assert proc.stdout.startswith("opt.py:3:32: KER401")


def test_an_unknown_target_keras_is_a_configuration_error(tmp_path):
    proc = _project(tmp_path, {"opt.py": OPTIMIZER, "pyproject.toml": '[tool.kerlint]\ntarget-keras = "4"\n'})
    assert proc.returncode == 2
    assert 'target-keras' in proc.stderr and 'must be "2" or "3"' in proc.stderr
