"""The office's configuration: one TOML file, read once, checked, turned into typed settings.

Errors name the file, the key and, where it can be found, the line, in Bahasa Indonesia
because the operator reads them. Relative paths are taken from the config file's folder.
A password may come from an environment variable instead of the file.
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
from office.config_declared import read_declared
from office.config_letters import signing_settings, tembusan_settings
from office.config_names import check_names
from office.config_numbering import numbering_settings, plain_code
from office.config_public import public_settings
from office.config_sms import sms_settings
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
SECURITY = ("none", "starttls", "ssl")


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
    head = _letterhead(r)
    mailbox, smtp = _mail(r)
    directory = _directory(r)
    letters = _letters(r, head.name, directory)
    procedure = _procedure(r, directory, letters.signer_role, letters)
    complaint_format = r.get("numbering", "complaint", str, "PGD/{tahun}/{nomor:04d}")
    try:
        complaint_format.format(tahun=2025, nomor=1)
        letters.number_format.format(kode_klasifikasi="x", nomor_urut=1, kode_unit="y", tahun=2025)
    except (KeyError, ValueError, IndexError) as exc:
        raise ConfigError(f"{r.path}: format nomor tidak valid: {exc}") from None
    database = r.path_of(r.get("storage", "database"))
    desk = _complaint_desk(r, head.name, directory, procedure)
    return Config(
        path=r.path, office_name=head.name, office_parent=head.parent,
        office_address=r.get("office", "address", str, ""), letterhead=replace(head, footer=desk.line()),
        database=database, files=r.path_of(r.get("storage", "files")),
        outbox=r.path_of(r.get("storage", "outbox", str, "data/surat-keluar")),
        mailbox=mailbox, smtp=smtp, directory=directory, procedure=procedure, clock=_clock(r),
        complaint_format=complaint_format, letters=letters, intake=_intake(r), nudges=_nudges(r),
        security=_security(r),
        smtp_give_up_hours=r.get("smtp", "give_up_hours", int, 24),
        log_file=r.path_of(r.get("daemon", "log_file")) if r.get("daemon", "log_file", str, None) else None,
        backup_folder=(r.path_of(r.get("backup", "folder")) if r.get("backup", "folder", str, None)
                       else database.parent / "cadangan"),
        backup_keep=max(1, r.get("backup", "keep", int, 7)),
        retention_days=max(0, r.get("privacy", "retention_days", int, 0)),
        poll_seconds=r.get("daemon", "poll_seconds", int, 60),
        silence_days=max(1, r.get("sop", "silence_days", int, 10)),
        reports_to=tuple(r.get("reports", "to", list, [])),
        reports_monthly=r.get("reports", "monthly", bool, True),
        meeting_place=r.get("office", "meeting_place", str, f"Kantor {head.name}"),
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


def _letterhead(r: _Reader) -> Letterhead:
    """[office]: the kop of letters and the signature of mails."""
    address = r.get("office", "address", str, "")
    contact = r.get("office", "contact", str, "")
    emblem = r.get("office", "emblem", str, None)
    # `parent` is one line, or a list of them, top first: a kelurahan's kop has three tiers
    # (PEMERINTAH KOTA SAMARINDA / KECAMATAN PALARAN / KELURAHAN RAWA MAKMUR).
    parent = r.get("office", "parent", object)
    tiers = [parent] if isinstance(parent, str) else parent if isinstance(parent, list) else []
    if not tiers or not all(isinstance(t, str) and t.strip() for t in tiers):
        r.fail("office", "parent", "harus berupa teks atau daftar baris teks yang tidak kosong")
    return Letterhead(parent=tiers[0], name=r.get("office", "name"), middle=tuple(tiers[1:]),
                      lines=tuple(x for x in (address, contact) if x),
                      emblem=r.path_of(emblem) if emblem else None)


def _complaint_desk(r: _Reader, office_name: str, directory: Directory, procedure: Procedure) -> ComplaintDesk:
    """[office] handler, phone, counter, hours. The handler is by default whoever a complaint
    is reported to at recording (the Sekretaris Camat), by jabatan: "Sekretaris Camat Palaran"."""
    reported_to = procedure.next_step(1)
    title = directory.official(reported_to.role).title if reported_to else ""
    kind = next((k for k in HEAD_OF if office_name.startswith(k + " ")), None)
    place = office_name.removeprefix(kind + " ") if kind else ""
    default = f"{title} {place}".strip() if place and place not in title else title
    return ComplaintDesk(handler=r.get("office", "handler", str, default), phone=r.get("office", "phone", str, ""),
                         counter=r.get("office", "counter", str, ""), hours=r.get("office", "hours", str, ""))


def _oauth(r: _Reader) -> TokenSource:
    """[mailbox.oauth2]: XOAUTH2 tokens for Google Workspace or Microsoft 365."""
    table = "mailbox.oauth2"
    return TokenSource(OAuthSettings(
        token_url=r.get(table, "token_url"), client_id=r.get(table, "client_id"),
        client_secret=r.secret(table, "client_secret") or "",
        refresh_token=r.secret(table, "refresh_token", "refresh_token_env") or
        r.fail(table, "refresh_token", "refresh token wajib diisi (atau refresh_token_env)"),
        scope=r.get(table, "scope", str, ""),
        # Rotated refresh tokens are kept here (0600); the default sits beside the seal key.
        store=r.path_of(r.get(table, "token_store", str, None) or
                        str(r.path_of(r.get("storage", "files")) / "kunci" / "oauth2-refresh-token.json"))))


def _mail(r: _Reader) -> tuple[MailboxSettings, SmtpSettings]:
    """[mailbox] and [smtp]."""
    tokens = None
    password = r.secret("mailbox", later=True)
    if r.get("mailbox", "auth", str, "password", ("password", "xoauth2")) == "xoauth2":
        tokens = _oauth(r)
        password = password or ""
        r.missing.pop("mailbox", None)
    if password is None and "mailbox" not in r.missing:
        password = os.environ.get("PENGADUAN_MAILBOX_PASSWORD")
        if password is None:
            r.missing["mailbox"] = (f"{r.path}{r.line_of('mailbox')}: [mailbox]: kata sandi kotak surat belum diisi: "
                                    f"isi password_env (dan variabelnya), password, atau variabel "
                                    f"PENGADUAN_MAILBOX_PASSWORD")
    address = r.get("mailbox", "address")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", address):
        r.fail("mailbox", "address", f"alamat surel tidak valid: {address!r}")
    mailbox = MailboxSettings(
        host=r.get("mailbox", "host"), port=r.get("mailbox", "port", int),
        username=r.get("mailbox", "username"), password=password or "", address=address,
        security=r.get("mailbox", "security", str, "ssl", SECURITY),
        folder=r.get("mailbox", "folder", str, "INBOX"),
        processed_folder=r.get("mailbox", "processed_folder", str, "Diproses"),
        verify_tls=r.get("mailbox", "verify_tls", bool, True),
        ca_file=str(r.path_of(r.get("mailbox", "ca_file"))) if r.get("mailbox", "ca_file", str, None) else None,
        tokens=tokens,
    )
    smtp_auth = r.get("smtp", "auth", str, "password", ("password", "xoauth2"))
    if smtp_auth == "xoauth2" and tokens is None:
        r.fail("smtp", "auth", "xoauth2 untuk SMTP memerlukan [mailbox] auth = \"xoauth2\"")
    smtp = SmtpSettings(
        host=r.get("smtp", "host"), port=r.get("smtp", "port", int),
        security=r.get("smtp", "security", str, "starttls", SECURITY),
        username=r.get("smtp", "username", str, None), password=r.secret("smtp", later=True),
        verify_tls=r.get("smtp", "verify_tls", bool, True),
        ca_file=str(r.path_of(r.get("smtp", "ca_file"))) if r.get("smtp", "ca_file", str, None) else None,
        tokens=tokens if smtp_auth == "xoauth2" else None,
    )
    return mailbox, smtp


def _official(r: _Reader, role: str, values) -> Official:
    table = f"roles.{role}"
    if not isinstance(values, dict):
        r.fail(table, None, "harus berupa tabel")
    signature = r.get(table, "signature", str, None)
    return Official(
        role=role, title=r.get(table, "title", str, DEFAULT_TITLES.get(role, role.title())),
        name=r.get(table, "name"), email=r.get(table, "email").lower(),
        nip=r.get(table, "nip", str, ""), rank=r.get(table, "rank", str, ""),
        signature=r.path_of(signature) if signature else None,
        aliases=tuple(a.lower() for a in r.get(table, "aliases", list, [])))


def _section(r: _Reader, i: int, values: dict) -> Section:
    where = f"{r.path}: [[roles.sections]] ke-{i + 1}"
    for key in ("name", "head", "email"):
        if key not in values:
            raise ConfigError(f"{where}: kunci '{key}' wajib diisi")
    aliases = values.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ConfigError(f"{where}: 'aliases' harus berupa daftar teks, misalnya [\"Trantib\"]")
    return Section(name=values["name"], head=values["head"], email=values["email"].lower(),
                   title=values.get("title", "Kepala Seksi"), aliases=tuple(aliases))


def _directory(r: _Reader) -> Directory:
    """[roles.*] and [[roles.sections]]: who performs each role."""
    roles = r.table("roles")
    officials = {role: _official(r, role, values) for role, values in roles.items() if role != "sections"}
    sections = tuple(_section(r, i, values) for i, values in enumerate(roles.get("sections", [])))
    return Directory(officials, sections)


def _procedure(r: _Reader, directory: Directory, signer: str, letters: LetterSettings) -> Procedure:
    """[sop] file: the procedure, whose roles must all be filled; its approval step is the signer's."""
    sop_file = r.get("sop", "file", str, None)
    path = r.path_of(sop_file) if sop_file else None
    if path is not None and not path.exists() and "/" not in sop_file:
        from templates import TEMPLATES

        shipped = TEMPLATES / "sop" / sop_file  # an SOP that ships with pengaduan: "kelurahan.toml"
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
    spec = r.table("office_hours", required=False)
    try:
        hours = parse_hours(spec["hours"]) if "hours" in spec else None
        extra = frozenset(dt.date.fromisoformat(d) for d in spec.get("extra_holidays", []))
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{r.path}{r.line_of('office_hours')}: [office_hours]: {exc}") from None
    days = r.get("office_hours", "days", str, "kerja", ("kerja", "kalender"))
    if hours:
        return OfficeClock(hours=hours, extra_holidays=extra, calendar_days=days == "kalender")
    return OfficeClock(extra_holidays=extra, calendar_days=days == "kalender")


