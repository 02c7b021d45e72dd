"""The public complaint form (jobs/public): a citizen's complaint checked, screened against
robots and floods without any outside service, and recorded with channel `web` exactly as a
mail is (office.recording): acknowledged by mail where an address is given, routed to the
Sekretaris, likely repeats flagged for them.

Every form sent, accepted or refused, is a row of `public_requests` (migration 21): the
per-address and global limits, the duplicate check and the refusal counts of `periksa` and the
monthly recap read them. A form's token is recorded with its complaint in one transaction and
at most once among the accepted, so a form sent twice (a double click, a reload, two tabs)
is one complaint."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from intake.parse import Attachment
from intake.sms_gateway import is_mobile, normal_phone
from intake.text import clean_line, clean_text
from office.base import Office
from office.recording import NewComplaint, record_complaint
from sop.book import iso
from sop.book.public import ACCEPTED, SUBMISSION
from sop.book.records import Complaint
from sop.directory import mailbox_of

HOUR = dt.timedelta(hours=1)
DUPLICATE_WINDOW = dt.timedelta(days=1)
KEEP = dt.timedelta(days=62)  # the rows (network addresses) outlive the month's recap, no longer
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NUMBER_PART = re.compile(r"\d{1,3}")
LONGEST = {"nama": 120, "alamat": 300, "pokok": 200, "isi": 20_000}
RECEIPT_BY = "Formulir Pengaduan daring"  # who "received" a web complaint, as its tanda terima says

# Why a form was refused (the `outcome` of its row) and what the citizen's page says.
REFUSALS = {
    "token": (400, "Formulir kedaluwarsa", "Formulir ini tidak dapat diterima: formulir sudah terlalu lama dibuka atau "
              "tidak berasal dari laman ini. Muat ulang halaman formulir, lalu isi dan kirim kembali (peramban perlu "
              "mengizinkan cookie untuk laman ini)."),
    "umpan": (400, "Pengaduan tidak dapat diterima", "Isian formulir tidak dapat kami terima. Bila Anda mengisi "
              "formulir ini sendiri, muat ulang halaman lalu kirim kembali."),
    "terlalu_cepat": (400, "Formulir terkirim terlalu cepat", "Formulir terkirim terlalu cepat setelah dibuka. "
                      "Periksa kembali isian Anda, lalu tekan Kirim sekali lagi."),
    "batas_alamat": (429, "Terlalu banyak pengaduan", "Dari jaringan Anda sudah banyak pengaduan yang dikirim dalam "
                     "satu jam terakhir. Silakan coba lagi nanti."),
    "batas_umum": (429, "Laman pengaduan sedang sibuk", "Laman pengaduan sedang menerima sangat banyak pengaduan. "
                   "Silakan coba lagi dalam satu jam."),
    "ganda": (409, "Pengaduan sudah diterima", "Pengaduan yang sama telah kami terima sebelumnya. Simpan nomor "
              "pengaduan dan kode akses yang diberikan saat itu; bila hilang, hubungi petugas kami."),
    "berkas": (413, "Berkas tidak dapat diterima", "Lampiran tidak dapat diterima."),
}

# The reasons as periksa and the recap name them.
REASON_WORDS = {"token": "token tidak sah", "umpan": "isian umpan terisi", "terlalu_cepat": "terlalu cepat",
                "batas_alamat": "batas per alamat", "batas_umum": "batas per jam", "ganda": "ganda",
                "berkas": "berkas", "kode_salah": "kode akses salah", "ditahan": "cek status ditahan"}


@dataclass(frozen=True)
class PublicComplaint:
    """What the form asks, checked (check_form)."""

    name: str
    phone: str  # +62…, as an SMS gateway takes it
    email: str | None
    address: str  # the street and number, with RT/RW
    subject: str
    body: str
    files: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Sending:
    """How one form came: from which network address, with which token."""

    address: str
    form_token: str


@dataclass(frozen=True)
class Outcome:
    """A recorded complaint (`row`, `again` when the form had been sent before), or a refusal."""

    row: Complaint | None = None
    refusal: str = ""
    again: bool = False


def file_kind(data: bytes) -> tuple[str, str] | None:
    """(content type, what it is) by the file's first bytes, never by its name or the browser's
    word: only photos and PDFs are taken."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "foto"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "foto"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "foto"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "image/heic", "foto"
    if data.startswith(b"%PDF-"):
        return "application/pdf", "PDF"
    return None


