"""Matching (journey 3): mentors state their offer; the coordinator runs, adjusts and confirms."""

from datetime import date

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from mentorhub import confirm as confirm_step  # `confirm` is the view below
from mentorhub import policy, web
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError, run_and_flash
from mentorhub.extensions import db
from mentorhub.matching import history, offers, reasons, rematch, runs, services
from mentorhub.matching.forms import MoveForm, OfferForm
from mentorhub.matching.models import Match, MatchingRun, RunStatus
from mentorhub.pagination import page_number
from mentorhub.programme import services as programme
from mentorhub.programme.forms import ConfirmForm
from mentorhub.programme.timeslots import slot_choices

bp = web.blueprint("matching", __name__)


def _term():
    term = programme.current_term(date.today())
    if term is None:
        abort(404)
    return term


def _load(match_id: int) -> Match:
    match = db.get_or_404(Match, match_id)
    policy.authorize(policy.can_run_matching(current_user))
    return match


@bp.route("/offer", methods=["GET", "POST"])
def offer():
    policy.authorize(policy.can_state_offer(current_user))
    term = programme.current_term(date.today())
    form = _offer_form(offers.offer_for(current_user, term) if term else None)
    if term is None:
        flash(_("There is no current term. Ask your coordinator to create one."), "error")
        return render_template("matching/offer.html", form=form, term=term)
    return web.handle_form(
        form,
        lambda: offers.save_offer(current_user, term, **_offer_data(form)),
        done=lambda _offer: web.done(
            _("Your offer for the term has been saved."), url_for("matching.offer")
        ),
        page=lambda: render_template("matching/offer.html", form=form, term=term),
    )


def _offer_form(existing) -> OfferForm:
    """The offer form with its choices, showing the mentor's saved offer on a first showing."""
    form = OfferForm(obj=existing)
    form.subject_area_ids.choices = [
        (a.id, a.name) for a in programme.subject_areas(only_active=True)
    ]
    form.slots.choices = slot_choices()
    if existing is not None and not form.is_submitted():
        form.subject_area_ids.data = existing.subject_area_ids
        form.slots.data = existing.slot_ids
        form.level_min.data, form.level_max.data = str(existing.level_min), str(existing.level_max)
    return form


def _offer_data(form: OfferForm) -> dict:
    return {
        "subject_area_ids": form.subject_area_ids.data,
        "level_min": int(form.level_min.data),
        "level_max": int(form.level_max.data),
        "capacity": form.capacity.data,
        "max_group_size": form.max_group_size.data,
        "slots": form.slots.data,
    }


@bp.get("/")
def overview():
    policy.authorize(policy.can_run_matching(current_user))
    term = _term()
    view = services.overview(
        term,
        page_number(request.args.get("page")),
        waiting_page=page_number(request.args.get("waiting_page")),
    )
    run = view.latest_run
    # The run's outcome is said once, to the coordinator who started it (the address the start
    # sent them to); a failure stays on the page until the next run.
    asked = request.args.get("run", type=int)
    show_run = run is not None and (
        run.active or run.status == RunStatus.FAILED.value or asked == run.id
    )
    return render_template(
        "matching/overview.html",
        term=term,
        view=view,
        run=run if show_run else None,
        run_state=runs.state(run) if show_run else None,
        confirm=ConfirmForm(),
        reason_text=reasons.render,
        unassigned_text=reasons.unassigned,
    )


def _act(action, message: str, ask: confirm_step.Confirmation | None = None):
    """Run the action behind a button; with `ask`, only after the confirm page said yes."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if ask is not None and not confirm_step.confirmed():
        return confirm_step.page(ask)
    run_and_flash(action, message)
    return redirect(url_for("matching.overview"))


@bp.post("/run")
def run():
    """Start a run as a background job and answer at once: the page shows its progress (and,
    with `run` in the address, its outcome), so nothing is flashed when it starts."""
    policy.authorize(policy.can_run_matching(current_user))
    term = _term()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        started = runs.start(current_user, term)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("matching.overview"))
    return redirect(url_for("matching.overview", run=started.id))


@bp.get("/runs/<int:run_id>/status")
def run_status(run_id: int):
    """The run's state as JSON, polled by static/js/matching.js while it is queued or running."""
    record = db.get_or_404(MatchingRun, run_id)
    policy.authorize(policy.can_follow_matching_run(current_user, record))
    response = jsonify(runs.state(record))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/runs")
def run_history():
    """The term's runs, newest first, with their inputs' summary and figures (counts only)."""
    policy.authorize(policy.can_see_matching_runs(current_user))
    term = _term()
    return render_template(
        "matching/runs.html", term=term, rows=history.runs_of(term), outcome=runs.outcome_text
    )


@bp.get("/runs/compare")
def compare_runs():
    """Two runs side by side (`?run=<id>&run=<id>`, the list's ticked boxes or its "compare
    with the previous" link); anything but two different runs goes back to the list."""
    policy.authorize(policy.can_see_matching_runs(current_user))
    chosen = sorted(set(request.args.getlist("run", type=int)))
    if len(chosen) != 2:
        flash(_("Choose two runs to compare."), "error")
        return redirect(url_for("matching.run_history"))
    first, second = (db.get_or_404(MatchingRun, run_id) for run_id in chosen)
    return render_template(
        "matching/compare.html",
        view=history.compare(first, second),
        outcome=runs.outcome_text,
    )


@bp.post("/confirm")
def confirm():
    policy.authorize(policy.can_run_matching(current_user))
    term = _term()
    return _act(
        lambda: services.confirm(current_user, term),
        _("The matches are confirmed and everyone affected has been notified."),
    )


