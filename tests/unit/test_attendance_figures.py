"""Attendance and problem figures for the progress review (issue 6, journey 8)."""

from datetime import date

from mentorhub.progress.figures import (
    LevelCount,
    activity_per_week,
    attendance_figures,
    problems_by_level,
    recent_attendance,
    totals,
)
from mentorhub.progress.warnings import Flag, GoalRecord, PupilRecord, flags_for


def test_no_meetings_gives_no_rate_rather_than_zero_percent():
    figures = attendance_figures([])
    assert figures.meetings == 0
    assert figures.rate is None and figures.percent is None


def test_late_counts_as_present_for_the_rate():
    figures = attendance_figures(["present", "late", "late", "present"])
    assert (figures.present, figures.late, figures.attended) == (2, 2, 4)
    assert figures.rate == 1.0


def test_absence_with_notice_counts_as_absent_for_the_rate_but_is_counted_apart():
    figures = attendance_figures(["present", "absent_with_notice", "absent", "present"])
    assert figures.rate == 0.5 and figures.percent == 50
    assert (figures.absent_with_notice, figures.absent) == (1, 1)


def test_the_recent_rate_counts_only_the_last_meetings():
    statuses = ["absent", "absent", "present", "present", "late", "present"]
    figures = recent_attendance(statuses, 4)
    assert figures.meetings == 4 and figures.rate == 1.0


def test_problems_are_counted_once_per_problem_per_level_and_solved_apart():
    attempts = [(3, 10, "not_yet"), (3, 10, "solved"), (3, 11, "new"), (4, 12, "solved")]
    assert problems_by_level(attempts) == [LevelCount(3, 2, 1), LevelCount(4, 1, 1)]
    assert totals(problems_by_level(attempts)) == (3, 2)
    assert problems_by_level([]) == []


def test_activity_is_counted_per_week_from_monday():
    weeks = activity_per_week(
        date(2026, 11, 2),  # a Monday
        date(2026, 11, 15),
        messages=[date(2026, 11, 2), date(2026, 11, 8), date(2026, 11, 9)],
        attempts=[date(2026, 11, 14)],
        checkins=[date(2026, 10, 30)],  # before the start: not counted
    )
    assert [(w.week_start, w.messages, w.attempts, w.checkins) for w in weeks] == [
        (date(2026, 11, 2), 2, 0, 0),
        (date(2026, 11, 9), 1, 1, 0),
    ]


def test_goal_flags_carry_the_goal_id_as_their_key_for_acknowledgements():
    today = date(2026, 11, 25)
    goal = GoalRecord(7, "Planera veckan", True, date(2026, 10, 1))
    flags = flags_for(PupilRecord(last_activity=today, goals=[goal]), today)
    assert flags == [Flag("goal_no_checkin", {"goal": "Planera veckan", "days": 55})]
    assert flags[0].key == "7"
