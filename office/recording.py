"""Recording what arrives: new complaints (by email, forwarded by staff, or recorded at the
desk), held bursts and their release, citizens' additions, officials' notes, and delivery
failures. Everything here runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, replace

from intake.classify import hide_token
from intake.parse import Attachment, Incoming
from intake.text import clean_line, clean_text
from office.access import new_access_code
from office.apply import act, resume
from office.attachments import store_attachments
from office.base import Office, new_token
from office.issuing import outbox_name
from office.notices import HOUR, alert_staff, pass_on_note, tell_holder_of_addition
from sop.book import iso, parse_iso
from sop.book.records import Complaint, OutboxMail, Similar
from sop.directory import Official, mailbox_of
from sop.engine import SYSTEM, Recorded
from sop.repeats import place_key, place_text, similar
from sop.terms import CHANNEL_IN_LETTER, OPEN

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewComplaint:
    channel: str
    name: str
    email: str | None
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()
    phone: str | None = None
    address: str | None = None
    message_key: str | None = None
    source_message_id: str | None = None
    recorded_by: str = SYSTEM
    note: str = ""
    sender: str | None = None  # the mailbox that sent it (sop.directory.mailbox_of), for flood limits
    # At the desk: when the office received it (a letter that came yesterday), its section, its
    # confidentiality and its SP4N-LAPOR! number, when staff know them already.
    received_at: dt.datetime | None = None
    section: str | None = None
    confidential: bool = False
    lapor_id: str | None = None
    sapaan: str | None = None  # how to address them, when staff typed it before the name ("Pak")
    # Its text came from the mail parser, which keeps text as the book does (intake.text): not
    # cleaned a second time (each field scanned again, and the complaint copied, per message).
    clean: bool = False

    def normalised(self) -> "NewComplaint":
        """The same complaint with its text as the book keeps text from outside (intake.text):
        mail is normalised by the parser already; what staff type at the desk is done here."""
        if self.clean:
            return self
        line = lambda v: clean_line(v) if v else v  # noqa: E731
        return replace(self, name=line(self.name), email=line(self.email), phone=line(self.phone),
                       address=clean_text(self.address).strip() if self.address else self.address,
                       subject=line(self.subject), body=clean_text(self.body).strip(),
                       attachments=tuple(replace(a, filename=clean_line(a.filename)) for a in self.attachments))


def from_email(msg: Incoming, office_address: str) -> NewComplaint:
    """A complaint from an email: the sender, or the citizen a form-mailer put in Reply-To."""
    email = msg.from_addr
    # A form-mailer writes From itself and the citizen into Reply-To.
    if msg.reply_to and msg.reply_to != email and msg.reply_to != office_address.lower():
        email = msg.reply_to
    return NewComplaint(channel="email", name=msg.from_name, email=email or None, subject=msg.subject,
                        body=msg.text, attachments=msg.attachments, message_key=msg.key,
                        source_message_id=msg.message_id, note=_reading_notes(msg),
                        sender=mailbox_of(msg.from_addr) or None, clean=True)


def _reading_notes(msg: Incoming) -> str:
    return f"Catatan pembacaan surel: {'; '.join(msg.notes)}." if msg.notes else ""


def from_forward(msg: Incoming) -> NewComplaint:
    """A complaint forwarded by staff: the original sender's words and address."""
    f = msg.forwarded
    assert f is not None  # classified as a forward only when it holds one
    return NewComplaint(
        channel="email", name=f.name, email=f.address or None, subject=f.subject or msg.subject,
        body=f.text, attachments=msg.attachments, message_key=msg.key, recorded_by=msg.from_addr,
        sender=mailbox_of(f.address) or None,
        note=f"Diteruskan ke kotak surat pengaduan oleh {msg.from_addr}. {_reading_notes(msg)}".strip())


# Place keys the parse worker found for the messages of a backlog (office.staging), by the
# text each was read from: a complaint made of that very text takes its key from here. What
# the worker found for a message that became no complaint is dropped now and then.
_PLACES: dict[str, str | None] = {}
_UNKNOWN = "?"  # never a place key (those are "rt 12; ..." in lowercase)


def remember_place(text: str, key: str | None) -> None:
    if len(_PLACES) >= 256:
        _PLACES.clear()
    _PLACES[text] = key


def _place_of(new: NewComplaint) -> str | None:
    text = place_text(new.subject, new.body)
    found = _PLACES.pop(text, _UNKNOWN)
    return place_key(text) if found == _UNKNOWN else found


