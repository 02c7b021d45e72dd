"""`[letters] signing = "tte"`: the hand-off of an approved letter to the signer's TTE
application (BSrE, through SRIKANDI or the office's own), and the import of the signed PDF.

After approval and numbering, the unsigned PDF is made (after the issuing transaction: no
LibreOffice inside a transaction), placed in `files/tte/keluar/` and sent to the signer, whose
reply to that mail (its token), an upload on the desk, or a file dropped in `files/tte/masuk/`
brings the signed PDF back; a reply's PDF is kept and checked after the message's commit, as
the folder's are (pdftotext never runs inside a transaction). It is accepted only when

- its last PAdES signature is intact, covers the whole file, and its certificate chains to one
  of the office's trust roots (`[letters] tte_roots`), checked offline with pyHanko;
- the certificate names the letter's signer (`same_person`: the common name, or the given
  name and surname, equal to the configured name without degrees and honorifics);
- its text (pdftotext, white space normalised) and page count are those of the approved PDF.

A refusal says why in one sentence, to the sender and to staff; nothing is delivered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import shutil
from dataclasses import replace
from pathlib import Path

from letters.mail import Attachment, render_mail
from letters.pdf import libreoffice, pdf_text_of, text_fingerprint, to_pdf
from office.after_signing import send_on
from office.authority import sender_refusal
from office.base import Office, RoleDuty, new_token, safe_name, staff_role
from office.letter_pdfs import one_at_a_time
from office.notices import alert_staff, base_context, queue
from office.numbers import KIND_NAMES
from office.signing import MODE_WORDS, awaits_signed_copy, data_of, file_signed_copy, is_pdf, scan_pdf, signer_role_of
from sop.book.records import Letter
from sop.engine import SYSTEM
from sop.files import private_dir, write_private

log = logging.getLogger(__name__)


def outgoing_folder(office: Office) -> Path:
    return office.config.files / "tte" / "keluar"


def incoming_folder(office: Office) -> Path:
    return office.config.files / "tte" / "masuk"


# The hand-off ----------------------------------------------------------------------------------
def hand_off(office: Office, now: dt.datetime) -> int:
    """Make the PDF of each letter to be signed outside the system issued since the last run and
    hand it on: for `tte`, placed for the signer's application and mailed to the signer; for
    `basah`, mailed to staff as the print master to sign by hand (a letter whose delivery task
    carries it is not among these). Returns how many were handed off."""
    done = 0
    for letter in office.book.letters.to_hand_off():
        pdf, data, name, target = _signing_copy(office, letter)
        fingerprint, pages = text_fingerprint(pdf_text_of(data)) if pdf else ("", 0)
        with office.book.transaction():
            fresh = office.book.letters.get(letter.id)
            if fresh is None or fresh.void or fresh.approved_pages is not None:
                continue
            token = new_token()
            if pdf:
                office.book.letters.set_pdf(letter.id, str(pdf))
            office.book.letters.set_tte_handoff(letter.id, pdf=str(target or pdf or letter.path),
                                        text_sha256=fingerprint, pages=pages, token=token)
            ask_to_sign(office, replace(fresh, sign_token=token), data, name, target, now)
        done += 1
    return done


def _signing_copy(office: Office, letter: Letter) -> tuple[Path | None, bytes, str, Path | None]:
    """(its PDF, the bytes mailed, their file name, the copy placed in tte/keluar/). A print
    master where no PDF can be made (PDFs off, no LibreOffice) goes as its Word file."""
    stem = f"surat-{letter.kind}-{safe_name(letter.number)}"
    if letter.signing == "basah" and (not office.config.letters.pdf or libreoffice() is None):
        return None, Path(letter.path).read_bytes(), f"{stem}-untuk-dicetak.docx", None
    with one_at_a_time(office):  # beside the PDF job, which writes the same file (office.letter_pdfs)
        pdf = to_pdf(Path(letter.path))  # the approved letter, numbered, without signature
    if letter.signing == "basah":
        return pdf, pdf.read_bytes(), f"{stem}-untuk-dicetak.pdf", None
    target = private_dir(outgoing_folder(office), 0o750) / f"{safe_name(letter.number)}.pdf"
    shutil.copyfile(pdf, target)
    target.chmod(0o640)  # the signer's TTE application, or whoever carries it there, reads it
    return pdf, pdf.read_bytes(), f"{stem}-untuk-tte.pdf", target


def ask_to_sign(office: Office, letter: Letter, data: bytes, name: str, target: Path | None, now: dt.datetime) -> None:
    """The request mail, the copy to sign attached; a reply to it brings the signed copy back.
    `tte`: to the letter's signer. `basah`: to staff, who print it, have it signed and stamped
    with the cap dinas, and scan it."""
    cfg = office.config
    row = office.book.complaints.get(letter.complaint_id)
    basah = letter.signing == "basah"
    who = office.staff if basah else office.holder(signer_role_of(office, letter), now)
    signer = office.holder(signer_role_of(office, letter), now)
    context = base_context(office, row, None)
    context.update(recipient=office.addressee(who), letter_number=letter.number,
                   kind_name=KIND_NAMES.get(letter.kind, f"surat {letter.kind}"),
                   signer={"title": signer.title, "name": signer.name}, file_name=target.name if target else name,
                   folder="files/tte/keluar", incoming="files/tte/masuk", onward=ONWARD.get(letter.kind, ""))
    template = "cetak_tanda_tangan" if basah else "tte_minta_tanda_tangan"
    token = letter.sign_token
    local, _, domain = cfg.mailbox.address.partition("@")
    kind = ("application", "pdf") if name.endswith(".pdf") else \
        ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
    queue(office, row, template, [(who.name, who.email)], render_mail(template, **context), now,
          message_id=cfg.identity.task_message_id(token or ""), reply_to=f"{local}+{token}@{domain}",
          attachments=(Attachment(filename=name, data=data, maintype=kind[0], subtype=kind[1]),))
    what = (f"diserahkan kepada {who.title} {who.name} untuk dicetak, ditandatangani basah oleh {signer.title} "
            f"{signer.name}, dicap dinas, dan dipindai" if basah else
            f"(PDF tanpa tanda tangan) diserahkan kepada {signer.title} {signer.name} untuk ditandatangani secara "
            f"elektronik (TTE): {name}")
    office.book.events.add(row.id, now, row.step, SYSTEM, "surat", f"Surat {letter.number} {what}.")


# What happens to a letter once it is back signed, as its request mail says.
_PRINTED = "dicetak dan disampaikan kepada pengadu"
ONWARD = {"jawaban": "diteruskan kepada JFU untuk disampaikan kepada pengadu",
          "pelimpahan": "dikirim kepada instansi yang berwenang dan, sebagai tembusan, kepada pengadu",
          "undangan": "dikirim kepada peserta rapat", "kelengkapan": _PRINTED, "perpanjangan": _PRINTED,
          "dilimpahkan": _PRINTED, "keberatan": _PRINTED}


def tell_signed_copy_refused(office: Office, letter: Letter, reason: str, sender: tuple[str, str] | None,
                             now: dt.datetime, *, staff: bool = True) -> None:
    """A signed copy not taken: one sentence to the sender (when known) and to staff."""
    row = office.book.complaints.get(letter.complaint_id)
    context = base_context(office, row, None)
    context.update(letter_number=letter.number, reason=reason, mode=MODE_WORDS[letter.signing])
    if sender:
        context["recipient"] = {"title": "", "name": sender[0], "email": sender[1]}
        queue(office, row, "tanda_tangan_ditolak", [sender], render_mail("tanda_tangan_ditolak", **context), now)
    office.book.events.add(row.id, now, row.step, SYSTEM, "catatan",
                          f"Surat {letter.number} bertanda tangan tidak diterima: {reason}")
    if staff:
        alert_staff(office, row, "tanda_tangan_ditolak_staf", now, letter_number=letter.number, reason=reason,
                    mode=MODE_WORDS[letter.signing])


# The check -----------------------------------------------------------------------------------
def name_key(name: str) -> str:
    """A person's name for comparing: the part before the first comma (degrees follow it),
    without leading honorifics and titles ("Drs.", "H.", "Ir."), letters only, lower case."""
    words = name.split(",")[0].split()
    while len(words) > 1 and words[0].endswith("."):
        words.pop(0)
    return " ".join("".join(ch for ch in word if ch.isalpha()) for word in words).casefold()


def certificate_names(subject: dict) -> list[str]:
    """The names a certificate's subject gives its holder: the common name, the given name with
    the surname, the pseudonym."""
    names = [subject.get("common_name"), subject.get("pseudonym")]
    if subject.get("given_name") or subject.get("surname"):
        names.append(f"{subject.get('given_name', '')} {subject.get('surname', '')}")
    return [str(n).strip() for n in names if n and str(n).strip()]


def same_person(signer: str, subject: dict) -> bool:
    return any(name_key(n) == name_key(signer) for n in certificate_names(subject)) and bool(name_key(signer))


def load_roots(paths: tuple[Path, ...]) -> list:
    """The office's TTE trust roots; raises ValueError naming the file that cannot be read."""
    from asn1crypto import pem, x509

    roots = []
    for path in paths:
        try:
            data = path.read_bytes()
            blocks = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            roots += [x509.Certificate.load(der) for der in blocks]
            for root in roots:  # parsed now: a broken file fails here, not while checking a letter
                _ = root.subject.native
        except (OSError, ValueError, TypeError) as exc:
            raise ValueError(f"{path}: {exc}") from None
    if not roots:
        raise ValueError("tidak ada sertifikat akar")
    return roots


