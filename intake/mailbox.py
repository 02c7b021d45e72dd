"""The office mailbox over IMAP (imap-tools): the only module that speaks IMAP.

Messages are read with BODY.PEEK, so nothing is marked seen; a message leaves the INBOX
(moved to the processed folder, or tagged with a keyword where the server cannot move)
only after the book has committed it. A crash in between leaves it in the INBOX, and the
book's message key makes the second pass a no-op.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from intake.oauth import TokenSource
from intake.tls import client_context

log = logging.getLogger(__name__)

PROCESSED_KEYWORD = "PgdDiproses"
UID_IN_FETCH = re.compile(rb"UID (\d+)")


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    username: str
    password: str
    address: str
    security: str = "ssl"  # none | starttls | ssl
    folder: str = "INBOX"
    processed_folder: str = "Diproses"
    verify_tls: bool = True
    batch: int = 50
    timeout: float = 60.0
    ca_file: str | None = None  # a private CA for the server's certificate
    tokens: TokenSource | None = field(default=None, compare=False)  # XOAUTH2 instead of a password


class Mailbox:
    def __init__(self, settings: MailboxSettings):
        self.settings = settings
        self._box: Any = None  # an imap_tools MailBox once connected
        self._folders: set[str] = set()

    def __enter__(self) -> "Mailbox":
        from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted  # only when connecting
        from imap_tools.errors import MailboxLoginError

        s = self.settings
        box: Any
        if s.security == "ssl":
            box = MailBox(s.host, s.port, ssl_context=client_context(s.ca_file, s.verify_tls), timeout=s.timeout)
        elif s.security == "starttls":
            box = MailBoxStartTls(s.host, s.port, ssl_context=client_context(s.ca_file, s.verify_tls),
                                  timeout=s.timeout)
        else:
            box = MailBoxUnencrypted(s.host, s.port, timeout=s.timeout)
        try:
            if s.tokens:
                box.xoauth2(s.username, s.tokens.access_token(), initial_folder=s.folder)
            else:
                box.login(s.username, s.password, initial_folder=s.folder)
        except MailboxLoginError:
            if s.tokens:
                s.tokens.invalidate()  # a revoked or stale token: refresh on the next try
            raise
        self._box = box
        # Ask again after login: servers advertise fewer capabilities before authentication.
        typ, data = box.client.capability()
        caps = (data[0] or b"").upper().split() if typ == "OK" else []
        self._can_move = b"MOVE" in caps
        self.can_idle = b"IDLE" in caps
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._box.logout()
        except Exception:  # the connection may already be gone; nothing to keep
            pass

    def uidvalidity(self) -> int:
        return int(self._box.folder.status(self.settings.folder, ["UIDVALIDITY"])["UIDVALIDITY"])

    def pending_uids(self, before: dt.date | None = None) -> list[str]:
        """UIDs still waiting in the folder, oldest first; with `before`, only those older."""
        criteria = "ALL" if self._can_move else f"NOT KEYWORD {PROCESSED_KEYWORD}"
        if before is not None:
            month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
            criteria = f"{criteria} BEFORE {before.day}-{month[before.month - 1]}-{before.year}"
        return sorted(self._box.uids(criteria), key=int)

    def idle(self, timeout: float) -> bool:
        """Wait in IDLE up to `timeout` seconds; True when the server announced new mail.

        EXPUNGE responses (our own moves) do not count.
        """
        responses = self._box.idle.wait(timeout=min(timeout, 29 * 60))
        return any(b"EXISTS" in r or b"RECENT" in r for r in responses)

    def fetch(self, uids: list[str]) -> Iterator[tuple[str, bytes]]:
        """Yield (uid, exact raw bytes) without marking anything seen."""
        for start in range(0, len(uids), self.settings.batch):
            batch = uids[start:start + self.settings.batch]
            typ, data = self._box.client.uid("FETCH", ",".join(batch), "(UID BODY.PEEK[])")
            if typ != "OK":
                raise IOError(f"IMAP FETCH gagal: {typ} {data!r}")
            for item in data:
                if isinstance(item, tuple) and len(item) == 2:
                    m = UID_IN_FETCH.search(item[0])
                    if m:
                        yield m.group(1).decode(), item[1]

    def mark_processed(self, uids: list[str], folder: str | None = None) -> None:
        """Move committed messages out of the INBOX (to `folder`, default the processed one)."""
        if not uids:
            return
        if self._can_move:
            target = folder or self.settings.processed_folder
            if target not in self._folders:  # asked once a session: each question is a round trip
                if not self._box.folder.exists(target):
                    self._box.folder.create(target)
                self._folders.add(target)
            self._box.move(uids, target)
        else:
            # No MOVE: a keyword, never \Deleted + EXPUNGE, which would purge others' mail too.
            self._box.client.uid("STORE", ",".join(uids), "+FLAGS", f"({PROCESSED_KEYWORD})")
