"""Checking a sealed letter offline: a .docx, a .pdf (its text via poppler's pdftotext), or the
QR text alone. Says valid, or exactly what does not match."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from letters.model import CONTACT_MARK
from letters.seal import (
    FOOTER_HINT,
    PREFIX,
    SEAL_LABELS,
    Seal,
    content_hash,
    content_tokens,
    legacy_qr_png,
    printed_code,
    qr_png,
    short_code,
    signature_valid,
)

NUMBER_FIELD = re.compile(r"Nomor\s*:\s*(\S+)")
# The printed short code of a seal (letters.seal.short_code), however a PDF spaced it.
SHORT_CODE = re.compile(PREFIX + r"\s*-\s*…\s*-\s*([0-9a-f]{8})")
# What a file that is not a readable letter raises on the way (a broken .docx, a fake .pdf):
# the letter cannot be checked, which is not the same as "not intact".
UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, OSError, subprocess.SubprocessError, UnicodeError,
              RuntimeError)


@dataclass
class Verdict:
    seal: Seal | None = None
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.seal is not None and not self.problems


def check_seal(seal_text: str, keys: dict[str, Ed25519PublicKey]) -> Verdict:
    """The code alone: is it ours and unaltered? (The letter's content needs the document.)"""
    verdict = Verdict()
    try:
        verdict.seal = Seal.parse(seal_text)
    except ValueError as exc:
        verdict.problems.append(str(exc))
        return verdict
    key = keys.get(verdict.seal.key_id)
    if key is None:
        verdict.problems.append(f"kunci {verdict.seal.key_id} tidak dikenal: surat ini tidak disegel dengan "
                                f"kunci kantor yang diketahui")
    elif not signature_valid(verdict.seal, key):
        verdict.problems.append("tanda tangan elektronik tidak cocok: kode verifikasi telah diubah")
    else:
        verdict.checked.append(f"kode verifikasi ditandatangani dengan kunci kantor {verdict.seal.key_id}")
    return verdict


def _check_body(verdict: Verdict, body: str) -> None:
    s = verdict.seal
    assert s is not None  # called only once a seal was read
    m = NUMBER_FIELD.search(body)
    if m and m.group(1) != s.number:
        verdict.problems.append(f"nomor surat pada dokumen ({m.group(1)}) berbeda dengan nomor pada kode "
                                f"verifikasi ({s.number})")
    if content_hash(content_tokens(body)) != s.content_sha256:
        verdict.problems.append("isi surat telah diubah setelah disegel")
    else:
        verdict.checked.append("isi surat sama dengan saat disegel")


def verify_docx(data: bytes, keys: dict[str, Ed25519PublicKey]) -> Verdict:
    from docx import Document

    from letters.render import _cells, body_text

    doc = Document(io.BytesIO(data))
    images = [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]
    legacy = [c.text for c in _cells(doc) if PREFIX + "|" in c.text]
    if legacy:  # letters of earlier releases print the whole code
        verdict = check_seal(legacy[0], keys)
        if verdict.seal is None:
            return verdict
        # The printed QR must carry the printed code: a QR pasted from another letter is caught here.
        if not {qr_png(verdict.seal.text()), legacy_qr_png(verdict.seal.text())} & set(images):
            verdict.problems.append("kode QR pada surat tidak sesuai dengan kode verifikasi tertulis")
    else:
        printed = next((m for c in _cells(doc) if (m := SHORT_CODE.search(c.text))), None)
        if printed is None:
            return Verdict(problems=["surat ini tidak memuat kode verifikasi (tidak disegel)"])
        verdict = _seal_of_qr(qr_texts(images), printed.group(1), keys)
        if verdict.seal is None:
            return verdict
    _check_body(verdict, body_text(doc))
    return verdict


def _seal_of_qr(texts: list[str], fingerprint: str, keys: dict[str, Ed25519PublicKey]) -> Verdict:
    """The seal a letter's QR code carries, checked against the short code printed beside it."""
    codes = [t for t in texts if t.startswith(PREFIX + "|")]
    if not codes:
        return Verdict(problems=["kode QR segel pada surat tidak terbaca"])
    code = next((t for t in codes if short_code(t).endswith(fingerprint)), codes[0])
    verdict = check_seal(code, keys)
    if verdict.seal is not None and not short_code(verdict.seal.text()).endswith(fingerprint):
        verdict.problems.append("kode QR pada surat tidak sesuai dengan kode verifikasi tertulis")
    return verdict


def qr_texts(images: list[bytes]) -> list[str]:
    """The texts of the QR codes in these pictures (PNG, JPEG); a picture that is none is skipped."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    texts = []
    for blob in images:
        try:
            picture = Image.open(io.BytesIO(blob)).convert("L")
        except (UnidentifiedImageError, OSError, ValueError):
            continue
        # A plain buffer, height by width: zxing reads it without numpy.
        pixels = memoryview(picture.tobytes()).cast("B", (picture.height, picture.width))
        for found in zxingcpp.read_barcodes(pixels):
            texts += _readings(found)
    return texts


def _readings(found) -> list[str]:
    """A QR code's text as zxing guessed its character set, and as UTF-8 and ISO-8859-1: a code
    without a declared set whose bytes are Latin-1 ("¡¡" in a name) is otherwise guessed as
    Shift_JIS. The printed fingerprint picks the reading that is the seal (_seal_of_qr)."""
    readings = [found.text]
    for charset in ("utf-8", "latin-1"):
        try:
            text = bytes(found.bytes).decode(charset)
        except (UnicodeDecodeError, AttributeError, TypeError):
            continue
        if text not in readings:
            readings.append(text)
    return readings


def pdf_images(path: Path) -> list[bytes]:
    """The pictures of a PDF as PNG (poppler's pdfimages)."""
    import tempfile

    if not shutil.which("pdfimages"):
        raise RuntimeError("memeriksa PDF memerlukan pdfimages (paket Debian poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="pgd-qr-") as folder:
        subprocess.run(["pdfimages", "-png", str(path), f"{folder}/g"], check=True, capture_output=True, timeout=60)
        return [p.read_bytes() for p in sorted(Path(folder).iterdir())]


def pdf_text(path: Path) -> str:
    if not shutil.which("pdftotext"):
        raise RuntimeError("memeriksa PDF memerlukan pdftotext (paket Debian poppler-utils)")
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def verify_pdf(path: Path, keys: dict[str, Ed25519PublicKey]) -> Verdict:
    text = pdf_text(path)
    printed = SHORT_CODE.search(text) if PREFIX + "|" not in text else None
    if printed:
        verdict = _seal_of_qr(qr_texts(pdf_images(path)), printed.group(1), keys)
        labels = [printed_code(verdict.seal.text())] if verdict.seal else []
    else:  # letters of earlier releases print the whole code
        verdict = check_seal(text, keys)
        labels = [f"{label} {verdict.seal.text()}" for label in SEAL_LABELS] if verdict.seal else []
    if verdict.seal is None:
        return verdict
    # Remove the seal's own words and the footer (on every page), however the PDF wrapped them.
    removed = 0
    for label in labels:
        body, removed = re.subn(_loose(label), " ", text, count=1)
        if removed:
            break
    if not removed:
        verdict.problems.append("kode verifikasi pada PDF tidak dapat dipisahkan dari isi surat")
        return verdict
    body = re.sub(_loose(FOOTER_HINT), " ", body)  # letters of earlier releases
    # The office's contact line at the foot of each page: the last text of every page.
    body = re.sub(_loose(CONTACT_MARK) + r"[^\f]*", " ", body)
    body = PAGE_NUMBER.sub(" ", body)  # "- 2 -" atop each continuation page
    _check_body(verdict, body)
    return verdict


# The page number the template puts atop continuation pages, as pdftotext gives it: the
# first text after a page break, its closing '-' sometimes taken for a hyphen and joined.
PAGE_NUMBER = re.compile(r"(?<=\f)[ \t]*-[ \t]*\d{1,3}[ \t]*-?[ \t]*\n?")


def _loose(words: str) -> str:
    """A pattern for `words` that ignores white space and a '-' lost at a line end."""
    return r"\s*".join("-?" if ch == "-" else re.escape(ch) for ch in words if not ch.isspace())


def verify_file(path: Path, keys: dict[str, Ed25519PublicKey],
                register: Callable[[Seal], Mapping[str, Any] | None] | None = None) -> Verdict:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        verdict = verify_docx(path.read_bytes(), keys)
    elif suffix == ".pdf":
        verdict = verify_pdf(path, keys)
    else:
        verdict = check_seal(path.read_text(encoding="utf-8", errors="replace"), keys)
    if register and verdict.seal:
        check_register(verdict, register)
    return verdict


def check_register(verdict: Verdict, register: Callable[[Seal], Mapping[str, Any] | None]) -> None:
    seal = verdict.seal
    assert seal is not None  # called only once a seal was read
    entry = register(seal)
    if entry is None:
        verdict.problems.append(f"nomor {seal.number} tidak ada dalam agenda surat keluar kantor ini")
    elif entry["void"]:
        verdict.problems.append(f"surat nomor {seal.number} telah dibatalkan dan diganti")
    else:
        verdict.checked.append(f"nomor {seal.number} tercatat dalam agenda surat keluar")
