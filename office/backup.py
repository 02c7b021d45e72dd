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
    """An online copy of the book and an archive of the files folder, kept `[backup] keep` deep."""
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
    """Remove the oldest backups beyond `keep`."""
    for pattern in ("pengaduan-*.db", "berkas-*.tar.gz"):
        for old in sorted(folder.glob(pattern))[:-keep]:
            old.unlink()


def daily_backup(office: Office, now: dt.datetime) -> str:
    """The daemon's daily backup; returns what to log."""
    book_copy, _ = make_backup(office, now)
    return f"cadangan {book_copy.name}"


class NotRestored(ValueError):
    """The restore was refused; nothing changed. The message says why, for the administrator."""


def backup_summary(path: Path) -> dict:
    """What a backup file holds: its schema version, complaints and the newest one's time.
    Raises NotRestored when it is not a book of ours."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            count, newest = conn.execute("SELECT count(*), max(received_at) FROM complaints").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise NotRestored(f"{path.name} bukan cadangan buku pengaduan: pilih berkas pengaduan-<waktu>.db dari folder "
                          f"cadangan; tidak ada yang diubah.") from None
    if not version:
        raise NotRestored(f"{path.name} bukan cadangan buku pengaduan: pilih berkas pengaduan-<waktu>.db dari folder "
                          f"cadangan; tidak ada yang diubah.")
    return {"version": version, "complaints": count, "newest": newest}


def moment_text(stamp: str | None, tz) -> str:
    """A book timestamp (UTC ISO) as the office writes a moment: 07-12-2026 10.54 WITA."""
    if not stamp:
        return "-"
    moment = dt.datetime.fromisoformat(stamp).astimezone(tz)
    return f"{moment:%d-%m-%Y %H.%M} {moment.tzname()}"


def check_restore(backup_db: Path, files_archive: Path | None, database: Path, *, older_ok: bool,
                  tz=dt.timezone(dt.timedelta(hours=8), "WITA")) -> dict:
    """Refuse what would lose data: something that is not a backup, a files archive that is not
    one, or a backup older than the book's newest complaint (unless `older_ok`)."""
    offered = backup_summary(backup_db)
    if files_archive is not None and not tarfile.is_tarfile(files_archive):
        raise NotRestored(f"{files_archive.name} bukan arsip berkas cadangan: pilih berkas-<waktu>.tar.gz dari folder "
                          f"cadangan yang sama; tidak ada yang diubah.")
    current = backup_summary(database) if database.exists() and database.stat().st_size else None
    behind = current is not None and ((current["newest"] or "") > (offered["newest"] or "") or
                                      current["complaints"] > offered["complaints"])
    if current is not None and behind and not older_ok:
        raise NotRestored(f"cadangan {backup_db.name} lebih lama dari buku sekarang (pengaduan terbaru di buku "
                          f"{moment_text(current['newest'], tz)}, di cadangan "
                          f"{moment_text(offered['newest'], tz) if offered['newest'] else 'tidak ada'}): pengaduan yang "
                          f"masuk sesudahnya akan hilang. Tambahkan --paksa bila memang itu maksudnya.")
    return {"offered": offered, "current": current}


def safety_copy(database: Path, folder: Path, now: dt.datetime, tz) -> Path | None:
    """A copy of the book as it is, kept before a restore replaces it."""
    if not database.exists():
        return None
    private_dir(folder)
    copy = folder / f"sebelum-pulihkan-{now.astimezone(tz):%Y%m%d-%H%M%S}.db"
    source, target = sqlite3.connect(database), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    copy.chmod(0o600)
    return copy


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
