"""Complaints that are another body's to handle (`Teruskan:` at step 3, SP4N-LAPOR!'s "no
wrong door"): the numbered and signed surat pelimpahan (sealed, wet-signed and scanned, or
TTE-signed, as the office signs) goes to the competent body by email with the complaint and
its files, and its copy to the complainant named in its tembusan; the body's reply to that
mail comes back to us and is passed on to the complainant."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from intake.parse import Incoming
from letters.mail import render_mail
from letters.render import addressee_of_body, agency_of
from office.attachments import store_attachments
from office.base import Office
from office.issuing import issue_letter
from office.mail_files import enclosures_of, letter_copy
from office.notices import base_context, notify, queue
from office.signing import MODE_WORDS, awaits_signed_copy
from sop.book.records import Complaint, Letter
from sop.engine import SYSTEM, Notify

log = logging.getLogger(__name__)


def forward_complaint(office: Office, row: Complaint, body: str, email: str, note: str, now: dt.datetime, *,
                      resumed: bool = False) -> Complaint:
    """Issue the surat pelimpahan and mail it, in the caller's transaction; the updated row.
    A letter that waits (for its number from the agenda keeper, for its wet or TTE signature)
    goes once it has them (office.agenda, office.signed_copies), with the complainant's copy.
    `resumed`: the letter waited for its number, so the complainant was not told yet."""
    issued = issue_letter(office, row, note, now, forward_to=body)
    agency = agency_of(body)  # "Teruskan: Kepala Dinas X" hands it to Dinas X, addressed to its head
    office.book.complaints.update(row.id, forwarded_to=agency, forwarded_email=email)
    row = replace(issued, forwarded_to=agency, forwarded_email=email)
    letter = office.book.letters.current(row.id)
    if letter is None or letter.kind != "pelimpahan" or letter.dispatched_at:
        return row  # it waits for its number from the agenda keeper
    if awaits_signed_copy(letter):
        office.book.events.add(row.id, now, None, SYSTEM, "catatan",
                              f"Surat pelimpahan {letter.number} dikirim kepada {body} dan, sebagai tembusan, "
                              f"kepada pengadu setelah ditandatangani ({MODE_WORDS[letter.signing]}).")
        return row
    send_pelimpahan(office, row, letter, now, tell_complainant=resumed)
    return row


def send_pelimpahan(office: Office, row: Complaint, letter: Letter, now: dt.datetime, *, tell_complainant: bool = False) -> None:
    """The numbered, signed surat pelimpahan to the competent body with the complaint and its
    files, in the caller's transaction. `tell_complainant`: the letter waited (for its number or
    its signature), so the complainant's mail, which carries its copy as their tembusan, goes
    now; otherwise the engine's own notice follows in this transaction."""
    body = row.forwarded_to or ""  # the agency (a `Teruskan:` naming its head is addressed to that head)
    email = row.forwarded_email or ""
    files = letter_copy(office, letter)
    context = base_context(office, row, None)
    context.update(body=body, letter_number=letter.number, signing=letter.signing,
                   addressee=addressee_of_body(body))
    # A letter an official signed, not a robot's mail (RFC 3834): the body's system may answer it.
    queue(office, row, "surat_pelimpahan", [(body, email)], render_mail("surat_pelimpahan", **context), now,
          attachments=(files + enclosures_of(office, row, "pengaduan")).ready, awaits=files.awaits, auto_submitted="no")
    office.book.letters.record_dispatch(letter.id, now, "email", f"dikirim kepada {body} <{email}>")
    if tell_complainant and row.email:
        notify(office, row, Notify("pelimpahan", "complainant", None, {"body": body}), now, None)
    if row.lapor_id:  # SP4N-LAPOR! tracks it too: staff hand it over there as well
        staff = office.staff
        context.update(lapor_id=row.lapor_id, recipient={"title": staff.title, "name": staff.name,
                                                             "email": staff.email})
        queue(office, row, "teruskan_lapor", [(staff.name, staff.email)], render_mail("teruskan_lapor", **context),
              now)


def is_reply_of_body(row: Complaint, msg: Incoming) -> bool:
    """Whether `msg` is the competent body's answer about a complaint we handed to it."""
    return row.state == "forwarded" and bool(row.forwarded_email) and msg.from_addr == row.forwarded_email


def pass_on_reply(office: Office, row: Complaint, msg: Incoming, text: str, now: dt.datetime) -> None:
    """The competent body's reply: into the history with its files, and on to the complainant
    (or, without an address, to staff for the print queue)."""
    store_attachments(office, row.id, msg.key, msg.attachments, now, purpose="tanggapan_instansi")
    office.book.events.add(row.id, now, None, msg.from_addr, "tanggapan_instansi",
                          f"Tanggapan {row.forwarded_to}: {text}")
    context = base_context(office, row, None)
    context.update(body=row.forwarded_to, text=text)
    if row.email:
        queue(office, row, "tanggapan_instansi", [(row.name, row.email)],
              render_mail("tanggapan_instansi", **context), now, in_reply_to=row.source_message_id,
              attachments=enclosures_of(office, row, "tanggapan_instansi"))
    else:
        staff = office.staff
        context["recipient"] = {"title": staff.title, "name": staff.name, "email": staff.email}
        queue(office, row, "tanggapan_instansi_staf", [(staff.name, staff.email)],
              render_mail("tanggapan_instansi_staf", **context), now,
              attachments=enclosures_of(office, row, "tanggapan_instansi"))
    log.info("%s: tanggapan %s diteruskan kepada pengadu", row.number, row.forwarded_to)
