"""The start page: what each person sees first after signing in, by their roles."""

from __future__ import annotations

from datetime import date
from typing import Any

from mentorhub.accounts.models import Role, User
from mentorhub.goals import services as goals
from mentorhub.matching import services as matching
from mentorhub.meetings import services as meetings
from mentorhub.problems import services as problems
from mentorhub.programme import services as programme


def start_page(user: User, today: date | None = None) -> dict[str, Any]:
    """The start page's contents for `user`: the current term, and for each of their roles
    what that role acts on next (a pupil their mentor, meetings and check-ins; a mentor their
    pupils, attempts to answer and attendance to take; school staff their linked pupils)."""
    term = programme.current_term(today or date.today())
    page: dict[str, Any] = {"term": term}
    if user.has_role(Role.PUPIL):
        page["my_match"] = matching.mentor_of(user, term)
        page["next_meeting"] = meetings.next_meeting_for(user)
        page["room_news"] = meetings.room_news_for(user)
        page["checkin_goals"] = goals.checkin_prompt_for(user)
    if user.has_role(Role.MENTOR):
        page["my_pupils"] = matching.pupils_of(user)
        page["next_meeting"] = meetings.next_meeting_for(user)
        page["waiting_feedback"] = problems.waiting_for_feedback(user)
        page["attendance_due"] = meetings.attendance_due_for(user)
    if user.has_role(Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR):
        page["linked"] = matching.linked_pupils(user)
    return page
