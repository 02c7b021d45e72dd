"""Office time: when a standard time (mutu baku) that started at some moment runs out.

Minutes and hours are counted only inside working hours; days are counted as working days
(hari kerja) by default or as calendar days by configuration. Working days skip weekends,
Indonesian public holidays and cuti bersama (the `holidays` package, country ID, categories
public and government) and any extra dates the office declares. All arithmetic is done in
the office's zone, Asia/Makassar (WITA) by default; pure functions, `now` comes from outside.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from sop.procedure import Duration

WITA = ZoneInfo("Asia/Makassar")


def utcnow() -> dt.datetime:
    """Now, in UTC (the book's time); local time is a matter of display and the office clock."""
    return dt.datetime.now(dt.timezone.utc)
DAY_NAMES = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
DEFAULT_HOURS = {
    0: (dt.time(7, 30), dt.time(16, 0)),
    1: (dt.time(7, 30), dt.time(16, 0)),
    2: (dt.time(7, 30), dt.time(16, 0)),
    3: (dt.time(7, 30), dt.time(16, 0)),
    4: (dt.time(7, 30), dt.time(16, 30)),
}


KEPT_DAYS = 4096  # days (and day sums) a clock keeps worked out: a bounded memory in a long-running daemon


@dataclass(frozen=True)
class OfficeClock:
    tz: ZoneInfo = WITA
    hours: dict[int, tuple[dt.time, dt.time]] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    extra_holidays: frozenset[dt.date] = frozenset()
    calendar_days: bool = False

    @cached_property
    def _national(self):
        import holidays  # imported when a date is first looked at, not by every command

        return holidays.country_holidays("ID", categories=("public", "government"))

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.hours and day not in self._national and day not in self.extra_holidays

    # A clock never changes (frozen): what it worked out about a day is kept, as every deadline
    # of a backlog walks the same few days (each new complaint asks for three).
    @cached_property
    def _windows(self) -> dict[dt.date, tuple[dt.datetime, dt.datetime] | None]:
        return {}

    @cached_property
    def _days_after(self) -> dict[tuple[dt.date, int], dt.date]:
        return {}

    def _window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        try:
            return self._windows[day]
        except KeyError:
            pass
        window = None
        if self.is_working_day(day):
            start, end = self.hours[day.weekday()]
            window = (dt.datetime.combine(day, start, self.tz), dt.datetime.combine(day, end, self.tz))
        if len(self._windows) >= KEPT_DAYS:
            self._windows.clear()
        self._windows[day] = window
        return window

    def is_open(self, moment: dt.datetime) -> bool:
        """Whether the office is at work at `moment`."""
        local = moment.astimezone(self.tz)
        window = self._window(local.date())
        return bool(window and window[0] <= local < window[1])

    def next_open(self, moment: dt.datetime) -> dt.datetime:
        """The first office moment at or after `moment` (Saturday evening -> Monday 07:30)."""
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(400):  # more than a year of closed days means a broken calendar
            window = self._window(day)
            if window and local < window[1]:
                return max(local, window[0])
            day += dt.timedelta(days=1)
        raise ValueError("no working day within a year: check the office hours configuration")

    def add(self, start: dt.datetime, duration: Duration) -> dt.datetime:
        """When a standard time started at `start` is due."""
        if duration.unit == "days":
            return self._add_days(start, duration.amount)
        minutes = duration.amount * (60 if duration.unit == "hours" else 1)
        return self._add_minutes(start, minutes)

    def resumed_due(self, due: dt.datetime, paused_at: dt.datetime, now: dt.datetime) -> dt.datetime:
        """A deadline after its clock stood still from `paused_at` to `now`: the same time left."""
        if self.calendar_days:
            return due + max(now - paused_at, dt.timedelta())
        if due <= paused_at:
            return self.next_open(now)
        return self._add_minutes(now, self.office_minutes(paused_at, due))

    def office_minutes(self, start: dt.datetime, end: dt.datetime) -> int:
        """The office's working minutes between two moments (what `add` counts)."""
        total = dt.timedelta()
        moment = self.next_open(start)
        while moment < end:
            window = self._window(moment.date())
            assert window is not None
            total += min(window[1], end) - moment
            moment = self.next_open(window[1])
        return int(total.total_seconds() // 60)

    def _add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        remaining = dt.timedelta(minutes=minutes)
        moment = self.next_open(start)
        while True:
            window = self._window(moment.date())
            assert window is not None  # next_open gives a moment on a working day
            _, end = window
            if moment + remaining <= end:
                return moment + remaining
            remaining -= end - moment
            moment = self.next_open(end)

    def _add_days(self, start: dt.datetime, days: int) -> dt.datetime:
        if self.calendar_days:
            return start.astimezone(self.tz) + dt.timedelta(days=days)
        opened = self.next_open(start)
        return dt.datetime.combine(self._working_days_after(opened.date(), days), opened.timetz())

    def _working_days_after(self, first: dt.date, days: int) -> dt.date:
        """The working day `days` working days after `first`."""
        key = (first, days)
        found = self._days_after.get(key)
        if found is None:
            day, counted = first, 0
            while counted < days:
                day += dt.timedelta(days=1)
                if self.is_working_day(day):
                    counted += 1
            if len(self._days_after) >= KEPT_DAYS:
                self._days_after.clear()
            found = self._days_after[key] = day
        return found


def parse_hours(spec: dict[str, str]) -> dict[int, tuple[dt.time, dt.time]]:
    """{"senin": "07:30-16:00", ...} -> {0: (07:30, 16:00), ...}; days left out are closed."""
    hours = {}
    for name, span in spec.items():
        if name.lower() not in DAY_NAMES:
            raise ValueError(f"hari tidak dikenal: {name!r} (gunakan: {', '.join(DAY_NAMES)})")
        try:
            a, b = (dt.time.fromisoformat(p.strip()) for p in span.split("-"))
        except ValueError:
            raise ValueError(f"jam kerja {name} tidak dikenal: {span!r} (contoh: '07:30-16:00')") from None
        if b <= a:
            raise ValueError(f"jam kerja {name}: jam selesai harus setelah jam mulai")
        hours[DAY_NAMES.index(name.lower())] = (a, b)
    if not hours:
        raise ValueError("jam kerja kosong: paling sedikit satu hari kerja diperlukan")
    return hours


@dataclass(frozen=True)
class NudgePolicy:
    """When officials are reminded before a due time and their superior told after it."""

    at: tuple[float, ...] = (0.5, 0.9)  # fractions of the standard time that trigger a reminder
    max_per_day: int = 3  # nudges for one task in one working day, at most


def next_nudge(*, opened: dt.datetime, due: dt.datetime, now: dt.datetime, reminders: int,
               escalations: int, last_at: dt.datetime | None, clock: OfficeClock,
               policy: NudgePolicy) -> str | None:
    """'pengingat' (remind the official), 'eskalasi' (tell the superior) or None. Pure.

    Only in working hours; nudges for one task are spaced so that no more than
    `policy.max_per_day` fall in a working day; while late, the superior is told at the due
    time and then once a working day.
    """
    if not clock.is_open(now):
        return None
    local = now.astimezone(clock.tz)
    start, end = clock.hours[local.weekday()]
    gap = (dt.datetime.combine(local.date(), end) - dt.datetime.combine(local.date(), start)) / policy.max_per_day
    spaced = last_at is None or now - last_at >= gap
    if now < due:
        passed = sum(1 for f in policy.at if now >= opened + (due - opened) * f)
        return "pengingat" if passed > reminders and spaced else None
    if escalations == 0:
        return "eskalasi"
    if last_at is not None and last_at.astimezone(clock.tz).date() < local.date() and spaced:
        return "eskalasi"
    return None


def next_nudge_at(*, opened: dt.datetime, due: dt.datetime, reminders: int, escalations: int,
                  last_at: dt.datetime | None, clock: OfficeClock, policy: NudgePolicy) -> dt.datetime:
    """The earliest moment at which `next_nudge` could answer anything but None. Pure.

    A lower bound, never later than the real moment: the sweep looks at a task only from
    then on (an indexed query instead of reading every open task) and asks `next_nudge` itself.
    """
    spaced = last_at + _shortest_gap(clock, policy) if last_at else None
    candidates = []
    thresholds = sorted(opened + (due - opened) * f for f in policy.at)
    if reminders < len(thresholds) and thresholds[reminders] < due:
        candidates.append(max(thresholds[reminders], spaced) if spaced else thresholds[reminders])
    if escalations == 0:
        candidates.append(due)
    else:  # told once already: again on a later working day, spaced
        local = last_at.astimezone(clock.tz) if last_at else due.astimezone(clock.tz)
        next_day = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), tzinfo=clock.tz)
        candidates.append(max(due, next_day, spaced) if spaced else max(due, next_day))
    return min(candidates)


def _shortest_gap(clock: OfficeClock, policy: NudgePolicy) -> dt.timedelta:
    day = dt.date(2000, 1, 1)
    return min((dt.datetime.combine(day, end) - dt.datetime.combine(day, start)) / policy.max_per_day
               for start, end in clock.hours.values())

