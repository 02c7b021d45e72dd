"""PDF copies of the letters: LibreOffice converts each .docx, and when the office configured a
certificate, pyHanko adds a PAdES signature. Optional: without LibreOffice the Word letter
alone is produced. Runs as a daemon job outside any transaction, since a conversion takes
seconds."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from jobs.workflow import Office

log = logging.getLogger(__name__)


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


def make_pdfs(office: Office) -> int:
    """PDFs for letters that have none yet; returns how many were made."""
    cfg = office.config
    if not cfg.letters.pdf or libreoffice() is None:
        return 0
    made = 0
    for letter in office.book.letters_without_pdf():
        docx = Path(letter["path"])
        try:
            pdf = to_pdf(docx)
            if cfg.letters.pades_certificate:
                sign_pades(pdf, cfg.letters.pades_certificate, cfg.letters.pades_password,
                           reason=f"Surat jawaban pengaduan nomor {letter['number']}", location=cfg.office_name)
        except Exception:
            log.exception("PDF surat %s tidak dapat dibuat; dicoba lagi nanti", letter["number"])
            continue
        with office.book.transaction():
            office.book.set_letter_pdf(letter["id"], str(pdf))
        made += 1
    return made