def record_complaint(office: Office, new: NewComplaint, now: dt.datetime) -> Complaint:
    """Put a complaint in the book and finish step 1 (acknowledgement, copy, the next task);
    or, in a burst from one sender, only put it in the book, held for staff (`lepas`)."""
    new = new.normalised()
    cfg = office.config
    book = office.book
    burst = cfg.intake.hold_after
    recent = book.complaints.count_from(new.sender, now - HOUR) if new.sender else 0
    held = bool(burst and recent >= burst)
    first_held = held and not book.complaints.held(new.sender)
    year = now.astimezone(cfg.clock.tz).year
    number = cfg.complaint_number(year, book.numbers.next_serial("pengaduan", year))
    row = book.complaints.add(
        number=number, state=OPEN, step=1, channel=new.channel, received_at=new.received_at or now, name=new.name,
        email=new.email, phone=new.phone, address=new.address, subject=new.subject, body=new.body,
        message_key=new.message_key, source_message_id=new.source_message_id, recorded_by=new.recorded_by,
        confidential=int(new.confidential or cfg.intake.confidential_by_default), sender=new.sender,
        section=new.section, lapor_id=new.lapor_id, **({"sapaan": new.sapaan} if new.sapaan else {}),
        held_at=iso(now) if held else None, place_key=_place_of(new),
        access_code=new_access_code(),
        # The complainant's reply address, made with the row (office.notices.citizen_reply_to
        # makes it on the first mail otherwise): one write instead of two more at the
        # acknowledgement.
        reply_token=new_token() if new.email else None)
    # Known now, and needed again for the acknowledgement's limit (notices._ack_limited): carried
    # on the row, not read twice. Not a column.
    office.recent_from_sender = (row.id, recent)
    cid = row.id
    if new.note:
        book.events.add(cid, now, 1, new.recorded_by, "catatan", new.note)
    flag_repeats(office, row, now)
    store_attachments(office, cid, new.message_key, new.attachments, now)
    if held:
        book.events.add(cid, now, 1, SYSTEM, "ditahan",
                       f"Ditahan untuk diperiksa staf: lebih dari {burst} pengaduan dalam satu jam dari "
                       f"{new.sender}. Tidak ada tanda terima atau tugas sampai staf melepaskannya "
                       "(tombol Lepaskan pada meja layanan).")
        if first_held:  # staff are told once per burst; the rest wait beside it in the book
            alert_staff(office, row, "pengaduan_ditahan", now, sender=new.sender, limit=burst)
        log.warning("pengaduan %s dari %s ditahan (lebih dari %d per jam)", number, new.sender, burst)
        return row
    return finish_recording(office, row, new.channel, new.recorded_by, now)


REPEAT_WINDOW = dt.timedelta(days=60)


def flag_repeats(office: Office, row: Complaint, now: dt.datetime) -> None:
    """Note likely repeats for the Sekretaris (the routing mail shows them): the same sender on
    a similar matter, or anyone about the same place, in the last 60 days. Never merged here."""
    found = likely_repeats(office, row, parse_iso(row.received_at) if isinstance(row.received_at, str) else now)
    if found:
        office.book.events.add(row.id, now, 1, SYSTEM, "kemungkinan_berulang", "Kemungkinan pengaduan berulang: " +
                              "; ".join(f"{s.complaint.number} ({s.why}, {s.complaint.subject[:80]})" for s in found[:5]))


def likely_repeats(office: Office, row: Complaint, received: dt.datetime) -> list[Similar]:
    """Complaints of the 60 days before `received` that `row` likely repeats (each with `why`):
    the same sender on a similar matter, or anyone about the same place."""
    text = f"{row.subject}\n{row.body[:300]}"
    return [s for s in office.book.complaints.like(row.sender, row.place_key, received - REPEAT_WINDOW, row.id)
            if s.why == "lokasi sama" or similar(text, f"{s.complaint.subject}\n{s.complaint.body[:300]}")]


def finish_recording(office: Office, row: Complaint, channel: str, actor: str, now: dt.datetime) -> Complaint:
    """Step 1 done: the engine's effects of a recorded complaint, applied."""
    cfg = office.config
    nxt = cfg.procedure.next_step(1)
    reported = f", dan dilaporkan kepada {cfg.directory.official(nxt.role).title}" if nxt else ""
    text = f"Pengaduan disampaikan {received_words(channel)}, dicatat dalam buku pengaduan{reported}."
    return act(office, row, Recorded(actor=actor, text=text), now)[0]


def received_words(channel: str) -> str:
    """How a complaint came, as the step-1 history says it: "secara langsung", or "melalui"
    and the channel as the letter names it ("melalui surat elektronik (surel)")."""
    return "secara langsung" if channel == "langsung" else f"melalui {CHANNEL_IN_LETTER.get(channel, channel)}"


def release_held(office: Office, row: Complaint, who: str, now: dt.datetime) -> Complaint:
    """Staff let a held complaint go on: acknowledged and routed as if it had just arrived."""
    office.book.complaints.update(row.id, held_at=None)
    office.book.events.add(row.id, now, 1, who, "dilepas", f"Dilepas oleh {who} setelah diperiksa.")
    return finish_recording(office, replace(row, held_at=None), row.channel, row.recorded_by or SYSTEM, now)


def add_followup(office: Office, row: Complaint, msg: Incoming, text: str, now: dt.datetime) -> None:
    """A citizen's addition: into the history, its attachments kept, the official told."""
    store_attachments(office, row.id, msg.key, msg.attachments, now)
    add_addition(office, row, msg.from_addr, text, len(msg.attachments), now)


