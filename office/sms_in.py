"""SMS in through the office's own gateway (Gammu SMSD): the job that takes what the gateway
received, and what each SMS does.

`receive_sms` skips a message whose gateway key (its file name, or its row ID) the book already
holds, and otherwise handles and records it in one transaction; the gateway sets it aside only
after the commit, so an SMS is recorded once. `STATUS <nomor> <kode>` is answered by SMS with
the state only; from the number of a complaint whose answer was delivered with our SMS asking
for their word, PUAS / TIDAK PUAS: ... / 1-4 acts as the email reply does (office.apply, the
engine's Feedback); anything else from the number of an open (or answered) complaint is an
addition; `ADUAN ...` from another number is a new complaint (channel `sms`), acknowledged by
SMS; anything else is answered, a few times an hour at most, with how to complain.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging

from intake.citizen import asks_status
from intake.sms_gateway import Received, normal_phone, read_sms, subject_of
from office.access import access_code
from office.access import answer_due as expected_answer
from office.apply import act
from office.arrivals import INFRASTRUCTURE
from office.base import Office
from office.notices import alert_staff
from office.recording import NewComplaint, add_addition, record_complaint
from office.sms import date_words, queue_sms
from office.sms_io import gateway_of
from office.sms_texts import render_sms
from office.status import WRONG_PER_HOUR, doing
from sop.book import parse_iso
from sop.book.records import Complaint
from sop.engine import SYSTEM, Feedback
from sop.terms import ANSWERED, OPEN, state_words

log = logging.getLogger(__name__)
HOUR = dt.timedelta(hours=1)


# The reader --------------------------------------------------------------------------------
def receive_sms(office: Office, now: dt.datetime) -> int:
    """Handle every SMS the gateway received that the book does not hold yet; returns how many."""
    if not office.config.sms.enabled:
        return 0
    gateway = gateway_of(office.config.sms)
    handled = 0
    for message in gateway.received():
        if office.book.sms.has(message.key):
            gateway.done(message)  # recorded before a crash, not yet set aside
            continue
        try:
            with office.book.transaction():
                kind, complaint_id, note = handle_sms(office, message, now)
                office.book.sms.record(message.key, received_at=now, phone=normal_phone(message.phone) or message.phone,
                                       text=message.text, kind=kind, complaint_id=complaint_id, note=note)
        except INFRASTRUCTURE:  # our own storage failed, not the message: the job runs again next tick
            raise
        except Exception as exc:
            if not _failed(office, message, exc, now):
                continue
        gateway.done(message)
        handled += 1
    return handled


def _failed(office: Office, message: Received, exc: Exception, now: dt.datetime) -> bool:
    """Count a failure; after `[intake] quarantine_after` the SMS is recorded as quarantined
    (True: set it aside) and staff are told; before that it is tried again next run."""
    log.exception("SMS %s tidak dapat diproses", message.key)
    with office.book.transaction():
        attempts = office.book.messages.record_failure(f"sms:{message.key}", str(exc), now)
        if attempts < office.config.intake.quarantine_after:
            return False
        office.book.sms.record(message.key, received_at=now, phone=message.phone, text=message.text,
                               kind="karantina", complaint_id=None, note=f"gagal {attempts}x: {exc}")
        alert_staff(office, None, "karantina", now, sender=f"SMS {message.phone}", subject="(SMS)", error=str(exc),
                    folder="diproses (gateway SMS)")
    return True


def handle_sms(office: Office, message: Received, now: dt.datetime) -> tuple[str, int | None, str]:
    """What one SMS does; returns what the book records of it: its kind, complaint and a note."""
    phone = normal_phone(message.phone)
    if phone is None:
        return "tidak_terbaca", None, "nomor pengirim tidak terbaca; tidak ada tindakan"
    request = read_sms(message.text)
    if request.kind == "status":
        return answer_status(office, phone, request.number, request.code, now)
    mine = [r for r in office.book.sms.complaints_with_phone((OPEN, ANSWERED)) if normal_phone(r.phone) == phone]
    if mine and asks_status(message.text):  # "STATUS" from the complainant's own number: no code needed
        return tell_state(office, mine[0], phone, now, "dari nomor pengadu")
    if mine:
        return from_complainant(office, mine, phone, message.text.strip(), now)
    if request.kind == "aduan" and request.body:
        row = record_complaint(office, NewComplaint(
            channel="sms", name="", email=None, phone=phone, subject=subject_of(request.body), body=request.body,
            sender=f"tel:{phone}", note=f"Diterima melalui SMS dari {phone}."), now)  # as the public form keys a phone
        log.info("pengaduan %s dicatat dari SMS %s", row.number, phone)
        return "aduan", row.id, f"dicatat sebagai {row.number}"
    return "tidak_dikenal", None, "bukan pengaduan; " + help_once_a_day(office, phone, now)


def help_once_a_day(office: Office, phone: str, now: dt.datetime) -> str:
    """How to complain, to a number we do not know, once a day at most: whoever sends from many
    numbers makes the office send one SMS to each, never a stream to one."""
    if office.book.sms.count_to(phone, ("bantuan",), now - dt.timedelta(days=1)):
        return "tidak dibalas (cara mengadu sudah dikirim hari ini)"
    text = render_sms("bantuan", {"office": office.config.sms.name})
    return "dibalas cara mengadu" if queue_sms(office, None, "bantuan", phone, text or "", now) else \
        "tidak dibalas (batas per jam)"


def from_complainant(office: Office, mine: list[Complaint], phone: str, text: str, now: dt.datetime) -> tuple[str, int, str]:
    """An SMS from a complainant's number: their word on the answer delivered with our SMS asking
    for it (as a reply to our mail would), else an addition to their newest open complaint."""
    asked = [r for r in mine if r.state == ANSWERED and
             any(s["kind"] == "surat_jawaban" and s["phone"] == phone for s in office.book.sms.of(r.id))]
    for row in asked:
        _, outcome = act(office, row, Feedback(f"pengadu (SMS {phone})", text), now)
        if outcome.acted:
            log.info("%s: tanggapan pengadu atas jawaban dicatat dari SMS", row.number)
            return "tanggapan", row.id, "tanggapan pengadu atas jawaban"
    row = next((r for r in mine if r.state == OPEN), mine[0])
    add_addition(office, row, f"pengadu (SMS {phone})", text, 0, now)
    return "tambahan", row.id, "keterangan tambahan dari pengadu"


def answer_status(office: Office, phone: str, number: str, code: str, now: dt.datetime) -> tuple[str, int | None, str]:
    """`STATUS <nomor> <kode>` by SMS: the state, in plain words, to the sender when the code is
    right and neither the number nor the complaint had `WRONG_PER_HOUR` wrong codes in the hour."""
    book = office.book
    row = book.complaints.by_number(number)
    since = now - HOUR
    locked = (book.sms.count_from(phone, "kode_salah", since) >= WRONG_PER_HOUR or
              (row is not None and wrong_codes_about(office, row, since) >= WRONG_PER_HOUR))
    right = row is not None and hmac.compare_digest(code.encode(), access_code(office, row).encode())
    if not right:
        if book.sms.count_from(phone, "kode_salah", since) + 1 == WRONG_PER_HOUR:
            alert_staff(office, row, "kode_akses_salah", now, sender=f"SMS {phone}", limit=WRONG_PER_HOUR,
                        by_number=False)
        return "kode_salah", row.id if row else None, "permintaan status dengan nomor atau kode akses yang salah"
    assert row is not None
    if locked:
        return "status", row.id, "permintaan status; ditahan (terlalu banyak kode salah)"
    return tell_state(office, row, phone, now, "dengan kode akses")


def wrong_codes_about(office: Office, row: Complaint, since: dt.datetime) -> int:
    """Wrong codes for one complaint in the hour, by SMS, by mail and on the status page together:
    a guesser gains nothing by changing the way they ask."""
    book = office.book
    by_mail = sum(1 for w in book.messages.wrong_codes_since(since) if w["complaint_id"] == row.id)
    return book.sms.wrong_codes_about(row.id, since) + by_mail + book.public.wrong_codes("", row.number, since)[1]


def tell_state(office: Office, row: Complaint, phone: str, now: dt.datetime, how: str) -> tuple[str, int, str]:
    """The state by SMS (within the hourly limit of automatic replies), and a line in the history."""
    text = render_sms("status", {"office": office.config.sms.name, "number": row.number,
                                 "state": status_words(office, row),
                                 "due": date_words(office, expected_answer(office, parse_iso(row.received_at)))})
    told = queue_sms(office, row, "status", phone, text or "", now)
    office.book.events.add(row.id, now, row.step, SYSTEM, "status", f"Status ditanyakan {how} melalui SMS dari "
                          f"{phone}; " + ("dijawab otomatis (hanya keadaannya)." if told else
                                         "tidak dijawab (batas per jam)."))
    return "status", row.id, f"permintaan status {how}"


def status_words(office: Office, row: Complaint) -> str:
    """The state as a stranger with the code may read it: never the pokok, the text or a name."""
    task = office.book.tasks.current(row.id) if row.state == OPEN else None
    if task is None:
        return state_words(row.state)
    step = office.config.procedure.step(task.step)
    what = "pengaduan sedang ditangani" if row.confidential else doing(step)
    return f"{what} (langkah {step.shown} dari {office.config.procedure.main_steps})"
