"""Sweep kerlint over real code: the Python files of Keras-related wheels from the registry.

    python tools/sweep_real.py                  # download (first time), lint, fix a copy, report
    python tools/sweep_real.py --jobs 2 --limit 500

Everything it downloads or writes lives outside the repository, in ``--work`` (default
``~/.cache/kerlint-sweep``, or ``$KERLINT_SWEEP_DIR``): ``downloads/`` (``pip download
--no-deps``), ``corpus/`` (the wheels' ``.py`` files), ``fixed/`` (the copy that ``--fix`` runs
on) and ``results.json``.

What it checks, with every rule selected:

- linting each file in-process (no pre-scan, so every file is parsed and analysed): no
  exception, no internal-error diagnostic, no KER000 at all on a file Python itself parses, and
  the files skipped with a notice counted;
- ``kerlint check --fix --unsafe-fixes`` on a copy, run as a user runs it: exit status 0 or 1,
  nothing on stderr but notices, every file that parsed before still parses, and a second run
  changes nothing (the fixes settle).

Exit status 0 when all of that holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
import warnings
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ["keras==3.15.1", "keras-hub==0.32.0", "tf-models-official==2.20.0", "tf-keras==2.21.0"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def download(work: Path) -> list[Path]:
    folder = work / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    wheels = sorted(folder.glob("*.whl"))
    names = {w.name.split("-")[0].lower().replace("_", "-") for w in wheels}
    missing = [p for p in PACKAGES if p.split("==")[0] not in names]
    if missing:
        log("downloading " + " ".join(missing))
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(folder), *missing],
                       check=True)
        wheels = sorted(folder.glob("*.whl"))
    return wheels


def unpack(work: Path, wheels) -> list[Path]:
    corpus = work / "corpus"
    marker = corpus / ".unpacked"
    if not marker.exists() or marker.read_text() != "\n".join(w.name for w in wheels):
        shutil.rmtree(corpus, ignore_errors=True)
        for wheel in wheels:
            target = corpus / wheel.name.split("-")[0]
            with zipfile.ZipFile(wheel) as z:
                for name in z.namelist():
                    if name.endswith(".py"):
                        z.extract(name, target)
        marker.write_text("\n".join(w.name for w in wheels))
    return sorted(p for p in corpus.rglob("*.py") if p.is_file())


def python_parses(data: bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(data, "<sweep>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def _lint_one(path: str):
    sys.path.insert(0, str(REPO))
    from kerlint.files import ReadError, decode
    from kerlint.lint import lint_source
    from kerlint.rules import all_rules

    data = Path(path).read_bytes()
    out = {"path": path, "parses": python_parses(data), "crash": None, "ker000": [], "notice": None,
           "reports": 0, "seconds": 0.0}
    try:
        source = decode(data)
    except ReadError as exc:
        out["ker000"].append(f"cannot read: {exc}")
        return out
    start = time.perf_counter()
    try:
        result = lint_source(source, path, sorted(all_rules()))
    except BaseException:  # noqa: BLE001 - what the sweep looks for
        out["crash"] = traceback.format_exc()
        return out
    out["seconds"] = time.perf_counter() - start
    out["reports"] = len(result.reports)
    out["ker000"] = [f"{r.row}:{r.column} {r.message}" for r in result.reports if r.code == "KER000"]
    out["notice"] = result.error
    return out


def lint_all(files, jobs: int):
    if jobs <= 1:
        for i, f in enumerate(files):
            yield _lint_one(str(f))
            if i % 250 == 249:
                log(f"  linted {i + 1}/{len(files)}")
        return
    with ProcessPoolExecutor(jobs) as pool:
        for i, out in enumerate(pool.map(_lint_one, [str(f) for f in files], chunksize=8)):
            yield out
            if i % 250 == 249:
                log(f"  linted {i + 1}/{len(files)}")


def kerlint(*args, cwd=None):
    cmd = [sys.executable, "-m", "kerlint", "check", "--isolated", "--no-cache", "--select", "ALL",
           "--output-format", "concise", *args]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env)


def fix_all(work: Path, files, parses: dict):
    corpus = work / "corpus"
    fixed = work / "fixed"
    shutil.rmtree(fixed, ignore_errors=True)
    shutil.copytree(corpus, fixed)
    before = {f: f.read_bytes() for f in fixed.rglob("*.py")}
    start = time.perf_counter()
    first = kerlint("--fix", "--unsafe-fixes", str(fixed))
    seconds = time.perf_counter() - start
    after = {f: f.read_bytes() for f in before}
    changed = [f for f in before if after[f] != before[f]]
    broken = [str(f) for f in changed if parses.get(str(corpus / f.relative_to(fixed))) and not python_parses(after[f])]
    empty = [str(f) for f in changed if not after[f].strip()]
    second = kerlint("--fix", "--unsafe-fixes", str(fixed))
    unsettled = [str(f) for f in before if f.read_bytes() != after[f]]
    fix_failures = [line for line in first.stdout.splitlines() if " KER000 " in line]
    stderr = [line for line in (first.stderr + second.stderr).splitlines() if not line.startswith("kerlint: warning:")]
    return {
        "files": len(before),
        "changed": len(changed),
        "seconds": round(seconds, 1),
        "exit_status": [first.returncode, second.returncode],
        "parse_failures_after_fix": broken,
        "emptied": empty,
        "not_idempotent": unsettled,
        "fix_refused_ker000": fix_failures,
        "stderr": stderr[:50],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path,
                        default=Path(os.environ.get("KERLINT_SWEEP_DIR", Path.home() / ".cache" / "kerlint-sweep")))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="lint only the first N files (0: all)")
    parser.add_argument("--no-fix", action="store_true", help="skip the --fix run")
    args = parser.parse_args(argv)
    work = args.work.expanduser().resolve()
    if REPO == work or REPO in work.parents:
        parser.error("--work must be outside the repository")
    files = unpack(work, download(work))
    if args.limit:
        files = files[: args.limit]
    log(f"linting {len(files)} files from {work / 'corpus'}")
    start = time.perf_counter()
    rows = list(lint_all(files, args.jobs))
    lint_seconds = time.perf_counter() - start
    crashes = [r for r in rows if r["crash"]]
    internal = [r for r in rows if any("internal error" in m for m in r["ker000"])]
    ker000_parseable = [r for r in rows if r["parses"] and r["ker000"]]
    notices = [r for r in rows if r["notice"]]
    summary = {
        "packages": PACKAGES,
        "files": len(rows),
        "python_parses": sum(r["parses"] for r in rows),
        "bytes": sum(Path(r["path"]).stat().st_size for r in rows),
        "lint_seconds": round(lint_seconds, 1),
        "slowest": sorted(((round(r["seconds"], 2), r["path"]) for r in rows), reverse=True)[:5],
        "reports": sum(r["reports"] for r in rows),
        "crashes": [(r["path"], r["crash"]) for r in crashes],
        "internal_errors": [(r["path"], r["ker000"]) for r in internal],
        "ker000_on_parseable": [(r["path"], r["ker000"]) for r in ker000_parseable],
        "notices": [(r["path"], r["notice"]) for r in notices],
    }
    if not args.no_fix and not args.limit:
        log("fixing a copy with --fix --unsafe-fixes")
        summary["fix"] = fix_all(work, files, {r["path"]: r["parses"] for r in rows})
    (work / "results.json").write_text(json.dumps(summary, indent=2))
    fix = summary.get("fix", {})
    print(f"files linted:                 {summary['files']} ({summary['bytes'] / 1e6:.1f} MB, "
          f"{summary['python_parses']} parse with Python {sys.version_info[0]}.{sys.version_info[1]})")
    print(f"lint time:                    {summary['lint_seconds']} s; diagnostics: {summary['reports']}")
    print(f"crashes:                      {len(crashes)}")
    print(f"internal errors (KER000):     {len(internal)}")
    print(f"KER000 on parseable files:    {len(ker000_parseable)}")
    print(f"skipped with a notice:        {len(notices)}")
    if fix:
        print(f"--fix --unsafe-fixes:         {fix['changed']} of {fix['files']} files changed in {fix['seconds']} s, "
              f"exit status {fix['exit_status']}")
        print(f"parse failures after fix:     {len(fix['parse_failures_after_fix'])}")
        print(f"files emptied by fix:         {len(fix['emptied'])}")
        print(f"changed by a second fix run:  {len(fix['not_idempotent'])}")
        print(f"fixes refused (KER000):       {len(fix['fix_refused_ker000'])}")
        print(f"stderr lines (not notices):   {len(fix['stderr'])}")
    print(f"details: {work / 'results.json'}")
    bad = crashes or internal or ker000_parseable or (fix and (
        fix["parse_failures_after_fix"] or fix["emptied"] or fix["not_idempotent"] or fix["fix_refused_ker000"]
        or fix["stderr"] or any(s not in (0, 1) for s in fix["exit_status"])))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
