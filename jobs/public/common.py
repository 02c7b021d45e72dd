"""What every public page shares: the office of the request's server thread (jobs.serving
keeps one per thread, as it does for the desk)."""

from __future__ import annotations

from jobs.serving import office_of
from office.base import Office


def office() -> Office:
    return office_of("publik")
