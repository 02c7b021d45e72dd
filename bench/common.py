"""What every benchmark prints: the machine, and medians with min and max."""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    return f"{cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {_sqlite()}"


def _sqlite() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def summary(label: str, values: list[float], unit: str) -> None:
    print(f"{label:58s} median {statistics.median(values):9.2f} {unit:6s} "
          f"(min {min(values):.2f}, max {max(values):.2f})")
