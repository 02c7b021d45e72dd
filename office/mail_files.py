"""What a mail carries, decided here alone: what the citizen receives (the signed letter as a
PDF, never the editable Word file), the copy of a surat pelimpahan or an undangan, the konsep
for the signer, and the enclosures the answer came with.

Nothing here makes a PDF: a letter's PDF is read from its record in the letters register; a
PDF not made yet is named in `awaits`, and the mail waits in the outbox until the PDF job
(office.letter_pdfs, after the commit) has added it. The rule, for every kind of letter:
its signed copy when it was signed outside the system (a wet-signed scan, a TTE-signed PDF);
else its PDF; else, only where this office makes no PDF (`[letters] pdf = false`, or no
LibreOffice on the server), its Word file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from letters.mail import Attachment
from letters.pdf import libreoffice
from office.base import Office, safe_name
from sop.book.records import Complaint, Letter


@dataclass(frozen=True)
class MailFiles:
    """The files a mail carries now, and the PDFs it waits for (each {"letter": id} or
    {"docx": name of a Word file it carries}, with the "filename" it goes under), which the
    PDF job puts first, right after the text."""

    ready: tuple[Attachment, ...] = ()
    awaits: tuple[dict, ...] = ()

    def __add__(self, more: tuple[Attachment, ...]) -> MailFiles:
        return MailFiles((*self.ready, *more), self.awaits)


def letters_as_pdf(office: Office) -> bool:
    """Whether this office's letters go as PDFs: `[letters] pdf` on and LibreOffice installed."""
    return office.config.letters.pdf and libreoffice() is not None


def pdf(name: str, data: bytes) -> Attachment:
    return Attachment(filename=name, data=data, maintype="application", subtype="pdf")


def sent_letter(office: Office, letter: Letter, name: str) -> MailFiles:
    """A registered letter as any mail carries it, by the one rule above (`name`: its file name
    without the extension)."""
    if letter.signed_path:  # signed outside the system: the wet-signed scan, the TTE-signed PDF
        return MailFiles((pdf(f"{name}.pdf", Path(letter.signed_path).read_bytes()),))
    if not letters_as_pdf(office):
        return MailFiles((Attachment(filename=f"{name}.docx", data=Path(letter.path).read_bytes()),))
    if letter.pdf_path and Path(letter.pdf_path).exists():
        return MailFiles((pdf(f"{name}.pdf", Path(letter.pdf_path).read_bytes()),))
    return MailFiles(awaits=({"letter": letter.id, "filename": f"{name}.pdf"},))


def konsep_files(office: Office, row: Complaint, now: dt.datetime) -> MailFiles:
    """The konsep for the signer: the Word file, and its PDF (made by the PDF job from the Word
    file the mail carries) where this office makes PDFs."""
    from office.issuing import render_konsep

    name = f"konsep-jawaban-{safe_name(row.number)}"
    files = MailFiles((Attachment(filename=f"{name}.docx", data=render_konsep(office, row, now)),))
    if letters_as_pdf(office):
        files = MailFiles(files.ready, ({"docx": f"{name}.docx", "filename": f"{name}.pdf"},))
    return files + enclosures(office, row)


def citizen_letter_files(office: Office, row: Complaint) -> MailFiles:
    """What the complainant receives with the answer: the letter by the one rule above, and the
    enclosures."""
    letter = office.book.letters.current(row.id)
    assert letter is not None  # the delivery mail follows the letter
    return sent_letter(office, letter, f"surat-jawaban-{safe_name(row.letter_number or '')}") + enclosures(office, row)


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


def letter_copy(office: Office, letter: Letter) -> MailFiles:
    """The surat pelimpahan as it is sent: to the competent body, and as the complainant's tembusan."""
    return sent_letter(office, letter, f"surat-pelimpahan-{safe_name(letter.number)}")


def complainant_copy(office: Office, row: Complaint) -> MailFiles | None:
    """The tembusan of the surat pelimpahan for the complainant's mail: the letter as it went to
    the competent body (None while it waits for its number or its signature)."""
    letter = office.book.letters.current(row.id)
    return letter_copy(office, letter) if letter and letter.kind == "pelimpahan" and letter.dispatched_at else None


def undangan_copy(office: Office, letter: Letter) -> MailFiles:
    """The undangan as it is sent to each participant."""
    return sent_letter(office, letter, f"surat-undangan-{safe_name(letter.number)}")
