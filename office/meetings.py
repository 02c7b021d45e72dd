"""Meetings (SOP Rapat Dinas): the calendar invitation and the mail that carries it to each
attendee, and the numbered undangan (signed as the office signs), with it or after it. A
section head invited to discuss a confidential complaint sees only its neutral subject and the
Sekretaris's clarification, in the mail and in the calendar file."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vCalAddress, vText

from letters.dates import DAYS, tanggal, waktu
from letters.invitation import addressees, invitation_lines
from letters.mail import Attachment, render_mail
from letters.safe import one_line
from office.base import Office, safe_name, section_recipient
from office.issuing import invitation_signer_role, issue_invitation
from office.mail_files import MailFiles, undangan_copy
from office.mail_view import complaint_view
from office.notices import base_context, queue
from office.signing import awaits_signed_copy
from sop.book.records import Complaint, Letter
from sop.engine import Meeting


def invitation(office: Office, row: Complaint, meeting: Meeting, attendees: list[tuple[str, str]],
               now: dt.datetime) -> bytes:
    """An iCalendar REQUEST for the meeting; its UID is stable per complaint and time."""
    cfg = office.config
    cal = Calendar()
    cal.add("prodid", "-//pengaduan//Rapat Dinas//ID")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"rapat-{safe_name(row.number)}-{meeting.when:%Y%m%dT%H%M}@{cfg.identity.domain}")
    event.add("dtstamp", now)
    event.add("dtstart", meeting.when)
    event.add("dtend", meeting.when + dt.timedelta(hours=1))
    # What the calendar says of the complaint: for a confidential one only its neutral subject,
    # since the file goes to every attendee, section heads included.
    topic = (row.pokok or "dirahasiakan") if row.confidential else (row.pokok or row.subject)
    # RFC 5545 text holds no control characters: every value passes letters.safe.one_line.
    event.add("summary", one_line(f"Rapat dinas pengaduan {row.number}"))
    event.add("description", one_line(f"Pembahasan pengaduan {row.number}: {topic} (SOP Rapat Dinas)."))
    event.add("location", vText(one_line(cfg.meeting_place or cfg.office_name)))
    organizer = vCalAddress(f"mailto:{cfg.mailbox.address}")
    organizer.params["cn"] = vText(one_line(cfg.office_name))
    event["organizer"] = organizer
    for name, address in attendees:
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["cn"] = vText(one_line(name))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return cal.to_ical()


def meeting_people(office: Office, row: Complaint, roles: tuple[str, ...], now: dt.datetime) -> list[dict]:
    """The meeting's participants, each as mails address them, with their role."""
    people = []
    for role in roles:
        if role == "section":
            section = office.config.directory.section(row.section)
            if section:
                people.append({**section_recipient(section), "role": role})
        else:
            people.append({**office.addressee(office.holder(role, now)), "role": role})
    return people


def meeting_roles(office: Office, row: Complaint) -> tuple[str, ...]:
    """Who the complaint's meeting invites: the step of its last `Rapat:` says."""
    steps = [e.step for e in office.book.events.of(row.id) if e.kind == "rapat" and e.step]
    return office.config.procedure.step(steps[-1]).meeting_with if steps else ()


def send_invitations(office: Office, row: Complaint, meeting: Meeting, now: dt.datetime) -> None:
    """The invitation mail, with the calendar file, to each attendee of a meeting; the numbered
    undangan rides on it when it is ready (numbered and sealed), else it follows once numbered
    and signed (send_undangan)."""
    cfg = office.config
    people = meeting_people(office, row, meeting.with_roles, now)
    attendees = [(p["name"], p["email"]) for p in people]
    ics = invitation(office, row, meeting, attendees, now)
    letter = invitation_letter(office, row, meeting, people, now)
    files = MailFiles((Attachment("undangan-rapat.ics", ics, "text", "calendar"),))
    ready = letter is not None and not awaits_signed_copy(letter)
    if letter is not None and ready:
        copy = undangan_copy(office, letter)  # its PDF, when not made yet, follows the text (office.letter_pdfs)
        files = MailFiles((*copy.ready, *files.ready), copy.awaits)
        office.book.letters.record_dispatch(letter.id, now, "email", "Dilampirkan pada undangan rapat melalui surel.")
    for person in people:
        context = _context(office, row, person, people)
        context["when"] = waktu(meeting.when, cfg.clock.tz)
        context["letter_number"] = letter.number if letter and ready else ""
        context["letter_follows"] = not ready
        queue(office, row, "undangan_rapat", [(person["name"], person["email"])],
              render_mail("undangan_rapat", **context), now, attachments=files.ready, awaits=files.awaits)


def _context(office: Office, row: Complaint, person: dict, people: list[dict]) -> dict:
    cfg = office.config
    context = base_context(office, row, None)
    if row.confidential and not office.may_see_identity(person["email"]):
        context["c"] = complaint_view(office, row, redact=True)
        context["history"] = []
    context.update(recipient=person, place=cfg.meeting_place or cfg.office_name, attendees=people)
    return context


def send_undangan(office: Office, row: Complaint, letter: Letter, now: dt.datetime) -> None:
    """The undangan that waited for its number or its signature, to each participant, in the
    caller's transaction."""
    people = meeting_people(office, row, meeting_roles(office, row), now)
    files = undangan_copy(office, letter)
    for person in people:
        context = _context(office, row, person, people)
        context["letter_number"] = letter.number
        queue(office, row, "surat_undangan", [(person["name"], person["email"])],
              render_mail("surat_undangan", **context), now, attachments=files.ready, awaits=files.awaits)
    office.book.letters.record_dispatch(letter.id, now, "email", "Dikirim kepada peserta rapat melalui surel.")


def invitation_letter(office: Office, row: Complaint, meeting: Meeting, people: list[dict], now: dt.datetime) -> Letter | None:
    """The numbered undangan (a naskah, not only a mail), addressed to the participants by
    jabatan (not the one who signs it); None while it waits for its number."""
    cfg = office.config
    local = meeting.when.astimezone(cfg.clock.tz)
    particulars = invitation_lines(f"{DAYS[local.weekday()]}, {tanggal(local)}", f"{local:%H.%M} {local.tzname()}",
                                   cfg.meeting_place or cfg.office_name, row.number,
                                   [p["salutation"] for p in people])
    signing = invitation_signer_role(office)
    invited = [p["salutation"] for p in people if p["role"] != signing] or [p["salutation"] for p in people]
    issued = issue_invitation(office, row, particulars, addressees(invited), now)
    return office.book.letters.by_number(issued["number"]) if issued else None
