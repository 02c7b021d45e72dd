"""Mail the sender gives up on: an outbox row stuck past `[smtp] give_up_hours` is marked given
up, and staff are told by an alert (never for an alert itself), in the same transaction."""

from __future__ import annotations

import datetime as dt
import logging

from intake.classify import hide_token
from office.base import Office
from office.notices import alert_staff

log = logging.getLogger(__name__)

NO_ALERT_FOR = ("batal_kirim", "gagal_kirim", "karantina", "masalah_login")  # alerts never beget alerts


def give_up_stale(office: Office, now: dt.datetime) -> int:
    """Give up on every mail queued longer than the office allows; returns how many."""
    cfg = office.config
    limit = now - dt.timedelta(hours=cfg.smtp_give_up_hours)
    stale = office.book.outbox.stale(limit)
    for row in stale:
        with office.book.transaction():
            office.book.outbox.give_up(row.id, now)
            log.error("surel %s (%s) tidak terkirim setelah %d jam: %s; pengiriman dihentikan",
                      hide_token(row.message_id), row.recipient, cfg.smtp_give_up_hours, row.last_error)
            if row.kind not in NO_ALERT_FOR:
                complaint = office.book.complaints.get(row.complaint_id) if row.complaint_id else None
                alert_staff(office, complaint, "batal_kirim", now, what=f"surel '{row.subject}' kepada "
                            f"{row.recipient}", hours=cfg.smtp_give_up_hours, error=row.last_error or "-")
    return len(stale)