HEAD_OF = {"Kecamatan": "CAMAT", "Kelurahan": "LURAH", "Desa": "KEPALA DESA"}


def _letters(r: _Reader, office_name: str, directory: Directory) -> LetterSettings:
    """[letters]: codes, number format, the signer, the seal key, PDFs."""
    # `signer` (the published name) or `signer_role` (its earlier name): who signs the letters.
    key = "signer" if "signer" in r.data.get("letters", {}) else "signer_role"
    signer_role = r.get("letters", key, str, "camat" if "camat" in directory.officials else "")
    if signer_role not in directory.officials:
        r.fail("letters", key, f"peran '{signer_role}' tidak ada di [roles]")
    head_role = r.get("letters", "head", str, next((role for role in ("camat", "lurah") if role in directory.officials),
                                                   signer_role))
    if head_role not in directory.officials:
        r.fail("letters", "head", f"peran '{head_role}' tidak ada di [roles]")
    # The head's jabatan in the signature block: "CAMAT PALARAN", "LURAH RAWA MAKMUR".
    kind = next((k for k in HEAD_OF if office_name.startswith(k + " ")), None)
    head_title = (f"{HEAD_OF[kind]} {office_name.removeprefix(kind + ' ').upper()}" if kind
                  else directory.official(head_role).title.upper())
    # The head signs as the head; anyone else signs "a.n." the head under their own title.
    default_title = head_title if signer_role == head_role else directory.official(signer_role).title.upper()
    default_on_behalf = "" if signer_role == head_role else head_title
    template = r.get("letters", "template", str, None)
    seal_key = r.get("letters", "key", str, None)
    key_path = r.path_of(seal_key) if seal_key else r.path_of(r.get("storage", "files")) / "kunci" / "segel-kantor.key"
    pades = r.get("letters", "pades_certificate", str, None)
    signing = signing_settings(r)
    tembusan = tembusan_settings(r)
    return LetterSettings(
        classification=plain_code(r),
        unit=r.get("letters", "unit", str, "400.02"),
        number_format=r.get("letters", "number_format", str, LetterSettings.number_format),
        place=r.get("letters", "place", str, "Samarinda"),
        addressee_place=r.get("letters", "addressee_place", str, ""),
        sifat=r.get("letters", "sifat", str, "Biasa"),
        hal=r.get("letters", "hal", str, "Jawaban Pengaduan"),
        tembusan=tembusan.get("jawaban", ()), tembusan_by_kind=tuple(tembusan.items()),
        signer_role=signer_role,
        signer_title=r.get("letters", "signer_title", str, default_title),
        on_behalf_of=r.get("letters", "on_behalf_of", str, default_on_behalf),
        head_role=head_role, head_title=head_title,
        signing_note=r.get("letters", "signing_note", str,
                           signing_note(signing["signing"], office_name, signing["verify_url"],
                                        sealed=key_path.exists())),
        template=r.path_of(template) if template else None,
        paper=r.get("letters", "paper", str, "A4", ("A4", "F4")),
        key=key_path,
        trusted_keys=tuple(r.get("letters", "trusted_keys", list, [])),
        pdf=r.get("letters", "pdf", bool, True),
        pades_certificate=r.path_of(pades) if pades else None,
        pades_password=r.secret("letters", "pades_password"),
        **numbering_settings(r, directory),
        **signing,
    )


