"""The deadline sweep: reminders before a step's due time, escalation after it.

The clock state lives in the book (each task's due time, reminders and escalations sent),
never in timers, so a restart loses nothing; the decision is `sop.clock.next_nudge`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from letters.dates import waktu
from office.apply import act
from office.base import Office, staff_role
from office.lapor import warn_lapor
from office.notices import alert_staff, escalate, remind, reroute
from office.numbering import nudge_number_requests
from sop.book import parse_iso
from sop.clock import next_nudge, next_nudge_at
from sop.engine import SYSTEM, Lapsed
from sop.terms import OPEN

log = logging.getLogger(__name__)

# A task the sweep looked at too early is not looked at again sooner than this.
RECHECK = dt.timedelta(minutes=1)


def follow_delegations(office: Office, now: dt.datetime, since: dt.datetime | None) -> int:
    """Open tasks follow their role's holder: a Plt./Plh. period that starts or ends on its own
    date moves them, as `delegasi tambah`/`cabut` do at once. Only roles whose delegation
    changed since the last sweep are looked at (all of them on the first)."""
    roles = office.config.directory.officials if since is None else office.book.delegations.changes(since, now)
    moved = 0
    for role in roles:
        if role in office.config.directory.officials and office.book.tasks.open_of_role(role):
            with office.book.transaction():
                moved += reroute(office, role, now)
    return moved


def close_silent(office: Office, now: dt.datetime) -> int:
    """Close the complaints whose complainant did not answer `Lengkapi:` (telling them), or said
    neither PUAS nor TIDAK PUAS after the answer, within `[sop] silence_days` working days
    (SP4N-LAPOR!'s practice); returns how many."""
    cfg = office.config
    closed = 0
    waiting = [(row, row.paused_at) for row in office.book.complaints.paused()]
    waiting += [(row, row.answered_at) for row in office.book.complaints.answered()]  # no PUAS/TIDAK PUAS
    for row, since in waiting:
        if not since or now < cfg.silence_ends(parse_iso(since)):
            continue
        with office.book.transaction():
            act(office, row, Lapsed(), now)
        closed += 1
    return closed


def check_deadlines(office: Office, now: dt.datetime) -> int:
    """Send the reminders and escalations that are due; returns how many went out."""
    cfg = office.config
    follow_delegations(office, now, office.last_sweep)
    office.last_sweep = now
    close_silent(office, now)
    if not cfg.clock.is_open(now):
        return 0  # nudges go out in office hours only (next_nudge would say None to each task)
    count = warn_lapor(office, now) + nudge_number_requests(office, now)  # letters waiting off the keeper's step
    for task in office.book.tasks.to_nudge(now):
        due = parse_iso(task.due_at)
        timing: dict[str, Any] = dict(opened=parse_iso(task.opened_at), due=due, clock=cfg.clock, policy=cfg.nudges)
        kind = next_nudge(now=now, reminders=task.reminders, escalations=task.escalations,
                          last_at=parse_iso(task.last_reminded_at), **timing)
        if kind is None:  # not yet (the stored time is a lower bound): look again when it may be
            later = next_nudge_at(reminders=task.reminders, escalations=task.escalations,
                                  last_at=parse_iso(task.last_reminded_at), **timing)
            with office.book.transaction():
                office.book.tasks.set_next_nudge(task.id, max(later, now + RECHECK))
            continue
        with office.book.transaction():
            row = office.book.complaints.get(task.complaint_id)
            if row.state != OPEN:
                continue
            step = cfg.procedure.step(task.step)
            if kind == "pengingat":
                remind(office, row, task, due, now)
            else:
                # The superior the SOP names and staff, never the late official themselves (the
                # Camat is not told that the Camat is late: the reminders were theirs).
                told = list(dict.fromkeys(r for r in (step.escalate_to, staff_role(cfg)) if r and r != task.role))
                escalate(office, row, task, told, due, now)
                office.book.events.add(row.id, now, step.no, SYSTEM, "terlambat",
                                      f"Langkah {step.shown} melewati batas waktu ({waktu(due, cfg.clock.tz)}); "
                                      f"diberitahukan kepada {', '.join(office.holder(r, now).title for r in told)}.")
            office.book.tasks.record_nudge(task.id, kind, now)
            reminders = task.reminders + (kind == "pengingat")
            escalations = task.escalations + (kind != "pengingat")
            office.book.tasks.set_next_nudge(task.id, next_nudge_at(reminders=reminders, escalations=escalations,
                                                                 last_at=now, **timing))
            count += 1
    return count


def warn_token_expiry(office: Office, now: dt.datetime) -> bool:
    """Staff hear once a day, from three days ahead, that the mailbox's OAuth2 refresh token is
    about to expire (a provider that says when; see intake.oauth)."""
    tokens = office.config.mailbox.tokens
    warning = tokens.expiry_warning(now) if tokens else None
    if warning is None:
        return False
    staff = office.config.directory.official(office.config.procedure.step(1).role)
    if office.book.outbox.count_to(staff.email, "token_berakhir", now - dt.timedelta(days=1)):
        return False
    with office.book.transaction():
        alert_staff(office, None, "token_berakhir", now, error=warning, mailbox=office.config.mailbox.address)
    return True
