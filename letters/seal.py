"""The office seal on a letter: an Ed25519 signature over its number, date, addressee and a
SHA-256 of its content, carried in a QR code and as text in the letter's footer.

This is a non-certified electronic signature (PP 71/2019 Pasal 60): it shows who issued the
letter and that nothing was changed, checkable offline with the office's published public
key; it is not a BSrE certificate and the letter never says it is. Pure, apart from the key
files.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from letters.safe import one_line

PREFIX = "PGD1"
SEPARATOR = "|"
# The printed code beside the signature: a short fingerprint of the seal, which the QR code
# beside it carries in full (review L8). The letter says once, in its signing note, what the
# seal is; the label names the code and nothing more.
VERIFY_HINT = "Kode segel:"
QR_POINTER = "(lihat kode QR)"
# Letters of earlier releases print the whole code after a longer label; they still verify.
LEGACY_HINTS = ("Kode segel elektronik:",
                "Keaslian surat ini dapat diperiksa dengan memindai kode QR atau menjalankan "
                "\"pengaduan verifikasi\" pada berkas ini. Kode verifikasi:")
SEAL_LABELS = (VERIFY_HINT, *LEGACY_HINTS)
FOOTER_HINT = ("Surat ini bersegel elektronik. Keasliannya dapat diperiksa tanpa internet dengan memindai "
               "kode QR di samping tanda tangan atau dengan perintah \"pengaduan verifikasi\".")

SIGNING_MODES = ("segel", "basah", "tte")
# One honest line on each sealed letter: what its seal is (PP 71/2019 Pasal 60 classifies
# electronic signatures; the seal is a non-certified one), where it is checked, and what it is
# not. It claims the signer's approval only when the history holds the signer's own
# (office.issuing.signer_approved).
APPROVAL_CLAUSE = ", setelah disetujui penanda tangan"
SEALED_NOTE = ("Surat ini dibubuhi tanda tangan elektronik tidak tersertifikasi (PP 71/2019 Pasal 60 ayat (2) "
               "huruf b) berupa segel kantor {office}" + APPROVAL_CLAUSE + ". Keasliannya dapat diperiksa dengan "
               "kunci publik kantor di {url}. Surat ini tidak ditandatangani dengan sertifikat elektronik BSrE.")
UNSEALED_NOTE = ("Surat ini dibuat oleh sistem pengaduan dan dibubuhi gambar tanda tangan pejabat; surat ini "
                 "tidak menggunakan sertifikat elektronik BSrE.")
def signing_note(mode: str, office: str, url: str, *, sealed: bool) -> str:
    """The note a letter carries by default in each signing mode. None on a print master signed
    by hand, nor on a letter for a TTE application: the application stamps its own, and the same
    text is on copies that go out unsigned (notices for the print queue), where a BSrE claim would
    be false. Without a published place for the key, the office itself is named."""
    if mode in ("basah", "tte"):
        return ""
    if not sealed:
        return UNSEALED_NOTE
    return SEALED_NOTE.format(office=office, url=url or f"kantor {office}")


def short_code(seal_text: str) -> str:
    """The printed form of a seal: its prefix and the last 8 hex digits of the SHA-256 of the
    full text the QR code carries, so a reader can tell the QR belongs to this letter."""
    return f"{PREFIX}-…-{hashlib.sha256(seal_text.encode()).hexdigest()[-8:]}"


def printed_code(seal_text: str) -> str:
    return f"{VERIFY_HINT} {short_code(seal_text)} {QR_POINTER}"


def without_approval(note: str) -> str:
    """The signing note of a letter the signer did not approve themselves: no claim that they did."""
    return note.replace(APPROVAL_CLAUSE, "")


def b64(data: bytes) -> str:
    # The standard alphabet, not the URL-safe one: PDF text tools drop a '-' at a line end.
    return base64.b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


# Keys ---------------------------------------------------------------------------------------
def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:8]


def public_text(public: Ed25519PublicKey) -> str:
    """The public key as published: its id and the raw key in base64url."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{key_id(public)}:{b64(raw)}"


