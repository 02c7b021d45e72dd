"""The office's settings as typed records: the `Config` that load_config (office.config)
builds from one TOML file, and its parts. Data only."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import ClassVar

from intake.classify import Identity
from intake.mailbox import MailboxSettings
from intake.oauth import TokenSource
from intake.settings import IntakeSettings
from letters.model import Letterhead
from office.config_declared import key, port_number
from office.config_public import PublicSettings
from office.config_sms import SmsSettings
from sop.clock import NudgePolicy, OfficeClock
from sop.directory import Directory
from sop.procedure import Duration, Procedure


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"  # none | starttls | ssl
    username: str | None = None
    password: str | None = None
    verify_tls: bool = True
    timeout: float = 60.0
    ca_file: str | None = None
    tokens: TokenSource | None = field(default=None, compare=False)  # XOAUTH2 instead of a password


@dataclass(frozen=True)
class LetterSettings:
    classification: str = "000.8.3.4"
    unit: str = "400.02"
    number_format: str = "{kode_klasifikasi}/{nomor_urut:04d}/{kode_unit}"
    place: str = "Samarinda"
    addressee_place: str = ""  # "di …" under a complainant without postal address: `place` unless set ("Tempat")
    sifat: str = "Biasa"
    hal: str = "Jawaban Pengaduan"
    tembusan: tuple[str, ...] = ()  # the answer's; the office's own archive copy is not a tembusan
    tembusan_by_kind: tuple[tuple[str, tuple[str, ...]], ...] = ()  # [letters.tembusan] per letter kind
    signer_role: str = "camat"
    signer_title: str = ""
    on_behalf_of: str = ""  # "CAMAT PALARAN" when another role signs a.n. (atas nama) the head
    head_role: str = "camat"
    head_title: str = ""  # "CAMAT PALARAN": what another official signs "a.n."
    signing_note: str = ""
    template: Path | None = None
    paper: str = "A4"
    key: Path | None = None  # the office's Ed25519 seal key; letters are sealed when it exists
    trusted_keys: tuple[str, ...] = ()  # earlier public keys, still accepted by `verifikasi`
    pdf: bool = True  # make a PDF beside each letter where LibreOffice is installed
    pades_certificate: Path | None = None  # PKCS#12 for a PAdES signature on the PDF
    pades_password: str | None = None
    # How the office signs its letters (office/signing.py): "segel" (signature image and the
    # office's Ed25519 seal), "basah" (printed, signed by hand and stamped, scanned) or "tte"
    # (a certified signature made in the signer's TTE application).
    signing: str = "segel"
    verify_url: str = ""  # where the office publishes its public key (the segel note names it)
    tte_roots: tuple[Path, ...] = ()  # PEM trust roots a returned TTE signature must chain to
    # Where a letter's number comes from ([letters] numbering): "buku", this book's own register
    # (0001 each year); "agenda", the office's one agenda surat keluar, kept by [roles.agenda].
    numbering: str = "buku"
    reserved: tuple[int, int] | None = None  # agenda: a block of serials the service takes without asking
    agenda_time: Duration = Duration(1, "hours")  # the standard time of the agenda keeper's step
    codes: tuple[tuple[str, str], ...] = ()  # [letters.classification]: the code per letter kind

    def code_for(self, kind: str) -> str:
        """The kode klasifikasi of a letter kind (a notice of forwarding is a pelimpahan)."""
        kind = "pelimpahan" if kind == "dilimpahkan" else kind
        return dict(self.codes).get(kind, self.classification)

    def tembusan_of(self, kind: str) -> tuple[str, ...]:
        """Who gets a copy of a letter of `kind` (jawaban, pelimpahan, kelengkapan, …): none
        unless the office lists them; the answer's is `tembusan`."""
        return dict(self.tembusan_by_kind).get(kind, self.tembusan if kind == "jawaban" else ())


DESK_ROLES = ("staf", "pimpinan", "admin")


def desk_roles(value: tuple) -> str | None:
    """[web] identity_roles: roles of the desk's accounts."""
    unknown = [x for x in value if x not in DESK_ROLES]
    return f"peran {', '.join(map(str, unknown))} tidak dikenal (staf, pimpinan, admin)" if unknown else None


@dataclass(frozen=True)
class WebSettings:
    """[web], declared once (office.config_declared): the staff desk."""

    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = "meja layanan: halaman web untuk petugas di jaringan kantor"
    DOC: ClassVar[str] = "the staff desk; see \"The staff desk\""
    enabled: bool = key(False, comment="true: daemon `jalankan` sekaligus menjalankannya (atau: pengaduan meja)",
                        doc="serve the desk inside the daemon")
    host: str = key("127.0.0.1", comment="di jaringan kantor melalui nginx dengan TLS (docs/DEPLOY.md)",
                    doc="where it listens; the office LAN only behind a TLS proxy")
    port: int = key(8080, check=port_number, comment="port meja layanan", doc="its port")
    secure_cookies: bool = key(False, comment="true bila diakses melalui https",
                               doc="behind TLS: the session cookie never travels in clear")
    proxy: bool = key(False, comment="true di belakang nginx: alamat PC dari X-Forwarded-For",
                      doc="behind nginx: the client's address from its X-Forwarded-For (login limits)")
    identity_roles: tuple[str, ...] = key(("staf", "pimpinan"), check=desk_roles,
                                          comment="peran yang melihat identitas pengadu yang dirahasiakan",
                                          doc="who sees a confidential complainant")


