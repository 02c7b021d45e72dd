"""What every mail template is given (office.notices renders and queues the mails): the
office, the complaint as templates show it and its history, the step.

A new complaint's three mails (acknowledgement, staff copy, routing email) are built one
after the other from the same complaint: its view and history are made once for them.
"""

from __future__ import annotations

from letters.dates import waktu
from office.base import Office
from office.durations import standard_words
from office.mail_view import complaint_view
from sop.book import parse_iso
from sop.book.records import Complaint, Event


def history(office: Office, complaint_id: int, events: list[Event] | None = None) -> list[dict]:
    """The steps done so far, as the routing emails quote them."""
    tz = office.config.clock.tz
    out = []
    for e in office.book.events.of(complaint_id) if events is None else events:
        if e.kind not in ("langkah", "dikembalikan"):
            continue
        step = office.config.procedure.step(e.step or 0)
        # The label people read ("4a"), never the office addition's internal number.
        out.append({"step": step.shown, "role_title": office.config.directory.official(step.role).title,
                    "at": waktu(parse_iso(e.at), tz), "text": e.text})
    return out


def base_context(office: Office, row: Complaint | None, step_no: int | None) -> dict:
    """What every mail template is given: the office, the complaint and its history, the step."""
    cfg = office.config
    context = {
        "office": _office_part(office),
        "sop_name": cfg.procedure.name,
        "steps_total": cfg.procedure.main_steps,
        "next_title": "",
        "silence_days": cfg.silence_days,
    }
    if row is not None:
        context["c"], context["history"] = _complaint_part(office, row)
    if step_no:
        step = cfg.procedure.step(step_no)
        context["step"] = {"no": step.shown, "activity": step.activity, "output": step.output,
                           "instruction": step.instruction, "time": standard_words(cfg, step.time), "due": ""}
        nxt = cfg.procedure.next_step(step_no)
        if nxt:
            context["next_title"] = cfg.directory.official(nxt.role).title
    return context


# A new complaint's three mails (acknowledgement, staff copy, routing email) are built one
# after the other from the same complaint: its view and history are made once for them. The
# office's own part depends on the configuration alone. The view is kept for the one most
# recent row and files, the history for the one most recent list of events (each as the book
# holds it now): a change of any makes that part afresh. Kept apart, since every mail adds an
# event and the view does not depend on them.
_OFFICE_PARTS: dict[int, tuple[object, dict]] = {}
_LAST_VIEW: list[tuple] = []  # (configuration, row, files, view)
_LAST_HISTORY: list[tuple] = []  # (configuration, events, history)


def _office_part(office: Office) -> dict:
    cfg = office.config
    kept = _OFFICE_PARTS.get(id(cfg))
    if kept is None or kept[0] is not cfg:
        part = {"name": cfg.office_name, "parent": cfg.office_parent, "address": cfg.office_address,
                "email": cfg.mailbox.address, "contact": cfg.complaint_desk.line(),
                "head": office.addressee(cfg.directory.official(cfg.letters.head_role))["salutation"]}
        _OFFICE_PARTS.clear()  # one configuration at a time (a test suite makes many)
        kept = _OFFICE_PARTS[id(cfg)] = (cfg, part)
    return dict(kept[1])


def _complaint_part(office: Office, row: Complaint) -> tuple[dict, list[dict]]:
    """The complaint as templates show it and its history: copies, as callers change them."""
    cfg = office.config
    events = office.book.events.of(row.id)
    files = office.book.attachments.of(row.id)
    view = _LAST_VIEW[0] if _LAST_VIEW else None
    if view is None or view[0] is not cfg or not (view[1] is row or view[1] == row) or not _same(view[2], files):
        view = (cfg, row, list(files), complaint_view(office, row))
        _LAST_VIEW[:] = [view]
    told = _LAST_HISTORY[0] if _LAST_HISTORY else None
    if told is None or told[0] is not cfg or not _same(told[1], events):
        told = (cfg, list(events), history(office, row.id, events))
        _LAST_HISTORY[:] = [told]
    return dict(view[3]), [dict(step) for step in told[2]]


def _same(kept: list, now: list) -> bool:
    """Whether two lists of frozen records are equal: mostly they hold the very same records
    (the book's read cache), which are compared by value only when they are not (comparing
    every field of each was 2% of intake)."""
    return len(kept) == len(now) and all(a is b or a == b for a, b in zip(kept, now))
