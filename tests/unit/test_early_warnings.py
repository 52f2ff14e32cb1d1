"""Early-warning rules at their thresholds (issue 6, journey 8)."""

from datetime import date, timedelta

import pytest

from mentorhub.progress.warnings import (
    Attendance,
    Flag,
    GoalRecord,
    PupilRecord,
    Thresholds,
    flags_for,
)

P, L, N, A = (
    Attendance.PRESENT,
    Attendance.LATE,
    Attendance.ABSENT_WITH_NOTICE,
    Attendance.ABSENT,
)
TODAY = date(2026, 11, 25)


def codes(record: PupilRecord, t: Thresholds = Thresholds()) -> list[str]:
    return [f.code for f in flags_for(record, TODAY, t)]


MATCHED_LONG_AGO = TODAY - timedelta(days=60)


def active(days_since_last: int = 0) -> PupilRecord:
    return PupilRecord(
        last_activity=TODAY - timedelta(days=days_since_last), matched_since=MATCHED_LONG_AGO
    )


@pytest.mark.parametrize(
    ("attendance", "flagged"),
    [
        ([P, P, P, N], False),  # 3 of 4 = 75 %: not under the line
        ([P, P, N, N], True),  # 2 of 4 = 50 %
        ([L, L, P, N], False),  # late counts as attended
        ([N, N, P, P, P, P], False),  # only the last four meetings count
        ([P, N], False),  # fewer than four meetings: too early to say
    ],
)
def test_attendance_under_75_percent_over_the_last_four_meetings_is_flagged(attendance, flagged):
    record = PupilRecord(attendance=attendance, last_activity=TODAY)
    assert ("attendance_low" in codes(record)) is flagged


def test_two_absences_in_a_row_without_notice_are_flagged_with_the_count():
    record = PupilRecord(attendance=[P, P, P, P, P, A, A], last_activity=TODAY)
    assert Flag("absent_in_a_row", {"count": 2}) in flags_for(record, TODAY)


def test_absences_with_notice_or_not_in_a_row_are_not_flagged_as_a_run():
    for attendance in ([P, N, N], [A, P, A], [A, N]):
        record = PupilRecord(attendance=attendance, last_activity=TODAY)
        assert "absent_in_a_row" not in codes(record)


def test_no_activity_for_the_configured_number_of_days_is_flagged():
    assert "inactive" not in codes(active(13))
    assert Flag("inactive", {"days": 14}) in flags_for(active(14), TODAY)
    assert "inactive" in codes(active(5), Thresholds(inactive_days=5))


def test_a_pupil_with_no_activity_at_all_is_flagged():
    assert codes(PupilRecord(matched_since=MATCHED_LONG_AGO)) == ["no_activity_yet"]


def test_a_new_pupil_is_not_flagged_inactive_before_having_had_a_mentor_for_the_rules_days():
    # given a pupil who got their mentor 13 days ago and has done nothing yet
    thirteen = PupilRecord(matched_since=TODAY - timedelta(days=13))
    # then the inactivity rule is silent; on day 14 it speaks
    assert codes(thirteen) == []
    assert codes(PupilRecord(matched_since=TODAY - timedelta(days=14))) == ["no_activity_yet"]


def test_inactivity_counts_from_the_later_of_the_match_and_the_last_activity():
    # given a pupil active 30 days ago, under a mentor they got 13 days ago: not flagged
    record = PupilRecord(
        last_activity=TODAY - timedelta(days=30), matched_since=TODAY - timedelta(days=13)
    )
    assert "inactive" not in codes(record)
    # with the mentor for 14 days and still nothing since, the flag says how long it has been
    record = PupilRecord(
        last_activity=TODAY - timedelta(days=30), matched_since=TODAY - timedelta(days=14)
    )
    assert Flag("inactive", {"days": 30}) in flags_for(record, TODAY)


def test_a_pupil_without_a_mentor_is_not_flagged_inactive():
    assert codes(PupilRecord()) == []


def test_an_active_goal_without_a_check_in_for_two_weeks_is_flagged():
    goal = GoalRecord(
        1, "Planera veckan", True, TODAY - timedelta(days=30), [(TODAY - timedelta(days=14), 3)]
    )
    record = PupilRecord(last_activity=TODAY, goals=[goal])
    assert Flag("goal_no_checkin", {"goal": "Planera veckan", "days": 14}) in flags_for(
        record, TODAY
    )
    fresh = GoalRecord(2, "Anteckna", True, TODAY - timedelta(days=13))
    assert "goal_no_checkin" not in codes(PupilRecord(last_activity=TODAY, goals=[fresh]))


def test_falling_ratings_three_times_in_a_row_are_flagged_and_paused_goals_never():
    days = [TODAY - timedelta(days=d) for d in (21, 14, 7)]
    falling = GoalRecord(
        1, "Fråga om hjälp", True, days[0], list(zip(days, [4, 3, 2], strict=True))
    )
    flat = GoalRecord(2, "Prov", True, days[0], list(zip(days, [3, 3, 2], strict=True)))
    paused = GoalRecord(3, "Läsa", False, days[0], list(zip(days, [5, 3, 1], strict=True)))
    flags = flags_for(PupilRecord(last_activity=TODAY, goals=[falling, flat, paused]), TODAY)
    assert [f.params.get("goal") for f in flags if f.code == "goal_ratings_falling"] == [
        "Fråga om hjälp"
    ]


def test_a_level_moved_down_twice_is_flagged():
    assert "level_down" not in codes(PupilRecord(last_activity=TODAY, level_changes=[1, -1]))
    record = PupilRecord(last_activity=TODAY, level_changes=[-1, 1, -1])
    assert Flag("level_down", {"count": 2}) in flags_for(record, TODAY)


def test_a_pupil_doing_well_has_no_flags():
    goal = GoalRecord(1, "Planera veckan", True, TODAY - timedelta(days=20), [(TODAY, 4)])
    record = PupilRecord(
        attendance=[P, P, L, P], last_activity=TODAY, goals=[goal], level_changes=[1]
    )
    assert flags_for(record, TODAY) == []
