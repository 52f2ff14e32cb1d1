"""Task rooms: the list, opening a room, members, archiving, and the room page with its chat."""

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import confirm, policy, web
from mentorhub.chat import services as chat
from mentorhub.errors import json_errors, run_and_flash
from mentorhub.extensions import db
from mentorhub.programme import services as programme
from mentorhub.programme.forms import ConfirmForm
from mentorhub.rooms import services
from mentorhub.rooms.forms import MembersForm, RoomForm
from mentorhub.rooms.models import Room
from mentorhub.uploads import images
from mentorhub.uploads import views as uploads

bp = web.blueprint("rooms", __name__)


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
    return web.handle_form(
        form,
        lambda: _open_room(form),
        done=lambda room: web.done(
            _("The room has been opened."), url_for("rooms.show", room_id=room.id)
        ),
        page=lambda: render_template("rooms/new.html", form=form),
    )


def _open_room(form: RoomForm) -> Room:
    return services.open_room(
        current_user,
        name=form.name.data,
        description=form.description.data or "",
        kind=form.kind.data,
        subject_area_id=form.subject_area_id.data,
        pupil_ids=form.pupil_ids.data,
        today=date.today(),
    )


@bp.get("/<int:room_id>")
def show(room_id: int):
    page = services.room_page(current_user, room_id)
    return render_template(
        "rooms/show.html",
        **vars(page),
        confirm=ConfirmForm(),
        image_max=images.size_label(images.max_bytes()),
        max_length=chat.MAX_LENGTH,
    )


@bp.route("/<int:room_id>/members", methods=["GET", "POST"])
def members(room_id: int):
    room = services.room_for(current_user, room_id, policy.can_manage_room)
    form = MembersForm()
    form.pupil_ids.choices = _pupil_choices()
    if not form.is_submitted():
        form.pupil_ids.data = sorted(services.member_ids(room))
    return web.handle_form(
        form,
        # Whoever is removed stops hearing the room once this is committed (the service).
        lambda: services.set_members(current_user, room, form.pupil_ids.data, date.today()),
        done=lambda _result: web.done(
            _("The room's members have been saved."), url_for("rooms.show", room_id=room.id)
        ),
        page=lambda: render_template("rooms/members.html", form=form, room=room),
    )


def _confirm_archive(room: Room):
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


@bp.post("/<int:room_id>/archive")
def archive(room_id: int):
    room = services.room_for(current_user, room_id, policy.can_manage_room)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirm.confirmed():
        return _confirm_archive(room)
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
    """A stored image, for those who may see it (see `services.image_for`, which audits)."""
    # A missing file answers 404 there, which rolls the audit entry back with the request.
    stored, _path = services.image_for(current_user, image_id)
    return uploads.send_image(stored)
