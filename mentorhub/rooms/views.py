"""Task rooms: the list, opening a room, members, archiving, and the room page with its chat."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mentorhub import audit, policy
from mentorhub.chat import events
from mentorhub.chat import services as chat
from mentorhub.errors import DomainError, run_and_flash, show_on_form
from mentorhub.extensions import db
from mentorhub.problems import services as problems
from mentorhub.programme import services as programme
from mentorhub.programme.forms import ConfirmForm
from mentorhub.rooms import services
from mentorhub.rooms.forms import MembersForm, RoomForm
from mentorhub.rooms.models import Room

bp = Blueprint("rooms", __name__)


@bp.before_request
@login_required
def signed_in():
    pass


def _load(room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None:
        abort(404)
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
    return render_template(
        "rooms/show.html",
        room=room,
        can_post=policy.can_post_in(current_user, room),
        can_manage=policy.can_manage_room(current_user, room),
        confirm=ConfirmForm(),
        posts=problems.posts_in_room(current_user, room),
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
        before = services.member_ids(room)
        try:
            services.set_members(current_user, room, form.pupil_ids.data, date.today())
        except DomainError as error:
            show_on_form(error, form)
        else:
            for removed in before - set(form.pupil_ids.data):
                events.cut_off(removed, room.id)
            flash(_("The room's members have been saved."), "success")
            return redirect(url_for("rooms.show", room_id=room.id))
    return render_template("rooms/members.html", form=form, room=room)


@bp.post("/<int:room_id>/archive")
def archive(room_id: int):
    room = _load(room_id)
    policy.authorize(policy.can_manage_room(current_user, room))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_and_flash(
        lambda: services.archive(current_user, room),
        _("The room is archived: it can be read but not written in."),
    )
    return redirect(url_for("rooms.show", room_id=room.id))