def _intake(r: _Reader) -> IntakeSettings:
    return IntakeSettings(
        max_attachment_bytes=int(r.get("intake", "max_attachment_mb", int, 10) * 2**20),
        max_total_bytes=int(r.get("intake", "max_message_mb", int, 25) * 2**20),
        ack_per_hour=r.get("intake", "ack_per_hour", int, 3),
        quarantine_after=r.get("intake", "quarantine_after", int, 3),
        confidential_by_default=r.get("intake", "confidential_by_default", bool, False),
        max_attachments=max(1, r.get("intake", "max_attachments", int, 50)),
        hold_after=max(0, r.get("intake", "hold_after", int, 10)),
    )


def _nudges(r: _Reader) -> NudgePolicy:
    fractions = r.get("reminders", "at", list, [0.5, 0.9])
    if not all(isinstance(f, (int, float)) and 0 < f < 1 for f in fractions):
        r.fail("reminders", "at", "harus daftar pecahan antara 0 dan 1, misalnya [0.5, 0.9]")
    return NudgePolicy(at=tuple(sorted(float(f) for f in fractions)),
                       max_per_day=max(1, r.get("reminders", "max_per_day", int, 3)))


def _security(r: _Reader) -> SecuritySettings:
    read = read_declared(r, "security", SecuritySettings)
    security = replace(read, authserv_id=read.authserv_id.lower(), trusted_received=max(0, read.trusted_received),
                       own_hosts=tuple(h.lower() for h in read.own_hosts))
    if security.require_authentication and not security.authserv_id:
        r.fail("security", "authserv_id", "wajib diisi bila require_authentication = true "
                                          "(nama server penerima yang menulis Authentication-Results)")
    return security


def _web(r: _Reader) -> WebSettings:
    """The staff desk ([web]): where it listens and who sees a confidential complainant."""
    web = read_declared(r, "web", WebSettings)
    if not 0 < web.port < 65536:
        r.fail("web", "port", f"{web.port} bukan nomor port (1–65535)")
    unknown = [x for x in web.identity_roles if x not in ("staf", "pimpinan", "admin")]
    if unknown:
        r.fail("web", "identity_roles", f"peran {', '.join(map(str, unknown))} tidak dikenal (staf, pimpinan, admin)")
    return web
