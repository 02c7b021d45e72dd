"""[sms]: the office's SMS gateway (Gammu SMSD) and who is told by SMS (office.config's reader `r`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from office.config_declared import key, read_declared

GATEWAYS = ("files", "sql")


@dataclass(frozen=True)
class SmsSettings:
    """[sms], declared once (office.config_declared)."""

    SAMPLE: ClassVar[bool] = False
    COMMENT: ClassVar[str] = "SMS melalui gateway kantor sendiri (Gammu SMSD dengan modem GSM)"
    DOC: ClassVar[str] = "SMS through the office's own gateway; see \"SMS through the office's gateway\""
    enabled: bool = key(False, comment="true: pengadu tanpa surel diberi tahu lewat SMS, dan SMS masuk diproses",
                        doc="complainants without email are told by SMS, and incoming SMS are handled")
    gateway: str = key("files", choices=GATEWAYS, comment="files: folder layanan `files` Gammu SMSD; sql: tabel SQLite-nya",
                       doc="Gammu SMSD's `files` service (inbox/outbox folders) or its `sql` tables")
    inbox: Path | None = key(None, example="/var/spool/gammu/inbox",
                             comment='sama dengan inboxpath pada gammu-smsdrc (gateway = "files")',
                             doc="the files service's inboxpath (required with `files`)")
    outbox: Path | None = key(None, example="/var/spool/gammu/outbox",
                              comment='sama dengan outboxpath pada gammu-smsdrc (gateway = "files")',
                              doc="its outboxpath (required with `files`)")
    database: Path | None = key(None, example="/var/lib/gammu/smsd.db",
                                comment='basis data SQLite Gammu SMSD (gateway = "sql")',
                                doc="the sql service's SQLite database (required with `sql`)")
    also_with_email: bool = key(False, comment="true: pengadu yang memberi surel dan nomor HP juga menerima SMS singkat",
                                doc="a short SMS as well to complainants who gave an address too")
    name: str = key("", example="Kecamatan Palaran", default_doc="`[office] name`",
                    comment="nama kantor di awal setiap SMS; bawaan: [office] name",
                    doc="how each SMS names the office at its start")


def sms_settings(r, office_name: str) -> SmsSettings:
    """[sms], with the gateway's own place required when SMS is on."""
    sms = read_declared(r, "sms", SmsSettings)
    if sms.enabled and sms.gateway == "files":
        for name in ("inbox", "outbox"):
            if getattr(sms, name) is None:
                r.fail("sms", name, f"wajib diisi untuk gateway = \"files\": folder {name}path Gammu SMSD")
    if sms.enabled and sms.gateway == "sql" and sms.database is None:
        r.fail("sms", "database", "wajib diisi untuk gateway = \"sql\": berkas SQLite Gammu SMSD")
    return replace(sms, name=sms.name.strip() or office_name)
