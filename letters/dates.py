"""Dates and times written the Indonesian way: "6 Januari 2025", "09.05 WITA"."""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
ZONE_NAMES = {"Asia/Makassar": "WITA", "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
              "Asia/Jayapura": "WIT"}


def tanggal(day: dt.date | dt.datetime, tz: ZoneInfo | None = None) -> str:
    if isinstance(day, dt.datetime) and tz is not None:
        day = day.astimezone(tz)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@functools.lru_cache(maxsize=4096)  # one complaint's mails name the same few moments many times
def waktu(moment: dt.datetime, tz: ZoneInfo) -> str:
    """'Senin, 6 Januari 2025 pukul 09.05 WITA'"""
    local = moment.astimezone(tz)
    zone = ZONE_NAMES.get(str(tz), local.strftime("%Z"))
    return f"{DAYS[local.weekday()]}, {tanggal(local)} pukul {local:%H.%M} {zone}"
