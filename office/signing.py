"""How the office signs its letters (`[letters] signing`), and the signed copy that comes back.

- `segel`: the letter carries the signature image and the office's Ed25519 seal (letters.seal);
  nothing comes back.
- `basah`: the numbered letter is a print master (no image, no seal); the JFU prints it, has it
  signed by hand and stamped with the cap dinas, scans it and returns the scan (PDF or JPEG)
  by replying to the delivery task or on the desk. The scan is the letter delivered and filed.
- `tte`: the unsigned PDF goes to the signer's TTE application (office.tte); the certified-signed
  PDF comes back and, once it verifies, is the letter delivered and filed.

Whatever the mode, the Word file stays the office's working copy. A letter that waits for its
signed copy is never delivered without it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

from intake.parse import Attachment
from office.base import Office, recipient
from office.notices import alert_staff, base_context, queue
from sop.engine import SYSTEM
from sop.files import write_private

MODE_WORDS = {"segel": "segel kantor", "basah": "tanda tangan basah dan cap dinas",
              "tte": "tanda tangan elektronik tersertifikasi (TTE)"}


def awaits_signed_copy(letter: dict | None) -> bool:
    """A letter (not void, not delivered) signed outside the system whose signed copy is not back."""
    return bool(letter and letter["signing"] != "segel" and not letter["signed_path"] and not letter["void"]
                and not letter["dispatched_at"])


def data_of(attachment: Attachment) -> bytes:
    """An attachment's bytes, read from its staging file when the parse-ahead worker wrote it there."""
    if attachment.data or not attachment.staged:
        return attachment.data
    return Path(attachment.staged).read_bytes()


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def is_jpeg(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff"


def scan_pdf(files: list[bytes]) -> bytes | None:
    """A scan as the PDF that is filed and delivered: the first PDF; else the JPEG pages joined
    into one PDF, in the order sent; None when there is neither."""
    pdf = next((data for data in files if is_pdf(data)), None)
    if pdf is not None:
        return pdf
    pages = [data for data in files if is_jpeg(data)]
    if not pages:
        return None
    from PIL import Image

    images = [Image.open(io.BytesIO(data)).convert("RGB") for data in pages]
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=150.0, save_all=True, append_images=images[1:])
    return out.getvalue()


def signed_copy_path(letter: dict) -> Path:
    """Beside the letter's Word file in its archive folder: surat-jawaban-<number>-basah.pdf."""
    docx = Path(letter["path"])
    return docx.with_name(f"{docx.stem}-{letter['signing']}.pdf")


def file_signed_copy(office: Office, letter: dict, pdf: bytes, how: str, by: str, now: dt.datetime) -> dict:
    """File the signed copy (0600, in the letter's archive folder) and record its SHA-256 in the
    letters register, in the caller's transaction. Returns the letter as it now stands."""
    path = signed_copy_path(letter)
    write_private(path, pdf)
    digest = hashlib.sha256(pdf).hexdigest()
    office.book.set_signed_copy(letter["id"], str(path), digest, now)
    row = office.book.complaint_by_id(letter["complaint_id"])
    office.book.add_event(row["id"], now, row["step"], by, "surat",
                          f"Surat {letter['number']} dengan {MODE_WORDS[letter['signing']]} diterima {how} dan "
                          f"diarsipkan (SHA-256 {digest}).")
    return {**letter, "signed_path": str(path), "signed_sha256": digest}


def tell_refused(office: Office, letter: dict, reason: str, sender: tuple[str, str] | None, now: dt.datetime,
                 *, staff: bool = True) -> None:
    """A signed copy not taken: one sentence to the sender (when known) and to staff."""
    row = office.book.complaint_by_id(letter["complaint_id"])
    context = base_context(office, row, None)
    context.update(letter_number=letter["number"], reason=reason, mode=MODE_WORDS[letter["signing"]])
    if sender:
        context["recipient"] = {"title": "", "name": sender[0], "email": sender[1]}
        from letters.mail import render_mail

        queue(office, row, "tanda_tangan_ditolak", [sender], render_mail("tanda_tangan_ditolak", **context), now)
    office.book.add_event(row["id"], now, row["step"], SYSTEM, "catatan",
                          f"Surat {letter['number']} bertanda tangan tidak diterima: {reason}")
    if staff:
        alert_staff(office, row, "tanda_tangan_ditolak_staf", now, letter_number=letter["number"], reason=reason,
                    mode=MODE_WORDS[letter["signing"]])