@bp.post("/<int:match_id>/lock")
def lock(match_id: int):
    match = _load(match_id)
    return _act(lambda: services.toggle_lock(current_user, match), _("The match has been updated."))


@bp.post("/<int:match_id>/remove")
def remove(match_id: int):
    match = _load(match_id)
    return _act(
        lambda: services.remove(current_user, match),
        _("The match has been removed."),
        _ask_remove(match),
    )


def _ask_remove(match: Match) -> confirm_step.Confirmation:
    return confirm_step.Confirmation(
        question=_(
            "Remove the match of %(pupil)s with %(mentor)s?",
            pupil=match.pupil.name,
            mentor=match.mentor.name,
        ),
        consequences=[
            _(
                "%(pupil)s will have no mentor until matching is run again.",
                pupil=match.pupil.name,
            ),
            _("Nobody is sent a message about it."),
        ],
        yes=_("Yes, remove the match"),
        back=url_for("matching.overview"),
    )


@bp.get("/pupils/<int:pupil_id>/why-not")
def why_not(pupil_id: int):
    """The "why not?" page: every mentor with an offer, and what stops each taking the pupil."""
    pupil = db.get_or_404(User, pupil_id)
    policy.authorize(policy.can_explain_matching(current_user))
    view = services.why_not_for(current_user, _term(), pupil)
    if view is None:
        abort(404)
    return render_template(
        "matching/why_not.html",
        view=view,
        reason_text=reasons.render,
        blocker_text=reasons.blocker,
        changes_text=reasons.changes,
        unassigned_text=reasons.unassigned,
    )


@bp.route("/<int:match_id>/move", methods=["GET", "POST"])
def move(match_id: int):
    match = _load(match_id)
    options = services.move_options(match)
    form = MoveForm()
    form.mentor_id.choices = [(o.mentor_id, o.label) for o in options if o.feasible]
    return web.handle_form(
        form,
        lambda: services.move(current_user, match, form.mentor_id.data),
        done=lambda _result: web.done(_("The match has been moved."), url_for("matching.overview")),
        page=lambda: _move_page(match, options, form),
    )


def _move_page(match: Match, options, form: MoveForm):
    return render_template(
        "matching/move.html", match=match, options=options, form=form, reason_text=reasons.render
    )


# --- rematch with little disruption (issue 16): mentorhub/matching/rematch.py ----------------


def _rematch_term():
    policy.authorize(policy.can_rematch(current_user))
    return _term()


def _rematch_picked() -> dict:
    """The coordinator's picks as the form sent them (the service checks them)."""
    return {
        "pupil_ids": request.form.getlist("pupil_id"),
        "mentor_ids": request.form.getlist("mentor_id"),
        "allow_moves": request.form.get("allow_moves") == "1",
    }


def _rematch_choose(term, error: str | None = None, picked: dict | None = None):
    page = render_template(
        "matching/rematch.html",
        term=term,
        choices=rematch.choices(current_user, term),
        picked=picked or {"pupil_ids": [], "mentor_ids": [], "allow_moves": False},
        misfit_text=rematch_reason_text,
        error=error,
        confirm=ConfirmForm(),
    )
    return web.refused(page) if error else page


def _rematch_preview_page(term, plan, error: str | None = None):
    page = render_template(
        "matching/rematch_preview.html",
        term=term,
        plan=plan,
        unassigned_text=reasons.unassigned,
        error=error,
        confirm=ConfirmForm(),
    )
    return web.refused(page) if error else page


def rematch_reason_text(reason: str) -> str:
    """Why a current match no longer keeps the hard rules, in words."""
    return {
        rematch.MENTOR_LEFT: _("The mentor has no offer this term any more."),
        rematch.AREA_DROPPED: _("The mentor no longer takes this subject area."),
        rematch.LEVEL_CHANGED: _("The pupil's level is outside the mentor's span."),
        rematch.TIME_CHANGED: _("The meeting time is no longer free for the pupil or the mentor."),
        rematch.GROUP_CHANGED: _("The pupil is in a group but no longer prefers groups."),
    }.get(reason, reason)


@bp.get("/rematch")
def rematch_choose():
    """Pick the affected pupils: those without a confirmed match, a mentor's pupils, and those
    whose match no longer fits."""
    return _rematch_choose(_rematch_term())


@bp.post("/rematch/preview")
def rematch_preview():
    """What a rematch of the picked pupils would change (nothing is stored)."""
    term = _rematch_term()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    picked = _rematch_picked()
    try:
        plan = rematch.preview(current_user, term, **picked)
    except DomainError as error:
        return _rematch_choose(term, str(error.message), picked)
    return _rematch_preview_page(term, plan)


@bp.post("/rematch/apply")
def rematch_apply():
    """Store the previewed rematch, or refuse it (nothing changed) if it is out of date."""
    term = _rematch_term()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    picked = _rematch_picked()
    try:
        plan = rematch.apply(
            current_user,
            term,
            **picked,
            inputs=request.form.get("inputs", ""),
            digest=request.form.get("digest", ""),
        )
    except DomainError as error:
        db.session.rollback()
        try:  # show the preview as it is now, so the coordinator can look again
            fresh = rematch.preview(current_user, term, **picked)
        except DomainError:
            return _rematch_choose(term, str(error.message), picked)
        return _rematch_preview_page(term, fresh, str(error.message))
    return web.done(
        ngettext(
            "The rematch is applied: %(num)d match changed. Confirm it to tell those concerned.",
            "The rematch is applied: %(num)d matches changed. Confirm them to tell those "
            "concerned.",
            len(plan.changes),
        ),
        url_for("matching.overview"),
    )