def signature_problem(office: Office, letter: Letter, data: bytes) -> str | None:
    """Why this PDF is not the approved letter signed by its signer with a trusted certificate
    (one sentence), or None when it is."""
    if not is_pdf(data):
        return "Berkas yang diterima bukan PDF."
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.status import SignatureCoverageLevel
        from pyhanko_certvalidator import ValidationContext
    except ImportError:
        return "Tanda tangan elektronik tidak dapat diperiksa karena pyHanko belum terpasang di server kantor."
    try:
        roots = load_roots(office.config.letters.tte_roots)
    except ValueError:
        return "Sertifikat akar TTE kantor ([letters] tte_roots) tidak dapat dibaca, sehingga tanda tangan tidak dapat diperiksa."
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:
        return "Berkas PDF ini tidak dapat dibaca."
    if not signatures:
        return "Berkas PDF ini tidak memuat tanda tangan elektronik (PAdES)."
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = off_the_loop(validate_pdf_signature, signatures[-1], context)
    except Exception as exc:
        log.info("tanda tangan PDF surat %s tidak dapat diperiksa: %s", letter.number, exc)
        return "Tanda tangan elektronik pada berkas ini tidak dapat diperiksa."
    if not (status.intact and status.valid):
        return "Tanda tangan elektronik pada berkas ini tidak utuh: berkas diubah setelah ditandatangani."
    if not status.trusted:
        return ("Sertifikat tanda tangan elektronik pada berkas ini tidak berinduk pada sertifikat akar yang "
                "dipercaya kantor.")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return "Berkas ini diubah setelah ditandatangani secara elektronik."
    subject = status.signing_cert.subject.native
    if not same_person(letter.signer, subject):
        names = ", ".join(certificate_names(subject)) or "tanpa nama"
        return (f"Sertifikat tanda tangan elektronik pada berkas ini atas nama {names}, bukan penanda tangan surat "
                f"ini ({letter.signer}).")
    return content_problem(letter, data)


