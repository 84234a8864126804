"""Fuzz kerlint with generated programs: hypothesmith's and random Keras programs.

    python tools/fuzz.py                         # 10,000 hypothesmith + 5,000 Keras programs
    python tools/fuzz.py --hypothesmith 500 --keras 500 --seed 7

Each program is linted with every rule and fixed with the unsafe fixes too (see
``tests/fuzzing.py``: no exception, no internal error, no KER000 on text Python parses, fixed
text that still parses, a second fix that changes nothing). Hypothesmith's programs are linted
as they are and, one in two, put inside a random Keras program so that the extraction and the
rules meet them too. A sample of them comes from LibCST node trees (``from_node``), which is
slower to generate, the rest from Python's grammar (``from_grammar``).

Prints the counts and every distinct problem with the program that showed it (also written to
``--out``, default ``fuzz-problems.txt`` in the temporary folder). Exit status 1 on any problem.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fuzzing import check, keras_program, mixed  # noqa: E402


class Tally:
    def __init__(self):
        self.programs = Counter()
        self.problems = Counter()
        self.examples = {}
        self.stats = Counter()

    def record(self, kind: str, source: str, problems) -> None:
        self.programs[kind] += 1
        for p in problems:
            key = p.strip().splitlines()[-1][:200] if "crashed" in p else p.splitlines()[0][:200]
            self.problems[key] += 1
            self.examples.setdefault(key, (p, source))


def run_keras(n: int, seed: int, tally: Tally, progress) -> None:
    for i in range(n):
        source = keras_program(seed * 1_000_003 + i)
        tally.record("keras", source, check(source, stats=tally.stats))
        progress()


def run_hypothesmith(n: int, seed: int, tally: Tally, progress, node_share: float) -> None:
    import hypothesmith
    from hypothesis import HealthCheck, given, settings, strategies as st

    rng = random.Random(seed)
    config = settings(max_examples=n, deadline=None, database=None, derandomize=False,
                      suppress_health_check=list(HealthCheck))

    def one(source, mix_seed):
        tally.record("hypothesmith", source, check(source, stats=tally.stats))
        if tally.programs["hypothesmith"] % 2 == 0:
            program = mixed(keras_program(mix_seed), source, random.Random(mix_seed))
            tally.record("hypothesmith in Keras", program, check(program, stats=tally.stats))
        progress()

    n_node = int(n * node_share)
    for strategy, count in ((hypothesmith.from_grammar(), n - n_node), (hypothesmith.from_node(), n_node)):
        if count <= 0:
            continue

        @settings(config, max_examples=count)
        @given(strategy, st.integers(0, 2**32))
        def run(source, mix_seed):
            one(source, mix_seed)

        run._hypothesis_internal_use_seed = rng.randrange(2**32)
        run()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hypothesmith", type=int, default=10_000, help="hypothesmith programs (default 10,000)")
    parser.add_argument("--keras", type=int, default=5_000, help="generated Keras programs (default 5,000)")
    parser.add_argument("--node-share", type=float, default=0.05,
                        help="share of hypothesmith programs built from LibCST nodes (slow to generate)")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "fuzz-problems.txt")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    tally = Tally()
    start = time.perf_counter()
    done = [0]
    total = args.keras + args.hypothesmith

    def progress():
        done[0] += 1
        if done[0] % 500 == 0:
            print(f"  {done[0]}/{total} ({time.perf_counter() - start:.0f} s, "
                  f"{sum(tally.problems.values())} problems)", file=sys.stderr, flush=True)

    print(f"seed {args.seed}", file=sys.stderr)
    run_keras(args.keras, args.seed, tally, progress)
    run_hypothesmith(args.hypothesmith, args.seed, tally, progress, args.node_share)
    seconds = time.perf_counter() - start
    for kind, count in sorted(tally.programs.items()):
        print(f"{kind + ' programs:':28} {count}")
    for what, count in sorted(tally.stats.items()):
        print(f"{'programs ' + what + ':' if what != 'fixes applied' else what + ':':28} {count}")
    print(f"{'seconds:':28} {seconds:.0f}")
    print(f"{'distinct problems:':28} {len(tally.problems)} ({sum(tally.problems.values())} in all)")
    with open(args.out, "w", encoding="utf-8", errors="backslashreplace") as fh:
        for key, count in tally.problems.most_common():
            problem, source = tally.examples[key]
            print(f"{count:6}  {key}")
            fh.write(f"=== {count} x {key}\n{problem}\n--- program:\n{source}\n\n")
    if tally.problems:
        print(f"problems and the programs that show them: {args.out}")
    return 1 if tally.problems else 0


if __name__ == "__main__":
    sys.exit(main())
