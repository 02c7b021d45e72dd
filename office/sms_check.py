"""What `periksa` says of the [sms] gateway (Gammu SMSD): whether its `files` service's folders
or its `sql` service's SQLite database are where the configuration says, and usable by the
account that runs pengaduan. Read only: nothing is written, no folder or database is made (an
empty database of our own where the gateway's should be would hide the mistake)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from office.config_sms import SmsSettings

GATEWAY_TABLES = ("inbox", "outbox", "outbox_multipart", "sentitems")  # what office.sms_io reads and writes
SCHEMA = "/usr/share/doc/gammu-smsd/examples/sqlite.sql"


def sms_gateway_checks(settings: SmsSettings) -> list[tuple[str, bool, str, str]]:
    """(name, ok, detail, fix) rows for jobs.doctor's Check; none while SMS is off."""
    if not settings.enabled:
        return []
    if settings.gateway == "sql":
        assert settings.database is not None  # office.config_sms requires it
        return [_database(settings.database)]
    assert settings.inbox is not None and settings.outbox is not None
    return [_folder("kotak masuk SMS", settings.inbox, "inbox", "inboxpath"),
            _folder("kotak keluar SMS", settings.outbox, "outbox", "outboxpath")]


def _folder(name: str, path: Path, key: str, smsdrc: str) -> tuple[str, bool, str, str]:
    if not path.is_dir():
        return (name, False, f"folder {path} tidak ada",
                f"samakan [sms] {key} dengan {smsdrc} pada gammu-smsdrc, lalu jalankan ulang gammu-smsd")
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        return (name, False, f"folder {path} tidak dapat dibaca dan ditulis oleh akun ini",
                "beri akun layanan pengaduan izin baca-tulis pada folder itu (misalnya kelompok yang sama dengan "
                "gammu-smsd)")
    return (name, True, f"folder {path} dapat dibaca dan ditulis", "")


def _database(path: Path) -> tuple[str, bool, str, str]:
    name = "basis data SMS"
    if not path.is_file():
        return (name, False, f"berkas {path} tidak ada",
                "samakan [sms] database dengan database pada gammu-smsdrc; pengaduan tidak membuatnya")
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        return (name, False, f"{path} tidak dapat dibuka sebagai basis data SQLite ({exc})",
                "samakan [sms] database dengan database pada gammu-smsdrc")
    missing = [t for t in GATEWAY_TABLES if t not in tables]
    if missing:
        return (name, False, f"{path} tidak memuat tabel Gammu SMSD: {', '.join(missing)}",
                f"buat basis datanya dengan skema SQLite gammu-smsd ({SCHEMA})")
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        return (name, False, f"{path} tidak dapat ditulis oleh akun ini",
                "beri akun layanan pengaduan izin tulis pada berkas itu dan foldernya")
    return (name, True, f"{path} memuat tabel Gammu SMSD dan dapat ditulis", "")