def off_the_loop(function, *args):
    """Call pyHanko's synchronous API, which runs an event loop of its own: in a worker thread
    when this thread already runs one (a host that embeds the office in an asyncio program)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


def content_problem(letter: Letter, data: bytes) -> str | None:
    """The signed PDF must be the approved one: the same text and the same number of pages."""
    try:
        fingerprint, pages = text_fingerprint(pdf_text_of(data))
    except Exception:
        return "Teks berkas PDF ini tidak dapat dibaca untuk dibandingkan dengan surat yang disetujui."
    if pages != letter.approved_pages:
        return (f"Berkas yang ditandatangani berisi {pages} halaman, sedangkan surat nomor {letter.number} yang "
                f"disetujui berisi {letter.approved_pages} halaman.")
    if fingerprint != letter.approved_text_sha256:
        return f"Isi berkas yang ditandatangani berbeda dengan surat nomor {letter.number} yang disetujui."
    return None


# The import ----------------------------------------------------------------------------------
def accept_tte(office: Office, letter: Letter, data: bytes, how: str, by: str, sender: tuple[str, str] | None,
               now: dt.datetime) -> str | None:
    """Check a returned PDF and, when it is the approved letter properly signed, file it and
    send it on (office.signed_copies.send_on); else tell the sender and staff. Returns the
    refusal or None."""
    problem = signature_problem(office, letter, data) if letter.approved_pages is not None else \
        "Surat ini belum diserahkan untuk ditandatangani secara elektronik."
    with office.book.transaction():
        fresh = office.book.letters.get(letter.id)
        if not awaits_signed_copy(fresh):
            return "Surat ini tidak lagi menunggu tanda tangan elektronik."
        assert fresh is not None
        if problem:
            tell_signed_copy_refused(office, fresh, problem, sender, now)
            return problem
        send_on(office, file_signed_copy(office, fresh, data, how, by, now), now)
    return None


def take_signer_reply(office: Office, letter: Letter, msg, now: dt.datetime) -> str:
    """A reply to a signing request (its token): for `tte` the signer's, with the signed PDF,
    checked and filed; for `basah` staff's, with the scan. Returns a note for the book's record
    of the message."""
    basah = letter.signing == "basah"
    role = staff_role(office.config) if basah else signer_role_of(office, letter)
    row = office.book.complaints.get(letter.complaint_id)
    asked = "petugas yang diminta memindai" if basah else "penanda tangan"
    if wrong_sender := sender_refusal(office, row, RoleDuty(role, row.step), msg, now,
                                      holder=f"{asked} surat {letter.number}"):
        return wrong_sender
    if not awaits_signed_copy(letter):
        return f"surat {letter.number} tidak lagi menunggu tanda tangan"
    sender = (office.holder(role, now).name, msg.from_addr)
    files = [data_of(a) for a in msg.attachments]
    if basah:
        return take_scan(office, letter, files, sender, now)
    pdfs = [data for data in files if is_pdf(data)]
    if not pdfs:
        reason = "Balasan Bapak/Ibu tidak melampirkan berkas PDF surat yang sudah ditandatangani secara elektronik."
        tell_signed_copy_refused(office, letter, reason, sender, now)
        return reason
    hold_reply(office, letter, pdfs[0], sender)
    return f"surat {letter.number} bertanda tangan elektronik diterima untuk diperiksa"


def take_scan(office: Office, letter: Letter, files: list[bytes], sender: tuple[str, str], now: dt.datetime) -> str:
    """Staff's reply with the scan of a wet-signed letter: filed and sent on, or refused."""
    pdf = scan_pdf(files)
    if pdf is None:
        reason = (f"Balasan Bapak/Ibu tidak melampirkan hasil pindaian surat nomor {letter.number} yang sudah "
                  f"ditandatangani dan dicap dinas (PDF atau JPEG).")
        tell_signed_copy_refused(office, letter, reason, sender, now, staff=False)
        return reason
    send_on(office, file_signed_copy(office, letter, pdf, f"dari {sender[1]} melalui balasan surel", sender[1], now),
            now)
    return f"hasil pindaian surat {letter.number} diterima"


