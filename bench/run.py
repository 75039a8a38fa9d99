#!/usr/bin/env python
"""Run every benchmark in bench/ (catalog, review, loans, science, insights, …) at one scale.

    .venv/bin/python bench/run.py [--scale N] [--only catalog loans] [-- extra args for each]

Each ``bench/<name>.py`` is a standalone script that builds its own throwaway database and
prints its measurements with a raw-SQL baseline and the ratio; this runner starts them one
after the other (they share the machine, so never in parallel), streams their output, and ends
with a summary of exit codes and wall times. It exits non-zero when any benchmark failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(only: list[str] | None) -> list[Path]:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_"))
    if only:
        wanted = {name.removesuffix(".py") for name in only}
        missing = wanted - {p.stem for p in scripts}
        if missing:
            sys.exit(f"No such benchmark: {', '.join(sorted(missing))}")
        scripts = [p for p in scripts if p.stem in wanted]
    return scripts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, help="passed to every benchmark as --scale (each has its own default)")
    parser.add_argument("--only", nargs="*", help="names of benchmarks to run (default: all)")
    parser.add_argument("extra", nargs="*", help="further arguments passed to every benchmark (after --)")
    args = parser.parse_args()

    summary = []
    for script in discover(args.only):
        command = [sys.executable, str(script)]
        if args.scale is not None:
            command += ["--scale", str(args.scale)]
        command += args.extra
        print(f"\n##### {script.stem}: {' '.join(command[1:])}", flush=True)
        start = time.perf_counter()
        code = subprocess.call(command, cwd=HERE.parent)
        summary.append((script.stem, code, time.perf_counter() - start))

    print("\n##### summary")
    for name, code, seconds in summary:
        print(f"  {name:<14} {'ok' if code == 0 else f'FAILED (exit {code})':<18} {seconds:8.1f} s")
    return 0 if all(code == 0 for _, code, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
