"""Joined complaints (`Gabung:` at step 2, `pengaduan gabung`): a repeat or mass complaint is
linked to an open one and handled with it. Each complainant keeps their own number and gets
their own letter (numbered, and signed as the office signs: sealed, wet-signed and scanned, or
TTE-signed) with the main complaint's answer, delivered with it once signed, and may say PUAS
or TIDAK PUAS on their own. The book shows the link both ways."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from letters.mail import render_mail
from office.base import Office
from office.issuing import issue_letter, record_delivery
from office.notices import base_context, queue
from office.notify import Notice, notice_of, tell
from office.signing import awaits_signed_copy
from sop.book import iso
from sop.book.records import Complaint
from sop.engine import SYSTEM, Notify
from sop.joining import JoinTarget
from sop.joining import join_refusal as refusal_of_join
from sop.terms import ANSWERED, CLOSED, LINKED


def join_target(office: Office, number: str) -> JoinTarget | None:
    """What the engine needs to know of complaint `number` to join another to it (None: not in the book)."""
    main = office.book.complaints.by_number(number) if number else None
    return JoinTarget(main.number, main.state, bool(main.linked_to)) if main else None


def join_refusal(office: Office, row: Complaint, number: str) -> str | None:
    """Why `row` cannot be joined to complaint `number`, or None when it can (the engine's rule)."""
    return refusal_of_join(row.number, number, join_target(office, number))


def link(office: Office, row: Complaint, number: str, actor: str, now: dt.datetime) -> Complaint:
    """Record the link (the engine closed the repeat's step), in the caller's transaction."""
    main = office.book.complaints.by_number(number)
    assert main is not None  # join_refusal said yes in this transaction
    office.book.complaints.update(row.id, linked_to=main.id)
    office.book.events.add(main.id, now, main.step, actor, "gabungan",
                          f"Pengaduan {row.number} digabung dengan pengaduan ini; pengadunya menerima jawaban "
                          f"bersama.")
    for other in office.book.complaints.linked(row.id):  # what was joined to the repeat follows it
        office.book.complaints.update(other.id, linked_to=main.id)
    if row.email:
        context = base_context(office, row, None)
        context.update(main=main.number)
        queue(office, row, "digabung", [(row.name, row.email)], render_mail("digabung", **context), now,
              in_reply_to=row.source_message_id)
    return replace(row, linked_to=main.id)


def answer_linked(office: Office, main: Complaint, answer: str, now: dt.datetime) -> None:
    """The main complaint's letter was issued: each joined complaint gets its own, the same answer."""
    for row in office.book.complaints.linked(main.id):
        if row.state == LINKED:
            issue_letter(office, row, answer, now)


def deliver_linked(office: Office, main: Complaint, now: dt.datetime) -> None:
    """The main complaint's answer was delivered: each joined complainant's letter goes too (by
    email, else it waits in the print queue), and each may now say PUAS or TIDAK PUAS. A letter
    signed outside the system whose signed copy is not back yet goes when it is
    (office.signed_copies.send_on)."""
    for row in office.book.complaints.linked(main.id):
        if row.state != LINKED or not row.letter_number:
            continue
        if awaits_signed_copy(office.book.letters.current(row.id)):
            office.book.events.add(row.id, now, None, SYSTEM, "catatan",
                                  f"Jawaban pengaduan {main.number} sudah disampaikan; surat pengaduan ini "
                                  f"disampaikan setelah ditandatangani.")
            continue
        deliver_one(office, main, row, now)


def deliver_one(office: Office, main: Complaint, row: Complaint, now: dt.datetime) -> None:
    """One joined complainant's letter, with the main complaint's answer, in the caller's transaction."""
    if row.email:
        tell(office, row, notice_of(Notify("surat_jawaban", "complainant", None)), now)
        record_delivery(office, row, "email", f"bersama pengaduan {main.number}", now)
    else:  # their letter waits in the print queue: where SMS reaches them, they hear it is ready
        tell(office, row, Notice("jawaban_siap"), now)
    if office.config.procedure.objection_step:  # they may say PUAS or TIDAK PUAS, as the main one's
        office.book.complaints.update(row.id, state=ANSWERED, answered_at=iso(now))
    else:
        office.book.complaints.update(row.id, state=CLOSED, closed_at=iso(now))
    office.book.events.add(row.id, now, None, SYSTEM, "dijawab",
                          f"Jawaban disampaikan bersama pengaduan {main.number}"
                          + ("." if row.email else "; surat menunggu dicetak dan diantar."))
