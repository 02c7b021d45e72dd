"""The runtime install's size: a fresh virtual environment, `pip install .` without extras.

Creates the venv in a temporary folder (python3 -m venv), installs a copy of this checkout
into it (needs PyPI, or a pip configured for a mirror) and reports:
- the runtime install: pengaduan and every distribution it needs, against the goal;
- the whole site-packages, which also holds what the empty venv brought and nothing needs
  (setuptools, which Python 3.11's venv installs and 3.12's no longer does; pip stays in the
  runtime figure, as sqlite-utils needs it);
- every distribution's size (the files its RECORD lists, byte-compiled files included) under
  the direct dependency of pengaduan that brings it; one that two direct dependencies need
  is counted once, under "shared".
Sizes are the files' own sizes in MB (10^6 bytes).

Run: python bench/bench_install.py [--keep] [--json]
Not part of the test suite; the goal is printed, not asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from common import machine
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
GOAL_MB = 270
# What `pip install .` reads of the checkout: the project file, the readme, the packages.
COPIED = ("pyproject.toml", "README.md", "intake", "letters", "sop", "office", "jobs", "templates")


def install(venv: Path, work: Path) -> None:
    """A fresh venv with this checkout installed without extras, built from a copy so that
    the checkout gets no build folders."""
    source = work / "src"
    for name in COPIED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, source / name)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    done = subprocess.run([*pip, "install", str(source)], capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("pip install failed")


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def tree_size(path: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            file = Path(folder) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total


def dist_size(dist: metadata.Distribution, site: Path) -> int:
    """The bytes of the files its RECORD lists (those still there)."""
    total = 0
    record = dist.read_text("RECORD") or ""
    for row in csv.reader(record.splitlines()):
        if not row:
            continue
        file = (site / row[0]).resolve()
        if file.is_file():
            total += file.stat().st_size
    return total


def requires(dist: metadata.Distribution) -> list[str]:
    """The distributions it needs without extras, on this platform."""
    names = []
    for line in dist.requires or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(canonicalize_name(requirement.name))
    return names


def measure(site: Path) -> dict:
    dists = {canonicalize_name(d.metadata["Name"]): d for d in metadata.distributions(path=[str(site)])}
    sizes = {name: dist_size(d, site) for name, d in dists.items()}
    graph = {name: [r for r in requires(d) if r in dists] for name, d in dists.items()}
    direct = graph.get("pengaduan", [])

    def closure(name: str) -> set[str]:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(graph.get(current, []))
        return seen

    brought = {top: closure(top) for top in direct}
    owner: dict[str, str] = {"pengaduan": "pengaduan"}
    for name in set(dists) - {"pengaduan"}:
        tops = [top for top in direct if name in brought[top]]
        owner[name] = tops[0] if len(tops) == 1 else ("shared" if tops else "not needed (the venv's own)")
    runtime = sum(sizes[name] for name in closure("pengaduan"))
    return {"total": tree_size(site), "runtime": runtime, "sizes": sizes, "owner": owner, "direct": direct,
            "versions": {name: d.version for name, d in dists.items()}}


def mb(size: int) -> str:
    return f"{size / 1e6:7.1f} MB"


def report(found: dict) -> None:
    sizes, owner = found["sizes"], found["owner"]
    total, runtime = found["total"], found["runtime"]
    groups: dict[str, int] = {}
    for name, size in sizes.items():
        groups[owner[name]] = groups.get(owner[name], 0) + size
    print(f"machine: {machine()}")
    verdict = "under" if runtime < GOAL_MB * 1e6 else "OVER"
    print(f"runtime install (pengaduan and all it needs, pip install . without extras): {mb(runtime)}: "
          f"{verdict} the {GOAL_MB} MB goal")
    print(f"the fresh venv's whole site-packages: {mb(total)}")
    print("\nby direct dependency (itself and what only it brings):")
    for group in sorted(groups, key=lambda g: -groups[g]):
        members = sorted((n for n in sizes if owner[n] == group), key=lambda n: -sizes[n])
        listed = ", ".join(f"{n} {sizes[n] / 1e6:.1f}" for n in members if n != group)
        print(f"  {group:30s} {mb(groups[group])}" + (f"   ({listed})" if listed else ""))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="print the venv's folder and leave it")
    parser.add_argument("--json", action="store_true", help="the figures as JSON instead of the table")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pengaduan-install-"))
    try:
        install(work / "venv", work)
        found = measure(site_packages(work / "venv"))
        if args.json:
            print(json.dumps(found, indent=1, sort_keys=True))
        else:
            report(found)
    finally:
        if args.keep:
            print(f"venv kept: {work / 'venv'}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
