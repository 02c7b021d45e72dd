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
from office.privacy import record_access
from office.views import complaint_json, visible_text, without_identity
from sop.book.records import Complaint
from sop.book.search import Filters
from sop.files import write_private

ROLES = {"staf": "Staf", "pimpinan": "Pimpinan", "admin": "Administrator"}
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
FAILURES = 5  # failed logins allowed for one account from one address ...
SPREAD = 20  # ... for one account from anywhere, or from one address for any account ...
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
def add_user(office: Office, name: str, role: str, password: str, now: dt.datetime, email: str | None = None,
             full_name: str = "", nip: str = "", jabatan: str = "") -> None:
    """`email`: the official's own address, for a pimpinan account that is that official (who then
    confirms proposals and acts on their own steps at the desk). `full_name`, `nip`, `jabatan`:
    the person, as receipts and the history name them."""
    name = name.strip().lower()
    if not NAME.fullmatch(name):
        raise Refused("Nama pengguna 2–32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung, "
                      "diawali huruf.")
    if role not in ROLES:
        raise Refused(f"Peran '{role}' tidak dikenal; pilihan: {', '.join(ROLES)}.")
    email = email.strip().lower() if email else None
    if email and role != "pimpinan":
        raise Refused("Alamat surel pejabat hanya untuk akun berperan pimpinan.")
    if email and not (office.may_see_identity(email) or any(d["email"] == email for d in office.book.delegations.listed())):
        raise Refused(f"Alamat {email} bukan alamat pejabat mana pun dalam konfigurasi atau delegasi yang berlaku.")
    full_name, nip, jabatan = _profile(full_name, nip, jabatan)
    _check_password(password)
    with office.book.transaction():
        if office.book.accounts.user(name):
            raise Refused(f"Pengguna {name} sudah ada.")
        office.book.accounts.add_user(name, role, _hasher.hash(password), now, email, full_name, nip, jabatan)
        office.book.audit.record(now, "meja", "pengguna-tambah", name, f"{role} {email}" if email else role)


def _profile(full_name: str, nip: str, jabatan: str) -> tuple[str, str, str]:
    full_name, nip, jabatan = (" ".join((v or "").split())[:120] for v in (full_name, nip, jabatan))
    nip = nip.replace(" ", "")
    if nip and not (nip.isdigit() and len(nip) == 18):
        raise Refused("NIP terdiri atas 18 angka.")
    return full_name, nip, jabatan


def set_profile(office: Office, name: str, full_name: str, nip: str, jabatan: str, now: dt.datetime,
                by: str = "meja") -> None:
    """The person behind an account: full name with titles, NIP, jabatan."""
    full_name, nip, jabatan = _profile(full_name, nip, jabatan)
    with office.book.transaction():
        user = office.book.accounts.user(name.strip().lower())
        if user is None:
            raise Refused(f"Pengguna {name} tidak ada.")
        office.book.accounts.set_profile(user["id"], full_name, nip, jabatan)
        office.book.audit.record(now, by, "pengguna-ubah", user["name"], full_name)


def person(user: dict) -> str:
    """How receipts and the history name the account's person: the full name (with the jabatan
    when it is known), else the login name for an account made before names were kept."""
    name = user.get("full_name") or user["name"]
    return f"{name} ({user['jabatan']})" if user.get("full_name") and user.get("jabatan") else name


def unlock_user(office: Office, name: str, now: dt.datetime, by: str) -> None:
    """An administrator lets an account log in again at once after failed logins."""
    with office.book.transaction():
        user = office.book.accounts.user(name.strip().lower())
        if user is None:
            raise Refused(f"Pengguna {name} tidak ada.")
        office.book.accounts.unlock(user["id"], now)
        office.book.audit.record(now, by, "pengguna-buka-kunci", user["name"], "")


def change_own_password(office: Office, name: str, current: str, password: str, now: dt.datetime) -> None:
    """The account's own new password, given with the current one; all its sessions end."""
    user = office.book.accounts.user(name)
    try:
        ok = user is not None and _hasher.verify(user["password_hash"], current)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise Refused("Kata sandi sekarang salah; kata sandi tidak diganti.")
    change_password(office, name, password, now, by=name)


