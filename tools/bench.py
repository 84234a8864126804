"""Benchmark kerlint against the LibCST parse floor, flake8, Fixit and ruff on real Keras code.

    python tools/bench.py                 # set up (first time), run, print the table, write JSON
    python tools/bench.py --reps 3 --quick

Everything it downloads or builds lives outside the repository, in ``--work`` (default
``~/.cache/kerlint-bench``, or ``$KERLINT_BENCH_DIR``):

- ``venv/``: its own virtualenv with flake8, Fixit, ruff, LibCST and click (kerlint itself is
  run from a snapshot of this checkout's ``kerlint/`` on ``PYTHONPATH``, with that LibCST);
- ``downloads/`` and ``corpus/real/``: registry packages fetched with ``pip download --no-deps``
  and their ``.py`` files unpacked;
- ``corpus/generated/``: Keras-heavy files generated from a fixed seed (a known size);
- ``results/``: one JSON file per run, and ``latest.json``.

Each repetition runs every case once, in an order rotated from one repetition to the next, so
that load from elsewhere falls on all of them alike. Times are wall-clock medians; peak memory
is the largest resident set of any one process of the run (the main process or a worker).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ["keras==3.15.1", "keras-hub==0.32.0", "tf-models-official==2.20.0"]
QUICK_PACKAGES = ["keras==3.15.1"]
TOOLS = ["flake8==7.5.0", "fixit==2.2.1", "ruff==0.17.6", "libcst==1.9.0", "click"]
GENERATED_FILES = 400
SEED = 8

FLOOR = r"""
import sys, libcst
files = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8")]
failed = 0
for name in files:
    with open(name, "rb") as fh:
        data = fh.read()
    try:
        libcst.parse_module(data)
    except Exception:
        failed += 1
