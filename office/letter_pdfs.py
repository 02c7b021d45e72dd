"""The one job that makes PDFs, always after the commit that asked for them, never inside a
transaction: LibreOffice (and PAdES where the office has a certificate) may take minutes, and a
transaction holds the book's write lock.

It makes, once, and records:
- the PDF of every registered letter that has none (office.issuing files the .docx);
- the PDF of a walk-in's tanda terima (office.receipts files the .docx);
- the PDFs a queued mail waits for (office.mail_files decides which): it adds them to the mail,
  which only then is due (the outbox's `awaits_pdf`).

The daemon runs it every minute and right after each batch of mail; the desk and the public
form start it in the background right after their commit (`start`), so nobody waits a minute.
One run at a time per office, across processes (a lock file), so a letter is signed once.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import fcntl
import json
import logging
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from letters.mail import Attachment, with_attachments
from letters.pdf import libreoffice, sign_pades, to_pdfs
from office.base import Office
from office.receipts import receipt_files, receipt_pdf_pending, receipts_without_pdf, write_receipt
from sop.book import Book
from sop.book.records import Complaint, Letter, OutboxMail

log = logging.getLogger(__name__)


def make_pdfs(office: Office) -> int:
    """Make what waits (letters, receipts, mails' PDFs) and release the mails it completes;
    returns how many PDFs were made. Call it outside any transaction."""
    if libreoffice() is None:
        return 0
    with one_at_a_time(office):
        made = _receipts(office)
        if office.config.letters.pdf:
            made += _letters(office)
        made += _complete_mails(office)
    return made


@contextmanager
def one_at_a_time(office: Office):
    """An exclusive lock on files/.pdf.lock: the daemon's run, a desk's and a command's (and the
    TTE hand-off's PDF, office.tte) never overlap, so a PDF is written and signed once."""
    office.config.files.mkdir(parents=True, exist_ok=True)
    with open(office.config.files / ".pdf.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


RETRY_SECONDS = 600  # a file LibreOffice could not convert rests this long, not retried at every run
_resting: dict[str, float] = {}  # its key: when it may be tried again (time.monotonic)


def _convert(paths: list[Path], key: Callable[[Path], str] = str) -> set[Path]:
    """The PDFs of `paths` (each beside its Word file), made with one LibreOffice start; a file
    that failed lately is left to rest (a broken file must not start LibreOffice at every run)."""
    now = time.monotonic()
    due = [p for p in paths if _resting.get(key(p), 0.0) <= now]
    if not due:
        return set()
    try:
        made = set(to_pdfs(due))
    except Exception:
        log.exception("PDF tidak dapat dibuat; dicoba lagi nanti")
        made = set()
    for path in due:
        if path.with_suffix(".pdf") in made:
            _resting.pop(key(path), None)
        else:
            log.error("PDF %s tidak dapat dibuat; dicoba lagi dalam %d menit", path.name, RETRY_SECONDS // 60)
            _resting[key(path)] = now + RETRY_SECONDS
    return made


def _letters(office: Office) -> int:
    """The PDF of each registered letter that has none, made with one LibreOffice start, signed
    (PAdES) where configured, recorded."""
    waiting = [letter for letter in office.book.letters.without_pdf() if Path(letter.path).exists()]
    if not waiting:
        return 0
    converted = _convert([Path(letter.path) for letter in waiting])
    made = 0
    for letter in waiting:
        pdf = Path(letter.path).with_suffix(".pdf")
        if pdf not in converted:
            continue
        try:
            _seal_pdf(office, letter, pdf)
        except Exception:
            log.exception("PDF surat %s tidak dapat ditandatangani (PAdES); dicoba lagi nanti", letter.number)
            pdf.unlink(missing_ok=True)
            continue
        with office.book.transaction():
            office.book.letters.set_pdf(letter.id, str(pdf))
        made += 1
    return made


def _seal_pdf(office: Office, letter: Letter, pdf: Path) -> None:
    """PAdES with the office's certificate, for a letter the system signs (never a second
    signing channel beside a wet or TTE signature)."""
    ls = office.config.letters
    if ls.pades_certificate and letter.signing == "segel":
        sign_pades(pdf, ls.pades_certificate, ls.pades_password,
                   reason=f"Surat jawaban pengaduan nomor {letter.number}", location=office.config.office_name)


def _receipts(office: Office) -> int:
    waiting = receipts_without_pdf(office)
    return len(_convert(waiting)) if waiting else 0


def _complete_mails(office: Office) -> int:
    """Each mail waiting for PDFs gets them once they exist, and becomes due. A letter's PDF is
    read from its record; a konsep's is made here from the Word file the mail carries."""
    mails = office.book.outbox.awaiting_pdf()
    if not mails:
        return 0
    made = 0
    with tempfile.TemporaryDirectory(prefix="pgd-mail-pdf-") as folder:
        carried = _carried_pdfs(mails, Path(folder), office.config.files)
        made += len(carried)
        for mail in mails:
            files = _wanted_files(office, mail, carried)
            if files is None:
                continue  # its letter's PDF is not made yet: it waits for the next run
            with office.book.transaction():
                office.book.outbox.release_with_pdf(mail.id, with_attachments(mail.raw, files))
    return made


def _carried_pdfs(mails: list[OutboxMail], folder: Path, files: Path) -> dict[tuple[int, str], bytes]:
    """The PDFs of the Word files the waiting mails carry (the konsep), with one LibreOffice
    start: by (outbox id, Word file's name)."""
    sources: dict[Path, tuple[int, str]] = {}
    for mail in mails:
        wanted = [w for w in json.loads(mail.awaits_pdf or "[]") if "docx" in w]
        if not wanted:
            continue
        message = email.message_from_bytes(mail.raw, policy=email.policy.default)
        for part in message.iter_attachments():
            for i, w in enumerate(wanted):
                if part.get_filename() == w["docx"]:
                    source = folder / f"{mail.id}-{i}.docx"
                    source.write_bytes(part.get_content())
                    sources[source] = (mail.id, w["docx"])
    if not sources:
        return {}
    made = _convert(list(sources), key=lambda source: f"{files}/{source.name}")  # stable from run to run
    return {key: source.with_suffix(".pdf").read_bytes() for source, key in sources.items()
            if source.with_suffix(".pdf") in made}


def _wanted_files(office: Office, mail: OutboxMail, carried: dict[tuple[int, str], bytes]) -> tuple[Attachment, ...] | None:
    """The PDFs a waiting mail asked for, in its order; None while one of them is missing."""
    files = []
    for w in json.loads(mail.awaits_pdf or "[]"):
        if "letter" in w:
            letter = office.book.letters.get(w["letter"])
            path = Path(letter.pdf_path) if letter and letter.pdf_path else None
            if path is None or not path.exists():
                return None
            data = path.read_bytes()
        else:
            found = carried.get((mail.id, w["docx"]))
            if found is None:
                return None
            data = found
        files.append(Attachment(filename=w["filename"], data=data, maintype="application", subtype="pdf"))
    return tuple(files)


# Started right after a commit ------------------------------------------------------------------
_running: set[threading.Thread] = set()  # this process's runs started by `start`, until they end


def start(office: Office, then: Callable[[Office], object] | None = None) -> threading.Thread:
    """Run the job now in a background thread on a connection of its own (the desk's request
    and the public form's page do not wait for LibreOffice); `then` runs after it on the same
    office, e.g. to send the mails it released."""
    def run() -> None:
        try:
            worker = Office(office.config, Book(office.config.database, create=False))
            try:
                make_pdfs(worker)
                if then is not None:
                    then(worker)
            finally:
                worker.book.close()
        except Exception:
            log.exception("pembuatan PDF di latar belakang gagal; daemon mencobanya lagi")
        finally:
            _running.discard(threading.current_thread())

    thread = threading.Thread(target=run, name="pdf", daemon=True)
    _running.add(thread)
    thread.start()
    return thread


def finish(timeout: float = 120) -> None:
    """Wait for the runs `start` began in this process (a server that stops, a test that ends)."""
    deadline = time.monotonic() + timeout
    for thread in list(_running):
        thread.join(max(0.0, deadline - time.monotonic()))


# A receipt handed out after the commit ------------------------------------------------------
def prepare_receipt(office: Office, row: Complaint, officer: str, now: dt.datetime, nip: str = "",
                    jabatan: str = "") -> list[Path]:
    """After the commit that recorded `row`: its receipt's Word file (when not written yet) and
    its PDF started in the background (`start`). Returns the receipt's files."""
    files = receipt_files(office, row) or write_receipt(office, row, officer, now, nip, jabatan)
    if not any(p.suffix == ".pdf" for p in files):
        start(office)
    return files


def receipt_ready(office: Office, row: Complaint, officer: str, now: dt.datetime, *, wait: float) -> Path | None:
    """The receipt to hand out: its PDF once made (waiting at most `wait` seconds for the PDF
    job), its Word file where no PDF can be made here; None while the PDF is still being made."""
    deadline = time.monotonic() + wait
    prepare_receipt(office, row, officer, now)
    while receipt_pdf_pending(office, row.number) and time.monotonic() < deadline:
        time.sleep(0.2)
    files = receipt_files(office, row)
    pdf = next((p for p in files if p.suffix == ".pdf"), None)
    if pdf is not None:
        return pdf
    return None if receipt_pdf_pending(office, row.number) else files[0]
