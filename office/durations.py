"""Durations as the office's papers write them: a standard time in working days ("10 hari
kerja"), a measured time in minutes, hours or days. Pure."""

from __future__ import annotations


def standard_words(cfg, duration) -> str:
    """A standard time as the office counts it: "10 hari kerja" where days are working days
    (`[office_hours] days`), as the mails, the laporan and the statistics say it."""
    return f"{duration} kerja" if duration.unit == "days" and not cfg.clock.calendar_days else str(duration)


def minutes_text(minutes: float | None) -> str:
    """A duration in words for the recap (menit, jam, hari)."""
    if minutes is None:
        return "-"
    if minutes < 90:
        return f"{minutes:.0f} menit"
    # The decimal comma, as every paper of the office writes it (1,5 jam), never the point.
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} jam".replace(".", ",")
    return f"{minutes / 1440:.1f} hari".replace(".", ",")