def check_files(uploads: list[tuple[str, bytes]], office: Office) -> tuple[tuple[Attachment, ...], str]:
    """The uploaded files as attachments, or why they cannot be taken (intake's size caps,
    [publik] max_photos, photos and PDFs only)."""
    cfg = office.config
    uploads = [(name, data) for name, data in uploads if name or data]
    most = cfg.publik.max_photos
    if len(uploads) > most:
        return (), f"Paling banyak {most} foto atau berkas PDF; Anda memilih {len(uploads)}."
    files = []
    for name, data in uploads:
        shown = clean_line(name)[:120] or "berkas"
        kind = file_kind(data)
        if kind is None:
            return (), f"Berkas {shown} bukan foto (JPEG, PNG, WebP, HEIC) atau PDF."
        if len(data) > cfg.intake.max_attachment_bytes:
            return (), f"Berkas {shown} melebihi {cfg.intake.max_attachment_bytes // 2**20} MB."
        files.append(Attachment(filename=clean_line(name)[:200] or "berkas", data=data, content_type=kind[0]))
    if sum(len(f.data) for f in files) > cfg.intake.max_total_bytes:
        return (), f"Jumlah ukuran lampiran melebihi {cfg.intake.max_total_bytes // 2**20} MB."
    return tuple(files), ""


def check_form(form: dict[str, str]) -> tuple[PublicComplaint | None, dict[str, str]]:
    """The form's fields checked: the complaint, or the fields' errors in the citizen's words."""
    value = {k: clean_line(form.get(k, "")).strip() for k in ("nama", "telepon", "surel", "alamat", "rt", "rw", "pokok")}
    body = clean_text(form.get("isi", "")).strip()
    errors = {}
    for key, label in (("nama", "Nama"), ("alamat", "Alamat"), ("pokok", "Pokok pengaduan")):
        if not value[key]:
            errors[key] = f"{label} wajib diisi."
        elif len(value[key]) > LONGEST[key]:
            errors[key] = f"{label} paling panjang {LONGEST[key]} karakter."
    if not body:
        errors["isi"] = "Isi pengaduan wajib diisi."
    elif len(body) > LONGEST["isi"]:
        errors["isi"] = f"Isi pengaduan paling panjang {LONGEST['isi']} karakter."
    # One normaliser for the book (intake.sms_gateway): the number is the one SMS reaches.
    phone = normal_phone(value["telepon"])
    if not is_mobile(phone):
        errors["telepon"] = "Nomor HP tidak valid; tulis seperti 0812 3456 7890."
    email = value["surel"].lower() or None
    if email and (not EMAIL.fullmatch(email) or len(email) > 200):
        errors["surel"] = "Alamat surel tidak valid; kosongkan bila tidak ada."
    for key in ("rt", "rw"):
        if not NUMBER_PART.fullmatch(value[key]):
            errors[key] = f"{key.upper()} wajib diisi dengan angka, misalnya 012."
    if form.get("setuju") != "ya":
        errors["setuju"] = "Centang persetujuan pemrosesan data pribadi untuk mengirim pengaduan."
    if errors:
        return None, errors
    address = f"{value['alamat']}, RT {int(value['rt']):03d}/RW {int(value['rw']):03d}"
    return PublicComplaint(name=value["nama"], phone=phone or "", email=email, address=address,
                           subject=value["pokok"], body=body), {}


def fingerprint(complaint: PublicComplaint) -> str:
    """The same person (number) with the same words: a duplicate, whatever the spacing or case."""
    words = " ".join(f"{complaint.subject}\n{complaint.body}".lower().split())
    return hashlib.sha256(f"{complaint.phone}\n{words}".encode()).hexdigest()


