"""`python -m bench <name> [options]` runs one benchmark; `python -m bench all` runs
each in its own process (each sets Django up against its own database) and ends
with a summary table. Exit code: 1 if any FAIL, else 2 if any SKIP, else 0."""

import importlib
import subprocess
import sys
import time

from bench import NAMES


def run_all() -> int:
    rows, codes = [], []
    for name in NAMES:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench", name], stdout=subprocess.PIPE, text=True
        )
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            if line.startswith("RESULT "):
                rows.append(line[len("RESULT ") :].strip())
        codes.append(proc.wait())
        print(f"== {name}: exit {codes[-1]} after {time.monotonic() - start:.0f}s\n", flush=True)
    print("== summary (benchmark | comparison | median | min | max | target | verdict)")
    for row in rows:
        print("   " + row)
    if 1 in codes:
        return 1
    return 2 if any(code != 0 for code in codes) else 0


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in (*NAMES, "all"):
        print(f"usage: python -m bench {{{'|'.join(NAMES)}|all}} [options]", file=sys.stderr)
        return 2
    name = sys.argv[1]
    if name == "all":
        return run_all()
    module = importlib.import_module(f"bench.{name}")
    return module.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
