"""The coordinator's set-up pages: schools, subject areas, terms and staff."""

from collections.abc import Callable

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import confirm, policy, web
from mentorhub.accounts import services as accounts
from mentorhub.accounts.models import Invitation, User, role_label
from mentorhub.errors import Missing, run_and_flash
from mentorhub.extensions import db
from mentorhub.jobs import services as jobs
from mentorhub.programme import handover, services
from mentorhub.programme.forms import (
    ConfirmForm,
    HandOverForm,
    InviteStaffForm,
    SchoolForm,
    SubjectAreaForm,
    TermForm,
)
from mentorhub.programme.models import School, SubjectArea, Term

bp = web.blueprint("programme", __name__)


@bp.before_request
def require_coordinator():
    policy.authorize(policy.can_manage_programme(current_user))


def _load(model, object_id: int):
    obj = db.get_or_404(model, object_id)
    return obj


def _edit_page(form, save: Callable[[], object], done: str, template: str, message: str, **ctx):
    """Validate, save through the service, and redirect; or show the form with its errors."""
    return web.handle_form(
        form,
        save,
        done=lambda _result: web.done(message, url_for(done)),
        page=lambda: render_template(template, form=form, **ctx),
    )


@bp.get("/")
def overview():
    return render_template(
        "programme/overview.html",
        schools=services.schools(),
        areas=services.subject_areas(),
        terms=services.terms(),
        failed_jobs=jobs.failed_count(),
    )


# --- schools -----------------------------------------------------------------------------------


@bp.get("/schools")
def schools():
    return render_template("programme/schools.html", schools=services.schools())


@bp.route("/schools/new", methods=["GET", "POST"])
@bp.route("/schools/<int:school_id>/edit", methods=["GET", "POST"])
def edit_school(school_id: int | None = None):
    school = _load(School, school_id) if school_id else None
    form = SchoolForm(obj=school)
    return _edit_page(
        form,
        lambda: services.save_school(current_user, school=school, **_school_data(form)),
        "programme.schools",
        "programme/edit_school.html",
        _("The school has been saved."),
        school=school,
    )


def _school_data(form: SchoolForm) -> dict:
    return {
        "name": form.name.data,
        "kind": form.kind.data,
        "municipality": form.municipality.data or "",
        "active": form.active.data,
    }


# --- subject areas -----------------------------------------------------------------------------


@bp.get("/subject-areas")
def subject_areas():
    return render_template("programme/subject_areas.html", areas=services.subject_areas())


@bp.route("/subject-areas/new", methods=["GET", "POST"])
@bp.route("/subject-areas/<int:area_id>/edit", methods=["GET", "POST"])
def edit_subject_area(area_id: int | None = None):
    area = _load(SubjectArea, area_id) if area_id else None
    form = SubjectAreaForm(obj=area)
    data = {"description": form.description.data or "", "active": form.active.data}
    return _edit_page(
        form,
        lambda: services.save_subject_area(current_user, name=form.name.data, area=area, **data),
        "programme.subject_areas",
        "programme/edit_subject_area.html",
        _("The subject area has been saved."),
        area=area,
    )


# --- terms -------------------------------------------------------------------------------------


@bp.get("/terms")
def terms():
    return render_template("programme/terms.html", terms=services.terms())


@bp.route("/terms/new", methods=["GET", "POST"])
@bp.route("/terms/<int:term_id>/edit", methods=["GET", "POST"])
def edit_term(term_id: int | None = None):
    term = _load(Term, term_id) if term_id else None
    form = TermForm(obj=term)
    dates = {"starts_on": form.starts_on.data, "ends_on": form.ends_on.data}
    return _edit_page(
        form,
        lambda: services.save_term(current_user, name=form.name.data, term=term, **dates),
        "programme.terms",
        "programme/edit_term.html",
        _("The term has been saved."),
        term=term,
    )


# --- staff and invitations ---------------------------------------------------------------------


@bp.get("/staff")
def staff():
    return render_template(
        "programme/staff.html",
        staff=accounts.staff_list(),
        invitations=accounts.open_invitations(),
        confirm=ConfirmForm(),
        role_label=role_label,
    )


@bp.route("/staff/invite", methods=["GET", "POST"])
def invite_staff():
    policy.authorize(policy.can_invite_staff(current_user))
    form = InviteStaffForm()
    form.school_id.choices = [(0, _("No school"))] + [
        (s.id, s.name) for s in services.schools(only_active=True)
    ]
    return _edit_page(
        form,
        lambda: accounts.invite(current_user, **_invitation_data(form)),
        "programme.staff",
        "programme/invite_staff.html",
        _("The invitation has been sent."),
    )


def _invitation_data(form: InviteStaffForm) -> dict:
    return {
        "email": form.email.data,
        "name": form.name.data or "",
        "roles": form.roles.data,
        "school_id": form.school_id.data or None,
    }


