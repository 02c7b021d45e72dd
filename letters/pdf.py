"""PDF copies of the letters: LibreOffice converts a .docx, and when the office configured a
certificate, pyHanko adds a PAdES signature. Optional: without LibreOffice the Word letter
alone is produced. Paths in, a file out (office.issuing.make_pdfs runs it for the book)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, timeout: float = 180) -> Path:
    """Convert with a private LibreOffice profile, so a desktop session's lock never blocks us."""
    exe = libreoffice()
    if exe is None:
        raise RuntimeError("LibreOffice tidak terpasang (paket Debian libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="pgd-lo-") as profile:
        subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
                       check=True, capture_output=True, timeout=timeout)
    pdf = docx.with_suffix(".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice tidak menghasilkan {pdf.name}")
    return pdf


def to_pdfs(docxs: list[Path], timeout: float = 600) -> list[Path]:
    """Convert many letters with one LibreOffice start (its start-up is most of a single
    conversion's second: bench/bench_pdf.py); each PDF lands beside its .docx. Returns the
    PDFs made; a letter LibreOffice could not convert is left out (the caller retries it)."""
    exe = libreoffice()
    if exe is None:
        raise RuntimeError("LibreOffice tidak terpasang (paket Debian libreoffice-writer-nogui)")
    made: list[Path] = []
    by_folder: dict[Path, list[Path]] = {}
    for docx in docxs:
        by_folder.setdefault(docx.parent, []).append(docx)
    with tempfile.TemporaryDirectory(prefix="pgd-lo-") as profile:
        for folder, group in by_folder.items():
            subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                            "--convert-to", "pdf", "--outdir", str(folder), *map(str, group)],
                           check=False, capture_output=True, timeout=timeout)
            made += [d.with_suffix(".pdf") for d in group if d.with_suffix(".pdf").exists()]
    return made


def pdf_of(docx: bytes, timeout: float = 180) -> bytes | None:
    """A PDF of a .docx held in memory, or None where LibreOffice is not installed."""
    if libreoffice() is None:
        return None
    with tempfile.TemporaryDirectory(prefix="pgd-pdf-") as folder:
        source = Path(folder) / "surat.docx"
        source.write_bytes(docx)
        return to_pdf(source, timeout).read_bytes()


def sign_pades(pdf: Path, certificate: Path, password: str | None, reason: str, location: str) -> None:
    """Sign the PDF in place as PAdES with the office's PKCS#12 certificate (pyHanko)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = signers.SimpleSigner.load_pkcs12(str(certificate), passphrase=password.encode() if password else None)
    if signer is None:
        raise RuntimeError(f"sertifikat {certificate} tidak dapat dibaca (periksa kata sandinya)")
    with pdf.open("rb") as source:
        signed = signers.sign_pdf(
            IncrementalPdfFileWriter(source),
            signers.PdfSignatureMetadata(field_name="SegelKantor", reason=reason, location=location,
                                         subfilter=SigSeedSubFilter.PADES),
            signer=signer)
    tmp = pdf.with_suffix(".tmp")
    tmp.write_bytes(signed.getvalue())
    tmp.replace(pdf)


def pdf_text_of(data: bytes, timeout: float = 120) -> str:
    """The text of a PDF held in memory, page by page (poppler's pdftotext; a form feed ends each page)."""
    if not shutil.which("pdftotext"):
        raise RuntimeError("membaca teks PDF memerlukan pdftotext (paket Debian poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="pgd-txt-") as folder:
        source = Path(folder) / "surat.pdf"
        source.write_bytes(data)
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True,
                              timeout=timeout).stdout.decode("utf-8", "replace")


def text_fingerprint(text: str) -> tuple[str, int]:
    """What must stay the same between the approved PDF and the one signed in a TTE application:
    the SHA-256 of its words with white space normalised, and its page count."""
    import hashlib

    pages = text.count("\f") or 1
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest(), pages
