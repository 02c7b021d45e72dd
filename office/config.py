"""The office's configuration: one TOML file, read once, checked, turned into typed settings.

Every table's keys are declared once (office.config_tables), and read here through that
declaration (office.config_declared.read_declared); what is left here are the rules between keys
and tables. Errors name the file, the key and, where it can be found, the line, in Bahasa
Indonesia because the operator reads them. Relative paths are taken from the config file's
folder. A password may come from an environment variable instead of the file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from intake.mailbox import MailboxSettings
from intake.oauth import OAuthSettings, TokenSource
from intake.settings import IntakeSettings
from letters.model import Letterhead
from letters.seal import signing_note
from office.config_declared import read_declared, written_key
from office.config_letter_keys import LettersTable
from office.config_letters import signing_settings, tembusan_settings
from office.config_names import check_names
from office.config_numbering import numbering_settings, plain_code
from office.config_public import public_settings
from office.config_sms import sms_settings
from office.config_tables import (
    BackupTable,
    DaemonTable,
    IntakeTable,
    MailboxTable,
    NumberingTable,
    OAuthTable,
    OfficeHoursTable,
    OfficeTable,
    PrivacyTable,
    RemindersTable,
    ReportsTable,
    RoleTable,
    SectionTable,
    SmtpTable,
    SopTable,
    StorageTable,
)
from office.settings import (  # noqa: F401 (Config, ConfigError and the settings are imported from here)
    ComplaintDesk,
    Config,
    ConfigError,
    LetterSettings,
    SecuritySettings,
    SmtpSettings,
    WebSettings,
    register_pattern,
)
from sop.clock import NudgePolicy, OfficeClock, parse_hours
from sop.directory import DEFAULT_TITLES, Directory, Official, Section
from sop.procedure import Procedure, SopError, load_procedure

ENV_CONFIG = "PENGADUAN_CONFIG"
DEFAULT_CONFIG = "pengaduan.toml"


def config_path(given: str | None) -> Path:
    """The configuration file: the one given, else $PENGADUAN_CONFIG, else ./pengaduan.toml."""
    return Path(given or os.environ.get(ENV_CONFIG) or DEFAULT_CONFIG)


class _Reader:
    """Typed access to the TOML tables, with errors that say where."""

    def __init__(self, path: Path, text: str, data: dict):
        self.path, self.text, self.data = path, text, data
        self.missing: dict[str, str] = {}  # table -> what a command that connects must be told

    def line_of(self, table: str, key: str | None = None) -> str:
        """', baris N' of `key` in `table` (or of the table's header), for error messages."""
        lines = self.text.splitlines()
        header = re.compile(r"^\s*\[\[?\s*" + re.escape(table) + r"\s*\]\]?\s*$")
        start = next((i for i, ln in enumerate(lines) if header.match(ln)), None)
        if start is None:
            return ""
        if key:
            for i in range(start + 1, len(lines)):
                if lines[i].lstrip().startswith("["):
                    break
                if re.match(r"^\s*" + re.escape(key) + r"\s*=", lines[i]):
                    return f", baris {i + 1}"
        return f", baris {start + 1}"

    def fail(self, table: str, key: str | None, message: str):
        """Raise ConfigError naming the file, the line, the table and the key."""
        where = f"[{table}]" + (f" {key}" if key else "")
        raise ConfigError(f"{self.path}{self.line_of(table, key)}: {where}: {message}")

    def table(self, name: str, required: bool = True) -> dict:
        """The TOML table `name` (dotted), {} when absent and not required."""
        node: Any = self.data
        for part in name.split("."):
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                if required:
                    raise ConfigError(f"{self.path}: bagian [{name}] wajib ada")
                return {}
        if not isinstance(node, dict):
            self.fail(name, None, "harus berupa tabel")
        return node

    def get(self, table: str, key: str, kind=str, default=..., choices=None):
        """A typed value of `table`.`key`; `default` when absent (required when there is none), checked
        against `choices`."""
        values = self.table(table, required=default is ...)
        if key not in values:
            if default is ...:
                self.fail(table, key, f"kunci '{key}' wajib diisi")
            return default
        value = values[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.fail(table, key, f"harus berupa {_kind_name(kind)}, tertulis {value!r}")
        if choices and value not in choices:
            self.fail(table, key, f"harus salah satu dari: {', '.join(choices)}; tertulis {value!r}")
        return value

    def path_of(self, value: str) -> Path:
        """A path from the file, relative to the file's folder."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else (self.path.parent / p).resolve()

    def secret(self, table: str, key: str = "password", env_key: str | None = None, *,
               later: bool = False) -> str | None:
        """A secret from the file, or from the environment variable named by `<key>_env`.

        `later`: a missing variable is not an error now (commands that only read the book need
        no mail password); what is missing is kept in `self.missing` for those that connect."""
        env_key = env_key or f"{key}_env"
        env_name = self.get(table, env_key, str, None)
        if env_name:
            if env_name not in os.environ:
                message = (f"{self.path}{self.line_of(table, env_key)}: [{table}] {env_key}: variabel lingkungan "
                           f"{env_name} belum diisi; isi dengan kata sandinya, misalnya di /etc/pengaduan/secrets.env")
                if not later:
                    raise ConfigError(message)
                self.missing[table] = message
                return None
            return os.environ[env_name]
        return self.get(table, key, str, None)


def _kind_name(kind) -> str:
    return {str: "teks", int: "bilangan bulat", bool: "true/false", list: "daftar", dict: "tabel"}.get(kind, str(kind))


def load_config(path: Path | str) -> Config:
    """Read, check and type an office's configuration file; ConfigError names what is wrong."""
    r = _read(Path(path))
    office, storage = read_declared(r, "office", OfficeTable), read_declared(r, "storage", StorageTable)
    head = _letterhead(r, office)
    mailbox, smtp, give_up_hours = _mail(r, storage)
    directory = _directory(r)
    letters = _letters(r, head.name, directory, storage)
    sop = read_declared(r, "sop", SopTable)
    procedure = _procedure(r, sop, directory, letters.signer_role, letters)
    complaint_format = read_declared(r, "numbering", NumberingTable).complaint
    try:
        complaint_format.format(tahun=2025, nomor=1)
        letters.number_format.format(kode_klasifikasi="x", nomor_urut=1, kode_unit="y", tahun=2025)
    except (KeyError, ValueError, IndexError) as exc:
        raise ConfigError(f"{r.path}: format nomor tidak valid: {exc}") from None
    desk = _complaint_desk(office, head.name, directory, procedure)
    daemon, backup = read_declared(r, "daemon", DaemonTable), read_declared(r, "backup", BackupTable)
    reports = read_declared(r, "reports", ReportsTable)
    return Config(
        path=r.path, office_name=head.name, office_parent=head.parent,
        office_address=office.address, letterhead=replace(head, footer=desk.line()),
        database=storage.database, files=storage.files, outbox=storage.outbox,
        mailbox=mailbox, smtp=smtp, directory=directory, procedure=procedure, clock=_clock(r),
        complaint_format=complaint_format, letters=letters, intake=_intake(r), nudges=_nudges(r),
        security=_security(r), smtp_give_up_hours=give_up_hours, log_file=daemon.log_file,
        backup_folder=backup.folder or storage.database.parent / "cadangan", backup_keep=backup.keep,
        retention_days=read_declared(r, "privacy", PrivacyTable).retention_days,
        poll_seconds=daemon.poll_seconds, silence_days=sop.silence_days,
        reports_to=reports.to, reports_monthly=reports.monthly,
        meeting_place=f"Kantor {head.name}" if office.meeting_place is None else office.meeting_place,
        web=_web(r),
        publik=public_settings(r),
        sms=sms_settings(r, head.name),
        complaint_desk=desk,
        missing_secrets=dict(r.missing),
    )


def _read(path: Path) -> _Reader:
    if path.is_dir():
        raise ConfigError(f"{path} adalah folder; sebutkan berkas konfigurasinya, misalnya {path / 'pengaduan.toml'}")
    if not path.exists():
        raise ConfigError(f"berkas konfigurasi {path} tidak ditemukan; buat dengan `pengaduan siapkan`")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: bukan teks UTF-8 (bita ke-{exc.start + 1}); simpan ulang sebagai UTF-8") from None
    except PermissionError:
        raise ConfigError(f"{path}: tidak ada izin membaca berkas ini; jalankan sebagai akun layanan") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from office.config_syntax import toml_problem

        raise ConfigError(f"{path}: penulisan TOML salah di {toml_problem(text, str(exc))}") from None
    r = _Reader(path, text, data)
    check_names(r)
    return r


def _letterhead(r: _Reader, office: OfficeTable) -> Letterhead:
    """[office]: the kop of letters and the signature of mails."""
    # `parent` is one line, or a list of them, top first: a kelurahan's kop has three tiers
    # (PEMERINTAH KOTA SAMARINDA / KECAMATAN PALARAN / KELURAHAN RAWA MAKMUR).
    parent = office.parent
    tiers = [parent] if isinstance(parent, str) else list(parent) if isinstance(parent, tuple) else []
    if not tiers or not all(isinstance(t, str) and t.strip() for t in tiers):
        r.fail("office", "parent", "harus berupa teks atau daftar baris teks yang tidak kosong")
    return Letterhead(parent=tiers[0], name=office.name, middle=tuple(tiers[1:]),
                      lines=tuple(x for x in (office.address, office.contact) if x), emblem=office.emblem)


def _complaint_desk(office: OfficeTable, office_name: str, directory: Directory, procedure: Procedure) -> ComplaintDesk:
    """[office] handler, phone, counter, hours. The handler is by default whoever a complaint
    is reported to at recording (the Sekretaris Camat), by jabatan: "Sekretaris Camat Palaran"."""
    handler = office.handler
    if handler is None:
        reported_to = procedure.next_step(1)
        title = directory.official(reported_to.role).title if reported_to else ""
        kind = next((k for k in HEAD_OF if office_name.startswith(k + " ")), None)
        place = office_name.removeprefix(kind + " ") if kind else ""
        handler = f"{title} {place}".strip() if place and place not in title else title
    return ComplaintDesk(handler=handler, phone=office.phone, counter=office.counter, hours=office.hours)


def _oauth(r: _Reader, storage: StorageTable) -> TokenSource:
    """[mailbox.oauth2]: XOAUTH2 tokens for Google Workspace or Microsoft 365."""
    table = "mailbox.oauth2"
    oauth = read_declared(r, table, OAuthTable)
    return TokenSource(OAuthSettings(
        token_url=oauth.token_url, client_id=oauth.client_id, client_secret=oauth.client_secret or "",
        refresh_token=oauth.refresh_token or
        r.fail(table, "refresh_token", "refresh token wajib diisi (atau refresh_token_env)"),
        scope=oauth.scope,
        # Rotated refresh tokens are kept here (0600); the default sits beside the seal key.
        store=oauth.token_store or storage.files / "kunci" / "oauth2-refresh-token.json"))


def _mail(r: _Reader, storage: StorageTable) -> tuple[MailboxSettings, SmtpSettings, int]:
    """[mailbox] and [smtp], and the hours after which a mail is given up."""
    box = read_declared(r, "mailbox", MailboxTable)
    tokens, password = None, box.password
    if box.auth == "xoauth2":
        tokens = _oauth(r, storage)
        password = password or ""
        r.missing.pop("mailbox", None)
    if password is None and "mailbox" not in r.missing:
        password = os.environ.get("PENGADUAN_MAILBOX_PASSWORD")
        if password is None:
            r.missing["mailbox"] = (f"{r.path}{r.line_of('mailbox')}: [mailbox]: kata sandi kotak surat belum diisi: "
                                    f"isi password_env (dan variabelnya), password, atau variabel "
                                    f"PENGADUAN_MAILBOX_PASSWORD")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", box.address):
        r.fail("mailbox", "address", f"alamat surel tidak valid: {box.address!r}")
    mailbox = MailboxSettings(
        host=box.host, port=box.port, username=box.username, password=password or "", address=box.address,
        security=box.security, folder=box.folder, processed_folder=box.processed_folder, verify_tls=box.verify_tls,
        ca_file=str(box.ca_file) if box.ca_file else None, tokens=tokens)
    out = read_declared(r, "smtp", SmtpTable)
    if out.auth == "xoauth2" and tokens is None:
        r.fail("smtp", "auth", "xoauth2 untuk SMTP memerlukan [mailbox] auth = \"xoauth2\"")
    smtp = SmtpSettings(
        host=out.host, port=out.port, security=out.security, username=out.username, password=out.password,
        verify_tls=out.verify_tls, ca_file=str(out.ca_file) if out.ca_file else None,
        tokens=tokens if out.auth == "xoauth2" else None)
    return mailbox, smtp, out.give_up_hours


def _official(r: _Reader, role: str, values) -> Official:
    table = f"roles.{role}"
    if not isinstance(values, dict):
        r.fail(table, None, "harus berupa tabel")
    o = read_declared(r, table, RoleTable)
    return Official(role=role, title=DEFAULT_TITLES.get(role, role.title()) if o.title is None else o.title,
                    name=o.name, email=o.email.lower(), nip=o.nip, rank=o.rank, signature=o.signature,
                    aliases=tuple(a.lower() for a in o.aliases))


class _Entry(_Reader):
    """One [[roles.sections]] entry, read as a table; its errors name it by its place."""

    def __init__(self, r: _Reader, where: str, values: dict):
        super().__init__(r.path, r.text, {})
        self.where, self.values = where, values

    def table(self, name: str, required: bool = True) -> dict:
        return self.values

    def fail(self, table: str, key: str | None, message: str):
        # "kunci 'email' wajib diisi" names its key already; a wrong value's message does not.
        raise ConfigError(f"{self.where}: {message if message.startswith('kunci') else f'{key}: {message}'}")


def _section(r: _Reader, i: int, values: dict) -> Section:
    entry = _Entry(r, f"{r.path}: [[roles.sections]] ke-{i + 1}", values)
    s = read_declared(entry, "roles.sections", SectionTable)
    if not isinstance(s.aliases, tuple) or not all(isinstance(a, str) for a in s.aliases):
        raise ConfigError(f"{entry.where}: 'aliases' harus berupa daftar teks, misalnya [\"Trantib\"]")
    return Section(name=s.name, head=s.head, email=s.email.lower(), title=s.title, aliases=s.aliases)


def _directory(r: _Reader) -> Directory:
    """[roles.*] and [[roles.sections]]: who performs each role."""
    roles = r.table("roles")
    officials = {role: _official(r, role, values) for role, values in roles.items() if role != "sections"}
    sections = tuple(_section(r, i, values) for i, values in enumerate(roles.get("sections", [])))
    return Directory(officials, sections)


def _procedure(r: _Reader, sop: SopTable, directory: Directory, signer: str, letters: LetterSettings) -> Procedure:
    """[sop] file: the procedure, whose roles must all be filled; its approval step is the signer's."""
    name = sop.file
    path = r.path_of(name) if name else None
    if name and path is not None and not path.exists() and "/" not in name:
        from templates import TEMPLATES

        shipped = TEMPLATES / "sop" / name  # an SOP that ships with pengaduan: "kelurahan.toml"
        path = shipped if shipped.exists() else path
    try:
        procedure = load_procedure(path).with_signer(signer)
        if letters.numbering == "agenda" and letters.reserved is None:
            procedure = procedure.with_agenda(letters.agenda_time)  # the keeper's step after the approval
    except SopError as exc:
        raise ConfigError(str(exc)) from None
    missing = sorted(procedure.roles - set(directory.officials))
    if missing:
        r.fail("roles", None, f"SOP memerlukan peran yang belum diisi: {', '.join(missing)}")
    return procedure


def _clock(r: _Reader) -> OfficeClock:
    """[office_hours]: hours per weekday, working or calendar days, extra holidays."""
    spec = read_declared(r, "office_hours", OfficeHoursTable)
    try:
        hours = parse_hours(spec.hours) if spec.hours is not None else None
        extra = frozenset(dt.date.fromisoformat(d) for d in spec.extra_holidays)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{r.path}{r.line_of('office_hours')}: [office_hours]: {exc}") from None
    if hours:
        return OfficeClock(hours=hours, extra_holidays=extra, calendar_days=spec.days == "kalender")
    return OfficeClock(extra_holidays=extra, calendar_days=spec.days == "kalender")


HEAD_OF = {"Kecamatan": "CAMAT", "Kelurahan": "LURAH", "Desa": "KEPALA DESA"}


def _signer(r: _Reader, table: LettersTable, office_name: str, directory: Directory) -> tuple[str, str, str]:
    """[letters] signer and head: who signs the letters, the head of the office and the head's
    jabatan in the signature block ("CAMAT PALARAN", "LURAH RAWA MAKMUR")."""
    signer = table.signer if table.signer is not None else "camat" if "camat" in directory.officials else ""
    if signer not in directory.officials:
        r.fail("letters", written_key(r, "letters", LettersTable, "signer"), f"peran '{signer}' tidak ada di [roles]")
    head = table.head if table.head is not None else next(
        (role for role in ("camat", "lurah") if role in directory.officials), signer)
    if head not in directory.officials:
        r.fail("letters", "head", f"peran '{head}' tidak ada di [roles]")
    kind = next((k for k in HEAD_OF if office_name.startswith(k + " ")), None)
    head_title = (f"{HEAD_OF[kind]} {office_name.removeprefix(kind + ' ').upper()}" if kind
                  else directory.official(head).title.upper())
    return signer, head, head_title


def _letters(r: _Reader, office_name: str, directory: Directory, storage: StorageTable) -> LetterSettings:
    """[letters]: codes, number format, the signer, the seal key, PDFs."""
    t = read_declared(r, "letters", LettersTable)
    signer_role, head_role, head_title = _signer(r, t, office_name, directory)
    # The head signs as the head; anyone else signs "a.n." the head under their own title.
    default_title = head_title if signer_role == head_role else directory.official(signer_role).title.upper()
    key_path = t.key or storage.files / "kunci" / "segel-kantor.key"
    signing = signing_settings(r, t)
    tembusan = tembusan_settings(r, t)
    note = t.signing_note if t.signing_note is not None else signing_note(
        signing["signing"], office_name, signing["verify_url"], sealed=key_path.exists())
    return LetterSettings(
        classification=plain_code(r, t), unit=t.unit, number_format=t.number_format, place=t.place,
        addressee_place=t.addressee_place, sifat=t.sifat, hal=t.hal,
        tembusan=tembusan.get("jawaban", ()), tembusan_by_kind=tuple(tembusan.items()),
        signer_role=signer_role, signer_title=default_title if t.signer_title is None else t.signer_title,
        on_behalf_of=("" if signer_role == head_role else head_title) if t.on_behalf_of is None else t.on_behalf_of,
        head_role=head_role, head_title=head_title, signing_note=note, template=t.template, paper=t.paper,
        key=key_path, trusted_keys=t.trusted_keys, pdf=t.pdf, pades_certificate=t.pades_certificate,
        pades_password=t.pades_password, **numbering_settings(r, t, directory), **signing,
    )


def _intake(r: _Reader) -> IntakeSettings:
    i = read_declared(r, "intake", IntakeTable)
    return IntakeSettings(
        max_attachment_bytes=int(i.max_attachment_mb * 2**20), max_total_bytes=int(i.max_message_mb * 2**20),
        ack_per_hour=i.ack_per_hour, quarantine_after=i.quarantine_after,
        confidential_by_default=i.confidential_by_default, max_attachments=i.max_attachments, hold_after=i.hold_after)


def _nudges(r: _Reader) -> NudgePolicy:
    reminders = read_declared(r, "reminders", RemindersTable)
    return NudgePolicy(at=tuple(sorted(float(f) for f in reminders.at)), max_per_day=reminders.max_per_day)


def _security(r: _Reader) -> SecuritySettings:
    read = read_declared(r, "security", SecuritySettings)
    security = replace(read, authserv_id=read.authserv_id.lower(), own_hosts=tuple(h.lower() for h in read.own_hosts))
    if security.require_authentication and not security.authserv_id:
        r.fail("security", "authserv_id", "wajib diisi bila require_authentication = true "
                                          "(nama server penerima yang menulis Authentication-Results)")
    return security


def _web(r: _Reader) -> WebSettings:
    """The staff desk ([web]): where it listens and who sees a confidential complainant."""
    return read_declared(r, "web", WebSettings)
