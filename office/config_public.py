"""[publik]: the public complaint form and status page (jobs/public): where it listens, and
the limits that keep robots and floods out without any outside service (office/public_intake.py).
Read by office.config's reader `r`."""

from __future__ import annotations

from dataclasses import dataclass, field

from office.config_declared import declared_keys, read_declared


@dataclass(frozen=True)
class PublicSettings:
    """[publik], declared once (office.config_declared): its keys, types and defaults."""

    enabled: bool = False  # the daemon serves the public form too
    host: str = "127.0.0.1"  # reached from the internet only through nginx with TLS (docs/DEPLOY.md)
    port: int = 8090
    proxy: bool = False  # behind nginx: the client's address from its X-Forwarded-For (the limits)
    secure_cookies: bool = False  # true behind TLS: the form's cookie never travels in clear
    max_photos: int = field(default=3, metadata={"least": 0})  # photos or PDFs one complaint may carry
    min_seconds: int = field(default=3, metadata={"least": 0})  # a form sent sooner after it was served is a robot's
    per_address: int = field(default=5, metadata={"least": 1})  # forms sent from one network address in an hour
    per_hour: int = field(default=100, metadata={"least": 1})  # complaints the form records in an hour, from everywhere
    url: str = ""  # the pages' public address (https://…), named on receipts and acknowledgements


PUBLIC_KEYS = declared_keys(PublicSettings)


def public_settings(r) -> PublicSettings:
    """[publik]; a number out of its range is the administrator's mistake, named with its line."""
    url = r.get("publik", "url", str, "").strip().rstrip("/")
    if url and not url.startswith(("https://", "http://")):
        r.fail("publik", "url", f"alamat laman harus diawali https://, tertulis {url!r}")
    settings = read_declared(r, "publik", PublicSettings, url=url)
    if not 0 < settings.port < 65536:
        r.fail("publik", "port", f"{settings.port} bukan nomor port (1–65535)")
    return settings
