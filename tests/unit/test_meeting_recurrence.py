"""Weekly meetings keep their Stockholm wall-clock time across the summer-time switches."""

from __future__ import annotations

from datetime import date, datetime, time

from mentorhub.meetings import recurrence


def test_a_one_off_is_one_occurrence():
    assert recurrence.weekly_local(datetime(2026, 12, 1, 16, 0), None) == [
        datetime(2026, 12, 1, 16, 0)
    ]


def test_weekly_runs_every_seven_days_and_the_until_day_is_included():
    # given a Tuesday meeting repeating until a Tuesday four weeks on
    starts = recurrence.weekly_local(datetime(2026, 11, 3, 16, 0), date(2026, 12, 1))
    # then that last Tuesday has a meeting too
    assert [s.date() for s in starts] == [
        date(2026, 11, 3),
        date(2026, 11, 10),
        date(2026, 11, 17),
        date(2026, 11, 24),
        date(2026, 12, 1),
    ]
    assert {s.time() for s in starts} == {time(16, 0)}


def test_until_before_the_next_week_gives_just_the_first():
    assert len(recurrence.weekly_local(datetime(2026, 11, 3, 16, 0), date(2026, 11, 9))) == 1


def test_winter_time_is_utc_plus_one_and_summer_time_utc_plus_two():
    assert recurrence.to_utc(datetime(2027, 1, 12, 16, 0)) == datetime(2027, 1, 12, 15, 0)
    assert recurrence.to_utc(datetime(2027, 6, 8, 16, 0)) == datetime(2027, 6, 8, 14, 0)


def test_across_the_spring_switch_16_stays_16_in_stockholm():
    # given a Tuesday series through the week of the last Sunday of March 2027 (28 March)
    utc = recurrence.weekly_utc(datetime(2027, 3, 23, 16, 0), date(2027, 4, 6))
    # then the UTC instant moves an hour earlier after the switch ...
    assert utc == [
        datetime(2027, 3, 23, 15, 0),
        datetime(2027, 3, 30, 14, 0),
        datetime(2027, 4, 6, 14, 0),
    ]
    # ... and every one of them is 16:00 on the clock in Stockholm
    assert {recurrence.to_local(u).time() for u in utc} == {time(16, 0)}


def test_across_the_autumn_switch_16_stays_16_in_stockholm():
    # given a series through the last Sunday of October 2026 (25 October)
    utc = recurrence.weekly_utc(datetime(2026, 10, 20, 16, 0), date(2026, 11, 3))
    assert utc == [
        datetime(2026, 10, 20, 14, 0),
        datetime(2026, 10, 27, 15, 0),
        datetime(2026, 11, 3, 15, 0),
    ]
    assert {recurrence.to_local(u).time() for u in utc} == {time(16, 0)}


def test_a_meeting_on_the_switch_sunday_itself_keeps_its_time():
    # Sunday 29 March 2026 and Sunday 25 October 2026, the days the clocks change
    spring = recurrence.weekly_utc(datetime(2026, 3, 22, 18, 0), date(2026, 3, 29))
    autumn = recurrence.weekly_utc(datetime(2026, 10, 18, 18, 0), date(2026, 10, 25))
    assert spring == [datetime(2026, 3, 22, 17, 0), datetime(2026, 3, 29, 16, 0)]
    assert autumn == [datetime(2026, 10, 18, 16, 0), datetime(2026, 10, 25, 17, 0)]


def test_a_series_is_capped():
    starts = recurrence.weekly_local(datetime(2026, 8, 18, 16, 0), date(2028, 1, 1))
    assert len(starts) == recurrence.MAX_OCCURRENCES


def test_moving_the_time_of_day_keeps_the_stockholm_day():
    # a summer-time meeting at 16:00 (14:00 UTC) moved to 17:30 local
    moved = recurrence.with_local_time(datetime(2027, 5, 4, 14, 0), time(17, 30))
    assert moved == datetime(2027, 5, 4, 15, 30)
    # a winter meeting late in the evening stays on its own day in Stockholm
    late = recurrence.with_local_time(datetime(2026, 12, 1, 22, 30), time(8, 0))
    assert late == datetime(2026, 12, 1, 7, 0)
