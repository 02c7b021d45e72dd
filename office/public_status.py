"""The public status page (jobs/public): a complaint's number and access code (office.access)
show its state in plain words, its step, the date the answer is due and whether the answer
letter is ready and how it comes; never a name, an address, the pokok or any text.

Wrong codes count as the mail's do (office.status): after `WRONG_PER_HOUR` wrong codes in an
hour from one network address, or for one complaint (by mail and on the page together), the
page answers nothing about that address's or that complaint's requests for the hour, even with
the right code, and staff are told once. Codes are never written to the log or the book."""

from __future__ import annotations

import datetime as dt
import hmac
import re

from intake.citizen import normal_code
from letters.dates import tanggal
from office.access import access_code, answer_due
from office.base import Office
from office.notices import alert_staff
from office.status import WRONG_PER_HOUR, doing
from sop.book import parse_iso
from sop.book.public import STATUS
from sop.book.records import Complaint
from sop.terms import ANSWERED, CLOSED, FORWARDED, LINKED, OPEN, REJECTED

HOUR = dt.timedelta(hours=1)
NUMBER = re.compile(r"[A-Z0-9][A-Z0-9/.\-]{0,40}")

STATE_TEXT = {
    ANSWERED: "Jawaban telah disampaikan; kami menunggu tanggapan Anda atas jawaban tersebut.",
    CLOSED: "Penanganan pengaduan telah selesai.",
    REJECTED: "Pengaduan tidak dapat ditindaklanjuti; alasannya disampaikan secara tertulis.",
    FORWARDED: "Pengaduan dilimpahkan kepada instansi yang berwenang menanganinya.",
    LINKED: "Pengaduan digabung dengan pengaduan lain tentang hal yang sama dan dijawab bersama.",
}
SENT = {"email": "dikirim ke alamat surel yang Anda berikan", "pos": "dikirim melalui pos",
        "langsung": "diserahkan langsung"}


def status_by_code(office: Office, number: str, code: str, address: str, now: dt.datetime) -> dict | str:
    """The state of complaint `number` for whoever gives its access code, or why nothing is
    shown: "kode_salah" (a wrong number or code: the same answer for both) or "ditahan" (too
    many wrong codes in the hour from this address or for this complaint)."""
    number, code = number.strip().upper(), normal_code(code)
    book = office.book
    with book.transaction():
        row = book.complaints.by_number(number) if NUMBER.fullmatch(number) else None
        since = now - HOUR
        by_address, by_number = book.public.wrong_codes(address, number, since)
        if row is not None:  # wrong codes by mail about the same complaint count too
            by_number += sum(1 for w in book.messages.wrong_codes_since(since) if w["complaint_id"] == row.id)
        right = row is not None and hmac.compare_digest(code.encode(), access_code(office, row).encode())
        locked = by_address >= WRONG_PER_HOUR or by_number >= WRONG_PER_HOUR
        outcome = "ditahan" if locked else "benar" if right else "kode_salah"
        book.public.add(at=now, kind=STATUS, address=address, outcome=outcome,
                                number=number[:60],
                                complaint_id=row.id if row else None)
        if outcome == "kode_salah" and WRONG_PER_HOUR in (by_address + 1, by_number + 1):
            alert_staff(office, row, "kode_akses_salah", now, sender=f"alamat jaringan {address} (laman pengaduan)",
                        limit=WRONG_PER_HOUR, by_number=by_number + 1 >= WRONG_PER_HOUR)
        if outcome != "benar":
            return outcome
        assert row is not None
        return status_view(office, row)


def status_view(office: Office, row: Complaint) -> dict:
    """What the page shows of a complaint: its state, step, due date and answer letter only."""
    cfg = office.config
    tz = cfg.clock.tz
    view = {"number": row.number, "state": STATE_TEXT.get(row.state, ""), "step": "", "holder": "",
            "steps_total": cfg.procedure.main_steps,
            "due": tanggal(answer_due(office, parse_iso(row.received_at)).astimezone(tz).date()),
            "received": tanggal(parse_iso(row.received_at).astimezone(tz).date()),
            "letter": letter_words(office, row), "feedback": row.state == ANSWERED}
    task = office.book.tasks.current(row.id) if row.state == OPEN else None
    if task is not None:
        step = cfg.procedure.step(task.step)
        view["step"] = step.shown
        view["holder"] = cfg.directory.official(task.role).title
        view["state"] = ("Kami menunggu keterangan tambahan dari Anda; mohon sampaikan kepada petugas kami."
                         if row.paused_at else
                         "Pengaduan sedang ditangani." if row.confidential else doing(step).capitalize() + ".")
    elif row.state == OPEN:
        view["state"] = "Pengaduan sedang ditangani."
    return view


def letter_words(office: Office, row: Complaint) -> str:
    """Whether the answer letter is ready, and how it reaches the complainant."""
    letter = office.book.letters.current(row.id)
    if letter is None or letter.kind != "jawaban":
        return "Surat jawaban belum siap."
    tz = office.config.clock.tz
    if letter.dispatched_at:
        how = SENT.get(letter.dispatch_method or "", "disampaikan")
        return (f"Surat jawaban nomor {letter.number} telah {how} pada "
                f"{tanggal(parse_iso(letter.dispatched_at).astimezone(tz).date())}.")
    if row.email:
        return f"Surat jawaban nomor {letter.number} sudah siap dan akan dikirim ke alamat surel yang Anda berikan."
    desk = office.config.complaint_desk
    where = " ".join(x for x in (desk.counter or f"kantor {office.config.office_name}", desk.hours and f"({desk.hours})")
                     if x)
    return (f"Surat jawaban nomor {letter.number} sudah siap dan dapat diambil di {where} dengan menunjukkan nomor "
            f"pengaduan dan kode akses ini.")
