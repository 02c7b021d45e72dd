"""Files that hold personal data: created private to the service account whatever the umask,
and given their final names atomically. Used by everything that writes into the files folder."""

from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path, mode: int = 0o700) -> Path:
    """Create `path` and any missing parents with `mode` (mkdir's mode applies to the last only)."""
    missing = []
    p = Path(path)
    while not p.exists():
        missing.append(p)
        p = p.parent
    for folder in reversed(missing):
        folder.mkdir(mode=mode, exist_ok=True)
    return Path(path)


def write_private(path: Path, data: bytes) -> None:
    """Write a file only the service account can read, whatever the process umask."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except FileNotFoundError:  # its folder is new (or was removed): made, then written
        private_dir(Path(path).parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "wb") as out:
        out.write(data)


def place_private(staged: str | Path, path: Path) -> None:
    """Give a file written elsewhere in the files folder its final name (atomic: one file system)."""
    try:
        os.replace(staged, path)
    except FileNotFoundError:
        if not os.path.exists(staged):
            raise
        private_dir(Path(path).parent)  # its folder is new (or was removed)
        os.replace(staged, path)


def write_atomically(path: Path, write, *, overwrite: bool = False) -> None:
    """Produce `path` by `write(temporary_path)`, then rename it into place: a reader never sees
    half a file, a failure leaves no file, and an existing file is kept unless `overwrite`."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