# A reply's signed PDF, checked after the commit -------------------------------------------------
def replies_folder(office: Office) -> Path:
    return incoming_folder(office) / "balasan"


def hold_reply(office: Office, letter: Letter, data: bytes, sender: tuple[str, str]) -> None:
    """Keep the signed PDF a reply carried, with its sender, for the check after the message's
    commit (pdftotext must not run inside a transaction): files/tte/masuk/balasan/. Named by the
    letter and the file's digest, so a message processed again writes the same file."""
    folder = private_dir(replies_folder(office), 0o750)
    stem = f"{letter.id}-{hashlib.sha256(data).hexdigest()[:24]}"
    write_private(folder / f"{stem}.pdf", data)
    write_private(folder / f"{stem}.json", json.dumps({"letter": letter.id, "name": sender[0],
                                                       "email": sender[1]}).encode())


def check_replies(office: Office, now: dt.datetime) -> int:
    """The signed PDFs replies brought (hold_reply), each checked and filed or refused as the
    reply itself would have been, the sender told; returns how many were accepted."""
    folder = replies_folder(office)
    if not folder.is_dir():
        return 0
    accepted = 0
    for facts_file in sorted(folder.glob("*.json")):
        pdf = facts_file.with_suffix(".pdf")
        facts = json.loads(facts_file.read_text())
        letter = office.book.letters.get(facts["letter"])
        if letter is not None and pdf.exists():
            sender = (facts["name"], facts["email"])
            reason = accept_tte(office, letter, pdf.read_bytes(), f"dari {sender[1]} melalui balasan surel", sender[1],
                                sender, now)
            accepted += reason is None
        pdf.unlink(missing_ok=True)
        facts_file.unlink()
    return accepted