def official_sender(office: Office, role: str, now: dt.datetime) -> tuple[str, str]:
    holder = recipient(office.holder(role, now))
    return holder["name"], holder["email"]


def take_delivery_reply(office: Office, row: dict, task: dict, msg, event, now: dt.datetime) -> str | None:
    """The JFU's reply to the delivery task of a letter signed outside the system. With `basah`,
    the scan it carries (PDF or JPEG) is filed first. Returns None when the reply may act, else
    why it may not (the JFU has been told): a delivery before the signed copy is back."""
    from office.apply import decide
    from sop.engine import Delivered, awaits_delivery

    letter = office.book.current_letter(row["id"])
    if not awaits_signed_copy(letter) or not awaits_delivery(office.case(row), office.config.procedure):
        return None
    assert letter is not None  # awaits_signed_copy says so
    if letter["signing"] == "basah":
        pdf = scan_pdf([data_of(a) for a in msg.attachments])
        if pdf is not None:
            file_signed_copy(office, letter, pdf, f"dari {msg.from_addr} melalui balasan surel", msg.from_addr, now)
            return None
    if not any(isinstance(e, Delivered) for e in decide(office, row, event, now).effects):
        return None  # `Kembalikan:` and the like need no signed copy
    if letter["signing"] == "basah":
        reason = (f"Balasan Bapak/Ibu tidak melampirkan hasil pindaian surat nomor {letter['number']} yang sudah "
                  f"ditandatangani dan dicap dinas (PDF atau JPEG), sehingga surat belum disampaikan.")
    else:
        reason = (f"Surat nomor {letter['number']} belum kembali dengan tanda tangan elektronik penanda tangan, "
                  f"sehingga surat belum dapat disampaikan.")
    tell_refused(office, letter, reason, (office.holder(task["role"], now).name, msg.from_addr), now, staff=False)
    return reason


def require_signed_copy(office: Office, row: dict) -> None:
    """Refuse to record the delivery of a letter whose signed copy has not come back (the desk's
    and the command line's dispatch). A joined complaint's own letter goes with its main one."""
    from office.commands import Refused

    letter = office.book.current_letter(row["id"])
    if awaits_signed_copy(letter) and not row.get("linked_to"):
        assert letter is not None
        what = ("hasil pindaian surat yang ditandatangani basah dan dicap dinas" if letter["signing"] == "basah"
                else "surat yang sudah ditandatangani secara elektronik (TTE)")
        raise Refused(f"Surat {letter['number']} belum dapat disampaikan: unggah dahulu {what}.")


def upload_signed(office: Office, letter_id: int, data: bytes, officer: str, now: dt.datetime) -> dict:
    """The desk's upload of a signed copy (the scan, or the TTE-signed PDF). Returns the letter;
    raises Refused with the reason, which staff read on the page."""
    from office.commands import Refused
    from office.tte import accept_tte

    with office.book.transaction():
        letter = office.book.letter_by_id(letter_id)
        if not awaits_signed_copy(letter):
            raise Refused("Surat ini tidak sedang menunggu salinan bertanda tangan.")
        assert letter is not None
        how = f"diunggah petugas {officer} di meja layanan"
        if letter["signing"] == "basah":
            pdf = scan_pdf([data])
            if pdf is None:
                raise Refused("Hasil pindaian harus berupa berkas PDF atau JPEG.")
            return file_signed_copy(office, letter, pdf, how, f"petugas {officer}", now)
    reason = accept_tte(office, letter, data, how, f"petugas {officer}", None, now)
    if reason:
        raise Refused(reason)
    return office.book.letter_by_id(letter_id) or letter
