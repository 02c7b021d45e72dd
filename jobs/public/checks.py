"""What `periksa` says of the public complaint pages: how they are served, and the forms they
took and refused in the last 30 days (office.public_intake counts them)."""

from __future__ import annotations

import datetime as dt

from office.config import Config

DAYS = 30


def public_checks(cfg: Config) -> list[tuple[str, bool, str, str, bool]]:
    """(name, ok, detail, fix, warning) rows for jobs.doctor's Check."""
    settings = cfg.publik
    rows = []
    if settings.enabled:
        behind = settings.proxy and settings.secure_cookies
        rows.append(("laman publik", True, f"dilayani di http://{settings.host}:{settings.port}/",
                     "" if behind else "di belakang nginx dengan TLS: isi [publik] proxy = true dan secure_cookies = true "
                                       "(docs/DEPLOY.md)", not behind))
    counted = _counts(cfg)
    if counted:
        rows.append(("formulir publik", True, f"{DAYS} hari terakhir: {counted}", "", False))
    return rows


def _counts(cfg: Config) -> str:
    """The last days' forms, taken and refused, read from the book without changing it."""
    from office.checkups import public_forms
    from office.plain import utcnow

    return public_forms(cfg, utcnow() - dt.timedelta(days=DAYS))
