"""Applying the engine's decisions: the one place that builds the arguments of
`sop.engine.advance` and walks the effects it returns, inside the caller's transaction, so a
state change, its history and the mail it causes commit together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Callable

from intake.parse import Attachment
from intake.text import clean_text
from office.attachments import store_attachments
from office.base import Actor, Office, staff_role, waiting_task
from office.forwarding import forward_complaint
from office.issuing import issue_letter, record_delivery, write_dossier
from office.linking import answer_linked, deliver_linked, join_target, link
from office.meetings import send_invitations
from office.notices import assign_task, notify
from office.notify import notice_of, tell, tell_outcome
from office.sections import ask_section
from sop.book import iso, parse_iso
from sop.book.records import Complaint, Task
from sop.engine import (
    SYSTEM,
    AskSection,
    Case,
    CloseTask,
    Delivered,
    Extend,
    Forward,
    IssueLetter,
    IssueNotice,
    Join,
    Log,
    Meeting,
    Notify,
    OpenTask,
    Outcome,
    Pause,
    Reply,
    Resume,
    advance,
)
from sop.joining import named_by
from sop.procedure import Duration
from sop.terms import ANSWERED, OPEN


def decide(office: Office, row: Complaint, event, now: dt.datetime) -> Outcome:
    """The engine's decision on `event` for complaint `row` (nothing is written). What the
    engine needs of the book is read here, before it decides: it never calls back."""
    cfg = office.config
    case = row.case(waiting_task(office.book, row))
    named = {number: target for number in named_by(case, event, cfg.procedure)
             if (target := join_target(office, number)) is not None}
    return advance(case, event, now, cfg.procedure, cfg.directory.section_choices, cfg.clock.tz, named=named)


def act(office: Office, row: Complaint, event, now: dt.datetime, *, actor: Actor | None = None,
        files: tuple[Attachment, ...] = (), message_key: str | None = None) -> tuple[Complaint, Outcome]:
    """Decide and apply: the updated row and the engine's outcome. `files` came with the
    action (an answer's enclosures, when the step issues a letter)."""
    outcome = decide(office, row, event, now)
    return apply(office, row, outcome, now, actor=actor, files=files, message_key=message_key), outcome


def act_for(office: Office, row: Complaint, task: Task, text: str, actor: str, now: dt.datetime, *,
            delivery: str | None = None) -> tuple[Complaint, bool]:
    """Staff record their own step's action done outside email (the letter's delivery, step 5).

    Returns the updated row and whether anything was recorded (an empty text is not). Another
    official's step is never recorded here: it is a proposal until they confirm it
    (office.proposals), and only the signer approves a konsep.
    """
    step = office.config.procedure.step(task.step)
    if step.approval or (task.role != staff_role(office.config) and delivery is None):
        raise ValueError(f"step {task.step} is not staff's own; record a proposal (office.proposals)")
    holder = office.holder(task.role, now)
    outcome = decide(office, row, Reply(task.step, actor, clean_text(text), delivery=delivery), now)
    if not outcome.acted:
        return row, False
    return apply(office, row, outcome, now, actor=Actor.of(task, holder.email)), True


def apply(office: Office, row: Complaint, outcome: Outcome, now: dt.datetime, *, actor: Actor | None = None,
          files: tuple[Attachment, ...] = (), message_key: str | None = None) -> Complaint:
    """Apply an Outcome of `advance` to complaint `row`, effect by effect (APPLIERS); returns
    the updated row."""
    writes_answer = outcome.case.draft is not None and outcome.case.draft != row.draft
    if files and (writes_answer or any(isinstance(e, IssueLetter) for e in outcome.effects)):
        # Files sent with the answer (the konsep, or the letter itself) are its enclosures (lampiran).
        office.book.attachments.supersede_enclosures(row.id)
        store_attachments(office, row.id, message_key, files, now, purpose="lampiran_surat")
    applying = Applying(office, outcome.case, now, actor)
    for effect in outcome.effects:
        applier = APPLIERS.get(type(effect))
        if applier is None:
            raise TypeError(f"unknown effect {effect!r}")
        row = applier(applying, row, effect)
    row = _update(office, row, outcome.case, now, final=True)
    tell_outcome(office, row, outcome, now)  # what the engine tells only by email, to the others (office.notify)
    if row.letter_number:
        write_dossier(office, row, now)  # the archive copy follows every change after the letter
    return row


@dataclass(frozen=True)
class Applying:
    """What every applier shares: the office, the case the engine decided, the moment, who acted."""

    office: Office
    case: Case
    now: dt.datetime
    actor: Actor | None


# The appliers: one per effect, each given the complaint's current row and returning it (afresh
# when it wrote to it), in the caller's transaction.
def _log(a: Applying, row: Complaint, effect: Log) -> Complaint:
    a.office.book.events.add(row.id, a.now, effect.step, effect.actor, effect.kind, effect.text, effect.left_out)
    return row


def _close_task(a: Applying, row: Complaint, effect: CloseTask) -> Complaint:
    a.office.book.tasks.close(row.id, effect.step, a.now, effect.output)
    return _update(a.office, row, a.case, a.now, final=False)


def _issue_letter(a: Applying, row: Complaint, effect: IssueLetter) -> Complaint:
    row = issue_letter(a.office, row, effect.answer, a.now)
    answer_linked(a.office, row, effect.answer, a.now)  # the joined complaints get the same answer
    return row


def _join(a: Applying, row: Complaint, effect: Join) -> Complaint:
    return link(a.office, row, effect.number, a.actor.address if a.actor else SYSTEM, a.now)


def _issue_notice(a: Applying, row: Complaint, effect: IssueNotice) -> Complaint:
    tell(a.office, row, notice_of(effect), a.now, a.actor)  # the print queue, and SMS where it reaches (office.notify)
    return row


def _meeting(a: Applying, row: Complaint, effect: Meeting) -> Complaint:
    send_invitations(a.office, row, effect, a.now)
    return row


def _delivered(a: Applying, row: Complaint, effect: Delivered) -> Complaint:
    record_delivery(a.office, row, effect.method, effect.note, a.now)
    deliver_linked(a.office, row, a.now)
    return row


def _notify(a: Applying, row: Complaint, effect: Notify) -> Complaint:
    if effect.to == "complainant":  # every channel that reaches them (office.notify)
        tell(a.office, row, notice_of(effect), a.now, a.actor)
    else:
        notify(a.office, row, effect, a.now, a.actor)
    return row


def _open_task(a: Applying, row: Complaint, effect: OpenTask) -> Complaint:
    row = _update(a.office, row, a.case, a.now, final=False)  # the routing mail shows the konsep
    assign_task(a.office, row, effect.step, a.now, note=effect.note)
    return row


def _forward(a: Applying, row: Complaint, effect: Forward) -> Complaint:
    return forward_complaint(a.office, row, effect.body, effect.email, effect.note, a.now)


def _ask_section(a: Applying, row: Complaint, effect: AskSection) -> Complaint:
    ask_section(a.office, row, effect.step, a.now)
    return row


def _pause(a: Applying, row: Complaint, effect: Pause) -> Complaint:
    task = a.office.book.tasks.current(row.id)
    if task:
        a.office.book.tasks.pause(task)
    a.office.book.complaints.update(row.id, paused_at=iso(a.now), pause_reason=effect.reason)
    return replace(row, paused_at=iso(a.now), pause_reason=effect.reason)


def _resume(a: Applying, row: Complaint, effect: Resume) -> Complaint:
    return resume(a.office, row, a.now)


def _extend(a: Applying, row: Complaint, effect: Extend) -> Complaint:
    extend(a.office, row, effect.days, a.now)
    return row


# Every effect the engine can ask for (sop.effects), and what applies it.
APPLIERS: dict[type, Callable[[Applying, Complaint, Any], Complaint]] = {
    Log: _log, CloseTask: _close_task, IssueLetter: _issue_letter, Join: _join, IssueNotice: _issue_notice,
    Meeting: _meeting, Delivered: _delivered, Notify: _notify, OpenTask: _open_task, Forward: _forward,
    AskSection: _ask_section, Pause: _pause, Resume: _resume, Extend: _extend,
}


def _update(office: Office, row: Complaint, case: Case, now: dt.datetime, final: bool) -> Complaint:
    fields = {"section": case.section, "meeting": int(case.meeting), "confidential": int(case.confidential),
              "pokok": case.pokok, "sapaan": case.sapaan, "draft": case.draft,
              "satisfaction": case.satisfaction, "rating": case.rating}
    if not case.paused and row.paused_at:
        fields.update(paused_at=None, pause_reason=None)
    if final:
        fields.update(state=case.state, step=case.step)
        if case.state == ANSWERED and row.state != ANSWERED:
            fields["answered_at"] = iso(now)  # the complainant's time to answer runs from here
        if case.state == OPEN:
            fields["closed_at"] = None  # an objection opens it again
        elif case.state != ANSWERED and not row.closed_at:
            fields["closed_at"] = iso(now)
    changed: dict[str, Any] = {k: v for k, v in fields.items() if getattr(row, k) != v}
    if changed:
        office.book.complaints.update(row.id, **changed)
    # `row` is the book's current row (effects that write it return it afresh), so the
    # updated row is known without reading it back.
    return row.but(**changed) if changed else row


def resume(office: Office, row: Complaint, now: dt.datetime) -> Complaint:
    """The complaint's paused step runs again: its deadline moves by the time the clock stood
    still (counted as the office's clock counts), and reminders start again."""
    if not row.paused_at:
        return row
    cfg = office.config
    task = office.book.tasks.current(row.id)
    if task:
        new_due = cfg.clock.resumed_due(parse_iso(task.due_at), parse_iso(row.paused_at), now)
        office.book.tasks.move_deadline(task, new_due, now)
    office.book.complaints.update(row.id, paused_at=None, pause_reason=None)
    return replace(row, paused_at=None, pause_reason=None)


def extend(office: Office, row: Complaint, days: int, now: dt.datetime) -> None:
    """`Perpanjang:` the waiting step's deadline moves by `days` working days."""
    cfg = office.config
    task = office.book.tasks.current(row.id)
    if task:
        due = cfg.clock.add(parse_iso(task.due_at), Duration(days, "days"))
        # The sweep looks at the task again now and times its reminders against the new deadline.
        office.book.tasks.move_deadline(task, due, now, extended_days=days)
