"""What staff do at the desk, as the command line (and the coming web desk) calls it: record
a complaint that came in person, dispatch a letter, manage delegations, release held
complaints, note an SP4N-LAPOR! number. (An official's action taken outside email is a
proposal that official confirms: office.proposals.)

Each function runs its own transaction, takes `now`, and raises `Refused` with a sentence
for the person at the desk when the book does not allow what was asked; nothing is changed
then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from intake.parse import Attachment
from intake.text import clean_line, clean_text
from letters.names import split_honorific
from office.apply import act, act_for
from office.base import Office, waiting_task
from office.issuing import write_dossier
from office.linking import join_refusal, link
from office.notices import reroute
from office.recording import NewComplaint, add_addition, record_complaint, release_held
from office.signing import awaits_signed_copy, waiting_sentence
from sop.book.records import Complaint, Letter
from sop.directory import mailbox_of
from sop.engine import Feedback, awaits_delivery
from sop.terms import ANSWERED, CHANNEL_WORDS, CHANNELS, LINKED, OPEN

# How staff say a letter reached the complainant, as the history and the letter register say it.
DELIVERY_WAYS = {"email": "melalui surel", "pos": "melalui pos", "langsung": "diserahkan langsung"}


def delivered_words(way: str) -> str:
    """How the history says a letter reached the complainant: "disampaikan melalui pos",
    "diserahkan langsung" (never "disampaikan diserahkan langsung")."""
    return DELIVERY_WAYS[way] if way == "langsung" else f"disampaikan {DELIVERY_WAYS[way]}"


class Refused(ValueError):
    """What was asked cannot be done; the message says why, for the person at the desk."""


def _complaint(office: Office, number: str) -> Complaint:
    row = office.book.complaints.by_number(number)
    if row is None:
        raise Refused(f"Pengaduan {number} tidak ada dalam buku.")
    return row


def record_desk_complaint(office: Office, *, channel: str, name: str, subject: str, body: str, officer: str,
                          now: dt.datetime, email: str | None = None, phone: str | None = None,
                          address: str | None = None, files: tuple[Attachment, ...] = (),
                          received_at: dt.datetime | None = None, section: str | None = None,
                          confidential: bool = False, lapor_id: str | None = None) -> Complaint:
    """A complaint received in person, by phone or on paper: recorded, acknowledged when it has
    an address, and routed like any other. Returns the complaint's row. `received_at`: when the
    office received it, if before now (its steps' times still start now)."""
    if channel not in CHANNELS:
        raise Refused(f"Saluran '{channel}' tidak dikenal; pilihan: {', '.join(CHANNELS)}.")
    extras, note = walk_in_extras(office, received_at, section, lapor_id, now)
    sapaan, name = split_honorific(name)  # "Pak Darto" as staff typed it: Darto, addressed as Bapak
    with office.book.transaction():  # the sapaan is in the row before the acknowledgement greets them
        return record_complaint(office, NewComplaint(
            channel=channel, name=name, email=email.lower() if email else None, phone=phone, address=address,
            subject=subject, body=body.strip(), attachments=files, recorded_by=f"petugas {officer}",
            note=f"Dicatat oleh petugas {officer} (saluran: {CHANNEL_WORDS.get(channel, channel)}).{note}",
            confidential=confidential, sapaan=sapaan or None, **extras), now)


def walk_in_extras(office: Office, received_at: dt.datetime | None, section: str | None, lapor_id: str | None,
                   now: dt.datetime) -> tuple[dict, str]:
    """What staff know already of a walk-in (NewComplaint's fields) and the history's words for
    it; Refused for a time in the future or a section the office lacks."""
    from letters.dates import waktu
    from sop.keywords import match_section

    extras: dict = {}
    note = ""
    if received_at is not None and received_at < now - dt.timedelta(minutes=1):
        if now - received_at > dt.timedelta(days=90):
            raise Refused("Tanggal diterima lebih dari 90 hari yang lalu; periksa kembali tanggalnya.")
        extras["received_at"] = received_at
        note += f" Diterima kantor pada {waktu(received_at, office.config.clock.tz)}."
    elif received_at is not None and received_at > now + dt.timedelta(minutes=5):
        raise Refused("Tanggal diterima tidak boleh setelah saat ini.")
    if section:
        found = match_section(section, office.config.directory.section_choices)
        if not found:
            raise Refused(f"Seksi '{section}' tidak dikenal.")
        extras["section"] = found
        note += f" Seksi terkait: {found}."
    if lapor_id and lapor_id.strip():
        extras["lapor_id"] = clean_line(lapor_id)[:40]
        note += f" Nomor pelacakan SP4N-LAPOR!: {extras['lapor_id']}."
    return extras, note


def join(office: Office, main: str, repeat: str, officer: str, now: dt.datetime) -> Complaint:
    """Staff join complaint `repeat` to the open complaint `main` (`pengaduan gabung`): the
    repeat's open step closes and it is answered with the main one. Returns the repeat's row."""
    with office.book.transaction():
        row = _complaint(office, repeat)
        if row.state != OPEN:
            raise Refused(f"Pengaduan {repeat} tidak sedang ditangani; tidak dapat digabung.")
        refusal = join_refusal(office, row, main)
        if refusal:
            raise Refused(f"Pengaduan {repeat} tidak dapat digabung: {refusal}.")
        task = office.book.tasks.current(row.id)
        if task:
            office.book.tasks.close(row.id, task.step, now, f"Digabung dengan {main}")
        office.book.complaints.update(row.id, state=LINKED, step=None, paused_at=None, pause_reason=None)
        office.book.events.add(row.id, now, row.step, f"petugas {officer}", "digabung",
                              f"Digabung dengan pengaduan {main} oleh petugas {officer}: ditangani dan dijawab "
                              "bersama pengaduan itu.")
        return link(office, replace(row, state=LINKED, step=None, paused_at=None, pause_reason=None), main,
                    f"petugas {officer}", now)


def record_feedback(office: Office, number: str, text: str, officer: str, now: dt.datetime) -> Complaint:
    """A complainant's word on the answer told to staff (a walk-in, a phone call, a reply slip):
    PUAS, TIDAK PUAS: <alasan>, or a rating 1-4, as if they had replied by email."""
    with office.book.transaction():
        row = _complaint(office, number)
        if row.state != ANSWERED:
            raise Refused(f"Pengaduan {number} tidak sedang menunggu tanggapan pengadu atas jawaban.")
        row, outcome = act(office, row, Feedback(f"pengadu, dicatat oleh petugas {officer}", clean_text(text)), now)
        if not outcome.acted:
            raise Refused("Tulis tanggapan pengadu: PUAS, TIDAK PUAS: <alasan>, atau nilai 1 sampai 4.")
        return row


def record_addition(office: Office, number: str, text: str, officer: str, now: dt.datetime) -> Complaint:
    """What a complainant without email told staff (by phone, at the desk) to complete their
    complaint: recorded as their addition, and a step waiting for it runs again."""
    text = clean_text(text).strip()
    if not text:
        raise Refused("Keterangan tambahan kosong; tidak ada yang dicatat.")
    with office.book.transaction():
        row = _complaint(office, number)
        if row.state != OPEN:
            raise Refused(f"Pengaduan {number} sudah ditutup; keterangan tambahan tidak dicatat.")
        return add_addition(office, row, f"pengadu, dicatat oleh petugas {officer}", text, 0, now)


def dispatch_letter(office: Office, reference: str, way: str, note: str, officer: str,
                    now: dt.datetime) -> tuple[Letter, Complaint]:
    """Staff record how the letter reached the complainant (the delivery step done): by email the
    system sends it; by post or by hand it is only recorded. `reference`: the letter's number
    or the complaint's. Returns (letter, complaint row)."""
    if way not in DELIVERY_WAYS:
        raise Refused(f"Cara pengiriman '{way}' tidak dikenal; pilihan: {', '.join(DELIVERY_WAYS)}.")
    with office.book.transaction():
        letter = office.book.letters.by_number(reference)
        named = office.book.complaints.by_number(reference) if letter is None else None
        if named is not None:
            letter = office.book.letters.current(named.id)
        if letter is None or letter.void:
            raise Refused(f"Surat {reference} tidak ada atau sudah dibatalkan.")
        if letter.dispatched_at:
            sent = dt.datetime.fromisoformat(letter.dispatched_at).astimezone(office.config.clock.tz)
            raise Refused(f"Surat {letter.number} sudah tercatat dikirim pada {sent:%d-%m-%Y %H.%M} {sent.tzname()}.")
        row = office.book.complaints.get(letter.complaint_id)
        if letter.kind not in ("jawaban", "pelimpahan"):  # a notice on the way: only its dispatch
            if awaits_signed_copy(letter):  # signed outside the system: printed only once signed
                raise Refused(waiting_sentence(letter))
            if way == "email":
                raise Refused("Surat ini untuk pengadu tanpa alamat surel; pilih --cara pos atau langsung.")
            office.book.letters.record_dispatch(letter.id, now, way, note)
            office.book.events.add(row.id, now, row.step, f"petugas {officer}", "surat",
                                  f"Surat {letter.number} {delivered_words(way)}." + (f" {note}" if note else ""))
            return letter, row
        task = office.book.tasks.current(row.id)
        if task is None or not awaits_delivery(row.case(waiting_task(office.book, row)), office.config.procedure):
            raise Refused(f"Pengaduan {row.number} tidak sedang menunggu penyampaian surat.")
        if way == "email" and not row.email:
            raise Refused("Pengadu tidak memiliki alamat surel; pilih --cara pos atau langsung.")
        text = f"Surat {letter.number} {delivered_words(way)}." + (f" {note}" if note else "")
        row, _ = act_for(office, row, task, text, f"petugas {officer}", now, delivery=way)
        write_dossier(office, row, now)
    return letter, row


def add_delegation(office: Office, *, role: str, form: str, name: str, email: str, title: str, first_day: dt.date,
                   last_day: dt.date, created_by: str, now: dt.datetime, nip: str = "", rank: str = "") -> tuple[int, int]:
    """A Plt./Plh. for `role` from `first_day` through `last_day` (office days, whole): open
    tasks go to the delegate while it runs. Returns (delegation id, tasks sent on now)."""
    cfg = office.config
    if role not in cfg.directory.officials:
        raise Refused(f"Peran '{role}' tidak ada; pilihan: {', '.join(cfg.directory.officials)}.")
    if last_day < first_day:
        raise Refused("Tanggal akhir tidak boleh sebelum tanggal mulai.")
    tz = cfg.clock.tz
    starts = dt.datetime.combine(first_day, dt.time(0, 0), tz)
    ends = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tz)
    with office.book.transaction():
        did = office.book.delegations.add(role=role, form=form, name=name, email=email.lower(), nip=nip, rank=rank,
                                         title=title, starts=starts, ends=ends, created_by=created_by, created_at=now)
        moved = reroute(office, role, now) if starts <= now < ends else 0
    return did, moved


