"""[publik]: the public complaint form and status page (jobs/public): where it listens, and
the limits that keep robots and floods out without any outside service (office/public_intake.py).
Read by office.config's reader `r`."""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC_KEYS = ("enabled", "host", "port", "proxy", "secure_cookies", "max_photos", "min_seconds", "per_address",
               "per_hour", "url")


@dataclass(frozen=True)
class PublicSettings:
    enabled: bool = False  # the daemon serves the public form too
    host: str = "127.0.0.1"  # reached from the internet only through nginx with TLS (docs/DEPLOY.md)
    port: int = 8090
    proxy: bool = False  # behind nginx: the client's address from its X-Forwarded-For (the limits)
    secure_cookies: bool = False  # true behind TLS: the form's cookie never travels in clear
    max_photos: int = 3  # photos or PDFs one complaint may carry
    min_seconds: int = 3  # a form sent sooner after it was served is a robot's
    per_address: int = 5  # forms sent from one network address in an hour
    per_hour: int = 100  # complaints the form records in an hour, from everywhere
    url: str = ""  # the pages' public address (https://…), named on receipts and acknowledgements


def public_settings(r) -> PublicSettings:
    """[publik]; a number out of its range is the administrator's mistake, named with its line."""
    port = r.get("publik", "port", int, PublicSettings.port)
    if not 0 < port < 65536:
        r.fail("publik", "port", f"{port} bukan nomor port (1–65535)")
    numbers = {}
    for key, least in (("max_photos", 0), ("min_seconds", 0), ("per_address", 1), ("per_hour", 1)):
        value = r.get("publik", key, int, getattr(PublicSettings, key))
        if value < least:
            r.fail("publik", key, f"harus bilangan bulat paling kecil {least}, tertulis {value}")
        numbers[key] = value
    url = r.get("publik", "url", str, "").strip().rstrip("/")
    if url and not url.startswith(("https://", "http://")):
        r.fail("publik", "url", f"alamat laman harus diawali https://, tertulis {url!r}")
    return PublicSettings(url=url, enabled=r.get("publik", "enabled", bool, False),
                          host=r.get("publik", "host", str, PublicSettings.host), port=port,
                          proxy=r.get("publik", "proxy", bool, False),
                          secure_cookies=r.get("publik", "secure_cookies", bool, False), **numbers)
