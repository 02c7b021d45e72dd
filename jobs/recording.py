"""Recording what arrives: new complaints (by email, forwarded by staff, or recorded at the
desk), their attachments, citizens' additions, and delivery failures.

Everything here runs inside the caller's transaction. Attachment files are stored under
names made here (complaint, message key, position, a type-derived extension); the name the
sender gave is kept only as data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
from dataclasses import dataclass

from intake.parse import Attachment, Incoming
from jobs.workflow import CHANNEL_WORDS, Office
from letters.mail import render_mail
from sop.book import place_private, write_private
from sop.engine import OPEN, SYSTEM, Recorded, advance

log = logging.getLogger(__name__)

CHANNELS = ("email", "langsung", "telepon", "surat", "lapor")


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


def from_email(msg: Incoming, office_address: str) -> NewComplaint:
    email = msg.from_addr
    # A form-mailer writes From itself and the citizen into Reply-To.
    if msg.reply_to and msg.reply_to != email and msg.reply_to != office_address.lower():
        email = msg.reply_to
    return NewComplaint(channel="email", name=msg.from_name, email=email or None, subject=msg.subject,
                        body=msg.text, attachments=msg.attachments, message_key=msg.key,
                        source_message_id=msg.message_id, note=_reading_notes(msg))


def _reading_notes(msg: Incoming) -> str:
    return f"Catatan pembacaan surel: {'; '.join(msg.notes)}." if msg.notes else ""


def from_forward(msg: Incoming) -> NewComplaint:
    f = msg.forwarded
    return NewComplaint(
        channel="email", name=f.name, email=f.address or None, subject=f.subject or msg.subject,
        body=f.text, attachments=msg.attachments, message_key=msg.key, recorded_by=msg.from_addr,
        note=f"Diteruskan ke kotak surat pengaduan oleh {msg.from_addr}. {_reading_notes(msg)}".strip())


def record_complaint(office: Office, new: NewComplaint, now: dt.datetime) -> dict:
    cfg = office.config
    book = office.book
    year = now.astimezone(cfg.clock.tz).year
    number = cfg.complaint_number(year, book.next_serial("pengaduan", year))
    row = book.add_complaint(
        number=number, state=OPEN, step=1, channel=new.channel, received_at=now, name=new.name,
        email=new.email, phone=new.phone, address=new.address, subject=new.subject, body=new.body,
        message_key=new.message_key, source_message_id=new.source_message_id, recorded_by=new.recorded_by,
        confidential=int(cfg.intake.confidential_by_default))
    cid = row["id"]
    if new.note:
        book.add_event(cid, now, 1, new.recorded_by, "catatan", new.note)
    store_attachments(office, cid, new.message_key, new.attachments, now)
    nxt = cfg.procedure.next_step(1)
    reported = f" dan dilaporkan kepada {cfg.directory.official(nxt.role).title}" if nxt else ""
    text = (f"Pengaduan diterima melalui {CHANNEL_WORDS.get(new.channel, new.channel)} dan dicatat "
            f"dalam buku pengaduan{reported}.")
    outcome = advance(office.case(row), Recorded(actor=new.recorded_by, text=text), now, cfg.procedure,
                      cfg.directory.section_names)
    return office.apply(row, outcome, now)


def store_attachments(office: Office, complaint_id: int, key: str | None,
                      attachments: tuple[Attachment, ...], now: dt.datetime, purpose: str = "pengaduan") -> None:
    if not attachments:
        return
    cfg = office.config
    limit = cfg.intake.max_attachment_bytes
    budget = cfg.intake.max_total_bytes
    folder = cfg.files / "lampiran" / str(now.astimezone(cfg.clock.tz).year) / str(complaint_id)
    prefix = (key or hashlib.sha256(str(now).encode()).hexdigest())[:12]
    offset = len(office.book.attachments(complaint_id, None))
    for position, item in enumerate(attachments, start=offset + 1):
        size = item.length()
        digest = item.digest()
        note, path = "", None
        if position - offset > cfg.intake.max_attachments:
            note = f"melebihi {cfg.intake.max_attachments} lampiran per pesan; tidak disimpan"
        elif size > limit:
            note = f"melebihi batas {limit // 2**20} MB per berkas; tidak disimpan"
        elif size > budget:
            note = f"melebihi batas {cfg.intake.max_total_bytes // 2**20} MB per pesan; tidak disimpan"
        else:
            budget -= size
            ext = mimetypes.guess_extension(item.content_type, strict=False) or ".bin"
            path = folder / f"{prefix}-{position:03d}{ext}"
            if item.staged:  # written by the parse-ahead worker: only renamed into place
                place_private(item.staged, path)
            else:
                write_private(path, item.data)
        office.book.add_attachment(complaint_id=complaint_id, message_key=key, filename=item.filename,
                                   content_type=item.content_type, size=size, sha256=digest,
                                   path=str(path) if path else None, note=note, purpose=purpose)
    if attachments:
        rows = office.book.attachments(complaint_id, None)[offset:]
        if len(rows) > 20:  # a summary, not ten thousand names, in the history
            stored = sum(1 for r in rows if r["path"])
            office.book.add_event(complaint_id, now, None, SYSTEM, "lampiran",
                                  f"{len(rows)} lampiran diterima; {stored} disimpan, {len(rows) - stored} tidak.")
            return
        kept = [r["filename"] for r in rows if r["path"]]
        refused = [f"{r['filename']} ({r['note']})" for r in rows if not r["path"]]
        what = "lampiran surat jawaban" if purpose == "lampiran_surat" else "lampiran"
        text = f"{len(kept)} {what} disimpan" + (f": {', '.join(kept)}" if kept else "")
        if refused:
            text += f"; tidak disimpan: {'; '.join(refused)}"
        office.book.add_event(complaint_id, now, None, SYSTEM, "lampiran", text + ".")


def add_followup(office: Office, row: dict, msg: Incoming, text: str, now: dt.datetime) -> None:
    """A citizen's addition: into the history, its attachments kept, the official told."""
    book = office.book
    book.add_event(row["id"], now, row["step"], msg.from_addr, "tambahan", text)
    store_attachments(office, row["id"], msg.key, msg.attachments, now)
    task = book.open_task_of(row["id"]) if row["state"] == OPEN else None
    if task is None:
        return
    official = office.config.directory.official(task["role"])
    context = office.base_context(row, task["step"])
    context["recipient"] = {"title": official.title, "name": official.name, "email": official.email}
    context["addition"] = text
    context["attachment_count"] = len(msg.attachments)
    office.queue(row, "tambahan_pengadu", [(official.name, official.email)],
                 render_mail("tambahan_pengadu", **context), now, in_reply_to=task["message_id"])


