"""Standard times counted in office time, WITA, skipping weekends, holidays and cuti bersama."""

from __future__ import annotations

import datetime as dt

import pytest

from sop.clock import OfficeClock, parse_hours
from sop.procedure import Duration
from tests.helpers import wita

CLOCK = OfficeClock()


def test_saturday_evening_complaint_is_due_from_monday_morning():
    saturday = wita(2026, 11, 28, 19, 0)
    assert CLOCK.next_open(saturday) == wita(2026, 11, 30, 7, 30)
    assert CLOCK.add(saturday, Duration(30, "minutes")) == wita(2026, 11, 30, 8, 0)


def test_minutes_carry_over_the_end_of_the_working_day():
    assert CLOCK.add(wita(2026, 12, 1, 15, 50), Duration(1, "hours")) == wita(2026, 12, 2, 8, 20)
    # Friday closes at 16:30 by default.
    assert CLOCK.add(wita(2026, 12, 4, 16, 0), Duration(1, "hours")) == wita(2026, 12, 7, 8, 0)


def test_ten_working_days_skip_idul_fitri_and_cuti_bersama_2026():
    start = wita(2026, 3, 16, 9, 0)
    due = CLOCK.add(start, Duration(10, "days"))
    assert due == wita(2026, 4, 7, 9, 0)
    assert not CLOCK.is_working_day(dt.date(2026, 3, 20))  # cuti bersama
    calendar = OfficeClock(calendar_days=True)
    assert calendar.add(start, Duration(10, "days")) == wita(2026, 3, 26, 9, 0)


def test_extra_office_holidays_and_custom_hours():
    clock = OfficeClock(hours=parse_hours({"senin": "08:00-12:00", "sabtu": "08:00-12:00"}),
                        extra_holidays=frozenset({dt.date(2026, 11, 30)}))
    # Monday 30 Nov is declared off; the next open moment is Saturday 5 Dec.
    assert clock.next_open(wita(2026, 11, 29, 10, 0)) == wita(2026, 12, 5, 8, 0)


def test_times_given_in_utc_are_counted_in_wita():
    utc = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.timezone.utc)  # 08:00 WITA
    assert CLOCK.add(utc, Duration(10, "minutes")) == wita(2026, 12, 1, 8, 10)


def test_bad_hours_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="hari tidak dikenal"):
        parse_hours({"someday": "07:30-16:00"})
    with pytest.raises(ValueError, match="jam selesai"):
        parse_hours({"senin": "16:00-07:30"})


def test_a_leap_day_is_an_ordinary_working_day():
    assert CLOCK.is_working_day(dt.date(2028, 2, 29))  # a Tuesday
    assert CLOCK.add(wita(2028, 2, 29, 15, 30), Duration(1, "hours")) == wita(2028, 3, 1, 8, 0)
    assert OfficeClock(calendar_days=True).add(wita(2028, 2, 25, 9, 0), Duration(5, "days")) == wita(2028, 3, 1, 9, 0)


def test_wita_has_no_daylight_saving_and_the_year_turns_at_local_midnight():
    new_year = wita(2026, 12, 31, 23, 59) + dt.timedelta(minutes=2)
    assert (new_year.year, new_year.utcoffset()) == (2027, dt.timedelta(hours=8))
    assert all(wita(2026, m, 1, 12).utcoffset() == dt.timedelta(hours=8) for m in range(1, 13))


def _first_nudge(opened, due, state, clock, policy, start, limit_days=20):
    """Walk minute by minute (as the sweep would) from `start` to the first nudge."""
    from sop.clock import next_nudge

    moment = start
    while moment < start + dt.timedelta(days=limit_days):
        if next_nudge(opened=opened, due=due, now=moment, clock=clock, policy=policy, **state):
            return moment
        moment += dt.timedelta(minutes=1)
    return None


@pytest.mark.parametrize("minutes, state", [
    (30, dict(reminders=0, escalations=0, last_at=None)),
    (600, dict(reminders=1, escalations=0, last_at="half")),
    (600, dict(reminders=2, escalations=0, last_at="late")),
    (4800, dict(reminders=0, escalations=1, last_at="after")),
    (4800, dict(reminders=2, escalations=3, last_at="after")),
])
def test_the_stored_next_nudge_time_is_never_after_the_first_real_nudge(minutes, state):
    from sop.clock import NudgePolicy, next_nudge_at

    policy = NudgePolicy()
    opened = wita(2026, 12, 4, 15, 10)  # a Friday afternoon
    due = CLOCK.add(opened, Duration(minutes, "minutes"))
    last = {None: None, "half": opened + (due - opened) * 0.55, "late": opened + (due - opened) * 0.95,
            "after": due + dt.timedelta(hours=1)}[state["last_at"]]
    state = {**state, "last_at": last}
    stored = next_nudge_at(opened=opened, due=due, clock=CLOCK, policy=policy, **state)
    start = max(opened, last or opened)
    first = _first_nudge(opened, due, state, CLOCK, policy, start)
    assert first is not None and stored <= first
    # and not needlessly early: within the office's closed hours before the real moment
    assert first - stored < dt.timedelta(days=4)
