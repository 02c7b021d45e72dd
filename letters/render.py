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
from letters.invitation import inviting
from letters.model import LetterData, Letterhead, Signer  # noqa: F401 (their home for most callers)
from letters.press import PAPER, QR_MARK, TEXT_MARK, LetterPress, is_seal_text  # noqa: F401
from letters.seal import Seal
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


# How the opening sentence says the complaint came (B5: "yang disampaikan … pada tanggal …").
CHANNEL_PHRASE = {"email": "melalui surat elektronik (surel)", "langsung": "secara langsung di kantor kami",
                  "telepon": "melalui telepon", "surat": "melalui surat", "lapor": "melalui SP4N-LAPOR!",
                  "web": "melalui formulir pengaduan di laman kantor kami", "sms": "melalui SMS"}

# First words of a perihal that head a name when a capitalised word follows ("Jalan Nangka",
# "Dinas PUPR", "Pasar Pagi"), and names that are always names.
NAME_HEADS = frozenset("""jalan jl jl. gang gg gg. kelurahan kecamatan kota kabupaten provinsi dinas badan kantor
    pasar puskesmas sungai masjid gereja sd smp sma smk bapak ibu pak bu sdr. sdri. camat lurah wali pemerintah
    perumahan kampung desa pt cv""".split())
ALWAYS_NAMES = frozenset("samarinda palaran indonesia kalimantan".split())


def in_sentence(text: str) -> str:
    """`text` as it continues a sentence: its first letter lower-cased when its first word is
    an ordinary capitalised word ("Lampu jalan padam" -> "lampu jalan padam", "Jalan
    berlubang" -> "jalan berlubang"); an acronym (PJU, KTP), a word with capitals or digits
    inside, or the head of a name ("Jalan Nangka rusak", "Dinas PUPR lambat") stays."""
    text = text.strip()
    words = text.split(maxsplit=2)
    bare = words[0].rstrip(",.;:").lower() if words else ""
    following = words[1] if len(words) > 1 else ""
    if (not words or not words[0][0].isupper() or not words[0].rstrip(",.;:")[1:].islower() and len(bare) > 1
            or bare in ALWAYS_NAMES
            or bare in NAME_HEADS and (following[:1].isupper() or following[:1].isdigit())):
        return text
    return text[0].lower() + text[1:]


def numbered(points: list[str]) -> list[str]:
    """Two or more points numbered 1., 2., …, unless the official typed their own list."""
    if len(points) < 2 or any(LIST_ITEM.match(p) for p in points):
        return points
    return [f"{i}. {p}" for i, p in enumerate(points, 1)]


def _tell(one: str, many: str, points: list[str], none: str = "") -> tuple[str, list[str]]:
    """The end of an opening sentence and the points after it: "sebagai berikut:" and numbered
    points for two or more; one point joins the sentence (`one` + the point)."""
    if len(points) >= 2:
        return f"{many} sebagai berikut:", numbered(points)
    if points:
        point = LIST_ITEM.sub("", points[0], count=1)
        point = re.sub(r"^bahwa\s+", "", point, flags=re.IGNORECASE)
        return f"{one} {in_sentence(point)}".rstrip(), []
    return none or one.rstrip() + ".", []


def answer_points(paragraphs: list[str]) -> tuple[str, list[str]]:
    """How an answer's paragraphs stand in the letter: the end of its opening sentence, and the
    points after it (numbered when two or more)."""
    return _tell("bahwa", "hal-hal", paragraphs, none="bahwa pengaduan tersebut telah kami tindak lanjuti.")


def points_of(paragraphs: list[str]) -> list[dict]:
    """The template's view of the points: each with whether it is a list item (hanging indent)."""
    return [{"text": p, "listed": bool(LIST_ITEM.match(p))} for p in paragraphs]


