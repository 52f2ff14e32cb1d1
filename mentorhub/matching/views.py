"""Matching (journey 3): mentors state their offer; the coordinator runs, adjusts and confirms."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mentorhub import confirm as confirm_step  # `confirm` is the view below
from mentorhub import policy
from mentorhub.errors import DomainError, run_and_flash, show_on_form
from mentorhub.extensions import db
from mentorhub.matching import offers, reasons, services
from mentorhub.matching.forms import MoveForm, OfferForm
from mentorhub.matching.models import Match
from mentorhub.programme import services as programme
from mentorhub.programme.forms import ConfirmForm
from mentorhub.programme.timeslots import slot_choices

bp = Blueprint("matching", __name__)


@bp.before_request
@login_required
def signed_in():
    pass


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
    existing = offers.offer_for(current_user, term) if term else None
    form = OfferForm(obj=existing)
    form.subject_area_ids.choices = [
        (a.id, a.name) for a in programme.subject_areas(only_active=True)
    ]
    form.slots.choices = slot_choices()
    if existing is not None and not form.is_submitted():
        form.subject_area_ids.data = existing.subject_area_ids
        form.slots.data = existing.slot_ids
        form.level_min.data, form.level_max.data = str(existing.level_min), str(existing.level_max)
    if term is None:
        flash(_("There is no current term. Ask your coordinator to create one."), "error")
    elif form.validate_on_submit():
        try:
            offers.save_offer(
                current_user,
                term,
                subject_area_ids=form.subject_area_ids.data,
                level_min=int(form.level_min.data),
                level_max=int(form.level_max.data),
                capacity=form.capacity.data,
                max_group_size=form.max_group_size.data,
                slots=form.slots.data,
            )
        except DomainError as error:
            show_on_form(error, form)
        else:
            flash(_("Your offer for the term has been saved."), "success")
            return redirect(url_for("matching.offer"))
    return render_template("matching/offer.html", form=form, term=term)


@bp.get("/")
def overview():
    policy.authorize(policy.can_run_matching(current_user))
    term = _term()
    return render_template(
        "matching/overview.html",
        term=term,
        view=services.overview(term),
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
    policy.authorize(policy.can_run_matching(current_user))
    term = _term()
    return _act(
        lambda: services.run(current_user, term),
        _("Matching has been run. Check the proposal and confirm it."),
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
        confirm_step.Confirmation(
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
        ),
    )


@bp.route("/<int:match_id>/move", methods=["GET", "POST"])
def move(match_id: int):
    match = _load(match_id)
    options = services.move_options(match)
    form = MoveForm()
    form.mentor_id.choices = [(o.mentor_id, o.label) for o in options if o.feasible]
    if form.validate_on_submit():
        try:
            services.move(current_user, match, form.mentor_id.data)
        except DomainError as error:
            show_on_form(error, form)
        else:
            flash(_("The match has been moved."), "success")
            return redirect(url_for("matching.overview"))
    return render_template(
        "matching/move.html", match=match, options=options, form=form, reason_text=reasons.render
    )
