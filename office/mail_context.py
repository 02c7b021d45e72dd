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
# office's own part depends on the configuration alone. Each is kept for the one most recent
# complaint state (its row, history and files as the book holds them now), so a change of any
# of them makes it afresh.
_OFFICE_PARTS: dict[int, tuple[object, dict]] = {}
_LAST_COMPLAINT: list[tuple] = []  # (configuration, row, events, files, view, history)


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
    events = office.book.events.of(row.id)
    files = office.book.attachments.of(row.id)
    # Made of the row, its events and its files: kept while all three are equal (by value)
    # to what it was made of.
    made_of = (office.config, row, list(events), list(files))
    kept = _LAST_COMPLAINT[0] if _LAST_COMPLAINT else None
    if kept is None or kept[0] is not office.config or kept[1:4] != made_of[1:]:
        kept = (*made_of, complaint_view(office, row), history(office, row.id, events))
        _LAST_COMPLAINT[:] = [kept]
    return dict(kept[4]), [dict(step) for step in kept[5]]