print(f"parsed {len(files) - failed} files, {failed} failed")
"""

ONE_FLOOR = "import sys, libcst; libcst.parse_module(open(sys.argv[1], 'rb').read())"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- setting up ---------------------------------------------------------------------------


def venv_python(work: Path) -> Path:
    return work / "venv" / "bin" / "python"


def ensure_venv(work: Path) -> Path:
    python = venv_python(work)
    marker = work / "venv" / "kerlint-bench-tools.txt"
    if not python.exists():
        log(f"creating {work / 'venv'}")
        subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    if not marker.exists() or marker.read_text() != "\n".join(TOOLS):
        log("installing " + " ".join(TOOLS))
        subprocess.run([str(python), "-m", "pip", "install", "-q", *TOOLS], check=True)
        marker.write_text("\n".join(TOOLS))
    return python


def ensure_real_corpus(work: Path, python: Path, packages) -> Path:
    downloads = work / "downloads"
    real = work / "corpus" / "real"
    downloads.mkdir(parents=True, exist_ok=True)
    for spec in packages:
        name = spec.split("==")[0]
        target = real / name
        if (target / ".done").exists():
            continue
        before = set(downloads.iterdir())
        log(f"downloading {spec}")
        subprocess.run([str(python), "-m", "pip", "download", "-q", "--no-deps", "-d", str(downloads), spec],
                       check=True)
        archives = [p for p in downloads.iterdir() if _dist_name(p.name) == _norm(name)]
        new = [p for p in archives if p not in before] or archives
        archive = sorted(new)[-1]
        if target.exists():
            shutil.rmtree(target)
        _unpack_py(archive, target)
        (target / ".done").write_text(archive.name)
    return real


def _norm(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _dist_name(filename: str) -> str:
    stem = filename
    for suffix in (".whl", ".tar.gz", ".zip"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return _norm(stem.split("-")[0])


def _unpack_py(archive: Path, target: Path) -> None:
    """Only the ``.py`` files: the corpus is what a linter of Python source reads."""
    target.mkdir(parents=True)
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                if info.filename.endswith(".py") and ".." not in info.filename.split("/"):
                    out = target / info.filename
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(z.read(info))
    else:
        with tarfile.open(archive) as t:
            for member in t.getmembers():
                if member.isfile() and member.name.endswith(".py") and ".." not in member.name.split("/"):
                    out = target / member.name
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(t.extractfile(member).read())


# -- the generated corpus -------------------------------------------------------------------

_LAYERS = [
    'layers.Dense({n}, activation="relu")',
    "layers.Dropout({r})",
    'layers.Conv2D({n}, 3, activation="relu", padding="same")',
    "layers.MaxPooling2D()",
    "layers.BatchNormalization()",
    'layers.Dense({n}, activation="tanh")',
]
_HEADS = [
    ('layers.Dense({k}, activation="softmax")', '"categorical_crossentropy"'),
    ('layers.Dense({k})', '"sparse_categorical_crossentropy"'),  # logits into a probability loss
    ('layers.Dense(1, activation="sigmoid")', '"binary_crossentropy"'),
    ('layers.Dense({k}, activation="sigmoid")', '"categorical_crossentropy"'),
    ('layers.Dense({k})', 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)'),
]


def _model_function(rnd: random.Random, i: int) -> str:
    size = rnd.choice([28, 32, 64])
    head, loss = rnd.choice(_HEADS)
    k = rnd.choice([3, 5, 10, 100])
    body = []
    if rnd.random() < 0.5:
        body.append(f"    inputs = keras.Input(shape=({size}, {size}, 3))")
        body.append("    x = inputs")
        for _ in range(rnd.randint(2, 6)):
            layer = rnd.choice(_LAYERS).format(n=rnd.choice([16, 32, 64, 128]), r=rnd.choice([0.1, 0.25, 0.5]))
            body.append(f"    x = {layer}(x)")
        body.append("    x = layers.Flatten()(x)")
        body.append(f"    outputs = {head.format(k=k)}(x)")
        body.append(f'    model = keras.Model(inputs, outputs, name="model_{i}")')
    else:
        body.append("    model = keras.Sequential([")
        body.append(f"        keras.Input(shape=({size}, {size}, 3)),")
        for _ in range(rnd.randint(2, 6)):
            layer = rnd.choice(_LAYERS).format(n=rnd.choice([16, 32, 64, 128]), r=rnd.choice([0.1, 0.25, 0.5]))
            body.append(f"        {layer},")
        body.append("        layers.Flatten(),")
        body.append(f"        {head.format(k=k)},")
        body.append("    ])")
    lr = rnd.choice(["1e-3", "3e-4", "0.01"])
    body.append(f"    model.compile(optimizer=keras.optimizers.Adam(learning_rate={lr}), loss={loss},")
    body.append('                  metrics=["accuracy"])')
    if rnd.random() < 0.5:
        body.append("    model.fit(x_train, y_train, epochs=10, batch_size=32, validation_split=0.1)")
    else:
        body.append("    model.fit(x_train, y_train, epochs=10)")
    body.append("    return model")
    return f"def build_model_{i}(x_train, y_train):\n" + "\n".join(body) + "\n"


def _helper_function(rnd: random.Random, i: int) -> str:
    return (
        f"def preprocess_{i}(images, labels, scale={rnd.choice([255.0, 127.5])}):\n"
        f'    """Scale and shuffle batch {i}."""\n'
        "    images = np.asarray(images, dtype=np.float32) / scale\n"
        "    order = np.random.permutation(len(images))\n"
        "    return images[order], labels[order]\n"
    )


def generate_corpus(folder: Path, count: int) -> dict:
    """``count`` files of 4 model-building and 4 helper functions each, from a fixed seed."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / ".done"
    if stamp.exists() and stamp.read_text() == str(count):
        return _stats(sorted(folder.rglob("*.py")))
    for old in folder.glob("*.py"):
        old.unlink()
    rnd = random.Random(SEED)
    for n in range(count):
        parts = ['"""Generated Keras training script (kerlint benchmark)."""', "",
                 "import numpy as np", "import keras", "from keras import layers", ""]
        for j in range(4):
            parts.append(_model_function(rnd, 4 * n + j))
            parts.append(_helper_function(rnd, 4 * n + j))
        (folder / f"train_{n:04d}.py").write_text("\n\n".join(parts))
    stamp.write_text(str(count))
    return _stats(sorted(folder.rglob("*.py")))


def _stats(files) -> dict:
    lines = size = 0
    for f in files:
        data = f.read_bytes()
        lines += data.count(b"\n")
        size += len(data)
    return {"files": len(files), "lines": lines, "bytes": size}


# -- running ------------------------------------------------------------------------------


def run_once(argv, *, env=None, cwd=None, timeout=3600) -> dict:
    """Wall time, CPU time and the largest resident set of any process of the run."""
    out = cwd / ".bench-output" if cwd else Path(os.devnull)
    with open(out, "wb") as fh:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        try:
            # wait4's usage covers the process and every descendant it waited for (workers).
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            raise
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_bytes().decode("utf-8", "replace") if cwd else ""
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "exit": proc.returncode,
        "output_lines": text.count("\n"),
        "output": text,
    }