def remove_user(office: Office, name: str, now: dt.datetime, by: str = "meja") -> None:
    with office.book.transaction():
        user = office.book.accounts.user(name.strip().lower())
        if user is None:
            raise Refused(f"Pengguna {name} tidak ada.")
        office.book.accounts.remove_user(user["id"])
        office.book.audit.record(now, by, "pengguna-hapus", user["name"], "")


def change_password(office: Office, name: str, password: str, now: dt.datetime, by: str = "meja") -> None:
    _check_password(password)
    with office.book.transaction():
        user = office.book.accounts.user(name.strip().lower())
        if user is None:
            raise Refused(f"Pengguna {name} tidak ada.")
        office.book.accounts.set_password(user["id"], _hasher.hash(password), now)
        office.book.audit.record(now, by, "pengguna-sandi", user["name"], "")


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
        pair, account, place = book.accounts.failed_logins(name, address, now - WINDOW)
        if pair >= FAILURES or account >= SPREAD or place >= SPREAD:
            raise Refused("Terlalu banyak percobaan masuk yang gagal; coba lagi 15 menit lagi, atau minta "
                          "administrator membuka kunci akun.")
        attempt = book.accounts.add_login(name, address, False, now)
    left = FAILURES - pair - 1
    user = book.accounts.user(name)
    try:
        ok = _hasher.verify(user["password_hash"] if user else _DUMMY, password) and user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        with book.transaction():
            book.audit.record(now, name or "-", "meja-gagal-masuk", "", address)
        raise Refused("Nama pengguna atau kata sandi salah." + (f" Sisa percobaan: {left}." if left else
                                                                 " Percobaan berikutnya menunggu 15 menit."))
    token = secrets.token_urlsafe(32)
    with book.transaction():
        book.accounts.login_succeeded(attempt)
        if _hasher.check_needs_rehash(user["password_hash"]):
            book.accounts.set_password(user["id"], _hasher.hash(password), now)
        book.accounts.end_idle_sessions(now - IDLE)
        book.accounts.add_session(_token_hash(token), user["id"], address, now)
        book.audit.record(now, user["name"], "meja-masuk", "", address)
    return token


def session_owner(office: Office, token: str | None) -> str | None:
    """The account a session token was given to, while its row is still in the book (also when
    it has just gone idle): whose typed form may be handed back after the next login."""
    found = office.book.accounts.session(_token_hash(token)) if token else None
    return found["name"] if found else None


def session_user(office: Office, token: str | None, now: dt.datetime) -> dict | None:
    """The account of a live session ({name, role, email, full_name, nip, jabatan}), or None."""
    if not token:
        return None
    found = office.book.accounts.session(_token_hash(token))
    if found is None:
        return None
    seen = dt.datetime.fromisoformat(found["seen_at"])
    if now - seen > IDLE:
        with office.book.transaction():
            office.book.accounts.end_session(found["token_hash"])
        return None
    if now - seen > dt.timedelta(minutes=1):
        with office.book.transaction():
            office.book.accounts.touch_session(found["token_hash"], now)
    return {"name": found["name"], "role": found["role"], "email": found["email"], "full_name": found["full_name"],
            "nip": found["nip"], "jabatan": found["jabatan"], "flash": found["flash"]}


# Messages after an action ---------------------------------------------------------------------
def push_flash(office: Office, token: str | None, kind: str, text: str) -> None:
    """A message for the session's next page ("berhasil" or "galat"), kept in the book beside
    the session: a link can carry no text into the desk."""
    import json

    if not token:
        return
    with office.book.transaction():
        found = office.book.accounts.session(_token_hash(token))
        if found is None:
            return
        waiting = json.loads(found["flash"] or "[]")[-4:]
        office.book.accounts.set_flash(found["token_hash"], json.dumps([*waiting, [kind, text[:1000]]]))


def pop_flash(office: Office, token: str | None, user: dict | None) -> list[tuple[str, str]]:
    """The session's waiting messages, taken (shown once)."""
    import json

    if not token or not user or not user.get("flash"):
        return []
    with office.book.transaction():
        office.book.accounts.set_flash(_token_hash(token), None)
    return [(kind, text) for kind, text in json.loads(user["flash"])]


