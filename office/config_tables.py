"""The configuration's tables declared once (office.config_declared): every key of the office,
storage, mail, roles, SOP and daemon tables, with its type, default, the sample file's
Indonesian comment and README's English line. [letters] is in office.config_letter_keys,
[web] and [security] in office.settings, [publik] and [sms] beside their readers; `TABLES`
lists them all in the sample file's order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from office.config_declared import fractions, key, port_number
from office.config_letter_keys import LetterCodes, LettersTable, TembusanTable
from office.config_public import PublicSettings
from office.config_sms import SmsSettings
from office.settings import SecuritySettings, WebSettings

SECURITY = ("none", "starttls", "ssl")
AUTH = ("password", "xoauth2")


@dataclass(frozen=True, kw_only=True)
class OfficeTable:
    SAMPLE: ClassVar[bool] = True  # the sample file writes the table, not only its comment
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "the kop of letters, the signature of mails and the complaint handler's contact"
    name: str = key(comment="nama kantor, tercetak pada kop surat dan tanda tangan surel",
                    doc="the office's name, as the kop prints it", example="Kecamatan Palaran", shown=True)
    parent: str | tuple[str, ...] = key(
        kind=object, example="Pemerintah Kota Samarinda", shown=True,
        comment='baris kop di atas nama kantor; kop kelurahan tiga tingkat: '
                '["Pemerintah Kota Samarinda", "Kecamatan Palaran"]',
        doc='one line, or a list of lines for a kelurahan\'s three-tier kop: '
            '`["Pemerintah Kota Samarinda", "Kecamatan Palaran"]`')
    address: str = key("", shown=True,
                       example="Jalan Contoh Nomor 1, Kelurahan Rawa Makmur, Kecamatan Palaran, Kota Samarinda, "
                               "Kalimantan Timur 75253",
                       comment="kop surat: alamat ditulis lengkap, tanpa singkatan (Jalan, Nomor), dengan kode pos",
                       doc="the kop's address line")
    contact: str = key("", example="Telepon (0541) 000000, Laman palaran.samarindakota.go.id, "
                                   "Surel pengaduan@kecamatan.test",
                       comment="baris kontak pada kop surat", doc="the kop's contact line")
    emblem: Path | None = key(None, example="lambang.png", comment="lambang daerah untuk kop surat",
                              doc="the emblem image of the kop")
    meeting_place: str | None = key(None, example="Ruang Rapat Kantor Camat Palaran",
                                    comment="tempat rapat dinas dalam undangan", default_doc='"Kantor <name>"',
                                    doc="where meetings (`Rapat:`) are held, named in invitations")
    handler: str | None = key(
        None, example="Sekretaris Camat Palaran", default_doc="the performer of step 2 with the office's place",
        comment='pengelola pengaduan (UU 25/2009 Pasal 36), jabatan, bukan nama orang; dicetak pada tanda terima dan '
                'kaki surel serta surat: "Pengelola pengaduan: <handler>; Telepon <phone>; Loket <counter>; <hours>" '
                "(bawaan: pelaksana langkah 2)",
        doc='the complaint handler (a jabatan, "Sekretaris Camat Palaran"), published as UU 25/2009 Pasal 36 asks on '
            'every receipt, acknowledgement, mail footer and letter footer as "Pengelola pengaduan: <handler>; '
            'Telepon <phone>; Loket <counter>; <hours>"')
    phone: str = key("", example="(0541) 000000", shown=True, comment="telepon pengaduan",
                     doc="the handler's telephone; `periksa` warns when it is missing")
    counter: str = key("", example="Loket Pengaduan, Kantor Camat Palaran", shown=True,
                       comment="loket tempat pengaduan diterima", doc="the counter where complaints are received")
    hours: str = key("", example="Senin–Jumat pukul 07.30–16.00 WITA", shown=True, comment="jam layanan pengaduan",
                     doc="the service hours; `periksa` warns when they are missing")


@dataclass(frozen=True, kw_only=True)
class StorageTable:
    SAMPLE: ClassVar[bool] = True
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "where the book and its files are kept"
    database: Path = key(example="data/pengaduan.db", shown=True, comment="buku pengaduan (SQLite)",
                         doc="the complaint book (SQLite)")
    files: Path = key(example="data/files", shown=True, comment="surel asli dan arsip surat",
                      doc="the original mails and the letters' archive")
    outbox: Path = key("data/surat-keluar", shown=True, comment="salinan surat untuk diambil staf",
                       doc="copies of letters for staff to take")


@dataclass(frozen=True, kw_only=True)
class MailboxTable:
    SAMPLE: ClassVar[bool] = True
    COMMENT: ClassVar[str] = "kotak surat kantor (IMAP)"
    DOC: ClassVar[str] = "the office's mailbox (IMAP); see \"The mailbox\""
    host: str = key(example="127.0.0.1", shown=True, comment="server IMAP", doc="the IMAP server")
    port: int = key(example=993, shown=True, check=port_number, comment="port IMAP", doc="its port")
    security: str = key("ssl", choices=SECURITY, shown=True, comment="none | starttls | ssl",
                        doc="`none`, `starttls` or `ssl`; certificates are verified by default")
    username: str = key(example="pengaduan@kecamatan.test", shown=True, comment="nama login",
                        doc="the login name")
    address: str = key(example="pengaduan@kecamatan.test", shown=True, comment="alamat surel kantor",
                       doc="the office's address, to which citizens write")
    password_env: str | None = key(None, example="PENGADUAN_MAILBOX_PASSWORD", shown=True,
                                   comment='variabel lingkungan berisi kata sandi (atau: password = "...")',
                                   doc="the environment variable holding the password (or "
                                       "`PENGADUAN_MAILBOX_PASSWORD`)")
    password: str | None = key(None, secret="later", example="...", comment="kata sandi di berkas ini",
                               doc="the password in the file itself")
    folder: str = key("INBOX", comment="folder yang dibaca", doc="the folder read")
    processed_folder: str = key("Diproses", comment="folder tujuan surel yang sudah dicatat",
                                doc="where mail goes once the book has committed it")
    verify_tls: bool = key(True, comment="periksa sertifikat server", doc="verify the server's certificate")
    ca_file: Path | None = key(None, example="ca-kantor.pem", comment="CA privat untuk sertifikat server",
                               doc="a private CA for the server's certificate")
    auth: str = key("password", choices=AUTH, example="xoauth2",
                    comment="xoauth2: Google Workspace / Microsoft 365, lihat [mailbox.oauth2]",
                    doc="`xoauth2` for Google Workspace and Microsoft 365, with `[mailbox.oauth2]`")


@dataclass(frozen=True, kw_only=True)
class OAuthTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = "token XOAUTH2 bila [mailbox] auth = \"xoauth2\""
    DOC: ClassVar[str] = "XOAUTH2 tokens, with `[mailbox] auth = \"xoauth2\"`"
    token_url: str = key(example="https://oauth2.googleapis.com/token", comment="alamat token penyedia",
                         doc="the provider's token endpoint")
    client_id: str = key(example="...", comment="ID aplikasi", doc="the application's client id")
    client_secret_env: str | None = key(None, example="PENGADUAN_OAUTH_SECRET",
                                        comment="variabel lingkungan berisi rahasia aplikasi",
                                        doc="the variable holding the client secret")
    client_secret: str | None = key(None, secret="now", example="...", comment="rahasia aplikasi di berkas ini",
                                    doc="the client secret in the file itself")
    refresh_token_env: str | None = key(None, example="PENGADUAN_OAUTH_REFRESH",
                                        comment="variabel lingkungan berisi refresh token",
                                        doc="the variable holding the refresh token")
    refresh_token: str | None = key(None, secret="now", example="...", comment="refresh token di berkas ini",
                                    doc="the refresh token in the file itself; it or `refresh_token_env` is required")
    scope: str = key("", example="https://mail.google.com/", comment="cakupan izin", doc="the scope asked for")
    token_store: Path | None = key(None, example="data/files/kunci/oauth2-refresh-token.json",
                                   default_doc="`kunci/oauth2-refresh-token.json` under `[storage] files`",
                                   comment="refresh token terbaru (dirotasi penyedia)",
                                   doc="where the rotated refresh token is kept (0600)")


@dataclass(frozen=True, kw_only=True)
class SmtpTable:
    SAMPLE: ClassVar[bool] = True
    COMMENT: ClassVar[str] = "server pengirim"
    DOC: ClassVar[str] = "the sending server"
    host: str = key(example="127.0.0.1", shown=True, comment="server SMTP", doc="the SMTP server")
    port: int = key(example=587, shown=True, check=port_number, comment="port SMTP", doc="its port")
    security: str = key("starttls", choices=SECURITY, shown=True, comment="none | starttls | ssl",
                        doc="`none`, `starttls` or `ssl`; certificates are verified by default")
    username: str | None = key(None, example="pengaduan@kecamatan.test", comment="nama login, bila server memintanya",
                               doc="the login name, when the server asks for one")
    password_env: str | None = key(None, example="PENGADUAN_SMTP_PASSWORD",
                                   comment="variabel lingkungan berisi kata sandi",
                                   doc="the variable holding the password")
    password: str | None = key(None, secret="later", example="...", comment="kata sandi di berkas ini",
                               doc="the password in the file itself")
    verify_tls: bool = key(True, comment="periksa sertifikat server", doc="verify the server's certificate")
    ca_file: Path | None = key(None, example="ca-kantor.pem", comment="CA privat untuk sertifikat server",
                               doc="a private CA for the server's certificate")
    auth: str = key("password", choices=AUTH, example="xoauth2", comment="xoauth2: token yang sama dengan [mailbox]",
                    doc="`xoauth2` sends with the mailbox's token (needs `[mailbox] auth = \"xoauth2\"`)")
    give_up_hours: int = key(24, comment="setelah ini pengiriman dihentikan dan staf diberi tahu",
                             doc="hours after which a mail that cannot be sent is given up and staff are told")


@dataclass(frozen=True, kw_only=True)
class RoleTable:
    """[roles.<role>]: camat, sekretaris, jfu, agenda, lurah: who performs a role of the SOP."""

    SAMPLE: ClassVar[bool] = True
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = ("who performs each role of the SOP (`[roles.camat]`, `[roles.sekretaris]`, `[roles.jfu]`; "
                          "`[roles.agenda]`, the TU staff who keeps the buku agenda surat keluar, is required with "
                          "`[letters] numbering = \"agenda\"`)")
    name: str = key(example="Muhammad Dahlan, S.STP, M.Si", shown=True, comment="nama lengkap dengan gelar",
                    doc="the official's name")
    nip: str = key("", example="198005071999121001", shown=True, comment="NIP, tercetak pada blok tanda tangan",
                   doc="their NIP")
    email: str = key(example="camat@kecamatan.test", shown=True, comment="alamat surel dinas",
                     doc="their address: replies act only from it")
    aliases: tuple[str, ...] = key((), example=("dahlan@kecamatan.test",), comment="alamat lain pejabat yang sama",
                                   doc="other addresses of the same official")
    rank: str = key("", example="Pembina Tk. I (IV/b)", shown=True,
                    comment="pangkat/golongan, tercetak pada blok tanda tangan", doc="their rank (pangkat/golongan)")
    signature: Path | None = key(None, example="ttd-camat.png", comment="gambar tanda tangan pada surat jawaban",
                                 doc="their signature image on letters")
    title: str | None = key(None, example="Camat", default_doc="the role's usual title (Camat, Sekretaris Camat, "
                                                               "Staf/JFU, Pengelola Agenda Surat)",
                            comment="sebutan jabatan dalam surel penerusan", doc="how routing mails address them")


@dataclass(frozen=True, kw_only=True)
class SectionTable:
    """[[roles.sections]]: the sections (seksi) whose heads get copies."""

    SAMPLE: ClassVar[bool] = True
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "a section (seksi) whose head is copied or asked by `Seksi:`; one table per section"
    name: str = key(example="Seksi Pemerintahan", shown=True, comment="nama seksi", doc="the section's name")
    head: str = key(example="Kasi Contoh", shown=True, comment="nama kepala seksi", doc="its head's name")
    email: str = key(example="kasi.pemerintahan@kecamatan.test", shown=True, comment="alamat surel kepala seksi",
                     doc="its head's address")
    title: str = key("Kepala Seksi", comment="sebutan jabatan kepala seksi", doc="its head's title")
    aliases: tuple[str, ...] = key((), kind=object, example=("Tapem",), comment='nama lain seksi ini pada baris "Seksi:"',
                                   doc='other names of the section, such as `["Trantib"]`')


@dataclass(frozen=True, kw_only=True)
class IntakeTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "limits on incoming mail"
    max_attachment_mb: int = key(10, comment="batas per lampiran", doc="the cap on one attachment (MB)")
    max_message_mb: int = key(25, comment="batas semua lampiran satu pesan",
                              doc="the cap on all attachments of one message (MB)")
    ack_per_hour: int = key(3, comment="tanda terima per kotak surat penerima dan per pengirim per jam",
                            doc="acknowledgements an hour per receiving mailbox and per sender")
    hold_after: int = key(10, least=0, comment="pengaduan per jam dari satu pengirim sebelum sisanya ditahan untuk "
                                               "diperiksa staf (pengaduan lepas); 0 = tidak pernah",
                          doc="complaints an hour from one sender before the rest wait for staff; 0 never holds")
    quarantine_after: int = key(3, comment="percobaan sebelum pesan dikarantina", doc="tries before quarantine")
    confidential_by_default: bool = key(False, comment="identitas pengadu dirahasiakan dari salinan ke seksi",
                                        doc="every complaint is confidential towards the sections")
    max_attachments: int = key(50, least=1, comment="lampiran paling banyak dalam satu pesan",
                               doc="attachments kept from one message")


@dataclass(frozen=True, kw_only=True)
class RemindersTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "reminders to the official holding a step"
    at: tuple[float, ...] = key((0.5, 0.9), check=fractions, comment="pengingat pada separuh dan 90 % mutu baku",
                                doc="the fractions of a step's standard time at which its holder is reminded")
    max_per_day: int = key(3, least=1, comment="paling banyak pengingat/eskalasi per tugas per hari kerja",
                           doc="reminders and escalations per task and working day at most")


@dataclass(frozen=True, kw_only=True)
class SopTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "the procedure"
    file: str | None = key(None, example="sop-kantor.toml", default_doc="the SOP of Kecamatan Palaran",
                           comment="SOP lain (atau kelurahan.toml yang disertakan); bawaan: SOP Kecamatan Palaran",
                           doc="another SOP file, or a shipped one by name (`kelurahan.toml`)")
    silence_days: int = key(10, least=1,
                            comment='hari kerja bagi pengadu untuk menjawab "Lengkapi:" sebelum ditutup',
                            doc="working days a complainant has to answer `Lengkapi:` before the complaint closes "
                                "(SP4N-LAPOR!'s practice)")


@dataclass(frozen=True, kw_only=True)
class NumberingTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "the complaint's register number"
    complaint: str = key("PGD/{tahun}/{nomor:04d}", comment="nomor register pengaduan",
                         doc="the format of a complaint's number")


@dataclass(frozen=True, kw_only=True)
class OfficeHoursTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "working time, for standard times and due dates"
    days: str = key("kerja", choices=("kerja", "kalender"), comment="kerja | kalender, untuk waktu dalam hari",
                    doc="`kerja` or `kalender`: how standard times in days are counted")
    hours: dict | None = key(None, kind=object, default_doc="Monday to Friday, 07:30–16:00 (Friday to 16:30)",
                             example={d: "07:30-16:00" for d in ("senin", "selasa", "rabu", "kamis")} |
                             {"jumat": "07:30-16:30"},
                             comment="jam kerja per hari", doc="the office's hours per weekday")
    extra_holidays: tuple[str, ...] = key((), kind=object, example=("2026-12-31",), comment="hari libur tambahan",
                                          doc="holidays beyond the national ones (YYYY-MM-DD)")


@dataclass(frozen=True, kw_only=True)
class DaemonTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "the daemon `jalankan`"
    poll_seconds: int = key(60, comment="selang pemeriksaan kotak surat bila IDLE tidak tersedia",
                            doc="seconds between mailbox checks when IDLE is not available")
    log_file: Path | None = key(None, example="data/pengaduan.log", comment="selain stderr/journald; diputar per 10 MB",
                                doc="a log file besides stderr/journald, rotated every 10 MB")


@dataclass(frozen=True, kw_only=True)
class BackupTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "the daily backup"
    folder: Path | None = key(None, example="data/cadangan", default_doc="`cadangan` beside the book",
                              comment="folder cadangan", doc="where backups are written")
    keep: int = key(7, least=1, comment="cadangan harian yang disimpan", doc="daily backups kept")


@dataclass(frozen=True, kw_only=True)
class ReportsTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "the monthly recap"
    monthly: bool = key(
        True, comment="rekap bulan lalu dikirim otomatis pada hari kerja pertama tiap bulan",
        doc="on the first working day of each month, once the office opens, the head of the office and the "
            "addresses in `to` receive the previous month's recap by email, XLSX and the naskah-dinas DOCX and PDF, "
            "also filed under `files/laporan/<year>/` with the month's publishable statistics "
            "(`statistik-pengaduan-YYYY-MM.json`/`.csv`, as `statistik` writes them); the book records each month in "
            "the transaction that queues the mail, so it goes out once, whatever restarts")
    to: tuple[str, ...] = key((), example=("inspektorat@samarindakota.go.id",), comment="penerima selain Camat",
                              doc="who receives the recap besides the head of the office")


@dataclass(frozen=True, kw_only=True)
class PrivacyTable:
    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = ""
    DOC: ClassVar[str] = "personal data"
    retention_days: int = key(0, least=0, example=1825,
                              comment="pengaduan yang ditutup dianonimkan setelah ini (0: tidak pernah)",
                              doc="closed complaints are anonymised after this many days (`retensi`); 0 keeps them")


# Every table in the sample file's order. "roles.*" stands for each [roles.<role>]. Each is a
# declared dataclass with the class attributes SAMPLE, COMMENT and DOC (office.config_sample).
TABLES: dict[str, Any] = {
    "office": OfficeTable, "storage": StorageTable, "mailbox": MailboxTable, "mailbox.oauth2": OAuthTable,
    "smtp": SmtpTable, "roles.*": RoleTable, "roles.sections": SectionTable, "intake": IntakeTable,
    "reminders": RemindersTable, "security": SecuritySettings, "sop": SopTable, "numbering": NumberingTable,
    "letters": LettersTable, "letters.tembusan": TembusanTable, "letters.classification": LetterCodes,
    "office_hours": OfficeHoursTable, "daemon": DaemonTable, "backup": BackupTable, "reports": ReportsTable,
    "web": WebSettings, "publik": PublicSettings, "privacy": PrivacyTable, "sms": SmsSettings,
}