def snapshot_kerlint(work: Path) -> tuple[Path, str]:
    """A copy of this checkout's ``kerlint/``: the runs measure one version of the code even
    while the checkout is edited."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "kerlint"], cwd=REPO, capture_output=True,
                               text=True).stdout.strip()
    except OSError:
        commit, dirty = "unknown", ""
    label = commit + ("+dirty" if dirty else "")
    target = work / "src"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "kerlint", target / "kerlint", ignore=shutil.ignore_patterns("__pycache__"))
    return target, label


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path,
                        default=Path(os.environ.get("KERLINT_BENCH_DIR", Path.home() / ".cache" / "kerlint-bench")))
    parser.add_argument("--reps", type=int, default=5, help="repetitions of every case (default 5)")
    parser.add_argument("--quick", action="store_true", help="keras alone and 100 generated files")
    parser.add_argument("--generated", type=int, default=None, help=f"generated files (default {GENERATED_FILES})")
    parser.add_argument("--fixit-reps", type=int, default=None,
                        help="run Fixit (minutes a run) in only the first N repetitions")
    parser.add_argument("--skip", action="append", default=[], help="leave a case out (e.g. --skip fixit)")
    parser.add_argument("--out", type=Path, default=None, help="the JSON result (default: in WORK/results)")
    parser.add_argument("--setup-only", action="store_true", help="install and build the corpus, run nothing")
    args = parser.parse_args(argv)

    work = args.work.expanduser().resolve()
    if work == REPO or REPO in work.parents:
        parser.error("--work must be outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    python = ensure_venv(work)
    packages = QUICK_PACKAGES if args.quick else PACKAGES
    generated_count = args.generated if args.generated is not None else (100 if args.quick else GENERATED_FILES)
    real = ensure_real_corpus(work, python, packages)
    corpus = work / ("corpus-quick" if args.quick else "corpus-full")
    gen_stats = generate_corpus(work / "corpus" / f"generated-{generated_count}", generated_count)
    _assemble(corpus, {**{p.split("==")[0]: real / p.split("==")[0] for p in packages},
                       "generated": work / "corpus" / f"generated-{generated_count}"})
    files = sorted(corpus.rglob("*.py"))
    stats = _stats(files)
    real_stats = _stats([f for f in files if f.relative_to(corpus).parts[0] != "generated"])
    file_list = work / "files.txt"
    file_list.write_text("".join(f"{f}\n" for f in files))
    one = corpus / "generated" / "train_0000.py"
    plain = work / "plain.py"
    plain.write_text("import os\n\n\ndef main():\n    for name in sorted(os.listdir('.')):\n        print(name)\n")
    log(f"corpus: {stats['files']} files, {stats['lines']} lines ({real_stats['files']} files from "
        f"{', '.join(packages)}; {gen_stats['files']} generated)")
    if args.setup_only:
        return 0

    src, label = snapshot_kerlint(work)
    env = dict(os.environ, PYTHONPATH=str(src), NO_COLOR="1")
    env.pop("KERLINT_CACHE_DIR", None)
    env.pop("KERLINT_NO_CACHE", None)
    bin_dir = python.parent
    kerlint = [str(python), "-m", "kerlint", "check", "--isolated", "--exit-zero", "--output-format", "concise"]
    warm_cache = work / "warm-cache"
    one_cache = work / "one-cache"
    for folder in (warm_cache, one_cache):
        if folder.exists():
            shutil.rmtree(folder)
    cases = {
        "floor": [str(python), "-c", FLOOR, str(file_list)],
        "kerlint cold": kerlint + ["--no-cache", str(corpus)],
        "kerlint warm": kerlint + ["--cache-dir", str(warm_cache), str(corpus)],
        "flake8": [str(bin_dir / "flake8"), "--exit-zero", str(corpus)],
        "fixit": [str(bin_dir / "fixit"), "lint", str(corpus)],
        "ruff": [str(bin_dir / "ruff"), "check", "--no-cache", "--isolated", "--exit-zero", str(corpus)],
        "one floor": [str(python), "-c", ONE_FLOOR, str(one)],
        "kerlint one": kerlint + ["--no-cache", str(one)],
        "kerlint one hit": kerlint + ["--cache-dir", str(one_cache), str(one)],
        "kerlint one clear": kerlint + ["--cache-dir", str(one_cache), str(plain)],
        "flake8 one": [str(bin_dir / "flake8"), "--exit-zero", str(one)],
        "ruff one": [str(bin_dir / "ruff"), "check", "--no-cache", "--isolated", "--exit-zero", str(one)],
    }
    for skip in args.skip:
        for name in [n for n in cases if n == skip or n.startswith(skip + " ")]:
            del cases[name]
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    # Fill the caches the warm cases read (not timed), and check the warm run agrees.
    cold_output = run_once(cases.get("kerlint cold", kerlint + ["--no-cache", str(corpus)]), env=env, cwd=scratch)
    run_once(kerlint + ["--cache-dir", str(warm_cache), str(corpus)], env=env, cwd=scratch)
    run_once(kerlint + ["--cache-dir", str(one_cache), str(one)], env=env, cwd=scratch)
    run_once(kerlint + ["--cache-dir", str(one_cache), str(plain)], env=env, cwd=scratch)
    warm_output = run_once(kerlint + ["--cache-dir", str(warm_cache), str(corpus)], env=env, cwd=scratch)
    agree = sorted(cold_output["output"].splitlines()) == sorted(warm_output["output"].splitlines())

    load_before = os.getloadavg()
    samples = {name: [] for name in cases}
    names = list(cases)
    started = time.time()
    for rep in range(args.reps):
        order = names[rep % len(names):] + names[: rep % len(names)]
        for name in order:
            if name == "fixit" and args.fixit_reps is not None and rep >= args.fixit_reps:
                continue
            result = run_once(cases[name], env=env, cwd=scratch)
            result.pop("output")
            samples[name].append(result)
            log(f"rep {rep + 1}/{args.reps} {name:18} {result['wall']:8.3f} s  {result['peak_rss_mb']:7.1f} MB"
                f"  load {os.getloadavg()[0]:.2f}")
    load_after = os.getloadavg()

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    report = summarize(samples, stats, cores)
    report.update({
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "kerlint": label,
        "machine": {"cores": cores, "platform": platform.platform(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": load_after,
                    "minutes": round((time.time() - started) / 60, 1)},
        "tools": _versions(python),
        "corpus": {"path": str(corpus), "packages": packages, "generated": gen_stats, "real": real_stats,
                   "total": stats, "one_file": str(one), "one_file_lines": one.read_bytes().count(b"\n")},
        "kerlint_diagnostics": cold_output["output_lines"],
        "warm_output_matches_cold": agree,
        "reps": args.reps,
        "fixit_reps": min(args.reps, args.fixit_reps) if args.fixit_reps is not None else args.reps,
        "samples": samples,
    })
    out = args.out or work / "results" / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    if args.out is None:
        (out.parent / "latest.json").write_text(json.dumps(report, indent=2))
    print_table(report)
    print(f"\nJSON: {out}")
    return 0


def _assemble(corpus: Path, parts: dict) -> None:
    """One folder holding the chosen packages and the generated files (hard links: no copy)."""
    stamp = corpus / ".done"
    wanted = json.dumps(sorted((k, str(v)) for k, v in parts.items()))
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    for name, source in parts.items():
        shutil.copytree(source, corpus / name, copy_function=_link_or_copy, ignore=shutil.ignore_patterns(".done"))
    stamp.write_text(wanted)


def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _versions(python: Path) -> dict:
    code = ("import importlib.metadata as m, json; "
            "print(json.dumps({n: m.version(n) for n in ('libcst', 'flake8', 'fixit', 'ruff', 'click')}))")
    try:
        return json.loads(subprocess.run([str(python), "-c", code], capture_output=True, text=True).stdout)
    except ValueError:
        return {}


def summarize(samples, stats, cores) -> dict:
    med = {name: statistics.median(s["wall"] for s in runs) for name, runs in samples.items() if runs}
    peak = {name: max(s["peak_rss_mb"] for s in runs) for name, runs in samples.items() if runs}
    cases = {}
    for name in med:
        runs = samples[name]
        entry = {"median_s": med[name], "min_s": min(s["wall"] for s in runs), "max_s": max(s["wall"] for s in runs),
                 "median_cpu_s": statistics.median(s["cpu"] for s in runs), "peak_rss_mb": peak[name]}
        if "one" not in name:
            entry["files_per_s"] = stats["files"] / med[name]
            entry["lines_per_s"] = stats["lines"] / med[name]
        cases[name] = entry

    def ratio(a, b):
        return med[a] / med[b] if a in med and b in med else None

    def cpu_ratio(a, b):
        return cases[a]["median_cpu_s"] / cases[b]["median_cpu_s"] if a in cases and b in cases else None

    ratios = {
        "cold/floor": ratio("kerlint cold", "floor"),
        "cold/(floor/cores)": med["kerlint cold"] / (med["floor"] / cores) if "floor" in med and "kerlint cold" in med else None,
        "fixit/cold (speed-up)": ratio("fixit", "kerlint cold"),
        "flake8/cold (speed-up)": ratio("flake8", "kerlint cold"),
        "ruff/cold (speed-up)": ratio("ruff", "kerlint cold"),
        "cold/ruff": ratio("kerlint cold", "ruff"),
        "one/one floor": ratio("kerlint one", "one floor"),
        "one/flake8 one": ratio("kerlint one", "flake8 one"),
        "one hit/flake8 one": ratio("kerlint one hit", "flake8 one"),
        "one clear/flake8 one": ratio("kerlint one clear", "flake8 one"),
        # CPU time, all processes of a run: what other load on the machine skews least.
        "cpu: cold/floor": cpu_ratio("kerlint cold", "floor"),
        "cpu: fixit/cold (speed-up)": cpu_ratio("fixit", "kerlint cold"),
        "cpu: flake8/cold (speed-up)": cpu_ratio("flake8", "kerlint cold"),
        "cpu: fixit/floor": cpu_ratio("fixit", "floor"),
        "cpu: flake8/floor": cpu_ratio("flake8", "floor"),
    }
    r = ratios
    targets = {
        "cold <= 1.2 x floor/cores": _check(r["cold/(floor/cores)"], lambda v: v <= 1.2),
        "cold >= 25x faster than Fixit": _check(r["fixit/cold (speed-up)"], lambda v: v >= 25),
        "cold >= 4x faster than flake8": _check(r["flake8/cold (speed-up)"], lambda v: v >= 4),
        "warm <= 0.5 s": _check(med.get("kerlint warm"), lambda v: v <= 0.5),
        "one file <= 1.2 x one-file floor": _check(r["one/one floor"], lambda v: v <= 1.2),
        "one file, cache hit <= 60 ms": _check(med.get("kerlint one hit"), lambda v: v <= 0.060),
        "one file, pre-scan clear <= 60 ms": _check(med.get("kerlint one clear"), lambda v: v <= 0.060),
        "peak RSS per process <= 150 MB (cold)": _check(peak.get("kerlint cold"), lambda v: v <= 150),
    }
    return {"cases": cases, "ratios": ratios, "targets": targets}


def _check(value, test):
    return None if value is None else {"value": value, "met": bool(test(value))}


def print_table(report) -> None:
    corpus = report["corpus"]["total"]
    m = report["machine"]
    print(f"\nkerlint {report['kerlint']} on {corpus['files']} files, {corpus['lines']} lines "
          f"({', '.join(report['corpus']['packages'])} + {report['corpus']['generated']['files']} generated); "
          f"{m['cores']} cores; {report['reps']} reps (Fixit {report['fixit_reps']}); load {m['load_before'][0]:.2f} -> {m['load_after'][0]:.2f}")
    print(f"\n{'case':20} {'median s':>9} {'min s':>8} {'cpu s':>8} {'files/s':>9} {'lines/s':>10} {'peak MB':>8}")
    for name, c in report["cases"].items():
        fps = f"{c['files_per_s']:9.0f}" if "files_per_s" in c else " " * 9
        lps = f"{c['lines_per_s']:10.0f}" if "lines_per_s" in c else " " * 10
        print(f"{name:20} {c['median_s']:9.3f} {c['min_s']:8.3f} {c['median_cpu_s']:8.2f} {fps} {lps} "
              f"{c['peak_rss_mb']:8.1f}")
    print("\nratios")
    for name, value in report["ratios"].items():
        if value is not None:
            print(f"  {name:28} {value:8.2f}")
    print("\ntargets")
    for name, t in report["targets"].items():
        if t is not None:
            print(f"  {'met   ' if t['met'] else 'MISSED'} {name:40} ({t['value']:.3f})")
    print(f"\nkerlint diagnostics on the corpus: {report['kerlint_diagnostics']} lines of output; "
          f"warm output matches cold: {report['warm_output_matches_cold']}")


if __name__ == "__main__":
    sys.exit(main())
