"""The start page each person lands on after signing in."""

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from mentorhub import policy
from mentorhub.accounts.models import Role, role_label
from mentorhub.goals import services as goals
from mentorhub.matching import services as matching
from mentorhub.meetings import services as meetings
from mentorhub.problems import services as problems
from mentorhub.programme import services as programme

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    policy.authorize(policy.can_use_app(current_user))
    term = programme.current_term(date.today())
    context = {"term": term, "role_label": role_label}
    if current_user.has_role(Role.PUPIL):
        context["my_match"] = matching.mentor_of(current_user, term)
        context["next_meeting"] = meetings.next_meeting_for(current_user)
        context["room_news"] = meetings.room_news_for(current_user)
        context["checkin_goals"] = goals.checkin_prompt_for(current_user)
    if current_user.has_role(Role.MENTOR):
        context["my_pupils"] = matching.pupils_of(current_user)
        context["next_meeting"] = meetings.next_meeting_for(current_user)
        context["waiting_feedback"] = problems.waiting_for_feedback(current_user)
        context["attendance_due"] = meetings.attendance_due_for(current_user)
    if current_user.has_role(Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR):
        context["linked"] = matching.linked_pupils(current_user)
    return render_template("dashboard/index.html", **context)
