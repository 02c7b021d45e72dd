"""Messages parsed ahead of the book: what the parse worker (jobs.parse_ahead, a process of its
own) does with each message of a backlog, and the removal of staged files a message did not use.

Parsing and writing the raw copy need nothing from the book. What comes back is an
`intake.parse_ahead.Prepared` message whose raw copy and files already lie in the staging
folder under temporary names; the book's names are given only when the message is recorded
(office.arrivals), so a second message claiming a recorded Message-ID never overwrites the
first one's copy.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from pathlib import Path

from intake.parse import parse_message
from intake.parse_ahead import Prepared, discard_staged
from intake.settings import IntakeSettings
from sop.files import write_private
from sop.repeats import place_key, place_text

# The worker imports this module alone (and intake's parser): none of the office's.
__all__ = ["Prepared", "discard_staged", "prepare", "prepare_all"]


def prepare(raw: bytes, staging: str, limits: IntakeSettings) -> Prepared:
    """Parse the message and write its raw copy and files under temporary names (what is
    pickled back to the daemon is then small)."""
    msg = parse_message(raw)
    stem = Path(staging) / f"{msg.key}.{secrets.token_hex(6)}"
    # Named whole (with_suffix would replace the random part): two messages with one
    # Message-ID share a key, and each needs a staged copy of its own.
    staged = stem.with_name(f"{stem.name}.part")
    write_private(staged, raw)
    # The files too, up to what could ever be kept: the daemon renames or removes them.
    files, budget = [], limits.max_total_bytes
    for i, item in enumerate(msg.attachments):
        size = len(item.data)
        if i < limits.max_attachments and size <= min(limits.max_attachment_bytes, budget):
            budget -= size
            path = stem.with_name(f"{stem.name}.{i:05d}.part")
            write_private(path, item.data)
            item = replace(item, data=b"", staged=str(path), size=size, sha256=hashlib.sha256(item.data).hexdigest())
        files.append(item)
    # Read from the text as the book will keep it: a mail's complaint keeps the parser's text
    # as it is (office.recording.NewComplaint.clean).
    place = place_text(msg.subject, msg.text)
    return Prepared(replace(msg, attachments=tuple(files)), str(staged), (place, place_key(place)))


def prepare_all(raws: list[bytes], staging: str, limits: IntakeSettings) -> list[Prepared | None]:
    """Each message prepared, in order; None for one that failed, which the daemon parses again
    in place, where its error takes the ordinary path (counted, quarantined at last)."""
    out: list[Prepared | None] = []
    for raw in raws:
        try:
            out.append(prepare(raw, staging, limits))
        except Exception:
            out.append(None)
    return out