def log_out(office: Office, token: str | None, now: dt.datetime) -> None:
    if token:
        with office.book.transaction():
            found = office.book.accounts.session(_token_hash(token))
            office.book.accounts.end_session(_token_hash(token))
            if found:
                office.book.audit.record(now, found["name"], "meja-keluar", "", "")


# Reading the book -----------------------------------------------------------------------------
def sees_identity(office: Office, role: str) -> bool:
    return role in office.config.web.identity_roles


def book_page(office: Office, filters: Filters, user: dict, now: dt.datetime, limit: int = 50) -> list[dict]:
    """A page of the book for the desk, newest first, identities hidden where the role may not see them."""
    identity = sees_identity(office, user["role"])
    rows = office.book.search.find(filters, now, office.config.clock.tz, identity=identity, limit=limit,
                                       visible=visible_text)
    record_access(office, "meja-baca-buku", "", f"{len(rows)} pengaduan", now, who=user["name"])
    return [shown(office, row, complaint_json(office, row, now), identity) for row in rows]


def book_total(office: Office, filters: Filters, user: dict, now: dt.datetime) -> int:
    """How many complaints the list pages through, as this reader finds them."""
    return office.book.search.count(filters, now, office.config.clock.tz,
                                        identity=sees_identity(office, user["role"]), visible=visible_text)


def suggestion(office: Office, filters: Filters, user: dict, now: dt.datetime) -> str:
    """'Mungkin maksud Anda' for a search that found nothing: the words with typos mended, only
    when the mended search finds something this reader may see (a suggestion never tells a
    reader without identity that a confidential complainant's name is in the book)."""
    if not filters.text:
        return ""
    from dataclasses import replace

    from sop.book.search import CONTROL

    if CONTROL.search(filters.text):
        return ""
    better = office.book.search.mended_words(filters.text)
    if not better:
        return ""
    identity = sees_identity(office, user["role"])
    if office.book.search.words_found(better, open_to_all=not identity):
        return better
    if identity:
        return ""
    # Only confidential complaints hold the words: offered when what this reader is shown of one does.
    found = office.book.search.find(replace(filters, text=better, page=1), now, office.config.clock.tz, limit=1,
                                        visible=visible_text, identity=False)
    return better if found else ""


def my_roles(office: Office, user: dict, now: dt.datetime) -> tuple[str, ...]:
    """The SOP roles this account holds now ("Menunggu saya"): an official's own account only."""
    from office.proposals import holds

    return tuple(role for role in office.config.directory.officials if holds(office, user, role, now))


def desk_counts(office: Office, now: dt.datetime) -> dict[str, int]:
    """The first screen's counts per state, the letters waiting to be sent or numbered, the quarantine."""
    from office.agenda import waiting_letters

    counts = office.book.search.state_counts(now)
    counts["letters"] = len(office.book.letters.awaiting_dispatch()) + len(waiting_letters(office))
    counts["quarantine"] = len(office.book.messages.listed("quarantine"))
    return counts


def complaint_page(office: Office, number: str, user: dict, now: dt.datetime) -> dict | None:
    """One complaint with its history, files and letters; every read is audited (UU PDP)."""
    row = office.book.complaints.by_number(number)
    if row is None:
        return None
    record_access(office, "meja-baca-pengaduan", row.number, now=now, who=user["name"])
    doc = complaint_json(office, row, now, detail=True)
    files = office.book.attachments.of(row.id, None)
    doc["attachments"] = [a for a in files if a["path"]]
    doc["letters"] = office.book.letters.listed(row.id)
    doc["lapor_id"] = row.lapor_id
    doc["held_from_sender"] = len(office.book.complaints.held(row.sender)) if row.held_at and row.sender else 0
    doc["repeats"] = repeat_candidates(office, row)
    doc = named(office, doc, now)
    return shown(office, row, doc, sees_identity(office, user["role"]), files)