def _forwarding(letter: LetterData, subject: str, note: list[str]) -> dict:
    """The body of a surat pelimpahan: the complaint handed to the body whose remit it is."""
    ending, points = _tell(" Catatan kami:", " Catatan kami", note, none="")
    ending = ending if note else ""
    return {
        "opening": (f"Bersama ini kami sampaikan pengaduan {letter.complainant} yang disampaikan "
                    f"{CHANNEL_PHRASE.get(letter.channel, letter.channel)} pada tanggal "
                    f"{tanggal(letter.complaint_date)} dan tercatat dengan nomor {letter.complaint_number}, perihal "
                    f"{in_sentence(subject)}. Setelah kami telaah, pengaduan tersebut merupakan kewenangan "
                    f"{letter.competent_body}, sehingga kami limpahkan untuk ditindaklanjuti sesuai ketentuan "
                    f"peraturan perundang-undangan.{ending}"),
        "answer": points,
        "recourse": ("Isi pengaduan dan lampirannya kami sampaikan bersama surat ini. Kami mohon tanggapan atas "
                     "pengaduan tersebut disampaikan kepada pengadu, dengan tembusan kepada kami melalui balasan "
                     "surel pengantar surat ini."),
        "closing": "Demikian kami sampaikan. Atas perhatian dan kerja samanya, kami ucapkan terima kasih.",
    }


# A `Teruskan:` that names a jabatan ("Kepala Dinas Perhubungan Kota Samarinda") is addressed as
# written; an agency's name gets its head's jabatan; anything else, its "Pimpinan".
JABATAN_WORDS = ("Kepala ", "Camat ", "Lurah ", "Wali Kota ", "Walikota ", "Bupati ", "Gubernur ", "Direktur ",
                 "Ketua ", "Pimpinan ", "Sekretaris ", "Inspektur ", "Kapolsek ", "Kapolres ", "Danramil ")
AGENCY_HEADS = {"Dinas ": "Kepala Dinas ", "Badan ": "Kepala Badan ", "Kantor ": "Kepala Kantor ",
                "Satuan ": "Kepala Satuan ", "Bagian ": "Kepala Bagian ", "UPTD ": "Kepala UPTD ",
                "Inspektorat ": "Inspektur ", "Kecamatan ": "Camat ", "Kelurahan ": "Lurah "}


def addressee_of_body(body: str) -> str:
    """Whom a surat pelimpahan is addressed to ("Yth. …"): the jabatan at the competent body."""
    body = body.strip()
    if body.startswith(JABATAN_WORDS):
        return body
    agency = next((a for a in AGENCY_HEADS if body.startswith(a)), None)
    return AGENCY_HEADS[agency] + body.removeprefix(agency) if agency else f"Pimpinan {body}"


def agency_of(body: str) -> str:
    """The competent body itself, when `Teruskan:` named its head ("Kepala Dinas X" -> "Dinas X")."""
    body = body.strip()
    for word in ("Kepala ", "Pimpinan "):
        if body.startswith(word) and body.removeprefix(word).startswith(tuple(AGENCY_HEADS)):
            return body.removeprefix(word)
    return body


def _opening(letter: LetterData, subject: str) -> str:
    """The opening sentence up to what the letter says (B5); "bersama ini" only with an enclosure."""
    return (f"Menindaklanjuti pengaduan {letter.you} yang disampaikan "
            f"{CHANNEL_PHRASE.get(letter.channel, letter.channel)} pada tanggal {tanggal(letter.complaint_date)} "
            f"dan tercatat dengan nomor {letter.complaint_number}, perihal {in_sentence(subject)}, "
            f"{'bersama' if letter.attachments else 'dengan'} ini kami sampaikan ")


def _answering(letter: LetterData, subject: str, answer: list[str]) -> dict:
    """The answer to the complainant (and a rejection to one without email)."""
    ending, points = answer_points(answer)
    return {
        "opening": _opening(letter, subject) + ending,
        "answer": points,
        "recourse": (f"Apabila {letter.you} belum puas atas tindak lanjut ini, {letter.you} dapat "
                     "menyampaikannya kembali kepada kami atau melalui SP4N-LAPOR! (www.lapor.go.id)."),
        "closing": f"Demikian kami sampaikan. Atas perhatian {letter.you}, kami ucapkan terima kasih.",
    }


def _asking(letter: LetterData, subject: str, what: list[str]) -> dict:
    """A notice to a complainant without email: what is missing (`Lengkapi:`)."""
    ending, points = _tell("bahwa kami memerlukan keterangan mengenai", "bahwa kami memerlukan keterangan", what)
    return {
        "opening": _opening(letter, subject) + ending,
        "answer": points,
        "recourse": (f"Mohon keterangan tersebut {letter.you} sampaikan kepada kami secara langsung, melalui "
                     f"telepon, atau melalui surat dalam waktu {letter.days} ({terbilang(letter.days)}) hari kerja "
                     "sejak surat ini diterima. Apabila dalam waktu tersebut kami tidak menerima keterangan "
                     f"dimaksud, pengaduan ini kami tutup; {letter.you} tetap dapat menyampaikan pengaduan kembali."),
        "closing": f"Demikian kami sampaikan. Atas perhatian {letter.you}, kami ucapkan terima kasih.",
    }