def record_bounce(office: Office, msg: Incoming, now: dt.datetime) -> int | None:
    """Link a delivery report to the mail it returns and alert staff; the complaint id or None."""
    book = office.book
    sent = book.outbox_by_message_ids(msg.embedded_ids)
    row = book.complaint_by_id(sent["complaint_id"]) if sent and sent["complaint_id"] else None
    what = f"surel '{sent['subject']}' kepada {sent['recipient']}" if sent else "surel yang tidak dikenali"
    if row:
        book.add_event(row["id"], now, row["step"], SYSTEM, "gagal_kirim",
                       f"Laporan gagal kirim dari {msg.from_addr}: {what} tidak sampai.")
    alert_staff(office, row, "gagal_kirim", now, what=what, report_subject=msg.subject,
                reporter=msg.from_addr, to_citizen=bool(row and sent and sent["recipient"] == row["email"]))
    return row["id"] if row else None


def alert_staff(office: Office, row: dict | None, template: str, now: dt.datetime, **extra) -> None:
    cfg = office.config
    role = cfg.procedure.step(1).role  # staff: the performers of the recording step
    staff = cfg.directory.official(role)
    context = office.base_context(row, None) if row else {
        "office": {"name": cfg.office_name, "parent": cfg.office_parent, "address": cfg.office_address}}
    context["recipient"] = {"title": staff.title, "name": staff.name, "email": staff.email}
    context.update(extra)
    office.queue(row, template, [(staff.name, staff.email)], render_mail(template, **context), now)