def record_refusal(office: Office, address: str, reason: str, now: dt.datetime) -> None:
    """A refused form, counted (periksa, the recap): never a complaint."""
    with office.book.transaction():
        office.book.public.add(at=now, kind=SUBMISSION, address=address, outcome=reason)
        office.book.public.prune(now - KEEP)


def submit(office: Office, complaint: PublicComplaint, sending: Sending, now: dt.datetime) -> Outcome:
    """Record a checked complaint from the form, unless a limit or a duplicate refuses it; the
    limits are read inside the book's write lock, so they hold under concurrent forms."""
    book = office.book
    settings = office.config.publik
    with book.transaction():
        before = book.public.submission(sending.form_token)
        if before is not None:  # the same form again: its complaint, not a second one
            return Outcome(row=book.complaints.get(before["complaint_id"]), again=True)
        refusal = ""
        mark = fingerprint(complaint)
        if book.public.count_from(sending.address, SUBMISSION, now - HOUR) >= settings.per_address:
            refusal = "batas_alamat"
        elif book.public.accepted_since(now - HOUR) >= settings.per_hour:
            refusal = "batas_umum"
        elif book.public.duplicate(mark, now - DUPLICATE_WINDOW) is not None:
            refusal = "ganda"
        if refusal:
            book.public.add(at=now, kind=SUBMISSION, address=sending.address, outcome=refusal)
            return Outcome(refusal=refusal)
        row = record_complaint(office, _new_complaint(complaint), now)
        book.public.add(at=now, kind=SUBMISSION, address=sending.address, outcome=ACCEPTED,
                                form_token=sending.form_token, fingerprint=mark, complaint_id=row.id)
        book.public.prune(now - KEEP)
    return Outcome(row=book.complaints.get(row.id))


def _new_complaint(c: PublicComplaint) -> NewComplaint:
    """As a mail's complaint: its sender is the address given (limits and repeats count it with
    the same person's mail), or the phone number when there is none."""
    return NewComplaint(
        channel="web", name=c.name, email=c.email, phone=c.phone, address=c.address, subject=c.subject,
        body=c.body, attachments=c.files, sender=mailbox_of(c.email) if c.email else f"tel:{c.phone}",
        note="Dikirim melalui formulir pengaduan di laman kantor; pengadu menyetujui pemrosesan data pribadinya "
             "untuk penanganan pengaduan ini.")


def submission_of(office: Office, form_token: str, now: dt.datetime) -> Complaint | None:
    """The complaint a form recorded, for its own browser (the receipt) within a few hours."""
    found = office.book.public.submission(form_token)
    if found is None or found["at"] < iso(now - 3 * HOUR):
        return None
    return office.book.complaints.get(found["complaint_id"])


def refusal_counts(office: Office, since: dt.datetime, until: dt.datetime | None = None) -> dict[str, int]:
    """Refused forms and wrong status codes between two moments, by reason (periksa, the recap)."""
    counts = office.book.public.outcomes(since, until)
    return {outcome: n for (kind, outcome), n in sorted(counts.items())
            if outcome not in (ACCEPTED, "benar") and n}


def refusals_line(office: Office, since: dt.datetime, until: dt.datetime | None = None) -> str:
    """One line: how many forms the public page refused, and why."""
    counts = refusal_counts(office, since, until)
    if not counts:
        return "tidak ada kiriman yang ditolak"
    return f"{sum(counts.values())} ditolak (" + ", ".join(f"{REASON_WORDS.get(k, k)} {n}" for k, n in counts.items()) + ")"


def recap_line(office: Office, start: dt.date, end: dt.date) -> str:
    """The public form's month, for the recap's summary: complaints it recorded and forms it
    refused, by reason; empty when it was not used."""
    tz = office.config.clock.tz
    since, until = (dt.datetime.combine(d, dt.time(), tz) for d in (start, end))
    counts = office.book.public.outcomes(since, until)
    accepted = counts.get((SUBMISSION, ACCEPTED), 0)
    if not counts:
        return ""
    return (f"\nFormulir pengaduan daring: {accepted} pengaduan diterima; "
            f"{refusals_line(office, since, until)}.")
