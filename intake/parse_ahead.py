"""A message parsed ahead of the book: the `Prepared` record the parse worker (jobs.parse_ahead)
hands back, and the removal of staged files a message did not use.

Its raw copy and files already lie in the staging folder under temporary names; the book's
names are given only when the message is recorded (office.arrivals), so a second message
claiming a recorded Message-ID never overwrites the first one's copy. Plain data, and one
unlink: the worker that writes the files is runner machinery and lives in jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from intake.parse import Incoming


@dataclass(frozen=True)
class Prepared:
    msg: Incoming
    staged: str  # the raw bytes, written under a temporary name in the staging folder
    # The place key (sop.repeats) of the complaint the message would become, with the text it
    # was read from: found by the worker, not by the book's thread.
    place: tuple[str, str | None] | None = None


def discard_staged(prepared: Prepared | None) -> None:
    """Staged files a message did not use (a duplicate, a reply whose files are not kept)."""
    if prepared:
        for path in (prepared.staged, *(a.staged for a in prepared.msg.attachments if a.staged)):
            Path(path).unlink(missing_ok=True)
