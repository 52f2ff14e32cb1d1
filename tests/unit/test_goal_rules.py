"""The pure rules of goals: which state may follow which, when the weekly check-in is due (the
pupil's week is Monday–Sunday in Stockholm time), and how an edit's changes are found."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from mentorhub.goals.models import Goal
from mentorhub.goals.services import (
    GoalData,
    can_move,
    changed_fields,
    due_for_checkin,
    next_states,
    steps_list,
    week_start,
)

# --- states -------------------------------------------------------------------------------------


@pytest.mark.parametrize("to", ["reached", "paused", "replaced"])
def test_an_active_goal_can_be_reached_paused_or_replaced(to):
    assert can_move("active", to)


@pytest.mark.parametrize("to", ["active", "replaced"])
def test_a_paused_goal_can_be_resumed_or_replaced(to):
    assert can_move("paused", to)


def test_a_paused_goal_cannot_be_reached_without_being_resumed():
    assert not can_move("paused", "reached")


@pytest.mark.parametrize("final", ["reached", "replaced"])
@pytest.mark.parametrize("to", ["active", "reached", "paused", "replaced"])
def test_reached_and_replaced_are_final(final, to):
    assert not can_move(final, to)
    assert next_states(final) == []


def test_a_goal_cannot_move_to_its_own_state_or_an_unknown_one():
    assert not can_move("active", "active")
    assert not can_move("active", "forgotten")
    assert not can_move("unknown", "active")


def test_the_next_states_are_offered_in_a_stable_order():
    assert next_states("active") == ["reached", "paused", "replaced"]
    assert next_states("paused") == ["active", "replaced"]


# --- the weekly check-in --------------------------------------------------------------------------


def _goal(goal_id: int, status: str = "active") -> Goal:
    return Goal(id=goal_id, pupil_id=1, title=f"Mål {goal_id}", status=status)


def test_the_week_starts_on_monday_midnight_stockholm_time_in_winter():
    # Wednesday 25 November 2026, 12:00 UTC → Monday 23 November 00:00 CET = Sunday 23:00 UTC
    assert week_start(datetime(2026, 11, 25, 12, 0)) == datetime(2026, 11, 22, 23, 0)


def test_the_week_starts_on_monday_midnight_stockholm_time_in_summer():
    # Monday 30 March 2026 00:30 CEST (= 29 March 22:30 UTC) is already the new week
    assert week_start(datetime(2026, 3, 29, 22, 30)) == datetime(2026, 3, 29, 22, 0)


def test_sunday_evening_in_stockholm_still_belongs_to_the_week_although_utc_says_monday():
    # Sunday 29 November 23:30 Stockholm is 22:30 UTC; Monday 00:30 Stockholm is 23:30 UTC
    assert week_start(datetime(2026, 11, 29, 22, 30)) == datetime(2026, 11, 22, 23, 0)
    assert week_start(datetime(2026, 11, 29, 23, 30)) == datetime(2026, 11, 29, 23, 0)


def test_a_goal_never_rated_is_due():
    goal = _goal(1)
    assert due_for_checkin([goal], {}, datetime(2026, 11, 25, 12, 0)) == [goal]


def test_a_goal_rated_this_week_is_not_due_until_the_week_turns_in_stockholm():
    goal = _goal(1)
    # given a rating on Sunday 29 November at 23:30 Stockholm time (22:30 UTC)
    rated = {1: datetime(2026, 11, 29, 22, 30)}
    # then it is not due a quarter of an hour later, still Sunday in Stockholm
    assert due_for_checkin([goal], rated, datetime(2026, 11, 29, 22, 45)) == []
    # and it is due at 00:30 on Monday in Stockholm, although UTC still says Sunday
    assert due_for_checkin([goal], rated, datetime(2026, 11, 29, 23, 30)) == [goal]


def test_a_rating_from_last_week_makes_the_goal_due_again():
    goal = _goal(1)
    rated = {1: datetime(2026, 11, 20, 9, 0)}  # Friday the week before
    assert due_for_checkin([goal], rated, datetime(2026, 11, 23, 8, 0)) == [goal]


def test_only_active_goals_are_due():
    goals = [_goal(1, "active"), _goal(2, "paused"), _goal(3, "reached"), _goal(4, "replaced")]
    assert [g.id for g in due_for_checkin(goals, {}, datetime(2026, 11, 25, 12, 0))] == [1]


# --- steps and edits ----------------------------------------------------------------------------


def test_steps_are_one_per_line_without_empty_lines_or_bullets():
    assert steps_list("- Skriv ner proven\n\n• Välj tider \n  Kolla planen") == [
        "Skriv ner proven",
        "Välj tider",
        "Kolla planen",
    ]


def test_an_edit_finds_only_the_fields_that_changed():
    goal = Goal(
        title="Planera veckan",
        why="Mer att göra",
        steps="Skriv ner",
        evidence="En plan",
        target_date=date(2026, 12, 18),
    )
    data = GoalData(
        title="Planera veckan ",  # white space only: no change
        why="Mer att göra",
        steps="Skriv ner\nVälj tider",
        evidence="En plan",
        target_date=date(2027, 1, 8),
    )
    assert changed_fields(goal, data) == {
        "steps": ["Skriv ner", "Skriv ner\nVälj tider"],
        "target_date": ["2026-12-18", "2027-01-08"],
    }


def test_an_edit_with_nothing_changed_has_no_changes():
    goal = Goal(title="T", why="", steps="", evidence="", target_date=None)
    assert changed_fields(goal, GoalData(title="T")) == {}
