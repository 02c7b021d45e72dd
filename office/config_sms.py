"""[sms]: the office's SMS gateway (Gammu SMSD) and who is told by SMS (office.config's reader `r`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

GATEWAYS = ("files", "sql")


@dataclass(frozen=True)
class SmsSettings:
    enabled: bool = False
    gateway: str = "files"  # Gammu SMSD's `files` service (inbox/outbox folders) or its `sql` tables
    inbox: Path | None = None  # the files service's InboxPath: where the gateway puts what it received
    outbox: Path | None = None  # its OutboxPath: where it takes what to send
    database: Path | None = None  # the sql service's SQLite database
    also_with_email: bool = False  # a short SMS as well to complainants who gave an address too
    name: str = ""  # how each SMS names the office at its start ("Kecamatan Palaran")


def sms_settings(r, office_name: str) -> SmsSettings:
    """[sms] enabled, gateway, inbox, outbox, database, also_with_email, name; with the gateway's
    own place required when SMS is on."""
    enabled = r.get("sms", "enabled", bool, False)
    gateway = r.get("sms", "gateway", str, "files", GATEWAYS)
    paths = {key: r.path_of(value) for key in ("inbox", "outbox", "database")
             if (value := r.get("sms", key, str, None))}
    if enabled and gateway == "files":
        for key in ("inbox", "outbox"):
            if key not in paths:
                r.fail("sms", key, f"wajib diisi untuk gateway = \"files\": folder {key}path Gammu SMSD")
    if enabled and gateway == "sql" and "database" not in paths:
        r.fail("sms", "database", "wajib diisi untuk gateway = \"sql\": berkas SQLite Gammu SMSD")
    name = r.get("sms", "name", str, office_name).strip() or office_name
    return SmsSettings(enabled=enabled, gateway=gateway, inbox=paths.get("inbox"), outbox=paths.get("outbox"),
                       database=paths.get("database"), also_with_email=r.get("sms", "also_with_email", bool, False),
                       name=name)
