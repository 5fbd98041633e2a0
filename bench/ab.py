"""Compare ``import_file`` of two checkouts on one machine: before and after a change.

    python -m bench.ab OTHER_CHECKOUT [--rounds 4] [--patients 100000] [--seed 1]

OTHER_CHECKOUT is a copy of the repository at another commit (for example
``git archive <commit> | tar -x -C /tmp/before``; it needs the same ``.env``).
The two imports take turns (A B, then B A, ...), each right after a COPY of
the same file, each in a fresh process, against the scratch database of
``python -m bench`` (run that first: it generates the export and migrates).
Per import: wall time, the ratio to its COPY, and the CPU time of the
importing process (user + system, from wait4), which the machine's other work
disturbs far less than the wall time. The medians come last.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from .__main__ import DEFAULT_DATABASE_URL, OUT, REPO, bench_database_url
from .steps import RESULT


def run(checkout: Path, env: dict[str, str], *args: str) -> dict:
    proc = subprocess.Popen([sys.executable, "-m", "bench.steps", *args], cwd=checkout,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    output = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    results = [json.loads(line[len(RESULT):]) for line in output.splitlines()
               if line.startswith(RESULT)]
    if status or not results:
        sys.exit(f"{' '.join(args)} failed in {checkout}:\n{output[-2000:]}")
    result = results[-1]
    result["cpu"] = usage.ru_utime + usage.ru_stime
    result["maxrss_mib"] = usage.ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", type=Path, help="the other checkout (before the change)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    file = OUT / f"his_{args.patients}p_seed{args.seed}.csv"
    if not file.exists():
        sys.exit(f"{file} is missing: run python -m bench --only import first")
    env = dict(os.environ, DATABASE_URL=bench_database_url(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)))
    sides = {"before": args.other.resolve(), "after": REPO}
    seen: dict[str, list[dict]] = {side: [] for side in sides}
    for round_ in range(args.rounds):
        for side in (("before", "after") if round_ % 2 == 0 else ("after", "before")):
            run(sides[side], env, "setup")
            copy = run(sides[side], env, "copy", str(file))
            result = run(sides[side], env, "import", str(file))
            result["ratio"] = result["seconds"] / copy["seconds"]
            seen[side].append(result)
            print(f"{side:6}  import {result['seconds']:6.2f} s  COPY {copy['seconds']:5.2f} s  "
                  f"{result['ratio']:4.2f}× COPY  CPU {result['cpu']:5.2f} s  "
                  f"peak {result['maxrss_mib']:4.0f} MiB  new rows {result['rows_new']:,}",
                  flush=True)
    for side, results in seen.items():
        median = {key: statistics.median(r[key] for r in results)
                  for key in ("seconds", "ratio", "cpu")}
        print(f"{side:6}  median: import {median['seconds']:.2f} s, {median['ratio']:.2f}× COPY "
              f"(best {min(r['ratio'] for r in results):.2f}×), CPU {median['cpu']:.2f} s, "
              f"peak {max(r['maxrss_mib'] for r in results):.0f} MiB")


if __name__ == "__main__":
    main()
