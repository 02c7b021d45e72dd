"""What the office issues besides emails: the numbered reply letter and meeting invitations."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vCalAddress, vText

import json
from pathlib import Path

from jobs.workflow import Office, recipient, safe_name
from letters.dates import waktu
from letters.mail import Attachment, render_mail
from letters.render import LetterData, Signer, render_letter
from letters.safe import one_line
from letters.seal import seal
from sop.book import parse_iso, private_dir
from sop.engine import SYSTEM, Meeting


def issue_letter(office: Office, row: dict, answer: str, now: dt.datetime) -> dict:
    """Number, render, file and copy the reply letter, in the caller's transaction.

    The file names follow from the number taken in this transaction, so a rolled-back attempt
    is overwritten by its retry. A re-issue (after `Kembalikan:`) voids the earlier letter;
    its number stays in the register.
    """
    cfg = office.config
    ls = cfg.letters
    book = office.book
    local_now = now.astimezone(cfg.clock.tz)
    voided = [(entry["year"], entry["number"]) for entry in book.letters_of(row["id"]) if not entry["void"]]
    book.void_letters_of(row["id"])
    number = cfg.letter_number(local_now.year, book.next_serial("surat-keluar", local_now.year))
    signer = signer_of(office, now)
    received = parse_iso(row["received_at"]).astimezone(cfg.clock.tz)
    data = LetterData(
        number=number, date=local_now.date(), place=ls.place, hal=ls.hal,
        addressee=f"Bapak/Ibu {row['name']}".strip() if row["name"] else "Bapak/Ibu Pengadu",
        addressee_place=row["address"] or "Tempat",
        complaint_number=row["number"], complaint_date=received.date(),
        complaint_subject=row["subject"], channel=row["channel"], answer=answer,
        attachments=sum(1 for f in book.attachments(row["id"], "lampiran_surat") if f["path"]),
        sifat=ls.sifat, tembusan=ls.tembusan, signing_note=ls.signing_note)
    key = office.seal_key()
    sealer = (lambda tokens: seal(key, number=number, date=local_now.date().isoformat(),
                                  addressee=data.addressee, tokens=tokens)) if key else None
    rendered = render_letter(data, cfg.letterhead, signer, paper=ls.paper, sealer=sealer,
                             **({"template": ls.template} if ls.template else {}))
    name = safe_name(number)
    archive = cfg.files / "arsip" / str(local_now.year) / name / f"surat-jawaban-{name}.docx"
    private_dir(archive.parent)
    archive.write_bytes(rendered.data)
    private_dir(cfg.outbox, 0o750)  # staff collect letters here, possibly as a group

    def update_staff_folder() -> None:
        # After the commit: staff must never pick up a letter that the register does not hold.
        for year, old in voided:
            (cfg.outbox / outbox_name(year, old)).unlink(missing_ok=True)
        place_staff_copy(cfg, local_now.year, number, archive)
    book.after_commit(update_staff_folder)
    book.record_letter(year=local_now.year, number=number, complaint_id=row["id"], issued_at=now, path=str(archive),
                       sha256=rendered.sha256, signer=signer.name,
                       seal=rendered.seal.text() if rendered.seal else None)
    book.update_complaint(row["id"], letter_number=number, letter_path=str(archive))
    signed_as = f"{signer.delegation} {signer.title}" if signer.delegation else signer.title
    text = f"Surat jawaban nomor {number} dibuat, ditandatangani oleh {signed_as} {signer.name}, dan diarsipkan."
    if rendered.seal:
        text += f" Disegel dengan kunci kantor {rendered.seal.key_id}."
    if voided:
        text += f" Surat sebelumnya ({', '.join(n for _, n in voided)}) dinyatakan batal."
    book.add_event(row["id"], now, None, SYSTEM, "surat", text)
    return book.complaint_by_id(row["id"])


def place_staff_copy(cfg, year: int, number: str, archive: Path) -> None:
    copy = cfg.outbox / outbox_name(year, number)
    copy.write_bytes(archive.read_bytes())
    copy.chmod(0o640)  # staff collect these, possibly through a shared group


def sync_staff_folder(office: Office) -> int:
    """Put back the copy of any letter awaiting dispatch that is missing from the staff folder
    (the process may have died between a commit and the copy)."""
    cfg = office.config
    placed = 0
    for letter in office.book.letters_awaiting_dispatch():
        if not (cfg.outbox / outbox_name(letter["year"], letter["number"])).exists() and Path(letter["path"]).exists():
            private_dir(cfg.outbox, 0o750)
            place_staff_copy(cfg, letter["year"], letter["number"], Path(letter["path"]))
            placed += 1
    return placed


def outbox_name(year: int, number: str) -> str:
    """The staff copy's file name; the year too, since numbers restart each year."""
    return f"{year}-surat-jawaban-{safe_name(number)}.docx"


