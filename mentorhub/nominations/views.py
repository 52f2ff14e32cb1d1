"""Nominating pupils, and the coordinator's queue of nominations to decide."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import policy, web
from mentorhub.errors import run_and_flash
from mentorhub.nominations import labels, services
from mentorhub.nominations.forms import CommentForm, NominationForm
from mentorhub.nominations.models import Nomination, Status
from mentorhub.pagination import page_number
from mentorhub.programme import services as programme
from mentorhub.programme import timeslots
from mentorhub.programme.timeslots import slot_choices

bp = web.blueprint("nominations", __name__)


def _load(nomination_id: int) -> Nomination:
    return services.nomination_for(current_user, nomination_id)


def _prepare(form: NominationForm, nomination: Nomination | None = None) -> None:
    """One subject row per active area (keeping what was posted), and the time grid."""
    form.slots.choices = slot_choices()
    areas = programme.subject_areas(only_active=True)
    posted = {e.form.subject_area_id.data: e for e in form.subjects.entries}
    chosen = {s.subject_area_id: s for s in nomination.subjects} if nomination else {}
    form.subjects.entries = []
    form.subjects.last_index = -1  # keep the names subjects-0, -1, ... after a refused submit
    for area in areas:
        entry = form.subjects.append_entry()
        entry.label.text = area.name
        entry.form.subject_area_id.data = str(area.id)
        before = posted.get(str(area.id))
        if before is not None:
            entry.form.chosen.data = before.form.chosen.data
            entry.form.level.data = before.form.level.data
            entry.form.challenge.data = before.form.challenge.data
        elif area.id in chosen:
            entry.form.chosen.data = True
            entry.form.level.data = str(chosen[area.id].level)
            entry.form.challenge.data = chosen[area.id].challenge
    if nomination and request.method == "GET":
        form.slots.data = nomination.slot_ids
        form.prefers_group.data = "group" if nomination.prefers_group else "individual"
        form.year.data = str(nomination.year)
        consent = nomination.guardian_consent
        form.guardian_consent.data = "unknown" if consent is None else ("yes" if consent else "no")


def _data(form: NominationForm) -> services.NominationData:
    consent = {"yes": True, "no": False}.get(form.guardian_consent.data)
    return services.NominationData(
        pupil_name=form.pupil_name.data,
        pupil_email=form.pupil_email.data,
        year=int(form.year.data),
        class_name=form.class_name.data or "",
        profile=form.profile.data,
        subjects=[
            services.SubjectNeed(
                int(e.form.subject_area_id.data),
                int(e.form.level.data),
                e.form.challenge.data or "",
            )
            for e in form.subjects.entries
            if e.form.chosen.data
        ],
        slots=form.slots.data or [],
        prefers_group=form.prefers_group.data == "group",
        strengths=form.strengths.data or "",
        interests=form.interests.data or "",
        guardian_informed_on=form.guardian_informed_on.data,
        guardian_consent=consent,
    )


@bp.get("/")
def index():
    policy.authorize(policy.can_list_nominations(current_user))
    status = request.args.get("status") or None
    if status not in {None, *(s.value for s in Status)}:
        status = None
    search = (request.args.get("q") or "")[:100]
    page = services.visible(
        current_user, status=status, search=search, page=page_number(request.args.get("page"))
    )
    return render_template(
        "nominations/index.html",
        nominations=page.items,
        page=page,
        search=search,
        status=status,
        statuses=list(Status),
        can_nominate=policy.can_nominate(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    policy.authorize(policy.can_nominate(current_user))
    term = programme.current_term(date.today())
    form = NominationForm()
    _prepare(form)
    if term is None:
        flash(_("There is no current term. Ask your coordinator to create one."), "error")
        return _form_page(form, None)
    return web.handle_form(
        form,
        lambda: services.nominate(current_user, term, _data(form)),
        done=lambda n: _to_nomination(n, _("The nomination has been sent to the coordinator.")),
        page=lambda: _form_page(form, term),
    )


def _form_page(form: NominationForm, term, nomination: Nomination | None = None):
    return render_template("nominations/form.html", form=form, term=term, nomination=nomination)


def _to_nomination(nomination: Nomination, message: str):
    return web.done(message, url_for("nominations.show", nomination_id=nomination.id))


@bp.get("/<int:nomination_id>")
def show(nomination_id: int):
    nomination = services.read_nomination(current_user, nomination_id)
    return render_template(
        "nominations/show.html",
        n=nomination,
        comment_form=CommentForm(),
        can_decide=policy.can_decide_nominations(current_user),
        can_edit=policy.can_edit_nomination(current_user, nomination),
        guardian_missing=services.guardian_record_missing(nomination),
        consent_required=services.consent_required(),
        slot_choices=dict(slot_choices()),
    )


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
def edit(nomination_id: int):
    nomination = _load(nomination_id)
    policy.authorize(policy.can_edit_nomination(current_user, nomination))
    form = NominationForm(obj=nomination)
    _prepare(form, nomination)
    return web.handle_form(
        form,
        lambda: services.update(current_user, nomination, _data(form)),
        done=lambda _result: _to_nomination(nomination, _("The nomination has been updated.")),
        page=lambda: _form_page(form, nomination.term, nomination),
    )


def _comment_action(nomination_id: int, allowed, action, message: str):
    nomination = _load(nomination_id)
    policy.authorize(allowed(current_user, nomination))
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    run_and_flash(lambda: action(current_user, nomination, form.comment.data or ""), message)
    return redirect(url_for("nominations.show", nomination_id=nomination_id))


@bp.post("/<int:nomination_id>/answer")
def answer(nomination_id: int):
    return _comment_action(
        nomination_id, policy.can_edit_nomination, services.answer, _("Your answer has been sent.")
    )


@bp.post("/<int:nomination_id>/request-info")
def request_info(nomination_id: int):
    return _comment_action(
        nomination_id,
        lambda u, n: policy.can_decide_nominations(u),
        services.request_more,
        _("The question has been sent to the nominator."),
    )


@bp.post("/<int:nomination_id>/decline")
def decline(nomination_id: int):
    return _comment_action(
        nomination_id,
        lambda u, n: policy.can_decide_nominations(u),
        services.decline,
        _("The nomination has been declined."),
    )


@bp.post("/<int:nomination_id>/approve")
def approve(nomination_id: int):
    return _comment_action(
        nomination_id,
        lambda u, n: policy.can_decide_nominations(u),
        lambda user, n, _comment: services.approve(user, n),
        _("The nomination has been approved and the pupil has been invited."),
    )


@bp.app_template_filter("nomination_status")
def _status_filter(status: str) -> str:
    return labels.status_label(status)


@bp.app_template_filter("nomination_profile")
def _profile_filter(profile: str) -> str:
    return labels.profile_label(profile)


@bp.app_template_filter("nomination_event")
def _event_filter(kind: str) -> str:
    return labels.event_label(kind)


@bp.app_template_filter("slot_label")
def _slot_filter(slot_id: str) -> str:
    return timeslots.label(slot_id)
