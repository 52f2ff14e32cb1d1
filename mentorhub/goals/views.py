"""Study-technique goals: create, edit, comment, check in, change state; the build-up summary."""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import policy, web
from mentorhub.accounts.models import User
from mentorhub.goals import services, starters
from mentorhub.goals.forms import BuildUpForm, CheckInForm, CommentForm, GoalForm, StatusForm
from mentorhub.goals.labels import rating_label, status_label
from mentorhub.goals.models import Goal
from mentorhub.redirects import local_path

bp = web.blueprint("goals", __name__)


def _pupil(pupil_id: int, allowed) -> User:
    return services.pupil_for(current_user, pupil_id, allowed)


def _data(form: GoalForm) -> services.GoalData:
    return services.GoalData(
        title=form.title.data or "",
        why=form.why.data or "",
        steps=form.steps.data or "",
        evidence=form.evidence.data or "",
        target_date=form.target_date.data,
    )


# --- the pupil's goals, for staff and for the pupil --------------------------------------------


def _last_ratings(goals: list[Goal]) -> dict[int, object]:
    checkins = services.checkins_for_goals(g.id for g in goals)
    return {gid: items[-1] for gid, items in checkins.items() if items}


@bp.get("/pupils/<int:pupil_id>")
def pupil(pupil_id: int):
    if current_user.id == pupil_id:
        return redirect(url_for("goals.mine"))
    pupil, goals = services.goals_of(current_user, pupil_id)
    return _pupil_page(pupil, goals, BuildUpForm(formdata=None))


def _pupil_page(pupil: User, goals: list[Goal], build_up_form: BuildUpForm):
    return render_template(
        "goals/pupil.html",
        pupil=pupil,
        goals=goals,
        last_ratings=_last_ratings(goals),
        summaries=services.build_ups(pupil.id, reader=current_user),
        can_create=policy.can_create_goal(current_user, pupil.id),
        can_write_build_up=policy.can_write_build_up(current_user, pupil.id),
        build_up_form=build_up_form,
        status_label=status_label,
    )


@bp.get("/mine")
def mine():
    policy.authorize(policy.can_see_own_goals(current_user))
    goals = services.goals_for_pupils([current_user.id])[current_user.id]
    return render_template(
        "goals/mine.html",
        goals=goals,
        last_ratings=_last_ratings(goals),
        summary=services.latest_build_up(current_user.id, reader=current_user),
        status_label=status_label,
    )


@bp.post("/pupils/<int:pupil_id>/build-up")
def build_up(pupil_id: int):
    pupil = _pupil(pupil_id, policy.can_write_build_up)
    form = BuildUpForm()
    return web.handle_form(
        form,
        lambda: services.write_build_up(current_user, pupil, form.body.data),
        done=lambda _result: web.done(
            _("What to build up next has been saved."),
            url_for("goals.pupil", pupil_id=pupil.id, _anchor="build-up"),
        ),
        page=lambda: _pupil_page(*services.goals_of(current_user, pupil.id), form),
    )


@bp.route("/pupils/<int:pupil_id>/new", methods=["GET", "POST"])
def new(pupil_id: int):
    pupil = _pupil(pupil_id, policy.can_create_goal)
    form, chosen = _new_goal_form()
    return web.handle_form(
        form,
        lambda: services.create_goal(
            current_user, pupil, _data(form), template=chosen.key if chosen else ""
        ),
        done=lambda goal: web.done(
            _("The goal has been saved."), url_for("goals.show", goal_id=goal.id)
        ),
        page=lambda: _form_page(form, pupil, None, starters.STARTERS, chosen),
    )


def _new_goal_form() -> tuple[GoalForm, starters.Starter | None]:
    """The form, prefilled from the chosen template on its first showing: a template only
    prefills, the care team adapts it for the pupil before saving."""
    form = GoalForm()
    chosen = starters.starter(request.args.get("template") or form.template.data)
    if chosen and not form.is_submitted():
        _prefill(form, chosen)
    return form, chosen


def _prefill(form: GoalForm, chosen: starters.Starter) -> None:
    form.template.data = chosen.key
    form.title.data = str(chosen.title)
    form.why.data = str(chosen.why)
    form.steps.data = str(chosen.steps)
    form.evidence.data = str(chosen.evidence)


def _form_page(form: GoalForm, pupil: User, goal: Goal | None, choices=(), chosen=None):
    return render_template(
        "goals/form.html", form=form, pupil=pupil, goal=goal, starters=choices, chosen=chosen
    )


# --- one goal ----------------------------------------------------------------------------------


