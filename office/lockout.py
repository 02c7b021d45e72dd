"""Which desk accounts cannot log in now after failed logins, and until when: what the
administrator's Pengguna page and `pengguna` show beside "Buka kunci" (office.desk.log_in
counts the same failures)."""

from __future__ import annotations

import datetime as dt

from office.base import Office
from office.desk import FAILURES, SPREAD, WINDOW


def locked_until(office: Office, now: dt.datetime) -> dict[str, dt.datetime]:
    """The accounts that cannot log in now after failed logins (from one address, or from
    anywhere), each with the moment it may try again by itself: when enough of its failures
    have left the window that log_in counts."""
    from office.plain import parse_iso

    failures: dict[tuple[str, str], list[dt.datetime]] = {}
    for f in office.book.accounts.failed_login_times(now - WINDOW):
        at = parse_iso(f["at"])
        failures.setdefault((f["name"], f["address"]), []).append(at)
        failures.setdefault((f["name"], ""), []).append(at)  # the account's failures from anywhere
    out: dict[str, dt.datetime] = {}
    for (name, address), times in failures.items():
        limit = FAILURES if address else SPREAD
        if len(times) >= limit:  # free again once the count falls below the limit
            until = times[len(times) - limit] + WINDOW
            out[name] = max(out.get(name, until), until)
    return out