def revoke_delegation(office: Office, delegation_id: int, now: dt.datetime) -> int:
    """End a delegation now; its open tasks go back to the official. Returns how many moved."""
    with office.book.transaction():
        row = next((d for d in office.book.delegations.listed() if d["id"] == delegation_id), None)
        if row is None or not office.book.delegations.revoke(delegation_id, now):
            raise Refused(f"Delegasi {delegation_id} tidak ada atau sudah dicabut.")
        return reroute(office, row["role"], now)


def release(office: Office, numbers: tuple[str, ...], sender: str | None, officer: str,
            now: dt.datetime) -> list[Complaint]:
    """Let held complaints go on (acknowledged and routed as if just arrived): those named, and
    every one held from `sender`. Returns the released rows."""
    book = office.book
    with book.transaction():
        rows = book.complaints.held(mailbox_of(sender)) if sender else []
        for number in numbers:
            row = _complaint(office, number)
            if not row.held_at:
                raise Refused(f"Pengaduan {number} tidak sedang ditahan.")
            rows.append(row)
        if not rows:
            raise Refused(f"Tidak ada pengaduan yang ditahan dari {sender}.")
        unique = list({r.id: r for r in rows}.values())
        return [release_held(office, row, f"petugas {officer}", now) for row in unique]


def set_lapor_id(office: Office, number: str, lapor_id: str) -> None:
    """Note the SP4N-LAPOR! tracking number of a complaint that is also there."""
    with office.book.transaction():
        office.book.complaints.set_lapor_id(_complaint(office, number).id, lapor_id.strip())
