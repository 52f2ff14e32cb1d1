"""The progress review, the staff page of a pupil and its printed summary, flags, own progress.

Every read of a pupil's record goes through `pupil_record` (check, load and audit together)."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import policy, web
from mentorhub.concerns.labels import category_label
from mentorhub.goals.labels import rating_label, status_label
from mentorhub.meetings.labels import status_label as attendance_label
from mentorhub.nominations.labels import profile_label
from mentorhub.pagination import page_number, paginate_list
from mentorhub.progress import charts, pupil_record, services
from mentorhub.progress import review_list as reviews
from mentorhub.progress.forms import AcknowledgeForm
from mentorhub.progress.labels import FLAG_TYPE_LABELS, FLAG_TYPES, flag_text
from mentorhub.timeutil import utcnow

bp = web.blueprint("progress", __name__)


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


def _choice(name: str, allowed, default: str = "") -> str:
    value = request.args.get(name, default)
    return value if value in allowed else default


@bp.get("/review")
def review_list():
    policy.authorize(policy.can_view_review(current_user))
    sort, flag_type = _choice("sort", reviews.SORTS, "name"), _choice("flag", {*FLAG_TYPES, "any"})
    descending = request.args.get("dir") == "desc"
    everyone = reviews.review_rows(current_user)
    rows = reviews.sort_rows(reviews.filter_rows(everyone, flag_type), sort, descending)
    # A special-needs educator may follow hundreds: counted and sorted whole, shown in pages.
    page = paginate_list(rows, page_number(request.args.get("page")))
    return render_template(
        "progress/review.html",
        rows=page.items,
        page=page,
        shown=len(rows),
        total=len(everyone),
        sort=sort,
        descending=descending,
        flag_type=flag_type,
        flag_types=FLAG_TYPE_LABELS,
    )


def _ack_forms(
    flags, submitted: AcknowledgeForm | None, pupil_name: str
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
        form.name_pupil(pupil_name)
        forms[(shown.code, shown.key)] = form
    return forms


def _pupil_page(pupil_id: int, submitted: AcknowledgeForm | None = None):
    record = pupil_record.pupil_record(current_user, pupil_id)
    detail = record.detail
    return render_template(
        "progress/pupil.html",
        d=detail,
        row=record.row,
        flags=record.flags,
        ack_forms=_ack_forms(record.flags, submitted, detail.pupil.name),
        concerns=record.concerns,
        left_rooms=record.left_rooms,
        activity=charts.activity_chart(detail.weeks),
        levels_chart=charts.level_chart(detail.level_history, utcnow()),
        chart_colours=charts.COLOURS,
    )


@bp.get("/pupils/<int:pupil_id>")
def pupil_page(pupil_id: int):
    return _pupil_page(pupil_id)


@bp.get("/pupils/<int:pupil_id>/rooms/<int:room_id>")
def left_room(pupil_id: int, room_id: int):
    """A room the pupil has left, read as it stood when they left it (the team's history)."""
    left = pupil_record.left_room(current_user, pupil_id, room_id)
    return render_template(
        "progress/left_room.html",
        pupil=left.pupil,
        room=left.room,
        member=left.member,
        messages=left.messages,
    )


def _refused_ack(pupil_id: int, form: AcknowledgeForm):
    # A refusal not tied to the note (an unknown flag, one that no longer applies) has no form
    # on the page to stand on, so it is said at the top.
    for message in form.form_errors:
        flash(message, "error")
    return _pupil_page(pupil_id, form)


@bp.post("/pupils/<int:pupil_id>/flags")
def acknowledge(pupil_id: int):
    pupil = pupil_record.pupil_for(current_user, pupil_id, policy.can_acknowledge_flag)
    form = AcknowledgeForm()
    return web.handle_form(
        form,
        lambda: services.acknowledge(
            current_user, pupil, form.code.data, form.key.data or "", form.note.data
        ),
        done=lambda _ack: web.done(
            _("The flag has been acknowledged. It is still shown, with your note."),
            url_for("progress.pupil_page", pupil_id=pupil_id) + "#flags",
        ),
        page=lambda: _refused_ack(pupil_id, form),
    )


@bp.get("/pupils/<int:pupil_id>/print")
def print_summary(pupil_id: int):
    """The printable summary for the pupil's documentation and the hand-over to upper-secondary
    school (without the concerns, see `pupil_print`)."""
    detail = pupil_record.pupil_print(current_user, pupil_id)
    return render_template("progress/print.html", d=detail, printed_at=utcnow())


@bp.get("/mine")
def mine():
    """The pupil's own progress, in encouraging words: never flags or concerns."""
    return render_template("progress/mine.html", d=pupil_record.own_progress(current_user))