def _extending(letter: LetterData, subject: str, reason: list[str]) -> dict:
    """A notice to a complainant without email: the deadline extended (`Perpanjang:`)."""
    due = (f" Jawaban atas pengaduan tersebut kami sampaikan paling lambat {tanggal(letter.due_date)}."
           if letter.due_date else "")
    lead = (f"bahwa waktu penanganannya kami perpanjang {letter.days} ({terbilang(letter.days)}) hari kerja "
            "dengan alasan")
    ending, points = _tell(lead, lead, reason, none=lead.removesuffix(" dengan alasan") + ".")
    return {
        "opening": _opening(letter, subject) + ending,
        "answer": points,
        "recourse": "Pengaduan tersebut tetap kami tangani." + due,
        "closing": f"Demikian kami sampaikan. Atas pengertian {letter.you}, kami ucapkan terima kasih.",
    }


def _forwarded(letter: LetterData, subject: str, body: list[str]) -> dict:
    """A notice to a complainant without email: their complaint went to the competent body."""
    where = agency_of(" ".join(body))
    return {
        "opening": _opening(letter, subject) + (f"bahwa pengaduan tersebut merupakan kewenangan {where}, sehingga "
                                                f"telah kami limpahkan kepada {where} dengan surat resmi untuk "
                                                "ditindaklanjuti."),
        "answer": [],
        "recourse": (f"Salinan surat pelimpahan tersebut kami lampirkan. Tanggapan dari {where} yang disampaikan "
                     f"kepada kami akan kami teruskan kepada {letter.you}."),
        "closing": f"Demikian kami sampaikan. Atas perhatian {letter.you}, kami ucapkan terima kasih.",
    }


def _objection_closed(letter: LetterData, subject: str, reason: list[str]) -> dict:
    """A notice to a complainant without email: their objection was decided without a new answer."""
    lead = (f"bahwa keberatan {letter.you} atas jawaban kami telah ditelaah oleh pimpinan. Jawaban yang telah "
            "disampaikan tetap berlaku, dengan alasan")
    ending, points = _tell(lead, lead, reason, none=lead.removesuffix(", dengan alasan") + ".")
    return {
        "opening": _opening(letter, subject) + ending,
        "answer": points,
        "recourse": (f"Apabila {letter.you} masih berkeberatan, {letter.you} dapat menyampaikannya melalui "
                     "SP4N-LAPOR! (www.lapor.go.id) atau kepada Ombudsman Republik Indonesia."),
        "closing": f"Demikian kami sampaikan. Atas perhatian {letter.you}, kami ucapkan terima kasih.",
    }


NOTICE_BODIES = {"pelimpahan": _forwarding, "kelengkapan": _asking, "perpanjangan": _extending,
                 "dilimpahkan": _forwarded, "keberatan": _objection_closed, "undangan": inviting}


def letter_context(letter: LetterData, head: Letterhead, signer: Signer) -> dict:
    answer = answer_paragraphs(letter.answer)
    subject = letter.complaint_subject.strip() or "pelayanan publik"
    body = NOTICE_BODIES.get(letter.kind, _answering)(letter, subject, answer)
    body["points"] = points_of(body["answer"])
    return {
        "kop": {"parent": head.parent.upper(), "tiers": [t.upper() for t in head.tiers], "name": head.name.upper(),
                "lines": list(head.lines)},
        "letter": {"number": letter.number, "place": letter.place, "date": tanggal(letter.date),
                   "sifat": letter.sifat, "lampiran": _lampiran(letter.attachments), "hal": letter.hal},
        "to": {"name": letter.addressee, "place": letter.addressee_place},
        "body": body,
        "signer": {"title": signer.title.upper(), "name": signer.name, "nip": signer.nip,
                   "rank": signer.rank, "delegation": signer.delegation},
        "tembusan": list(letter.tembusan),
        "signing_note": letter.signing_note,
        "konsep": letter.konsep,
        "paraf": letter.paraf,
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
        seen: list = []  # the elements themselves: holding them keeps their identity stable
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
