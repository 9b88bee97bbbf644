"""Benchmark: many processes starting at once without TDKT_SECRET_KEY, on an empty data folder.

Run: .venv/bin/python bench/first_start.py [--processes 240] [--rounds 30]
Each round forks --processes processes that wait on one barrier, then read the settings with TDKT_SECRET_FILE in a
fresh temporary folder. Prints, per round, how many crashed, how many read an empty or short key, and how many
distinct keys were read (the promise: 0 crashed, 0 empty, 1 key), and the slowest start; then the totals.
Measured on the 2-core machine, 30 rounds of 240: the create-then-write key file of before crashed 3 processes
(FileExistsError), gave 2 an empty key and 2 rounds two keys; the linked file, 0, 0 and 0.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tdkt.core.config import MIN_SECRET, Settings  # noqa: E402 -- needs ROOT on sys.path


def _start(path: str, barrier, results) -> None:
    barrier.wait()
    began = time.perf_counter()
    try:
        key = Settings.from_env({"TDKT_SECRET_FILE": path}).secret_key
    except Exception as error:  # the figure counts every kind of crash
        results.put(("crash", type(error).__name__, time.perf_counter() - began))
    else:
        results.put(("key", key, time.perf_counter() - began))


def one_round(processes: int) -> dict:
    """Start `processes` processes at once on an empty folder; return what they read."""
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "data" / ".secret_key")
        barrier, results = context.Barrier(processes), context.Queue()
        started = [context.Process(target=_start, args=(path, barrier, results)) for _ in range(processes)]
        for process in started:
            process.start()
        answers = [results.get(timeout=60) for _ in started]
        for process in started:
            process.join()
    keys = [value for kind, value, _ in answers if kind == "key"]
    return {"crashed": sum(kind == "crash" for kind, _, _ in answers),
            "errors": sorted({value for kind, value, _ in answers if kind == "crash"}),
            "short": sum(len(k) < MIN_SECRET for k in keys), "keys": len(set(keys)),
            "slowest_ms": max(seconds for _, _, seconds in answers) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=240)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    totals = {"crashed": 0, "short": 0, "split": 0}
    for n in range(1, args.rounds + 1):
        r = one_round(args.processes)
        totals["crashed"] += r["crashed"]
        totals["short"] += r["short"]
        totals["split"] += r["keys"] != 1
        print(f"round {n}: {args.processes} processes, crashed {r['crashed']}, empty or short key {r['short']}, "
              f"distinct keys {r['keys']}, slowest start {r['slowest_ms']:.1f} ms"
              + (f" ({', '.join(r['errors'])})" if r["errors"] else ""))
    print(f"total over {args.rounds} rounds of {args.processes}: crashed {totals['crashed']}, empty or short key "
          f"{totals['short']}, rounds with more than one key {totals['split']}")


if __name__ == "__main__":
    main()
