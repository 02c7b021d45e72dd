"""How the office signs its letters (`[letters] signing`), and the signed copy that comes back.

- `segel`: the letter carries the signature image and the office's Ed25519 seal (letters.seal);
  nothing comes back.
- `basah`: the numbered letter is a print master (no image, no seal); the JFU prints it, has it
  signed by hand and stamped with the cap dinas, scans it and returns the scan (PDF or JPEG)
  by replying to the delivery task or on the desk. The scan is the letter delivered and filed.
- `tte`: the unsigned PDF goes to the signer's TTE application (office.tte); the certified-signed
  PDF comes back and, once it verifies, is the letter delivered and filed.

Every letter the office sends goes this way, whatever its kind: the answer (its delivery task
carries the print master in `basah`), and the letters with no delivery task of their own (the
surat pelimpahan, a joined complaint's letter, a notice for the print queue, the undangan),
whose print master or PDF for TTE goes in a request of its own (office.tte.hand_off); each is
sent on once its signed copy is back (office.signed_copies.send_on).

Whatever the mode, the Word file stays the office's working copy. A letter that waits for its
signed copy is never delivered without it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import replace
from pathlib import Path

from intake.parse import Attachment
from office.base import Office
from sop.book.records import Complaint, Letter
from sop.files import write_private


class NotSigned(ValueError):
    """A delivery asked for before the letter's signed copy is back; the message says what to do."""


MODE_WORDS = {"segel": "segel kantor", "basah": "tanda tangan basah dan cap dinas",
              "tte": "tanda tangan elektronik tersertifikasi (TTE)"}


def awaits_signed_copy(letter: Letter | None) -> bool:
    """A letter (not void, not delivered) signed outside the system whose signed copy is not back."""
    return bool(letter and letter.signing != "segel" and not letter.signed_path and not letter.void
                and not letter.dispatched_at)


def signer_role_of(office: Office, letter: Letter) -> str:
    """The role whose holder signs the letter (a notice a.n. the head: the official who gave it)."""
    return letter.signer_role or office.config.letters.signer_role


def waiting_sentence(letter: Letter) -> str:
    """Why a letter signed outside the system cannot go yet, as staff and officials read it."""
    what = ("hasil pindaian surat yang ditandatangani basah dan dicap dinas" if letter.signing == "basah"
            else "surat yang sudah ditandatangani secara elektronik (TTE)")
    return f"Surat {letter.number} belum dapat disampaikan: unggah dahulu {what}."


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


def signed_copy_path(letter: Letter) -> Path:
    """Beside the letter's Word file in its archive folder: surat-jawaban-<number>-basah.pdf."""
    docx = Path(letter.path)
    return docx.with_name(f"{docx.stem}-{letter.signing}.pdf")


def file_signed_copy(office: Office, letter: Letter, pdf: bytes, how: str, by: str, now: dt.datetime) -> Letter:
    """File the signed copy (0600, in the letter's archive folder) and record its SHA-256 in the
    letters register, in the caller's transaction. Returns the letter as it now stands."""
    path = signed_copy_path(letter)
    write_private(path, pdf)
    digest = hashlib.sha256(pdf).hexdigest()
    office.book.letters.set_signed_copy(letter.id, str(path), digest, now)
    row = office.book.complaints.get(letter.complaint_id)
    office.book.events.add(row.id, now, row.step, by, "surat",
                          f"Surat {letter.number} dengan {MODE_WORDS[letter.signing]} diterima {how} dan "
                          f"diarsipkan (SHA-256 {digest}).")
    return replace(letter, signed_path=str(path), signed_sha256=digest)


def require_signed_copy(office: Office, row: Complaint) -> None:
    """Refuse to record the delivery of a letter whose signed copy has not come back (whatever
    asks: a reply, the desk, the command line). A joined complaint's own letter is signed as
    any other: it goes with its main one only once its own signed copy is back."""
    require_signed_letter(office.book.letters.current(row.id))


def require_signed_letter(letter: Letter | None) -> None:
    """Refuse to send or record as sent a letter (of any kind) whose signed copy is not back."""
    if awaits_signed_copy(letter):
        assert letter is not None
        raise NotSigned(waiting_sentence(letter))
