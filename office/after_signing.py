"""What is sent on once a letter signed outside the system is back signed and filed
(office.signing, office.tte, office.signed_copies): each kind of letter to whom it goes."""

from __future__ import annotations

import datetime as dt

from letters.mail import render_mail
from office.base import Office, safe_name, waiting_task
from office.forwarding import send_pelimpahan
from office.linking import deliver_one
from office.mail_files import sent_letter
from office.meetings import send_undangan
from office.notices import base_context, queue, send_routing
from office.numbers import KIND_NAMES
from sop.book.records import Complaint, Letter
from sop.engine import awaits_delivery
from sop.terms import LINKED


def send_on(office: Office, letter: Letter, now: dt.datetime) -> None:
    """A letter's signed copy is filed: send on what waited for it, in the caller's transaction.
    The answer goes to the JFU for delivery (TTE; a wet-signed scan came from the JFU, who
    delivers it); a joined complaint's letter goes to its complainant once the main answer has
    gone; the surat pelimpahan to the competent body and the complainant; the undangan to the
    meeting's participants; a notice stays in the print queue, staff told it may now go."""
    row = office.book.complaints.get(letter.complaint_id)
    kind = letter.kind
    if kind == "jawaban" and row.state == LINKED and row.linked_to:
        main_letter = office.book.letters.current(row.linked_to)
        if main_letter and main_letter.dispatched_at:
            deliver_one(office, office.book.complaints.get(row.linked_to), row, now)
    elif kind == "jawaban":
        if letter.signing == "tte":
            hand_to_jfu(office, letter, now)
    elif kind == "pelimpahan":
        send_pelimpahan(office, row, letter, now, tell_complainant=True)
    elif kind == "undangan":
        send_undangan(office, row, letter, now)
    elif letter.signing == "tte":  # staff print the signed PDF: they have not handled it yet
        tell_staff_to_print(office, row, letter, now)


def tell_staff_to_print(office: Office, row: Complaint, letter: Letter, now: dt.datetime) -> None:
    """The TTE-signed notice for a complainant without email, to staff, to print and deliver."""
    staff = office.staff
    context = base_context(office, row, None)
    context.update(recipient=office.addressee(staff), letter_number=letter.number,
                   kind_name=KIND_NAMES.get(letter.kind, f"surat {letter.kind}"))
    signed = sent_letter(office, letter, f"surat-{letter.kind}-{safe_name(letter.number)}")  # its signed copy
    queue(office, row, "surat_siap_dicetak", [(staff.name, staff.email)], render_mail("surat_siap_dicetak", **context),
          now, attachments=signed.ready)


def hand_to_jfu(office: Office, letter: Letter, now: dt.datetime) -> None:
    """The delivery task's holder receives the signed letter (its routing mail again, now with it)."""
    row = office.book.complaints.get(letter.complaint_id)
    task = office.book.tasks.current(row.id)
    if task and awaits_delivery(row.case(waiting_task(office.book, row)), office.config.procedure):
        send_routing(office, row, task, office.holder(task.role, now), now)
