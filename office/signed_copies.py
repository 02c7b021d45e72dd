"""The signed copy of a letter signed outside the system, as it comes back: the JFU's reply to
the delivery task (a `basah` scan), and the desk's upload (a scan, or a TTE-signed PDF, which
office.tte checks). office.signing holds the rules, this module the ways in, and
office.after_signing what is sent on once the copy is filed."""

from __future__ import annotations

import datetime as dt

from office.after_signing import send_on
from office.base import Office, waiting_task
from office.signing import awaits_signed_copy, data_of, file_signed_copy, scan_pdf
from office.tte import tell_signed_copy_refused
from sop.book.records import Complaint, Letter, Task


def take_delivery_reply(office: Office, row: Complaint, task: Task, msg, event, now: dt.datetime) -> str | None:
    """The JFU's reply to the delivery task of a letter signed outside the system. With `basah`,
    the scan it carries (PDF or JPEG) is filed first. Returns None when the reply may act, else
    why it may not (the JFU has been told): a delivery before the signed copy is back."""
    from office.apply import decide
    from sop.engine import Delivered, awaits_delivery

    letter = office.book.letters.current(row.id)
    if not awaits_signed_copy(letter) or not awaits_delivery(row.case(waiting_task(office.book, row)), office.config.procedure):
        return None
    assert letter is not None  # awaits_signed_copy says so
    if letter.signing == "basah":
        pdf = scan_pdf([data_of(a) for a in msg.attachments])
        if pdf is not None:
            file_signed_copy(office, letter, pdf, f"dari {msg.from_addr} melalui balasan surel", msg.from_addr, now)
            return None
    if not any(isinstance(e, Delivered) for e in decide(office, row, event, now).effects):
        return None  # `Kembalikan:` and the like need no signed copy
    if letter.signing == "basah":
        reason = (f"Balasan Bapak/Ibu tidak melampirkan hasil pindaian surat nomor {letter.number} yang sudah "
                  f"ditandatangani dan dicap dinas (PDF atau JPEG), sehingga surat belum disampaikan.")
    else:
        reason = (f"Surat nomor {letter.number} belum kembali dengan tanda tangan elektronik penanda tangan, "
                  f"sehingga surat belum dapat disampaikan.")
    tell_signed_copy_refused(office, letter, reason, (office.holder(task.role, now).name, msg.from_addr), now, staff=False)
    return reason


def upload_signed(office: Office, letter_id: int, data: bytes, officer: str, now: dt.datetime) -> Letter:
    """The desk's upload of a signed copy (the scan, or the TTE-signed PDF). Returns the letter;
    raises Refused with the reason, which staff read on the page."""
    from office.commands import Refused
    from office.tte import accept_tte

    with office.book.transaction():
        letter = office.book.letters.get(letter_id)
        if not awaits_signed_copy(letter):
            raise Refused("Surat ini tidak sedang menunggu salinan bertanda tangan.")
        assert letter is not None
        how = f"diunggah petugas {officer} di meja layanan"
        if letter.signing == "basah":
            pdf = scan_pdf([data])
            if pdf is None:
                raise Refused("Hasil pindaian harus berupa berkas PDF atau JPEG.")
            filed = file_signed_copy(office, letter, pdf, how, f"petugas {officer}", now)
            send_on(office, filed, now)
            return filed
    reason = accept_tte(office, letter, data, how, f"petugas {officer}", None, now)
    if reason:
        raise Refused(reason)
    return office.book.letters.get(letter_id) or letter