def add_addition(office: Office, row: Complaint, who: str, text: str, files: int, now: dt.datetime) -> Complaint:
    """What the complainant adds (by mail, or told to staff): in the history, passed on to the
    official who holds the step, and, when the step waited for it (`Lengkapi:`), its clock
    runs again."""
    book = office.book
    book.events.add(row.id, now, row.step, who, "tambahan", text)
    if row.state == OPEN and row.paused_at:
        row = resume(office, row, now)
        book.events.add(row.id, now, row.step, SYSTEM, "dilanjutkan",
                       "Pengadu melengkapi keterangannya; waktu langkah berjalan kembali.")
        answered_notices(office, row, now)
    task = book.tasks.current(row.id) if row.state == OPEN else None
    if task is not None:
        tell_holder_of_addition(office, row, task, text, files, now)
    return row


NOT_NEEDED = "tidak_perlu"  # a notice's dispatch method when it need not go out any more


def answered_notices(office: Office, row: Complaint, now: dt.datetime) -> None:
    """A kelengkapan notice still in the print queue asks what the complainant has just given:
    it is marked "tidak perlu dikirim" (it leaves the queue and the staff folder; the register
    keeps it)."""
    cfg = office.config
    for letter in office.book.letters.listed(row.id):
        if letter.kind != "kelengkapan" or letter.void or letter.dispatched_at:
            continue
        office.book.letters.record_dispatch(letter.id, now, NOT_NEEDED,
                                    "Tidak perlu dikirim: pengadu telah melengkapi keterangannya.")
        office.book.events.add(row.id, now, row.step, SYSTEM, "surat",
                              f"Surat {letter.number} tidak perlu dikirim: pengadu telah melengkapi keterangannya.")
        copy = cfg.outbox / outbox_name(letter.year, letter.number, letter.kind)
        office.book.after_commit(lambda copy=copy: copy.unlink(missing_ok=True))


def add_official_note(office: Office, row: Complaint, msg: Incoming, author: Official, text: str,
                      now: dt.datetime) -> None:
    """An official's reply to a mail that is not their routing email (an escalation, a copy):
    a note in the history, passed on to whoever holds the open task, and the author told
    plainly that a note does not act on a step."""
    book = office.book
    book.events.add(row.id, now, row.step, msg.from_addr, "catatan",
                   f"Catatan {author.title} {author.name}: {text}")
    task = book.tasks.current(row.id) if row.state == OPEN else None
    pass_on_note(office, row, task, author, msg.from_addr, text, now)


def failed_recipients(sent: OutboxMail, msg: Incoming) -> list[str]:
    """The recipients of our mail `sent` that a delivery report says failed: those its
    machine-readable part names, or, in a report without one, an address of that mail
    written in the report."""
    recipients = {a.lower() for a in json.loads(sent.recipients)}
    named = set(msg.bounced) or {a for a in recipients if a in msg.text.lower()}
    return sorted(named & recipients)


def returned_mail(office: Office, msg: Incoming, envelope_to: str | None) -> tuple[OutboxMail, list[str]] | None:
    """The mail of ours a delivery report returns, when it truly does: the report came to the
    return path of that one mail (VERP: the token of its outbox row in the address our server
    delivered the report to), it names that mail's Message-ID, and a recipient that mail went to
    failed: that mail and the recipients that failed. None: the report proves nothing and
    changes nothing."""
    token = office.config.identity.bounce_token_in(envelope_to) if envelope_to else None
    sent = office.book.outbox.by_bounce_token(token) if token else None
    if sent is None or sent.message_id.lower() not in {i.lower() for i in msg.embedded_ids}:
        return None
    failed = failed_recipients(sent, msg)
    return (sent, failed) if failed else None


def record_bounce(office: Office, msg: Incoming, envelope_to: str | None,
                  now: dt.datetime) -> tuple[int | None, str] | None:
    """Link a delivery report to the mail it returns and alert staff; (complaint id, note).

    None for a report that does not return a mail of ours (returned_mail): nothing is
    written about it and no one is alerted; the caller keeps it as an automatic message."""
    book = office.book
    returned = returned_mail(office, msg, envelope_to)
    if returned is None:
        return None
    sent, failed = returned
    row = book.complaints.get(sent.complaint_id) if sent.complaint_id else None
    what = f"surel '{sent.subject}' kepada {', '.join(failed)}"
    if row:
        book.events.add(row.id, now, row.step, SYSTEM, "gagal_kirim",
                       f"Laporan gagal kirim dari {msg.from_addr or 'sistem surel'}: {what} tidak sampai.")
    alert_staff(office, row, "gagal_kirim", now, what=what, report_subject=msg.subject,
                reporter=msg.from_addr or "sistem surel",
                to_citizen=bool(row and row.email and row.email.lower() in failed))
    return (row.id if row else None), f"mengembalikan {hide_token(sent.message_id)}"
