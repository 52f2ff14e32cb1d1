"""Task rooms: the list, opening a room, members, archiving, and the room page with its chat."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mentorhub import audit, confirm, policy
from mentorhub.chat import services as chat
from mentorhub.chat.models import Message
from mentorhub.errors import DomainError, json_errors, run_and_flash, show_on_form
from mentorhub.extensions import db
from mentorhub.meetings import services as meetings
from mentorhub.problems import services as problems
from mentorhub.problems.models import Attempt
from mentorhub.programme import services as programme
from mentorhub.programme.forms import ConfirmForm
from mentorhub.rooms import services
from mentorhub.rooms.forms import MembersForm, RoomForm
from mentorhub.rooms.models import Room
from mentorhub.uploads import images
from mentorhub.uploads import views as uploads
from mentorhub.uploads.models import ChatImage

bp = Blueprint("rooms", __name__)


@bp.before_request
@login_required
def signed_in():
    pass


def _load(room_id: int) -> Room:
    room = db.get_or_404(Room, room_id)
    policy.authorize(policy.can_view_room(current_user, room))
    return room


@bp.get("/")
def index():
    policy.authorize(policy.can_use_app(current_user))
    rooms = services.rooms_for(current_user)
    return render_template(
        "rooms/index.html",
        rooms=rooms,
        unread=chat.unread_counts(current_user, rooms),
        can_open=policy.can_open_rooms(current_user),
    )


def _pupil_choices() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in services.matched_pupils(current_user, date.today())]


@bp.route("/new", methods=["GET", "POST"])
def new():
    policy.authorize(policy.can_open_rooms(current_user))
    form = RoomForm()
    form.subject_area_id.choices = [
        (a.id, a.name) for a in programme.subject_areas(only_active=True)
    ]
    form.pupil_ids.choices = _pupil_choices()
    if form.validate_on_submit():
        try:
            room = services.open_room(
                current_user,
                name=form.name.data,
                description=form.description.data or "",
                kind=form.kind.data,
                subject_area_id=form.subject_area_id.data,
                pupil_ids=form.pupil_ids.data,
                today=date.today(),
            )
        except DomainError as error:
            show_on_form(error, form)
        else:
            flash(_("The room has been opened."), "success")
            return redirect(url_for("rooms.show", room_id=room.id))
    return render_template("rooms/new.html", form=form)


@bp.get("/<int:room_id>")
def show(room_id: int):
    room = _load(room_id)
    if policy.is_observer(current_user, room):
        audit.record(current_user, "room.read", room)
    can_handle_reports = policy.can_handle_reports(current_user, room)
    return render_template(
        "rooms/show.html",
        room=room,
        can_post=policy.can_post_in(current_user, room),
        can_manage=policy.can_manage_room(current_user, room),
        confirm=ConfirmForm(),
        posts=problems.posts_in_room(current_user, room),
        meetings=meetings.upcoming_in_room(room),
        past_meetings=meetings.past_in_room(room),
        can_schedule=policy.can_schedule_meetings(current_user, room),
        image_max=images.size_label(images.max_bytes()),
        max_length=chat.MAX_LENGTH,
        can_handle_reports=can_handle_reports,
        open_reports=chat.open_report_count(room) if can_handle_reports else 0,
    )


@bp.route("/<int:room_id>/members", methods=["GET", "POST"])
def members(room_id: int):
    room = _load(room_id)
    policy.authorize(policy.can_manage_room(current_user, room))
    form = MembersForm()
    form.pupil_ids.choices = _pupil_choices()
    if not form.is_submitted():
        form.pupil_ids.data = sorted(services.member_ids(room))
    if form.validate_on_submit():
        try:
            # Whoever is removed stops hearing the room once this is committed (the service).
            services.set_members(current_user, room, form.pupil_ids.data, date.today())
        except DomainError as error:
            show_on_form(error, form)
        else:
            flash(_("The room's members have been saved."), "success")
            return redirect(url_for("rooms.show", room_id=room.id))
    return render_template("rooms/members.html", form=form, room=room)


@bp.post("/<int:room_id>/archive")
def archive(room_id: int):
    room = _load(room_id)
    policy.authorize(policy.can_manage_room(current_user, room))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirm.confirmed():
        return confirm.page(
            confirm.Confirmation(
                question=_("Archive the room %(name)s?", name=room.name),
                consequences=[
                    _(
                        "Nobody can write in the room any more; its members can still read "
                        "the history. An archived room cannot be opened again."
                    ),
                    _("Nobody is sent a message about it."),
                ],
                yes=_("Yes, archive the room"),
                back=url_for("rooms.show", room_id=room.id),
            )
        )
    run_and_flash(
        lambda: services.archive(current_user, room),
        _("The room is archived: it can be read but not written in."),
    )
    return redirect(url_for("rooms.show", room_id=room.id))


@bp.post("/<int:room_id>/images")
@json_errors
def upload_image(room_id: int):
    """An image message, sent over HTTP (Socket.IO events carry no files or CSRF token).

    Answers JSON like a `send` ack (also a missing CSRF token, see errors.py); a refusal stores
    nothing. The broadcast is queued for after `commit_and_secure` has committed the message:
    only a stored message may be seen (docs/realtime.md, "Images")."""
    room = db.get_or_404(Room, room_id)
    if not policy.can_post_in(current_user, room):
        return _refused("forbidden", _("You cannot write in this room."), 403)
    try:
        return chat.upload_image(
            current_user,
            room,
            request.form.get("client_id", ""),
            request.form.get("caption", ""),
            images.read_upload(request.files.get("image")),
        )
    except chat.ChatError as error:
        return _refused(error.code, str(error.message), _UPLOAD_STATUS.get(error.code, 400))


# What an upload's refusal answers; anything else is a bad request.
_UPLOAD_STATUS = {"forbidden": 403, "too_large": 413, "rate_limited": 429}


def _refused(code: str, message: str, status: int):
    db.session.rollback()
    return {"ok": False, "error": code, "message": message}, status


@bp.get("/images/<int:image_id>")
def image(image_id: int):
    """A chat image, for those who can read its room (observers are audited); an attempt's
    image only for those who may see the attempt (others than the pupil are audited)."""
    stored = db.get_or_404(ChatImage, image_id)
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.image_id == stored.id))
    if attempt is not None:
        if not policy.can_view_attempt(current_user, attempt):
            abort(404)
    else:
        room = _load(stored.room_id)
        hidden = db.session.scalar(
            sa.select(Message.hidden_at).where(Message.image_id == stored.id)
        )
        if hidden is not None and not policy.can_moderate(current_user, room):
            abort(404)
    if attempt is not None:
        if attempt.pupil_id != current_user.id:
            audit.record(
                current_user, "attempt_image.read", attempt, person=attempt.pupil, image=stored.id
            )
    elif policy.is_observer(current_user, room):
        audit.record(current_user, "chat_image.read", stored, room_id=room.id)
    # A missing file answers 404 there, which rolls the audit entry back with the request.
    return uploads.send_image(stored)