def signer_of(office: Office, now: dt.datetime) -> Signer:
    """Who signs, in which form: the head; a Plt./Plh. delegate; or another role a.n. the head."""
    ls = office.config.letters
    holder = office.holder(ls.signer_role, now)
    if holder.delegation:
        # Plt./Plh.: the delegate signs under their own jabatan, below "Plt. CAMAT PALARAN".
        return Signer(title=holder.title.upper(), name=holder.name, nip=holder.nip, rank=holder.rank,
                      delegation=f"{holder.delegation.split()[0]} {ls.on_behalf_of or ls.signer_title}")
    delegation = f"a.n. {ls.on_behalf_of}" if ls.on_behalf_of else ""
    return Signer(title=ls.signer_title, name=holder.name, nip=holder.nip, rank=holder.rank,
                  delegation=delegation, signature_image=holder.signature)


def dossier_folder(office: Office, letter_number: str, issued_at: str) -> Path:
    year = parse_iso(issued_at).astimezone(office.config.clock.tz).year
    return office.config.files / "arsip" / str(year) / safe_name(letter_number)


def write_dossier(office: Office, row: dict) -> None:
    """The archive copy of a complaint beside its letter: the record, its history, the delivery."""
    from jobs.views import complaint_json

    letter = office.book.current_letter(row["id"])
    if letter is None:
        return
    doc = complaint_json(office, row, dt.datetime.now(dt.timezone.utc), detail=True)
    doc["letters"] = office.book.letters_of(row["id"])
    folder = private_dir(dossier_folder(office, letter["number"], letter["issued_at"]))
    (folder / "pengaduan.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def record_delivery(office: Office, row: dict, method: str, note: str, now: dt.datetime) -> None:
    """Step 5's record on the letter: how and when it reached the complainant."""
    letter = office.book.current_letter(row["id"])
    if letter:  # Office.apply rewrites the dossier once all effects are applied
        office.book.record_dispatch(letter["id"], now, method, note)


def invitation(office: Office, row: dict, meeting: Meeting, attendees: list[tuple[str, str]],
               now: dt.datetime) -> bytes:
    """An iCalendar REQUEST for the meeting; its UID is stable per complaint and time."""
    cfg = office.config
    cal = Calendar()
    cal.add("prodid", "-//pengaduan//Rapat Dinas//ID")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"rapat-{safe_name(row['number'])}-{meeting.when:%Y%m%dT%H%M}@{cfg.identity.domain}")
    event.add("dtstamp", now)
    event.add("dtstart", meeting.when)
    event.add("dtend", meeting.when + dt.timedelta(hours=1))
    # What the calendar says of the complaint: for a confidential one only its neutral subject,
    # since the file goes to every attendee, section heads included.
    topic = (row["pokok"] or "dirahasiakan") if row["confidential"] else (row["pokok"] or row["subject"])
    # RFC 5545 text holds no control characters: every value passes letters.safe.one_line.
    event.add("summary", one_line(f"Rapat dinas pengaduan {row['number']}"))
    event.add("description", one_line(f"Pembahasan pengaduan {row['number']}: {topic} (SOP Rapat Dinas)."))
    event.add("location", vText(one_line(cfg.office_name)))
    organizer = vCalAddress(f"mailto:{cfg.mailbox.address}")
    organizer.params["cn"] = vText(one_line(cfg.office_name))
    event["organizer"] = organizer
    for name, address in attendees:
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["cn"] = vText(one_line(name))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def send_invitations(office: Office, row: dict, meeting: Meeting, now: dt.datetime) -> None:
    cfg = office.config
    people = []
    for role in meeting.with_roles:
        if role == "section":
            section = cfg.directory.section(row["section"])
            if section:
                people.append({"title": section.title, "name": section.head, "email": section.email})
        else:
            people.append(recipient(office.holder(role, now)))
    attendees = [(p["name"], p["email"]) for p in people]
    ics = invitation(office, row, meeting, attendees, now)
    for person in people:
        context = office.base_context(row, None)
        if row["confidential"] and not office.may_see_identity(person["email"]):
            context["c"] = office.complaint_view(row, redact=True)
            context["history"] = []
        context["recipient"] = person
        context["when"] = waktu(meeting.when, cfg.clock.tz)
        context["attendees"] = people
        office.queue(row, "undangan_rapat", [(person["name"], person["email"])],
                     render_mail("undangan_rapat", **context), now,
                     attachments=(Attachment("undangan-rapat.ics", ics, "text", "calendar"),))
