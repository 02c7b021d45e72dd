"""The staff desk's side of the office: accounts, sessions, what each role may do and see.

The web desk (jobs/web) is an edge like the command line: it calls these functions and the
ones in office.commands, office.receipts and office.reports, nothing else. Accounts exist only
for staff and officials (staf, pimpinan, admin); passwords are hashed with argon2id; a session
is a random token whose SHA-256 is in the book, ended by logging out, by a new password or
after a working day without use; failed logins are limited per address and per account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from office.base import Office
from office.commands import Refused
from office.views import complaint_json, visible_text, without_identity
from sop.files import write_private
from sop.search import Filters

ROLES = {"staf": "Staf", "pimpinan": "Pimpinan", "admin": "Admin"}
# What each page is for, and who may use it.
ALLOWED = {
    "buku": {"staf", "pimpinan", "admin"},
    "catat": {"staf", "admin"},
    "surat": {"staf", "pimpinan", "admin"},
    "kirim": {"staf", "admin"},
    "laporan": {"staf", "pimpinan", "admin"},
    "delegasi": {"pimpinan", "admin"},
    "karantina": {"staf", "admin"},
    "pengguna": {"admin"},
}
NAME = re.compile(r"[a-z][a-z0-9._-]{1,31}")
MIN_PASSWORD = 10
IDLE = dt.timedelta(hours=10)  # a working day without use ends a session
FAILURES = 5  # failed logins allowed per address or account ...
WINDOW = dt.timedelta(minutes=15)  # ... within this time
HIDDEN = "(dirahasiakan)"

_hasher = PasswordHasher()  # argon2id with the library's current parameters
# Verified against when the account does not exist, so a wrong name takes as long as a wrong password.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may(role: str, page: str) -> bool:
    return role in ALLOWED.get(page, set())


# Accounts -------------------------------------------------------------------------------------
def add_user(office: Office, name: str, role: str, password: str, now: dt.datetime, email: str | None = None) -> None:
    """`email`: the official's own address, for a pimpinan account that is that official (who then
    confirms proposals and acts on their own steps at the desk)."""
    name = name.strip().lower()
    if not NAME.fullmatch(name):
        raise Refused("Nama pengguna 2–32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung, "
                      "diawali huruf.")
    if role not in ROLES:
        raise Refused(f"Peran '{role}' tidak dikenal; pilihan: {', '.join(ROLES)}.")
    email = email.strip().lower() if email else None
    if email and role != "pimpinan":
        raise Refused("Alamat surel pejabat hanya untuk akun berperan pimpinan.")
    if email and not (office.may_see_identity(email) or any(d["email"] == email for d in office.book.delegations())):
        raise Refused(f"Alamat {email} bukan alamat pejabat mana pun dalam konfigurasi atau delegasi yang berlaku.")
    _check_password(password)
    with office.book.transaction():
        if office.book.desk_user(name):
            raise Refused(f"Pengguna {name} sudah ada.")
        office.book.add_desk_user(name, role, _hasher.hash(password), now, email)
        office.book.audit(now, "meja", "pengguna-tambah", name, f"{role} {email}" if email else role)


def remove_user(office: Office, name: str, now: dt.datetime, by: str = "meja") -> None:
    with office.book.transaction():
        user = office.book.desk_user(name.strip().lower())
        if user is None:
            raise Refused(f"Pengguna {name} tidak ada.")
        office.book.remove_desk_user(user["id"])
        office.book.audit(now, by, "pengguna-hapus", user["name"], "")


def change_password(office: Office, name: str, password: str, now: dt.datetime) -> None:
    _check_password(password)
    with office.book.transaction():
        user = office.book.desk_user(name.strip().lower())
        if user is None:
            raise Refused(f"Pengguna {name} tidak ada.")
        office.book.set_desk_password(user["id"], _hasher.hash(password), now)
        office.book.audit(now, "meja", "pengguna-sandi", user["name"], "")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refused(f"Kata sandi paling sedikit {MIN_PASSWORD} karakter.")


# Sessions -------------------------------------------------------------------------------------
def log_in(office: Office, name: str, password: str, address: str, now: dt.datetime) -> str:
    """A new session's token, or Refused with the reason staff may read (never which of
    name or password was wrong)."""
    name = name.strip().lower()[:64]
    book = office.book
    # The count and this attempt's row in one BEGIN IMMEDIATE transaction: parallel guesses queue
    # here, so at most FAILURES of them reach the password hash. The attempt counts as failed
    # until the password is found good.
    with book.transaction():
        if book.failed_desk_logins(name, address, now - WINDOW) >= FAILURES:
            raise Refused("Terlalu banyak percobaan masuk yang gagal; coba lagi 15 menit lagi.")
        attempt = book.add_desk_login(name, address, False, now)
    user = book.desk_user(name)
    try:
        ok = _hasher.verify(user["password_hash"] if user else _DUMMY, password) and user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        with book.transaction():
            book.audit(now, name or "-", "meja-gagal-masuk", "", address)
        raise Refused("Nama pengguna atau kata sandi salah.")
    token = secrets.token_urlsafe(32)
    with book.transaction():
        book.desk_login_succeeded(attempt)
        if _hasher.check_needs_rehash(user["password_hash"]):
            book.set_desk_password(user["id"], _hasher.hash(password), now)
        book.end_idle_desk_sessions(now - IDLE)
        book.add_desk_session(_token_hash(token), user["id"], address, now)
        book.audit(now, user["name"], "meja-masuk", "", address)
    return token


def session_user(office: Office, token: str | None, now: dt.datetime) -> dict | None:
    """The account of a live session ({name, role, email}), or None."""
    if not token:
        return None
    found = office.book.desk_session(_token_hash(token))
    if found is None:
        return None
    seen = dt.datetime.fromisoformat(found["seen_at"])
    if now - seen > IDLE:
        with office.book.transaction():
            office.book.end_desk_session(found["token_hash"])
        return None
    if now - seen > dt.timedelta(minutes=1):
        with office.book.transaction():
            office.book.touch_desk_session(found["token_hash"], now)
    return {"name": found["name"], "role": found["role"], "email": found["email"]}


def log_out(office: Office, token: str | None, now: dt.datetime) -> None:
    if token:
        with office.book.transaction():
            found = office.book.desk_session(_token_hash(token))
            office.book.end_desk_session(_token_hash(token))
            if found:
                office.book.audit(now, found["name"], "meja-keluar", "", "")


# Reading the book -----------------------------------------------------------------------------
def sees_identity(office: Office, role: str) -> bool:
    return role in office.config.web.identity_roles


def book_page(office: Office, filters: Filters, user: dict, now: dt.datetime, limit: int = 50) -> list[dict]:
    """A page of the book for the desk, newest first, identities hidden where the role may not see them."""
    identity = sees_identity(office, user["role"])
    rows = office.book.find_complaints(filters, now, office.config.clock.tz, identity=identity, limit=limit,
                                       visible=visible_text)
    office.book.audit(now, user["name"], "meja-baca-buku", "", f"{len(rows)} pengaduan")
    return [shown(office, row, complaint_json(office, row, now), identity) for row in rows]


def complaint_page(office: Office, number: str, user: dict, now: dt.datetime) -> dict | None:
    """One complaint with its history, files and letters; every read is audited (UU PDP)."""
    row = office.book.complaint(number)
    if row is None:
        return None
    with office.book.transaction():
        office.book.audit(now, user["name"], "meja-baca-pengaduan", row["number"], "")
    doc = complaint_json(office, row, now, detail=True)
    files = office.book.attachments(row["id"], None)
    doc["attachments"] = [a for a in files if a["path"]]
    doc["letters"] = office.book.letters_of(row["id"])
    return shown(office, row, doc, sees_identity(office, user["role"]), files)


def shown(office: Office, row: dict, doc: dict, identity: bool, files: list[dict] | None = None) -> dict:
    """A confidential complaint without its complainant's identity, for a role not allowed it:
    in its fields, its text, its history and its file names (office.views)."""
    doc["id"] = row["id"]  # the desk pages back by it
    if not row["confidential"] or identity:
        return doc
    doc = without_identity(row, doc, files or [])
    doc["complainant"] = {key: HIDDEN if value else value for key, value in doc["complainant"].items()}
    visible = visible_text(row)
    doc["subject"] = visible["subject"] or HIDDEN
    if "body" in doc:
        doc["body"] = visible["body"]
    return doc


def refused_download(office: Office, row: dict, user: dict, what: str, now: dt.datetime) -> bool:
    """True when the user's role may not have this complaint's files, letters or receipt (they
    name a confidential complainant); the refusal is in the access trail (jejak-akses)."""
    if not row["confidential"] or sees_identity(office, user["role"]):
        return False
    with office.book.transaction():
        office.book.audit(now, user["name"], "meja-unduh-ditolak", row["number"], what)
    return True


# Delivery proof -------------------------------------------------------------------------------
def file_delivery_proof(office: Office, letter_number: str, data: bytes, content_type: str, officer: str,
                        now: dt.datetime) -> str:
    """The proof that a letter reached the complainant (a signed receipt, a post receipt, a
    photo), filed in the letter's dossier under a name made here; returns that name."""
    from office.issuing import dossier_folder

    if not data:
        raise Refused("Berkas bukti pengiriman kosong.")
    if len(data) > office.config.intake.max_attachment_bytes:
        raise Refused(f"Berkas bukti pengiriman melebihi {office.config.intake.max_attachment_bytes // 2**20} MB.")
    with office.book.transaction():
        letter = office.book.letter(letter_number)
        if letter is None:
            raise Refused(f"Surat {letter_number} tidak ada.")
        folder = dossier_folder(office, letter["number"], letter["issued_at"])
        ext = mimetypes.guess_extension(content_type, strict=False) or ".bin"
        count = sum(1 for a in office.book.attachments(letter["complaint_id"], None) if a["purpose"] == "bukti_kirim")
        name = f"bukti-pengiriman-{count + 1}{ext}"
        write_private(folder / name, data)
        office.book.add_attachment(complaint_id=letter["complaint_id"], message_key=None, filename=name,
                                   content_type=content_type, size=len(data),
                                   sha256=hashlib.sha256(data).hexdigest(), path=str(folder / name), note="",
                                   purpose="bukti_kirim")
        office.book.add_event(letter["complaint_id"], now, None, f"petugas {officer}", "bukti_kirim",
                              f"Bukti pengiriman surat {letter['number']} diarsipkan: {name}.")
    return name