def parse_public(text: str) -> Ed25519PublicKey:
    """A public key from its published form (`id:base64url`), or a PEM block."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("bukan kunci publik Ed25519")
        return key
    _, _, raw = text.rpartition(":")
    return Ed25519PublicKey.from_public_bytes(unb64(raw))


def make_key(path: Path) -> Ed25519PrivateKey:
    """Create the office key at `path` (0600) with its public key beside it; never overwrites."""
    if path.exists():
        raise FileExistsError(f"kunci sudah ada: {path}")
    key = Ed25519PrivateKey.generate()
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):  # every folder we create is private, not only the last
        folder.mkdir(mode=0o700)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    path.with_suffix(".pub").write_text(public_text(key.public_key()) + "\n")
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    if path.stat().st_mode & 0o077:
        raise PermissionError(f"kunci {path} dapat dibaca pengguna lain; jalankan: chmod 600 {path}")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} bukan kunci Ed25519")
    return key


# Content ------------------------------------------------------------------------------------
def content_tokens(text: str) -> list[str]:
    """The words of a letter, normalised so Word, LibreOffice and PDF text agree on them.

    Hyphens are left out: PDF text tools drop a '-' at a line end as if it were hyphenation.
    """
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").replace("-", "")
    return text.split()


def content_hash(tokens: list[str]) -> str:
    """SHA-256 over the letter's words in sorted order.

    Sorted, because a PDF's text comes out in layout order, not Word's: any changed, added or
    removed word changes the hash; a pure reordering of the same words does not.
    """
    return hashlib.sha256("\n".join(sorted(tokens)).encode()).hexdigest()


# The payload --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seal:
    number: str
    date: str  # ISO date
    addressee: str
    content_sha256: str
    key_id: str
    signature: str = ""

    def signed_part(self) -> str:
        fields = (PREFIX, self.number, self.date, self.addressee, b64(bytes.fromhex(self.content_sha256)), self.key_id)
        return SEPARATOR.join(_clean(f) for f in fields)

    def text(self) -> str:
        return self.signed_part() + SEPARATOR + self.signature

    @classmethod
    def parse(cls, text: str) -> "Seal":
        """Find the payload in a text (a QR's content, or a document's footer wrapped over lines)."""
        start = text.find(PREFIX + SEPARATOR)
        parts = text[start:].split(SEPARATOR, 6) if start >= 0 else []
        if len(parts) != 7:
            raise ValueError("kode verifikasi tidak ditemukan")
        # A PDF may wrap the code over lines: only the addressee has real spaces.
        _, number, date, addressee, digest, kid, rest = parts
        squeeze = lambda v: re.sub(r"\s+", "", v)  # noqa: E731
        signature = re.match(r"[A-Za-z0-9+/]{86}", squeeze(rest))
        if not signature:
            raise ValueError("kode verifikasi terpotong atau rusak")
        try:
            digest_hex = unb64(squeeze(digest)).hex()
        except (ValueError, binascii.Error):
            raise ValueError("kode verifikasi rusak") from None
        return cls(squeeze(number), squeeze(date), _clean(addressee), digest_hex, squeeze(kid), signature.group(0))


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", one_line(value).replace(SEPARATOR, "/")).strip()


def seal(key: Ed25519PrivateKey, *, number: str, date: str, addressee: str, tokens: list[str]) -> Seal:
    unsigned = Seal(_clean(number), date, _clean(addressee), content_hash(tokens), key_id(key.public_key()))
    return replace(unsigned, signature=b64(key.sign(unsigned.signed_part().encode())))


def signature_valid(s: Seal, public: Ed25519PublicKey) -> bool:
    try:
        public.verify(unb64(s.signature), s.signed_part().encode())
        return True
    except (InvalidSignature, ValueError, binascii.Error):
        return False


def qr_png(text: str, scale: int = 3) -> bytes:
    """The seal's QR code (error correction M) as a grayscale PNG.

    zxing-cpp encodes it (with the standard's mask selection) in about half a millisecond;
    the PNG is written here: a few chunks around one zlib stream.
    """
    import zxingcpp

    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=scale, add_quiet_zones=True)
    height, width = image.shape
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]  # zxing's Image has the buffer protocol
    rows = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + _png_chunk(b"IDAT", zlib.compress(rows, 6)) + _png_chunk(b"IEND", b""))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def legacy_qr_png(text: str, scale: int = 3) -> bytes:
    """The QR image of letters sealed by earlier releases (drawn by segno), to verify them."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
