"""Applying the engine's decisions: the one place that builds the arguments of
`sop.engine.advance` and walks the effects it returns, inside the caller's transaction, so a
state change, its history and the mail it causes commit together.
"""

from __future__ import annotations

import datetime as dt

from intake.parse import Attachment
from intake.text import clean_text
from office.attachments import store_attachments
from office.base import Actor, Office
from office.issuing import issue_letter, record_delivery, write_dossier
from office.meetings import send_invitations
from office.notices import assign_task, notify
from sop.book import iso
from sop.engine import Case, CloseTask, Delivered, IssueLetter, Log, Meeting, Notify, OpenTask, Outcome, Reply, advance
from sop.terms import OPEN


def decide(office: Office, row: dict, event, now: dt.datetime) -> Outcome:
    """The engine's decision on `event` for complaint `row` (pure; nothing is written)."""
    cfg = office.config
    return advance(office.case(row), event, now, cfg.procedure, cfg.directory.section_choices, cfg.clock.tz)


def act(office: Office, row: dict, event, now: dt.datetime, *, actor: Actor | None = None,
        files: tuple[Attachment, ...] = (), message_key: str | None = None) -> tuple[dict, Outcome]:
    """Decide and apply: the updated row and the engine's outcome. `files` came with the
    action (an answer's enclosures, when the step issues a letter)."""
    outcome = decide(office, row, event, now)
    return apply(office, row, outcome, now, actor=actor, files=files, message_key=message_key), outcome


def act_for(office: Office, row: dict, task: dict, text: str, actor: str, now: dt.datetime, *,
            delivery: str | None = None) -> tuple[dict, bool]:
    """Staff record the task's action on its holder's behalf (outside email).

    Returns the updated row and whether anything was recorded (an empty text is not).
    """
    holder = office.holder(task["role"], now)
    outcome = decide(office, row, Reply(task["step"], actor, clean_text(text), delivery=delivery), now)
    if not outcome.acted:
        return row, False
    return apply(office, row, outcome, now, actor=Actor.of(task, holder.email)), True


def apply(office: Office, row: dict, outcome: Outcome, now: dt.datetime, *, actor: Actor | None = None,
          files: tuple[Attachment, ...] = (), message_key: str | None = None) -> dict:
    """Apply an Outcome of `advance` to complaint `row`; returns the updated row."""
    for effect in outcome.effects:
        if isinstance(effect, Log):
            office.book.add_event(row["id"], now, effect.step, effect.actor, effect.kind, effect.text)
        elif isinstance(effect, CloseTask):
            office.book.close_task(row["id"], effect.step, now, effect.output)
            row = _update(office, row, outcome.case, now, final=False)
        elif isinstance(effect, IssueLetter):
            if files:  # files sent with the answer are the letter's enclosures (lampiran)
                office.book.supersede_enclosures(row["id"])
                store_attachments(office, row["id"], message_key, files, now, purpose="lampiran_surat")
            row = issue_letter(office, row, effect.answer, now)
        elif isinstance(effect, Meeting):
            send_invitations(office, row, effect, now)
        elif isinstance(effect, Delivered):
            record_delivery(office, row, effect.method, effect.note, now)
        elif isinstance(effect, Notify):
            notify(office, row, effect, now, actor)
        elif isinstance(effect, OpenTask):
            assign_task(office, row, effect.step, now, note=effect.note)
        else:
            raise TypeError(f"unknown effect {effect!r}")
    row = _update(office, row, outcome.case, now, final=True)
    if row["letter_number"]:
        write_dossier(office, row, now)  # the archive copy follows every change after the letter
    return row


def _update(office: Office, row: dict, case: Case, now: dt.datetime, final: bool) -> dict:
    fields = {"section": case.section, "meeting": int(case.meeting), "confidential": int(case.confidential),
              "pokok": case.pokok, "sapaan": case.sapaan}
    if final:
        fields.update(state=case.state, step=case.step)
        if case.state != OPEN and not row.get("closed_at"):
            fields["closed_at"] = iso(now)
    changed = {k: v for k, v in fields.items() if row.get(k) != v}
    if changed:
        office.book.update_complaint(row["id"], **changed)
    # `row` is the book's current row (effects that write it return it afresh), so the
    # updated row is known without reading it back.
    return {**row, **changed}