# The folder ----------------------------------------------------------------------------------
def sweep_incoming(office: Office, now: dt.datetime) -> int:
    """Signed PDFs dropped in files/tte/masuk/: each matched to its letter by the number in the
    file name or in its text, then checked like a reply. Accepted files leave the folder; refused
    ones move to masuk/ditolak/ (staff are told why). Returns how many were accepted."""
    folder = incoming_folder(office)
    if not folder.is_dir():
        return 0
    accepted = 0
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".pdf"):
        data = path.read_bytes()
        letter = match_letter(office, path.name, data)
        how = f"dari folder tte/masuk ({path.name})"
        reason: str | None
        if letter is None:
            reason = f"Berkas {path.name} di folder tte/masuk tidak cocok dengan surat mana pun yang menunggu TTE."
            with office.book.transaction():
                alert_staff(office, None, "tanda_tangan_ditolak_staf", now, letter_number="-", reason=reason,
                            mode="tanda tangan elektronik tersertifikasi (TTE)")
        else:
            reason = accept_tte(office, letter, data, how, SYSTEM, None, now)
        if reason:
            refused = private_dir(folder / "ditolak", 0o750) / path.name
            path.replace(refused)
        else:
            path.unlink()
            accepted += 1
    return accepted


def match_letter(office: Office, filename: str, data: bytes) -> Letter | None:
    waiting = [letter for letter in office.book.letters.awaiting_signature()
               if letter.signing == "tte" and letter.approved_pages is not None]
    named = [letter for letter in waiting if safe_name(letter.number) in filename]
    if named:
        return named[0]
    try:
        text = pdf_text_of(data)
    except Exception:
        return None
    return next((letter for letter in waiting if letter.number in text), None)


def signing_jobs(office: Office, now: dt.datetime) -> str:
    """The daemon's signing job: hand off new TTE letters, check the signed PDFs replies brought
    and those in the folder (after the commits, never inside a transaction)."""
    made = hand_off(office, now)
    taken = check_replies(office, now) + sweep_incoming(office, now)
    return f"{made} surat diserahkan untuk TTE, {taken} surat TTE diterima" if made or taken else ""