@dataclass(frozen=True)
class SecuritySettings:
    """[security], declared once (office.config_declared): who may act by mail."""

    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "how an official's reply is authenticated; see SECURITY.md"
    # Require the receiving server's Authentication-Results (from `authserv_id`) to show
    # DKIM or DMARC pass for an official's address before the reply may act.
    require_authentication: bool = key(False, example=True, comment="balasan pejabat wajib lulus DKIM/DMARC",
                                       doc="an official's reply acts only when DKIM or DMARC passed for their address")
    authserv_id: str = key("", example="mx.kecamatan.test",
                           comment="server penerima yang menulis Authentication-Results",
                           doc="the receiving server that writes Authentication-Results (required with "
                               "`require_authentication`)")
    # Where mail enters our servers: by default the first Received header (from the top) that
    # `authserv_id` wrote for a host outside `own_hosts`; or the N-th Received from the top.
    trusted_received: int = key(0, least=0,
                                comment="0: batas dicari otomatis (Received pertama oleh authserv_id dari luar); "
                                        "N: hanya header di atas Received ke-N dari atas",
                                doc="0: where mail entered is found by itself; N: only the headers above the N-th "
                                    "Received from the top are trusted")
    own_hosts: tuple[str, ...] = key((), comment="nama host lain milik kantor dalam rantai penerimaan",
                                     doc="other hosts of the office in the receiving chain")


@dataclass(frozen=True)
class ComplaintDesk:
    handler: str = ""  # "Sekretaris Camat Palaran": the jabatan, never a person's name
    phone: str = ""
    counter: str = ""  # "Loket Pengaduan, lantai 1"
    hours: str = ""  # "Senin–Jumat pukul 07.30–16.00 WITA"

    def line(self) -> str:
        """The contact line: Pengelola pengaduan: Sekretaris Camat Palaran; Telepon …; Loket …; Senin–Jumat …"""
        parts = [f"Pengelola pengaduan: {self.handler}" if self.handler else "",
                 f"Telepon {self.phone}" if self.phone else "",
                 self.counter if self.counter.lower().startswith("loket") else
                 (f"Loket {self.counter}" if self.counter else ""), self.hours]
        return "; ".join(p for p in parts if p)


@dataclass(frozen=True)
class Config:
    path: Path
    office_name: str
    office_parent: str
    office_address: str
    letterhead: Letterhead
    database: Path
    files: Path
    outbox: Path
    mailbox: MailboxSettings
    smtp: SmtpSettings
    directory: Directory
    procedure: Procedure
    clock: OfficeClock
    complaint_format: str = "PGD/{tahun}/{nomor:04d}"
    letters: LetterSettings = field(default_factory=LetterSettings)
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    nudges: NudgePolicy = field(default_factory=NudgePolicy)
    security: SecuritySettings = field(default_factory=lambda: SecuritySettings())
    poll_seconds: int = 60
    smtp_give_up_hours: int = 24
    log_file: Path | None = None
    backup_folder: Path | None = None
    backup_keep: int = 7
    retention_days: int = 0  # closed complaints are anonymised after this many days; 0 keeps them
    # Working days a complainant has to answer `Lengkapi:` before the complaint closes (SP4N-LAPOR!: 10).
    silence_days: int = 10
    # The previous month's recap by email on the first working day: to the head and these addresses.
    reports_to: tuple[str, ...] = ()
    reports_monthly: bool = True
    meeting_place: str = ""  # where meetings (Rapat:) are held: a room, not just the office's name
    web: WebSettings = field(default_factory=WebSettings)
    publik: PublicSettings = field(default_factory=PublicSettings)  # the public form (office.config_public)
    sms: SmsSettings = field(default_factory=SmsSettings)  # [sms]: the office's SMS gateway (office.config_sms)
    # Who handles complaints and how to reach them (UU 25/2009 Pasal 36), on every receipt,
    # acknowledgement, mail and letter to a complainant: [office] handler, phone, counter, hours.
    complaint_desk: ComplaintDesk = field(default_factory=lambda: ComplaintDesk())
    # Secrets a command that connects needs but the environment does not hold: table -> message.
    missing_secrets: dict[str, str] = field(default_factory=dict)

    def silence_ends(self, since: dt.datetime) -> dt.datetime:
        """When a complainant asked something at `since` (`Lengkapi:`, the delivered answer) is
        taken to have nothing more to say: `silence_days` working days later."""
        return self.clock.add(since, Duration(self.silence_days, "days"))

    def need_secrets(self, *tables: str) -> None:
        """Raise ConfigError when a secret of `tables` (mailbox, smtp) is missing."""
        for table in tables:
            if table in self.missing_secrets:
                raise ConfigError(self.missing_secrets[table])

    @cached_property
    def identity(self) -> Identity:
        """Who we are to intake: our address, our register numbers, the officials' addresses."""
        staff = {a for o in self.directory.officials.values() for a in (o.email, *o.aliases)}
        staff |= {s.email for s in self.directory.sections}
        return Identity(self.mailbox.address.lower(), register_pattern(self.complaint_format), frozenset(staff))

    def complaint_number(self, year: int, serial: int) -> str:
        """A complaint's register number for `year` and `serial`."""
        return self.complaint_format.format(tahun=year, nomor=serial)

    def letter_number(self, year: int, serial: int, kind: str = "jawaban") -> str:
        """An outgoing letter's number for `year` and `serial`, with the code of its `kind`."""
        ls = self.letters
        return ls.number_format.format(kode_klasifikasi=ls.code_for(kind), nomor_urut=serial,
                                       kode_unit=ls.unit, tahun=year)


def register_pattern(fmt: str) -> re.Pattern:
    """A regex that finds numbers made by `fmt` (e.g. PGD/{tahun}/{nomor:04d}) in a subject."""
    out, pos = "", 0
    for m in re.finditer(r"\{(\w+)(?::[^}]*)?\}", fmt):
        out += re.escape(fmt[pos:m.start()]) + r"\d+"
        pos = m.end()
    return re.compile(out + re.escape(fmt[pos:]))
