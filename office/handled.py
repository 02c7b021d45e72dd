"""What the book records of one message (`Handled`: its kind, complaint and note), and how a
message not acted on is noted and logged (its subject never, when it carries an access code)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from intake.citizen import code_request
from intake.parse import Incoming

log = logging.getLogger("office.arrivals")  # one message's log lines under one name


@dataclass(frozen=True)
class Handled:
    kind: str  # what the book records: complaint, action, followup, unmatched, auto, bounce, own, status, kode_salah
    complaint_id: int | None = None
    note: str = ""


def unmatched(msg: Incoming, complaint_id: int | None, reason: str) -> Handled:
    subject = "(permintaan status dengan kode akses)" if code_request(msg.subject, "") else msg.subject  # never logged
    log.warning("pesan dari %s tidak diproses: %s (subjek: %s)", msg.from_addr, reason, subject)
    return Handled("unmatched", complaint_id, reason)
