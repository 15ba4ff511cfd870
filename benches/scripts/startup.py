#!/usr/bin/env python3
"""Wall time and peak RSS of whole-process runs of a command, e.g.

    benches/scripts/startup.py 200 target/release/myrt run hello.wasm
    benches/scripts/startup.py 200 wasmtime run hello.wasm

Prints the median and 90th percentile wall time and the median peak RSS.
"""
import os
import statistics
import subprocess
import sys
import time


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed with status {status}")
    return elapsed, usage.ru_maxrss  # ru_maxrss is in KiB on Linux


def main():
    runs, argv = int(sys.argv[1]), sys.argv[2:]
    run_once(argv)  # warm the page cache
    samples = [run_once(argv) for _ in range(runs)]
    walls = sorted(s[0] * 1000 for s in samples)
    rss = statistics.median(s[1] for s in samples) / 1024
    p90 = walls[int(len(walls) * 0.9) - 1]
    print(f"{' '.join(argv)}: {runs} runs, median {statistics.median(walls):.2f} ms, "
          f"p90 {p90:.2f} ms, peak RSS {rss:.1f} MiB")


if __name__ == "__main__":
    main()
