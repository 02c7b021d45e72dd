"""Backups: a consistent online copy of the book (SQLite's backup API, safe while the daemon
writes) and an archive of the files folder, kept `[backup] keep` deep.

Restore (also in docs/DEPLOY.md): stop the daemon, copy `pengaduan-<time>.db` over the book,
unpack `berkas-<time>.tar.gz` into the files folder's parent, start the daemon.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import tarfile
from pathlib import Path

from office.base import Office
from sop.files import private_dir

log = logging.getLogger(__name__)


def make_backup(office: Office, now: dt.datetime) -> tuple[Path, Path]:
    cfg = office.config
    assert cfg.backup_folder is not None  # load_config always sets one
    folder = private_dir(cfg.backup_folder)
    stamp = now.astimezone(cfg.clock.tz).strftime("%Y%m%d-%H%M%S")
    book_copy = folder / f"pengaduan-{stamp}.db"
    target = sqlite3.connect(book_copy)
    try:
        office.book.conn.backup(target)
    finally:
        target.close()
    book_copy.chmod(0o600)
    files_copy = folder / f"berkas-{stamp}.tar.gz"
    with tarfile.open(files_copy, "w:gz") as tar:
        if cfg.files.exists():
            tar.add(cfg.files, arcname=cfg.files.name)
    files_copy.chmod(0o600)
    prune(folder, cfg.backup_keep)
    log.info("cadangan dibuat: %s, %s", book_copy.name, files_copy.name)
    return book_copy, files_copy


def prune(folder: Path, keep: int) -> None:
    for pattern in ("pengaduan-*.db", "berkas-*.tar.gz"):
        for old in sorted(folder.glob(pattern))[:-keep]:
            old.unlink()


def daily_backup(office: Office, now: dt.datetime) -> str:
    book_copy, _ = make_backup(office, now)
    return f"cadangan {book_copy.name}"


def restore(backup_db: Path, files_archive: Path | None, database: Path, files: Path) -> None:
    """Put a backup back in place (the daemon must be stopped)."""
    source = sqlite3.connect(backup_db)
    target = sqlite3.connect(database)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    if files_archive:
        with tarfile.open(files_archive) as tar:
            tar.extractall(files.parent, filter="data")  # the data filter refuses paths out of the folder
