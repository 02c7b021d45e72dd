"""The reply letter (surat jawaban pengaduan): plain data in, .docx bytes out.

Rendered from the Word template by the letter press (letters.press: docxtpl's template
language, compiled once per template, letterhead and signer), autoescaped: complaint and
answer text are values, so `{{ ... }}` or `<w:t>` written by a citizen stays literal text.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from letters.dates import tanggal
from letters.model import LetterData, Letterhead, Signer  # noqa: F401 (their home for most callers)
from letters.press import PAPER, QR_MARK, TEXT_MARK, LetterPress, is_seal_text  # noqa: F401
from letters.seal import Seal
from sop.terms import CHANNEL_IN_LETTER
from templates import TEMPLATES

DEFAULT_TEMPLATE = TEMPLATES / "surat" / "jawaban.docx"


@dataclass(frozen=True)
class RenderedLetter:
    data: bytes
    sha256: str
    seal: Seal | None = None


def _lampiran(count: int) -> str:
    return f"{count} ({terbilang(count)}) berkas" if count else "-"


UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas")


def terbilang(n: int) -> str:
    """A count in Indonesian words, as a letter writes its lampiran: 7 -> "tujuh", 21 -> "dua puluh satu"."""
    if n < 12:
        return UNITS[n] or "nol"
    if n < 20:
        return f"{UNITS[n - 10]} belas"
    if n < 100:
        return f"{UNITS[n // 10]} puluh" + (f" {UNITS[n % 10]}" if n % 10 else "")
    if n < 200:
        return "seratus" + (f" {terbilang(n - 100)}" if n > 100 else "")
    if n < 1000:
        return f"{UNITS[n // 100]} ratus" + (f" {terbilang(n % 100)}" if n % 100 else "")
    return str(n)


LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-zA-Z][.)]|[-•*])\s+")


def answer_paragraphs(answer: str) -> list[str]:
    """The official's answer as the letter's paragraphs: blank lines separate paragraphs, and
    the lines of a numbered or bulleted list stay one paragraph each (other line breaks are
    the mail app's wrapping and join with a space)."""
    out: list[str] = []
    for block in answer.split("\n\n"):
        current: list[str] = []
        for line in block.split("\n"):
            if LIST_ITEM.match(line) and current:
                out.append(" ".join(current))
                current = []
            if line.strip():
                current.append(line.strip())
        if current:
            out.append(" ".join(current))
    return out


def _forwarding(letter: LetterData, subject: str, note: list[str]) -> dict:
    """The body of a surat pelimpahan: the complaint handed to the body whose remit it is."""
    return {
        "opening": (f"Bersama ini kami sampaikan pengaduan {letter.complainant} tanggal "
                    f"{tanggal(letter.complaint_date)} melalui {CHANNEL_IN_LETTER.get(letter.channel, letter.channel)} "
                    f"yang tercatat pada kami dengan nomor {letter.complaint_number} perihal {subject}. Setelah kami "
                    f"telaah, pengaduan tersebut merupakan kewenangan {letter.competent_body}, sehingga kami "
                    f"limpahkan untuk ditindaklanjuti sesuai ketentuan peraturan perundang-undangan."
                    + (" Catatan kami sebagai berikut:" if note else "")),
        "answer": note,
        "recourse": ("Isi pengaduan dan lampirannya kami sampaikan bersama surat ini. Kami mohon tanggapan atas "
                     "pengaduan tersebut disampaikan kepada pengadu, dengan tembusan kepada kami melalui balasan "
                     "surel pengantar surat ini."),
        "closing": "Demikian kami sampaikan. Atas perhatian dan kerja samanya, kami ucapkan terima kasih.",
    }


def _opening(letter: LetterData, subject: str) -> str:
    return (f"Menindaklanjuti pengaduan {letter.you} tanggal {tanggal(letter.complaint_date)} melalui "
            f"{CHANNEL_IN_LETTER.get(letter.channel, letter.channel)} yang tercatat dengan nomor "
            f"{letter.complaint_number} perihal {subject}, ")


def _asking(letter: LetterData, subject: str, what: list[str]) -> dict:
    """A notice to a complainant without email: what is missing (`Lengkapi:`)."""
    return {
        "opening": _opening(letter, subject) + "kami memerlukan keterangan sebagai berikut:",
        "answer": what,
        "recourse": (f"Mohon keterangan tersebut {letter.you} sampaikan kepada kami secara langsung, melalui "
                     f"telepon, atau melalui surat dalam waktu {letter.days} ({terbilang(letter.days)}) hari kerja "
                     "sejak surat ini diterima. Apabila dalam waktu tersebut kami tidak menerima keterangan "
                     f"dimaksud, pengaduan ini kami tutup; {letter.you} tetap dapat menyampaikan pengaduan kembali."),
        "closing": f"Demikian kami sampaikan. Atas perhatian {letter.you}, kami ucapkan terima kasih.",
    }


def _extending(letter: LetterData, subject: str, reason: list[str]) -> dict:
    """A notice to a complainant without email: the deadline extended (`Perpanjang:`)."""
    due = f" Keputusan tindak lanjut kami sampaikan paling lambat {tanggal(letter.due_date)}." if letter.due_date else ""
    return {
        "opening": _opening(letter, subject) + (f"dengan ini kami sampaikan bahwa waktu penanganannya kami perpanjang "
                                                f"{letter.days} ({terbilang(letter.days)}) hari kerja dengan alasan "
                                                f"sebagai berikut:"),
        "answer": reason,
        "recourse": "Pengaduan tersebut tetap kami tangani." + due,
        "closing": f"Demikian kami sampaikan. Atas pengertian {letter.you}, kami ucapkan terima kasih.",
    }


def _forwarded(letter: LetterData, subject: str, body: list[str]) -> dict:
    """A notice to a complainant without email: their complaint went to the competent body."""
    where = " ".join(body)
    return {
        "opening": _opening(letter, subject) + (f"dengan ini kami sampaikan bahwa pengaduan tersebut merupakan "
                                                f"kewenangan {where}, sehingga telah kami limpahkan kepada {where} "
                                                "dengan surat resmi untuk ditindaklanjuti."),
        "answer": [],
        "recourse": f"Tanggapan dari {where} yang disampaikan kepada kami akan kami teruskan kepada {letter.you}.",
        "closing": f"Demikian kami sampaikan. Atas perhatian {letter.you}, kami ucapkan terima kasih.",
    }


def _objection_closed(letter: LetterData, subject: str, reason: list[str]) -> dict:
    """A notice to a complainant without email: their objection was decided without a new answer."""
    return {
        "opening": _opening(letter, subject) + (f"keberatan {letter.you} atas jawaban kami telah ditelaah oleh "
                                                "pimpinan. Jawaban yang telah disampaikan tetap berlaku, dengan "
                                                "alasan sebagai berikut:"),
        "answer": reason,
        "recourse": (f"Apabila {letter.you} masih berkeberatan, {letter.you} dapat menyampaikannya melalui "
                     "SP4N-LAPOR! (www.lapor.go.id) atau kepada Ombudsman Republik Indonesia."),
        "closing": f"Demikian kami sampaikan. Atas perhatian {letter.you}, kami ucapkan terima kasih.",
    }


NOTICE_BODIES = {"pelimpahan": _forwarding, "kelengkapan": _asking, "perpanjangan": _extending,
                 "dilimpahkan": _forwarded, "keberatan": _objection_closed}


def letter_context(letter: LetterData, head: Letterhead, signer: Signer) -> dict:
    answer = answer_paragraphs(letter.answer)
    subject = letter.complaint_subject.strip() or "pelayanan publik"
    return {
        "kop": {"parent": head.parent.upper(), "name": head.name.upper(), "lines": list(head.lines)},
        "letter": {"number": letter.number, "place": letter.place, "date": tanggal(letter.date),
                   "sifat": letter.sifat, "lampiran": _lampiran(letter.attachments), "hal": letter.hal},
        "to": {"name": letter.addressee, "place": letter.addressee_place},
        "body": NOTICE_BODIES[letter.kind](letter, subject, answer) if letter.kind in NOTICE_BODIES else {
            "opening": (f"Menindaklanjuti pengaduan {letter.you} tanggal {tanggal(letter.complaint_date)} "
                        f"melalui {CHANNEL_IN_LETTER.get(letter.channel, letter.channel)} yang tercatat dengan "
                        f"nomor {letter.complaint_number} perihal {subject}, bersama ini kami "
                        f"sampaikan hal-hal sebagai berikut:"),
            "answer": answer,
            "recourse": (f"Apabila {letter.you} belum puas atas tindak lanjut ini, {letter.you} dapat "
                         "menyampaikannya kembali kepada kami atau melalui SP4N-LAPOR! (www.lapor.go.id)."),
            "closing": f"Demikian kami sampaikan. Atas perhatian {letter.you}, kami ucapkan terima kasih.",
        },
        "signer": {"title": signer.title.upper(), "name": signer.name, "nip": signer.nip,
                   "rank": signer.rank, "delegation": signer.delegation},
        "tembusan": list(letter.tembusan),
        "signing_note": letter.signing_note,
    }


def render_letter(letter: LetterData, head: Letterhead, signer: Signer,
                  template: Path = DEFAULT_TEMPLATE,
                  sealer: Callable[[list[str]], Seal] | None = None,
                  paper: str = "A4") -> RenderedLetter:
    """Render the letter; with `sealer`, seal the rendered body and put the seal in the footer."""
    press = _press(Path(template), head, signer, sealer is not None, paper, _stamp(template),
                   _stamp(head.emblem), _stamp(signer.signature_image))
    data, the_seal = press.press(letter_context(letter, head, signer), sealer)
    return RenderedLetter(data=data, sha256=hashlib.sha256(data).hexdigest(), seal=the_seal)


def _stamp(path: Path | None) -> int | None:
    """A file's modification time: a changed template, emblem or signature makes a new press."""
    return Path(path).stat().st_mtime_ns if path else None


@functools.lru_cache(maxsize=16)
def _press(template: Path, head: Letterhead, signer: Signer, sealed: bool, paper: str, *stamps) -> LetterPress:
    return LetterPress(template, head, signer, sealed=sealed, paper=paper)


_is_seal = is_seal_text


def _cells(doc):
    """Every table cell of the body (cells of merged spans once)."""
    for table in doc.tables:
        seen = []  # the elements themselves: holding them keeps their identity stable
        for row in table.rows:
            for cell in row.cells:
                if not any(cell._tc is tc for tc in seen):
                    seen.append(cell._tc)
                    yield cell


def body_text(doc) -> str:
    """The text the seal covers: the body's paragraphs and table cells, less the seal itself.

    Headers and footers are not covered: a PDF repeats them on every page. The default
    template has none; an office that adds some should keep them free of letter content.
    """
    parts = [p.text for p in doc.paragraphs]
    parts.extend(cell.text for cell in _cells(doc) if not _is_seal(cell.text))
    return "\n".join(parts)


def letter_text(path_or_bytes: Path | bytes) -> str:
    """All paragraph, table and footer text of a .docx, for checks and search."""
    from docx import Document

    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    doc = Document(source)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)