def repeat_candidates(office: Office, row: Complaint) -> list[dict]:
    """The earlier complaints this open one likely repeats and may join ("Gabung"): still open."""
    from office.linking import join_refusal
    from office.recording import likely_repeats
    from sop.book import parse_iso

    if row.state != "open" or row.held_at:
        return []
    found = likely_repeats(office, row, parse_iso(row.received_at))
    return [{"number": s.complaint.number, "why": s.why, "subject": s.complaint.pokok or s.complaint.subject}
            for s in found if s.complaint.id < row.id and not join_refusal(office, row, s.complaint.number)][:5]


def people(office: Office) -> dict[str, str]:
    """Who each address and login of the office is, as the desk names them: officials, section
    heads and delegates by title and name; staff ("petugas rina") by their full name."""
    directory = office.config.directory
    names: dict[str, str] = {}
    for o in directory.officials.values():
        for address in (o.email, *o.aliases):
            names[address.lower()] = f"{o.title} {o.name}"
    for section in directory.sections:
        names.setdefault(section.email.lower(), f"{section.head} ({section.name})")
    for d in office.book.delegations.listed():
        names.setdefault(d["email"].lower(), f"{d['form']} {directory.official(d['role']).title} {d['name']}"
                         if d["role"] in directory.officials else d["name"])
    for u in office.book.accounts.users():
        if u["full_name"]:
            names[f"petugas {u['name']}"] = f"petugas {person(u)}"
            names[f"administrator {u['name']}"] = f"administrator {person(u)}"
    return names


def named(office: Office, doc: dict, now: dt.datetime) -> dict:
    """The complaint page's people by title and name, never by address or login: the step
    table's officials, the history's actors and the addresses of the office's people in its lines."""
    names = people(office)
    if not names:
        return doc
    keys = "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.+-])(?:{keys})(?![\w-]|\.\w)", re.IGNORECASE)

    def swap(text: str | None) -> str | None:
        return pattern.sub(lambda m: names.get(m.group(0).lower(), m.group(0)), text) if text else text

    doc["steps"] = [{**s, "official": swap(s["official"])} for s in doc.get("steps", [])]
    doc["events"] = [{**e, "actor": swap(e["actor"]), "text": swap(e["text"])} for e in doc.get("events", [])]
    return doc


def shown(office: Office, row: Complaint, doc: dict, identity: bool, files: list[dict] | None = None) -> dict:
    """A confidential complaint without its complainant's identity, for a role not allowed it:
    in its fields, its text, its history and its file names (office.views)."""
    doc["id"] = row.id  # the desk pages back by it
    if not row.confidential or identity:
        return doc
    doc = without_identity(row, doc, files or [])
    doc["complainant"] = {key: HIDDEN if value else value for key, value in doc["complainant"].items()}
    visible = visible_text(row)
    doc["subject"] = visible["subject"] or HIDDEN
    if "body" in doc:
        doc["body"] = visible["body"]
    return doc


def refused_download(office: Office, row: Complaint, user: dict, what: str, now: dt.datetime) -> bool:
    """True when the user's role may not have this complaint's files, letters or receipt (they
    name a confidential complainant); the refusal is in the access trail (jejak-akses)."""
    if not row.confidential or sees_identity(office, user["role"]):
        return False
    record_access(office, "meja-unduh-ditolak", row.number, what, now, who=user["name"])
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
        letter = office.book.letters.by_number(letter_number)
        if letter is None:
            raise Refused(f"Surat {letter_number} tidak ada.")
        folder = dossier_folder(office, letter.number, letter.issued_at)
        ext = mimetypes.guess_extension(content_type, strict=False) or ".bin"
        count = sum(1 for a in office.book.attachments.of(letter.complaint_id, None) if a["purpose"] == "bukti_kirim")
        name = f"bukti-pengiriman-{count + 1}{ext}"
        write_private(folder / name, data)
        office.book.attachments.add(complaint_id=letter.complaint_id, message_key=None, filename=name,
                                   content_type=content_type, size=len(data),
                                   sha256=hashlib.sha256(data).hexdigest(), path=str(folder / name), note="",
                                   purpose="bukti_kirim")
        office.book.events.add(letter.complaint_id, now, None, f"petugas {officer}", "bukti_kirim",
                              f"Bukti pengiriman surat {letter.number} diarsipkan: {name}.")
    return name
