"""The progress review, the staff page of a pupil and its printed summary, flags, own progress."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mentorhub import audit, policy
from mentorhub.accounts.models import User
from mentorhub.chat import services as chat
from mentorhub.concerns.labels import category_label
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.goals.labels import rating_label, status_label
from mentorhub.meetings.labels import status_label as attendance_label
from mentorhub.nominations.labels import profile_label
from mentorhub.progress import charts, review, services
from mentorhub.progress.forms import AcknowledgeForm
from mentorhub.progress.labels import FLAG_TYPE_LABELS, FLAG_TYPES, flag_text
from mentorhub.pupils import services as pupils
from mentorhub.timeutil import utcnow

bp = Blueprint("progress", __name__)


@bp.before_request
@login_required
def signed_in():
    pass


@bp.app_context_processor
def _progress_helpers():
    return {
        "flag_text": flag_text,
        "goal_status_label": status_label,
        "rating_label": rating_label,
        "attendance_label": attendance_label,
        "profile_label": profile_label,
        "concern_label": category_label,
    }


def _pupil(pupil_id: int) -> User:
    """The pupil, for the staff around them only (403 before anything is looked up)."""
    policy.authorize(policy.can_view_pupil_page(current_user, pupil_id))
    return pupils.pupil_or_404(pupil_id)


@bp.get("/review")
def review_list():
    policy.authorize(policy.can_view_review(current_user))
    sort = request.args.get("sort", "name")
    sort = sort if sort in review.SORTS else "name"
    descending = request.args.get("dir") == "desc"
    flag_type = request.args.get("flag", "")
    flag_type = flag_type if flag_type in FLAG_TYPES or flag_type == "any" else ""
    everyone = review.review_rows(current_user)
    rows = review.sort_rows(review.filter_rows(everyone, flag_type), sort, descending)
    return render_template(
        "progress/review.html",
        rows=rows,
        total=len(everyone),
        sort=sort,
        descending=descending,
        flag_type=flag_type,
        flag_types=FLAG_TYPE_LABELS,
    )


def _ack_forms(
    flags, submitted: AcknowledgeForm | None, pupil: User
) -> dict[tuple[str, str], AcknowledgeForm]:
    """One form per flag, each with its own field ids; the one just sent keeps its input and
    errors."""
    forms = {}
    for shown in flags:
        sent = submitted and (submitted.code.data, submitted.key.data or "") == (
            shown.code,
            shown.key,
        )
        form = submitted if sent else AcknowledgeForm(formdata=None, code=shown.code, key=shown.key)
        form.note.id = f"note-{shown.code}-{shown.key or 'x'}"
        form.note.label.field_id = form.note.id
        form.name_pupil(pupil.name)
        forms[(shown.code, shown.key)] = form
    return forms


def _pupil_page(pupil: User, submitted: AcknowledgeForm | None = None):
    audit.record(current_user, "pupil.view", pupil, person=pupil)
    rows = review.review_rows(current_user, [pupil.id])
    flags = rows[0].flags if rows else []
    detail = review.pupil_detail(pupil)
    now = utcnow()
    return render_template(
        "progress/pupil.html",
        d=detail,
        row=rows[0] if rows else None,
        flags=flags,
        ack_forms=_ack_forms(flags, submitted, pupil),
        concerns=review.concerns_for(current_user, pupil.id),
        left_rooms=chat.rooms_left_by(pupil.id),
        activity=charts.activity_chart(detail.weeks),
        levels_chart=charts.level_chart(detail.level_history, now),
        chart_colours=charts.COLOURS,
    )


@bp.get("/pupils/<int:pupil_id>")
def pupil_page(pupil_id: int):
    return _pupil_page(_pupil(pupil_id))


@bp.get("/pupils/<int:pupil_id>/rooms/<int:room_id>")
def left_room(pupil_id: int, room_id: int):
    """A room the pupil has left, read as it stood when they left it (the team's history)."""
    pupil = _pupil(pupil_id)
    left = {room.id: (room, member) for room, member in chat.rooms_left_by(pupil.id)}
    if room_id not in left:
        abort(404)
    room, member = left[room_id]
    policy.authorize(policy.can_read_left_room(current_user, pupil.id, member))
    messages = chat.history_until_left(current_user, pupil, room, member)
    return render_template(
        "progress/left_room.html", pupil=pupil, room=room, member=member, messages=messages
    )


@bp.post("/pupils/<int:pupil_id>/flags")
def acknowledge(pupil_id: int):
    pupil = _pupil(pupil_id)
    policy.authorize(policy.can_acknowledge_flag(current_user, pupil_id))
    form = AcknowledgeForm()
    if not form.validate_on_submit() or not form.known_code():
        if not form.known_code():
            flash(_("That flag does not exist."), "error")
        return _pupil_page(pupil, form)
    try:
        services.acknowledge(
            current_user, pupil, form.code.data, form.key.data or "", form.note.data
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("The flag has been acknowledged. It is still shown, with your note."), "success")
    return redirect(url_for("progress.pupil_page", pupil_id=pupil_id) + "#flags")


@bp.get("/pupils/<int:pupil_id>/print")
def print_summary(pupil_id: int):
    """The printable summary for the pupil's documentation and the hand-over to upper-secondary
    school. Concerns are left out on purpose: they stay internal to the pupil's school and are
    never handed over with the summary."""
    pupil = _pupil(pupil_id)
    audit.record(current_user, "pupil.print", pupil, person=pupil)
    return render_template("progress/print.html", d=review.pupil_detail(pupil), printed_at=utcnow())


@bp.get("/mine")
def mine():
    """The pupil's own progress, in encouraging words: never flags or concerns."""
    policy.authorize(policy.can_see_own_progress(current_user))
    detail = review.pupil_detail(current_user)
    return render_template("progress/mine.html", d=detail)
