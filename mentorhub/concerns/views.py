"""Concerns (oro): raise, plan, review, close. Never shown to pupils."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import policy, web
from mentorhub.concerns import labels, services
from mentorhub.concerns.forms import CloseForm, PlanForm, RaiseForm, ReviewForm
from mentorhub.concerns.models import Concern
from mentorhub.pupils import services as pupils

bp = web.blueprint("concerns", __name__)

STATUS_FILTERS = ("open", "closed")

bp.add_app_template_filter(labels.category_label, "concern_category")
bp.add_app_template_filter(labels.status_label, "concern_status")
bp.add_app_template_filter(labels.event_label, "concern_event")


def _concern(concern_id: int) -> Concern:
    return services.concern_for(current_user, concern_id)


def _plan_form(concern: Concern, formdata=None) -> PlanForm:
    """The plan form, filled with the stored plan when nothing was sent."""
    form = PlanForm(formdata=None, obj=concern) if formdata is None else PlanForm()
    people = services.responsible_choices(concern.pupil_id)
    form.responsible_id.choices = [(0, _("Choose a person")), *((u.id, u.name) for u in people)]
    return form


def _show(concern_id: int, **forms):
    """The concern page; forms with errors are passed in to keep what the user wrote."""
    page = services.concern_page(current_user, concern_id)
    concern = page.concern
    return render_template(
        "concerns/show.html",
        **vars(page),
        plan_form=forms.get("plan_form") or _plan_form(concern),
        review_form=forms.get("review_form") or ReviewForm(formdata=None),
        close_form=forms.get("close_form") or CloseForm(formdata=None),
    )


def _refuse_if_closed(concern: Concern):
    """A closed concern is read-only: say so on its page instead of a bare error."""
    if concern.open:
        return None
    flash(_("The concern is closed and can no longer be changed."), "error")
    return redirect(url_for("concerns.show", concern_id=concern.id))


@bp.get("/")
def index():
    policy.authorize(policy.can_list_concerns(current_user))
    status = request.args.get("status", "")
    status = status if status in STATUS_FILTERS else ""
    concerns = services.visible_concerns(current_user, status or None)
    today = services.today()
    return render_template(
        "concerns/index.html",
        concerns=concerns,
        status=status,
        overdue={c.id for c in concerns if services.is_overdue(c, today)},
    )


@bp.route("/pupils/<int:pupil_id>/new", methods=["GET", "POST"])
def new(pupil_id: int):
    policy.authorize(policy.can_raise_concern(current_user, pupil_id))
    pupil = pupils.pupil_or_404(pupil_id)
    form = RaiseForm()
    return web.handle_form(
        form,
        lambda: services.raise_concern(
            current_user, pupil, form.category.data, form.description.data
        ),
        done=_raised,
        page=lambda: render_template("concerns/new.html", form=form, pupil=pupil),
    )


def _raised(concern: Concern):
    return _to_concern(
        concern,
        _(
            "The concern has been raised. The special-needs educator and the coordinators "
            "have been told."
        ),
    )


def _to_concern(concern: Concern, message: str, anchor: str | None = None):
    return web.done(message, url_for("concerns.show", concern_id=concern.id, _anchor=anchor))


@bp.get("/<int:concern_id>")
def show(concern_id: int):
    return _show(concern_id)


@bp.post("/<int:concern_id>/plan")
def plan(concern_id: int):
    concern = _concern(concern_id)
    if refused := _refuse_if_closed(concern):
        return refused
    policy.authorize(policy.can_manage_concern(current_user, concern))
    form = _plan_form(concern, request.form)
    return web.handle_form(
        form,
        lambda: _set_plan(concern, form),
        done=lambda _result: _to_concern(concern, _("The action plan has been saved."), "plan"),
        page=lambda: _show(concern.id, plan_form=form),
    )


def _set_plan(concern: Concern, form: PlanForm) -> None:
    services.set_plan(
        current_user, concern, form.action_plan.data, form.responsible_id.data, form.review_on.data
    )


@bp.post("/<int:concern_id>/review")
def review(concern_id: int):
    concern = _concern(concern_id)
    if refused := _refuse_if_closed(concern):
        return refused
    policy.authorize(policy.can_manage_concern(current_user, concern))
    form = ReviewForm()
    return web.handle_form(
        form,
        lambda: services.review(current_user, concern, form.note.data, form.next_review_on.data),
        done=lambda _result: _to_concern(concern, _("The review has been saved."), "history"),
        page=lambda: _show(concern.id, review_form=form),
    )


@bp.post("/<int:concern_id>/close")
def close(concern_id: int):
    concern = _concern(concern_id)
    if refused := _refuse_if_closed(concern):
        return refused
    policy.authorize(policy.can_manage_concern(current_user, concern))
    form = CloseForm()
    return web.handle_form(
        form,
        lambda: services.close(current_user, concern, form.closing_note.data),
        done=lambda _result: _to_concern(concern, _("The concern has been closed.")),
        page=lambda: _show(concern.id, close_form=form),
    )