def _confirmed_action(
    action: Callable[[], None], message: str, ask: confirm.Confirmation | None = None
):
    """Run the action behind a button; with `ask`, only after the confirm page said yes."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if ask is not None and not confirm.confirmed():
        return confirm.page(ask)
    run_and_flash(action, message)
    return redirect(url_for("programme.staff"))


@bp.post("/staff/<int:user_id>/deactivate")
def deactivate(user_id: int):
    user = _load(User, user_id)
    policy.authorize(policy.can_deactivate(current_user, user))
    if not confirm.confirmed() and handover.holdings(user):
        return _hand_over_first(user)

    # The deactivation itself disconnects their open sockets, after the commit.
    return _confirmed_action(
        lambda: handover.deactivate(current_user, user),
        _("%(name)s has been deactivated and can no longer sign in.", name=user.name),
        _ask_deactivate(user),
    )


def _ask_deactivate(user: User) -> confirm.Confirmation:
    return confirm.Confirmation(
        question=_("Deactivate %(name)s?", name=user.name),
        consequences=[
            _(
                "%(name)s can no longer sign in and is cut off from the chat at once. "
                "You can reactivate the account later.",
                name=user.name,
            ),
            _("Nobody is sent a message about it."),
        ],
        yes=_("Yes, deactivate"),
        back=url_for("programme.staff"),
    )


@bp.route("/staff/<int:user_id>/sign-out", methods=["GET", "POST"])
def end_sessions(user_id: int):
    """Sign a person out on every device, on their behalf: a page that asks, then the button."""
    user = _load(User, user_id)
    policy.authorize(policy.can_end_sessions_of(current_user, user))
    if request.method == "GET":
        return render_template("programme/end_sessions.html", person=user, confirm=ConfirmForm())
    return _confirmed_action(
        lambda: accounts.sign_out_everywhere(current_user, user),
        _("%(name)s is signed out on every device.", name=user.name),
    )


@bp.post("/staff/<int:user_id>/reactivate")
def reactivate(user_id: int):
    user = _load(User, user_id)
    policy.authorize(policy.can_deactivate(current_user, user))
    return _confirmed_action(
        lambda: accounts.reactivate(current_user, user),
        _("%(name)s can sign in again.", name=user.name),
    )


@bp.post("/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id: int):
    invitation = _load(Invitation, invitation_id)
    policy.authorize(policy.can_invite_staff(current_user))
    return _confirmed_action(
        lambda: accounts.revoke_invitation(current_user, invitation),
        _("The invitation to %(email)s has been withdrawn.", email=invitation.email),
        _ask_revoke(invitation),
    )


def _ask_revoke(invitation: Invitation) -> confirm.Confirmation:
    return confirm.Confirmation(
        question=_("Withdraw the invitation to %(email)s?", email=invitation.email),
        consequences=[
            _("The link in the invitation mail stops working. You can invite again later."),
            _("Nobody is sent a message about it."),
        ],
        yes=_("Yes, withdraw the invitation"),
        back=url_for("programme.staff"),
    )


# --- staff leaving: hand-over ------------------------------------------------------------------


def _hand_over_first(user: User):
    """Deactivating someone who still holds rooms, pupils, concerns or links: instead of the
    confirmation, a page that says so and leads to the hand-over page (nothing is changed)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return render_template(
        "programme/hand_over_first.html", person=user, held=handover.holdings(user)
    )


@bp.route("/staff/<int:user_id>/hand-over", methods=["GET", "POST"])
def hand_over(user_id: int):
    """Choose who takes over a leaving person's work, then hand it over and deactivate."""
    user = _load(User, user_id)
    policy.authorize(policy.can_deactivate(current_user, user))
    candidates = handover.successors(user, handover.holdings(user))
    form = HandOverForm()
    form.successor_id.choices = [(0, _("Choose a person"))] + [
        (c.user.id, _successor_label(c)) for c in candidates if c.eligible
    ]
    return web.handle_form(
        form,
        lambda: handover.hand_over(current_user, user, _chosen(form)),
        done=lambda _counts: web.done(
            _(
                "%(name)s has been deactivated; everything they held is handed over.",
                name=user.name,
            ),
            url_for("programme.staff"),
        ),
        page=lambda: _hand_over_page(user, candidates, form),
    )


def _chosen(form: HandOverForm) -> User | None:
    return db.session.get(User, form.successor_id.data) if form.successor_id.data else None


def _hand_over_page(user: User, candidates: list, form: HandOverForm) -> str:
    eligible = [c for c in candidates if c.eligible]
    return render_template(
        "programme/hand_over.html",
        person=user,
        held=handover.holdings(user),
        eligible=eligible,
        best=[c for c in candidates if not c.eligible][:3] if not eligible else [],
        form=form,
    )


def _successor_label(candidate: handover.Successor) -> str:
    person = candidate.user
    roles = ", ".join(sorted(role_label(r) for r in person.roles))
    school = f", {person.school.name}" if person.school else ""
    return f"{person.name} ({roles}{school})"


# --- background jobs that failed -------------------------------------------------------------


@bp.get("/jobs")
def failed_jobs():
    policy.authorize(policy.can_manage_jobs(current_user))
    return render_template("programme/jobs.html", failed=jobs.failed(), form=ConfirmForm())


@bp.post("/jobs/<int:failed_id>/retry")
def retry_job(failed_id: int):
    policy.authorize(policy.can_manage_jobs(current_user))
    return _job_action(
        lambda: jobs.try_again(failed_id),
        lambda name: _("The job %(name)s will run again.", name=name),
    )


@bp.post("/jobs/<int:failed_id>/remove")
def remove_job(failed_id: int):
    policy.authorize(policy.can_manage_jobs(current_user))
    return _job_action(
        lambda: jobs.remove(failed_id), lambda name: _("The job %(name)s was removed.", name=name)
    )


def _job_action(action: Callable[[], str], message: Callable[[str], str]):
    if not ConfirmForm().validate_on_submit():  # the CSRF token
        abort(400)
    try:
        name = action()
    except Missing:
        abort(404)
    return web.done(message(name), url_for("programme.failed_jobs"))
