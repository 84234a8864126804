"""Linting in worker processes gives what linting in one process gives, in the same order."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from kerlint.runner import BATCH_BYTES, MIN_BATCH_BYTES, TASKS_PER_JOB, batches

from .conftest import FIXTURES, ROOT

# Runs in a fresh interpreter: worker processes are forked, and a test process may hold
# threads (TensorFlow's, from the proof tests) that a fork must not inherit.
SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from kerlint import runner
    from kerlint.fix import FixMode

    args = json.loads(sys.argv[1])
    runner.PARALLEL_MIN_BYTES = args["min_bytes"]
    if args["codes"] is None:
        from kerlint.rules import all_rules  # imports LibCST

        codes = sorted(all_rules()) + ["KER900"]
    else:
        codes = args["codes"]
    files = [(Path(p), codes) for p in args["files"]]
    fix = FixMode(write=False, diff=True, unsafe=True) if args["diff"] else None
    out = []
    for jobs in args["jobs"]:
        results = runner.lint_files(files, jobs=jobs, fix=fix)
        out.append([
            [r.path, [[x.code, x.row, x.column, x.end_row, x.end_column, x.message, x.cell,
                       x.fix and [x.fix.applicability, [[e.start, e.end, e.content] for e in x.fix.edits]]]
                      for x in r.reports],
             r.fix.diff if r.fix is not None else None]
            for r in results
        ])
    print(json.dumps({"runs": out, "modules": sorted(m for m in sys.modules if m.split(".")[0] in
                                                     ("libcst", "concurrent"))}))
    """
)


def _run(files, jobs, *, min_bytes=0, diff=False, codes=None):
    args = {"files": [str(f) for f in files], "jobs": jobs, "min_bytes": min_bytes, "diff": diff, "codes": codes}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _corpus(tmp_path):
    """Every fixture and notebook, a file that does not parse, one that cannot be read as
    text, one with nothing Keras in it, and a missing one: in an order that is not sorted."""
    files = []
    # Copies: the runs compare one set of bytes, whatever is edited in the checkout meanwhile.
    for source in sorted(FIXTURES.rglob("*.py")) + sorted((ROOT / "tests" / "data" / "notebooks").glob("*.ipynb")):
        copy = tmp_path / "corpus" / source.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes())
        files.append(copy)
    broken = tmp_path / "broken.py"
    broken.write_text("import keras\ndef f(:\n")
    binary = tmp_path / "binary.py"
    binary.write_bytes(b"import keras\x00\n")
    plain = tmp_path / "plain.py"
    plain.write_text("print('hello')\n")
    files += [broken, binary, plain, tmp_path / "missing.py"]
    return files[::-1]


def test_workers_give_the_serial_results_in_the_input_order(tmp_path):
    files = _corpus(tmp_path)
    data = _run(files, [1, 2, 3])
    serial, two, three = data["runs"]
    assert [r[0] for r in serial] == [str(f) for f in files]
    assert any(r[1] for r in serial)  # the fixtures do report
    assert two == serial
    assert three == serial


def test_workers_give_the_serial_fixes(tmp_path):
    files = [f for f in _corpus(tmp_path) if "KER1" in str(f) or f.suffix == ".ipynb"]
    serial, parallel = _run(files, [1, 2], diff=True)["runs"]
    assert any(r[2] for r in serial)  # something is fixed
    assert parallel == serial


def test_small_runs_stay_in_one_process(tmp_path):
    files = sorted((FIXTURES / "KER101").glob("*.py"))
    data = _run(files, [1, 2], min_bytes=10**9)
    assert not any(m.startswith("concurrent.futures.process") for m in data["modules"])
    serial, two = data["runs"]
    assert any(r[1] for r in serial)
    assert two == serial  # read again after the pre-pass, as a worker would


def test_the_prepass_keeps_no_bytes_for_the_workers(monkeypatch):
    """Workers read their own files: the process that forks them holds none of them."""
    import gc

    from kerlint import runner
    from kerlint.source import Source

    held = []

    def in_this_process(tasks, sizes, jobs, fix=None, cache=None):
        gc.collect()
        held.extend(o.name for o in gc.get_objects() if isinstance(o, Source) and o.data is not None)
        return list(zip(tasks, runner._lint_batch(tasks.values(), fix, cache)))

    monkeypatch.setattr(runner, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(runner, "_parallel", in_this_process)
    files = sorted((FIXTURES / "KER101").glob("*.py"))
    results = runner.lint_files([(f, ["KER101"]) for f in files], jobs=2)
    assert [r.path for r in results] == [str(f) for f in files]
    assert any(r.reports for r in results)
    assert held == []


def test_files_the_prescan_clears_start_no_workers_and_import_no_libcst(tmp_path):
    files = []
    for i in range(200):
        f = tmp_path / f"plain{i}.py"
        f.write_text("import os\n" * 200)
        files.append(f)
    data = _run(files, [2], codes=["KER101", "KER203"])
    assert data["runs"][0] == [[str(f), [], None] for f in files]
    assert not any(m.startswith(("libcst", "concurrent.futures.process")) for m in data["modules"])


def test_batches_hold_every_file_once_biggest_first():
    sizes = [1, 500_000, 3_000, 40_000] + [2_000] * 300
    items = list(enumerate(sizes))
    groups = batches(items, 2)
    flat = [i for g in groups for i in g]
    assert sorted(flat) == list(range(len(sizes)))
    assert groups[0] == [1]  # a big file is a task of its own, and goes first
    size = dict(items)
    firsts = [size[g[0]] for g in groups]
    assert firsts == sorted(firsts, reverse=True)
    for g in groups:
        assert len(g) == 1 or sum(size[i] for i in g) <= BATCH_BYTES
    assert len(groups) >= 2 * TASKS_PER_JOB


def test_few_small_files_are_still_shared_out():
    groups = batches([(i, 1_000) for i in range(40)], 2)
    assert len(groups) >= 2
    assert all(sum(1_000 for _ in g) <= max(MIN_BATCH_BYTES, 1_000) for g in groups)


def test_the_last_batches_shrink_so_that_workers_finish_together():
    sizes = [5_000] * 400  # 2 MB in files of 5 KB
    groups = batches(list(enumerate(sizes)), 2)
    filled = [5_000 * len(g) for g in groups]
    assert max(filled) <= BATCH_BYTES and filled[0] > BATCH_BYTES - 5_000
    assert filled[-1] <= MIN_BATCH_BYTES < filled[0] // 8
    assert filled == sorted(filled, reverse=True)  # never a bigger batch after a smaller one
    assert sum(len(g) for g in groups) == 400
