"""Meetings (SOP Rapat Dinas): the calendar invitation and the mail that carries it to each
attendee. A section head invited to discuss a confidential complaint sees only its neutral
subject and the Sekretaris's clarification, in the mail and in the calendar file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icalendar import Calendar, Event, vCalAddress, vText

from letters.dates import DAYS, tanggal, waktu
from letters.invitation import invitation_lines
from letters.mail import Attachment, render_mail
from letters.safe import one_line
from office.base import Office, safe_name, section_recipient
from office.issuing import issue_invitation
from office.mail_view import complaint_view
from office.notices import base_context, queue
from sop.engine import Meeting


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


def send_invitations(office: Office, row: dict, meeting: Meeting, now: dt.datetime) -> None:
    """The invitation mail, with the calendar file, to each attendee of a meeting."""
    cfg = office.config
    people = []
    for role in meeting.with_roles:
        if role == "section":
            section = cfg.directory.section(row["section"])
            if section:
                people.append(section_recipient(section))
        else:
            people.append(office.addressee(office.holder(role, now)))
    attendees = [(p["name"], p["email"]) for p in people]
    ics = invitation(office, row, meeting, attendees, now)
    letter = invitation_letter(office, row, meeting, people, now)
    files: tuple[Attachment, ...] = (Attachment("undangan-rapat.ics", ics, "text", "calendar"),)
    if letter:
        files += (Attachment(f"surat-undangan-{safe_name(letter['number'])}.docx", Path(letter["path"]).read_bytes()),)
    for person in people:
        context = base_context(office, row, None)
        if row["confidential"] and not office.may_see_identity(person["email"]):
            context["c"] = complaint_view(office, row, redact=True)
            context["history"] = []
        context["recipient"] = person
        context["when"] = waktu(meeting.when, cfg.clock.tz)
        context["place"] = cfg.meeting_place or cfg.office_name
        context["attendees"] = people
        context["letter_number"] = letter["number"] if letter else ""
        queue(office, row, "undangan_rapat", [(person["name"], person["email"])],
              render_mail("undangan_rapat", **context), now, attachments=files)


def invitation_letter(office: Office, row: dict, meeting: Meeting, people: list[dict], now: dt.datetime) -> dict | None:
    """The numbered undangan (a naskah, not only a mail): issued, then recorded as sent by
    e-mail with the invitations it rides on, so it does not wait in the print queue."""
    cfg = office.config
    local = meeting.when.astimezone(cfg.clock.tz)
    particulars = invitation_lines(f"{DAYS[local.weekday()]}, {tanggal(local)}", f"{local:%H.%M} {local.tzname()}",
                                   cfg.meeting_place or cfg.office_name, row["number"],
                                   [p["salutation"] for p in people])
    letter = issue_invitation(office, row, particulars, now)
    entry = office.book.letter(letter["number"]) if letter else None
    if entry is not None:
        office.book.record_dispatch(entry["id"], now, "email", "Dilampirkan pada undangan rapat melalui surel.")
    return letter
