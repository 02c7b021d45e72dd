"""The files a mail carries: the signed letter (a PDF for the citizen), the konsep for the
signer, and the enclosures the answer came with."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from letters.mail import Attachment
from letters.pdf import pdf_of
from office.base import Office, safe_name
from sop.book.records import Complaint, Letter


def konsep_files(office: Office, row: Complaint, now: dt.datetime) -> tuple[Attachment, ...]:
    """The konsep for the signer: the Word file, and its PDF where LibreOffice can make one."""
    from office.issuing import render_konsep

    name = f"konsep-jawaban-{safe_name(row.number)}"
    data = render_konsep(office, row, now)
    files = [Attachment(filename=f"{name}.docx", data=data)]
    pdf = pdf_of(data) if office.config.letters.pdf else None
    if pdf:
        files.insert(0, Attachment(filename=f"{name}.pdf", data=pdf, maintype="application", subtype="pdf"))
    return (*files, *enclosures(office, row))


def citizen_letter_files(office: Office, row: Complaint) -> tuple[Attachment, ...]:
    """What the complainant receives: the signed letter as a PDF (never the editable .docx,
    which the office keeps), and the enclosures. Only an office that turned PDFs off
    (`[letters] pdf = false`) sends the Word file."""
    from office.issuing import letter_pdf

    letter = office.book.letters.current(row.id)
    assert letter is not None  # the delivery mail follows the letter
    if letter.signed_path:  # signed outside the system: the wet-signed scan, the TTE-signed PDF
        return (Attachment(filename=f"surat-jawaban-{safe_name(row.letter_number or '')}.pdf",
                           data=Path(letter.signed_path).read_bytes(), maintype="application", subtype="pdf"),
                *enclosures(office, row))
    if not office.config.letters.pdf:
        return letter_files(office, row)
    pdf = letter_pdf(office, letter)
    if letter.pdf_path != str(pdf):
        office.book.letters.set_pdf(letter.id, str(pdf))
    return (Attachment(filename=f"surat-jawaban-{safe_name(row.letter_number or '')}.pdf", data=pdf.read_bytes(),
                       maintype="application", subtype="pdf"), *enclosures(office, row))


def delivery_files(office: Office, row: Complaint, now: dt.datetime) -> tuple[tuple[Attachment, ...], str, str]:
    """What the delivery task carries and says, and how the letter is signed: the signed letter
    (`segel`); the print master to sign by hand (`basah`); for `tte`, word that it is being
    signed, then the signed PDF once it is back (office.signing)."""
    attachments = letter_files(office, row)
    note = f"Terlampir: surat jawaban nomor {row.letter_number}."
    letter = office.book.letters.current(row.id)
    if letter is None or letter.signing == "segel":
        return attachments, note, ""
    name = f"surat-jawaban-{safe_name(row.letter_number or '')}"
    if letter.signed_path:
        signed = Attachment(filename=f"{name}.pdf", data=Path(letter.signed_path).read_bytes(),
                            maintype="application", subtype="pdf")
        return ((signed, *attachments[1:]), f"Terlampir: surat jawaban nomor {row.letter_number} yang sudah "
                f"ditandatangani.", "")
    if letter.signing == "basah":
        return (attachments, f"Terlampir: naskah cetak surat jawaban nomor {row.letter_number} (bernomor dan "
                f"bertanggal, tanpa tanda tangan dan cap).",
                "Naskah terlampir ditandatangani basah: cetak, mintakan tanda tangan dan cap dinas, "
                "pindai, lalu balas surel ini dengan hasil pindaian (PDF atau JPEG) beserta cara penyampaiannya. "
                "Hasil pindaian itulah yang diarsipkan dan disampaikan kepada pengadu; tanpa hasil pindaian, "
                "balasan tidak dicatat sebagai penyampaian.")
    signer = office.holder(office.config.letters.signer_role, now)
    return (attachments[1:], "",
            f"Surat ini sedang ditandatangani secara elektronik (TTE) oleh {signer.title} {signer.name}. Surat yang "
            f"sudah ditandatangani dikirimkan kepada Bapak/Ibu melalui surel ini begitu diterima; sampaikan surat "
            f"kepada pengadu sesudah itu.")


def letter_files(office: Office, row: Complaint) -> tuple[Attachment, ...]:
    """The letter and its enclosures, as they go to the JFU and the complainant."""
    letter = Attachment(filename=f"surat-jawaban-{safe_name(row.letter_number or '')}.docx",
                        data=Path(row.letter_path or '').read_bytes())
    return (letter, *enclosures(office, row))


def enclosures(office: Office, row: Complaint) -> tuple[Attachment, ...]:
    """The files sent with the answer, as the letter's enclosures (lampiran)."""
    return enclosures_of(office, row, "lampiran_surat")


def enclosures_of(office: Office, row: Complaint, purpose: str) -> tuple[Attachment, ...]:
    """The complaint's kept files of one purpose, as a mail carries them (names made safe)."""
    return tuple(
        Attachment(filename=re.sub(r"[\\/\x00-\x1f]", "_", f["filename"]) or f"lampiran-{i}",
                   data=Path(f["path"]).read_bytes(),
                   maintype=f["content_type"].split("/")[0], subtype=f["content_type"].split("/")[-1])
        for i, f in enumerate(office.book.attachments.of(row.id, purpose), start=1) if f["path"])


def letter_copy(office: Office, letter: Letter) -> tuple[Attachment, ...]:
    """The surat pelimpahan as it is sent: to the competent body, and as the complainant's
    tembusan (the PDF, made once and recorded; the Word file where PDFs are off)."""
    name = f"surat-pelimpahan-{safe_name(letter.number)}"
    if letter.signed_path:  # signed outside the system: the wet-signed scan, the TTE-signed PDF
        return (Attachment(filename=f"{name}.pdf", data=Path(letter.signed_path).read_bytes(),
                           maintype="application", subtype="pdf"),)
    if not office.config.letters.pdf:
        return (Attachment(filename=f"{name}.docx", data=open(letter.path, "rb").read()),)
    from office.issuing import letter_pdf

    pdf = letter_pdf(office, letter)
    if letter.pdf_path != str(pdf):
        office.book.letters.set_pdf(letter.id, str(pdf))
    return (Attachment(filename=f"{name}.pdf", data=pdf.read_bytes(), maintype="application", subtype="pdf"),)


def complainant_copy(office: Office, row: Complaint) -> tuple[Attachment, ...]:
    """The tembusan of the surat pelimpahan for the complainant's mail: the letter as it went to
    the competent body (none while it waits for its number or its signature)."""
    letter = office.book.letters.current(row.id)
    return letter_copy(office, letter) if letter and letter.kind == "pelimpahan" and letter.dispatched_at else ()
