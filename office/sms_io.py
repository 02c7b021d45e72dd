"""The only code that touches the SMS gateway (Gammu SMSD): its `files` service's folders or
its `sql` service's SQLite tables. Each gateway writes one SMS under the stable name the book
gave it, lists what it received with the gateway's own key for each message, and sets a message
aside once the book has recorded it.

Files: an SMS is written to a hidden temporary file and renamed into OutboxPath, so the gateway
never reads half a file, and a second write after a crash replaces the first while the gateway
has not taken it. A received file is moved to `diproses/` under InboxPath after the book's
commit. SQL: an SMS is a row of `outbox` (and `outbox_multipart` for a long one) whose CreatorID
is its name, written only when no row of `outbox` or `sentitems` has it; a received row is
marked Processed after the commit.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
from pathlib import Path
from typing import Protocol

from intake.sms_gateway import Received, concatenation, decode_text, group_inbox, sender_of, split_for_sql
from office.config_sms import SmsSettings

PROCESSED = "diproses"


class Gateway(Protocol):
    def write(self, name: str, phone: str, text: str) -> None: ...
    def received(self) -> list[Received]: ...
    def done(self, message: Received) -> None: ...


class FilesGateway:
    def __init__(self, inbox: Path, outbox: Path):
        self.inbox, self.outbox = inbox, outbox

    def write(self, name: str, phone: str, text: str) -> None:
        temporary = self.outbox / f".{name}.tmp"  # not OUT…: the gateway leaves it alone
        with open(temporary, "w", encoding="ascii") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.outbox / name)

    def received(self) -> list[Received]:
        # An empty file is one the gateway has only just opened: it is read on a later run.
        names = sorted(p.name for p in self.inbox.iterdir() if p.is_file() and p.stat().st_size) \
            if self.inbox.is_dir() else []
        found = []
        for group in group_inbox(names):
            text = "".join(decode_text((self.inbox / n).read_bytes()) for n in group)
            found.append(Received(key=group[0], phone=sender_of(group[0]), text=text, names=group))
        return found

    def done(self, message: Received) -> None:
        kept = self.inbox / PROCESSED
        kept.mkdir(exist_ok=True)
        for name in message.names:
            if (self.inbox / name).exists():
                os.replace(self.inbox / name, kept / name)


class SqlGateway:
    def __init__(self, database: Path):
        self.database = database

    def _connect(self) -> contextlib.closing[sqlite3.Connection]:
        if not self.database.exists():  # never an empty database of our own where the gateway's should be
            raise FileNotFoundError(f"basis data Gammu SMSD {self.database} tidak ada")
        return contextlib.closing(sqlite3.connect(self.database, timeout=30, isolation_level=None))

    def write(self, name: str, phone: str, text: str) -> None:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                known = conn.execute("SELECT 1 FROM outbox WHERE CreatorID = ? UNION ALL SELECT 1 FROM sentitems "
                                     "WHERE CreatorID = ? LIMIT 1", (name, name)).fetchone()
                if not known:
                    self._insert(conn, name, phone, text)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @staticmethod
    def _insert(conn: sqlite3.Connection, name: str, phone: str, text: str) -> None:
        pieces = split_for_sql(text, random.randrange(256))
        first_udh, first = pieces[0]
        row_id = conn.execute(
            "INSERT INTO outbox (DestinationNumber, TextDecoded, Coding, UDH, MultiPart, CreatorID) "
            "VALUES (?, ?, 'Default_No_Compression', ?, ?, ?)",
            (phone, first, first_udh, "true" if len(pieces) > 1 else "false", name)).lastrowid
        for position, (udh, piece) in enumerate(pieces[1:], start=2):
            conn.execute("INSERT INTO outbox_multipart (ID, SequencePosition, TextDecoded, Coding, UDH) "
                         "VALUES (?, ?, ?, 'Default_No_Compression', ?)", (row_id, position, piece, udh))

    def received(self) -> list[Received]:
        with self._connect() as conn:
            rows = conn.execute("SELECT ID, SenderNumber, TextDecoded, UDH FROM inbox WHERE Processed = 'false' "
                                "ORDER BY ID").fetchall()
        found: list[Received] = []
        waiting: dict[tuple, list] = {}
        for row_id, sender, text, udh in rows:
            joined = concatenation(udh)
            if joined is None:
                found.append(Received(key=f"sql:{row_id}", phone=sender, text=text, names=(str(row_id),)))
                continue
            parts = waiting.setdefault((sender, joined[0], joined[1]), [])
            parts.append((joined[2], row_id, text))
            if len(parts) == joined[1]:  # every part is in: one message, keyed by its first row
                parts.sort()
                found.append(Received(key=f"sql:{parts[0][1]}", phone=sender, text="".join(p[2] for p in parts),
                                       names=tuple(str(p[1]) for p in parts)))
        return found

    def done(self, message: Received) -> None:
        with self._connect() as conn:
            conn.executemany("UPDATE inbox SET Processed = 'true' WHERE ID = ?", [(int(n),) for n in message.names])


def gateway_of(settings: SmsSettings) -> Gateway:
    if settings.gateway == "sql":
        assert settings.database is not None
        return SqlGateway(settings.database)
    assert settings.inbox is not None and settings.outbox is not None
    return FilesGateway(settings.inbox, settings.outbox)
