"""SP4N-LAPOR! practice: a complaint that is also on LAPOR! (`pengaduan nomor-lapor`) is
counted there in 5 working days for the agency's follow-up, while the SOP's step 3 alone may
take 10. Staff and the Sekretaris are warned once when one working day is left."""

from __future__ import annotations

import datetime as dt

from letters.dates import waktu
from letters.mail import render_mail
from office.base import Office, staff_role
from office.notices import base_context, queue
from sop.book import parse_iso
from sop.book.records import Complaint, Task
from sop.engine import SYSTEM
from sop.procedure import Duration
from sop.terms import OPEN

# SP4N-LAPOR! counts an agency's follow-up in 5 working days, while the SOP's step 3 alone may
# take 10: a complaint that is also on LAPOR! is flagged when one working day is left.
LAPOR_DAYS = 5
LAPOR_WARNING = "peringatan_lapor"


def warn_lapor(office: Office, now: dt.datetime) -> int:
    """Once per complaint with an SP4N-LAPOR! number, after 4 working days while it is still
    open: staff and the Sekretaris are warned of LAPOR!'s 5-working-day count; returns how many."""
    cfg = office.config
    warned = 0
    for row in office.book.complaints.listed(OPEN):
        if not row.lapor_id:
            continue
        received = parse_iso(row.received_at)
        if now < cfg.clock.add(received, Duration(LAPOR_DAYS - 1, "days")):
            continue
        if any(e.kind == LAPOR_WARNING for e in office.book.events.of(row.id)):
            continue
        with office.book.transaction():
            lapor_due = cfg.clock.add(received, Duration(LAPOR_DAYS, "days"))
            task = office.book.tasks.current(row.id)
            roles = dict.fromkeys(r for r in (staff_role(cfg), "sekretaris") if r in cfg.directory.officials)
            for role in roles:
                tell_lapor(office, row, task, role, lapor_due, now)
            office.book.events.add(row.id, now, row.step, SYSTEM, LAPOR_WARNING,
                                  f"Peringatan SP4N-LAPOR! ({row.lapor_id}): tindak lanjut dihitung dalam "
                                  f"{LAPOR_DAYS} hari kerja, sampai {waktu(lapor_due, cfg.clock.tz)}.")
        warned += 1
    return warned


def tell_lapor(office: Office, row: Complaint, task: Task | None, role: str, lapor_due: dt.datetime,
               now: dt.datetime) -> None:
    """The SP4N-LAPOR! warning to one official (office.deadlines.warn_lapor): threaded by the
    complaint, never by a task, whose Message-ID holds a token."""
    cfg = office.config
    official = office.holder(role, now)
    context = base_context(office, row, task.step if task else None)
    context.update(recipient=office.addressee(official), lapor_id=row.lapor_id, lapor_due=waktu(lapor_due, cfg.clock.tz),
                   holder_title=cfg.directory.official(task.role).title if task else "", now=waktu(now, cfg.clock.tz))
    if task:
        context["step"]["due"] = waktu(parse_iso(task.due_at), cfg.clock.tz)
    queue(office, row, "peringatan_lapor", [(official.name, official.email)], render_mail("peringatan_lapor", **context),
          now)
