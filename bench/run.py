"""Every benchmark, one after the other: `./quickstart bench` (or python bench/run.py).

Each prints the machine, medians with min and max, and its ratios against the baseline it
measures in the same run. Nothing here is part of the test suite; no figure is asserted.
Extra arguments are not passed on; run a single script for other sizes (see its --help).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("bench_intake.py", "bench_latency.py", "bench_letters.py", "bench_pdf.py", "bench_reply.py", "bench_desk.py",
           "bench_city.py", "bench_book.py", "bench_reports.py", "bench_public.py")
SCRIPTS += ("bench_install.py",)  # the runtime install's size against its goal (needs PyPI)


def main() -> int:
    failed = 0
    for script in SCRIPTS:
        print(f"\n== {script}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script)], cwd=HERE.parent).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