def _goal_page(goal_id: int, **forms):
    goal = services.goal_page(current_user, goal_id)
    checkins = services.checkins_for_goals([goal.id])[goal.id]
    status_form = forms.get("status_form") or StatusForm(formdata=None)
    status_form.to.choices = [(s, status_label(s)) for s in services.next_states(goal.status)]
    return render_template(
        "goals/show.html",
        goal=goal,
        checkins=checkins,
        timeline=services.timeline(services.events_for(goal), checkins),
        steps=services.steps_list(goal.steps),
        can_edit=policy.can_edit_goal(current_user, goal),
        can_comment=policy.can_comment_on_goal(current_user, goal),
        can_check_in=policy.can_check_in(current_user, goal),
        is_pupil=current_user.id == goal.pupil_id,
        comment_form=forms.get("comment_form") or CommentForm(formdata=None),
        checkin_form=forms.get("checkin_form") or CheckInForm(formdata=None),
        status_form=status_form,
        status_label=status_label,
    )


@bp.get("/<int:goal_id>")
def show(goal_id: int):
    return _goal_page(goal_id)


@bp.route("/<int:goal_id>/edit", methods=["GET", "POST"])
def edit(goal_id: int):
    goal = services.goal_for(current_user, goal_id, policy.can_edit_goal)
    form = GoalForm(obj=goal)
    back = url_for("goals.show", goal_id=goal.id)
    return web.handle_form(
        form,
        lambda: services.update_goal(current_user, goal, _data(form)),
        done=lambda changes: _saved(changes, back),
        page=lambda: _form_page(form, goal.pupil, goal),
    )


def _saved(changes: dict, back: str):
    if changes:
        return web.done(_("The changes have been saved."), back)
    return web.done(_("Nothing was changed."), back, "info")


@bp.post("/<int:goal_id>/comments")
def add_comment(goal_id: int):
    goal = services.goal_for(current_user, goal_id, policy.can_comment_on_goal)
    form = CommentForm()
    return web.handle_form(
        form,
        lambda: services.comment(current_user, goal, form.body.data),
        done=lambda _result: web.done(
            _("Your comment has been added."),
            url_for("goals.show", goal_id=goal.id, _anchor="timeline"),
        ),
        page=lambda: _goal_page(goal.id, comment_form=form),
    )


@bp.post("/<int:goal_id>/checkins")
def check_in(goal_id: int):
    goal = services.goal_for(current_user, goal_id, policy.can_check_in)
    form = CheckInForm()
    # Refused: the goal page shows the form with the message and the comment kept.
    return web.handle_form(
        form,
        lambda: services.check_in(current_user, goal, form.rating.data, form.comment.data or ""),
        done=lambda _result: web.done(
            _("Thank you! Your check-in has been saved."),
            local_path(form.next.data)
            or url_for("goals.show", goal_id=goal.id, _anchor="timeline"),
        ),
        page=lambda: _goal_page(goal.id, checkin_form=form),
    )


@bp.post("/<int:goal_id>/status")
def change_status(goal_id: int):
    goal = services.goal_for(current_user, goal_id, policy.can_edit_goal)
    form = StatusForm()
    return web.handle_form(
        form,
        lambda: services.change_status(current_user, goal, form.to.data or "", form.note.data),
        done=lambda _result: web.done(
            _("The goal is now: %(status)s.", status=status_label(goal.status)),
            url_for("goals.show", goal_id=goal.id, _anchor="timeline"),
        ),
        page=lambda: _goal_page(goal.id, status_form=form),
    )


# --- words for the templates (globals, so imported macros such as the chart can use them) ------

_FIELD_LABELS = {
    "title": GoalForm.title,
    "why": GoalForm.why,
    "steps": GoalForm.steps,
    "evidence": GoalForm.evidence,
    "target_date": GoalForm.target_date,
}


@bp.app_template_global("goal_rating_label")
def goal_rating_label(rating: int) -> str:
    return rating_label(rating)


@bp.app_template_global("goal_field_label")
def goal_field_label(name: str) -> str:
    field = _FIELD_LABELS.get(name)
    return str(field.args[0]) if field is not None else name


@bp.app_template_global("goal_change_value")
def goal_change_value(name: str, value) -> str:
    """A value from an edit's changes as the reader should see it (dates in their language)."""
    if value in (None, ""):
        return _("(empty)")
    if name == "target_date":
        try:
            return format_date(date.fromisoformat(value), "long")
        except (TypeError, ValueError):
            return str(value)
    return str(value)
