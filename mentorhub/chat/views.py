"""Chat moderation over HTTP: report a message, hide it, and the mentor's list of reports.

The room page sends reports and hides with fetch (JSON answers, shown without leaving the
chat); the same routes answer a plain form post with a redirect and a flash, and the list of
reports is plain forms, so moderation works without JavaScript.

A hide is broadcast (`message_hidden`) only after it is committed, through the after-commit
queue (`mentorhub.realtime.broadcast`).
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import policy, realtime, web
from mentorhub.chat import services as chat
from mentorhub.chat.forms import ReasonForm
from mentorhub.chat.models import Message, MessageReport
from mentorhub.errors import run_and_flash
from mentorhub.extensions import db
from mentorhub.programme.forms import ConfirmForm
from mentorhub.rooms.models import Room

bp = web.blueprint("chat", __name__)

_STATUS = {"forbidden": 403, "not_found": 404}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _message(message_id: int) -> tuple[Message, Room]:
    message = db.get_or_404(Message, message_id)
    return message, db.session.get(Room, message.room_id)


def _refuse(allowed: bool) -> None:
    """403 for a refused rule: JSON for the room page's fetch, the error page otherwise."""
    if not allowed:
        if _wants_json():
            abort(_json_error("forbidden", _("You do not have access to this room.")))
        abort(403)


def _json_error(code: str, message: str):
    db.session.rollback()
    response = jsonify({"ok": False, "error": code, "message": message})
    response.status_code = _STATUS.get(code, 400)
    return response


def _hidden_broadcast(message: Message) -> None:
    update = {"room_id": message.room_id, "id": message.id, "seq": message.seq}
    realtime.broadcast("message_hidden", update, message.room_id)


def _answer_with_reason(room: Room, act, done: str):
    """Run `act(reason)` on the room page's reason form; answer the fetch call in JSON, or a
    plain form post with a flash and back to the room. A refusal stores nothing."""
    back = redirect(url_for("rooms.show", room_id=room.id))
    form = ReasonForm()
    if not form.validate_on_submit():
        if _wants_json():
            return _json_error("bad_request", _("The form has expired. Reload the page."))
        abort(400)
    try:
        act(form.reason.data)
    except chat.ChatError as error:
        if _wants_json():
            return _json_error(error.code, str(error.message))
        db.session.rollback()
        flash(str(error.message), "error")
        return back
    if _wants_json():
        return {"ok": True, "message": done}
    flash(done, "success")
    return back


@bp.post("/messages/<int:message_id>/report")
def report(message_id: int):
    message, room = _message(message_id)
    _refuse(policy.can_report_message(current_user, room, message))
    return _answer_with_reason(
        room,
        lambda reason: chat.report(current_user, message, reason),
        _("Thank you. The mentor has been told and will look at the message."),
    )


@bp.post("/messages/<int:message_id>/hide")
def hide(message_id: int):
    message, room = _message(message_id)
    _refuse(policy.can_moderate(current_user, room))

    def hide_and_tell(reason: str) -> None:
        chat.hide(current_user, message, reason)
        _hidden_broadcast(message)

    return _answer_with_reason(room, hide_and_tell, _("The message is hidden."))


def _reports_page(room: Room, *, failed: int | None = None, form: ReasonForm | None = None):
    return render_template(
        "chat/reports.html",
        room=room,
        open_reports=chat.reports_in(current_user, room),
        handled=chat.reports_in(current_user, room, handled=True),
        failed=failed,
        failed_form=form,
        confirm=ConfirmForm(),
    )


@bp.get("/<int:room_id>/reports")
def reports(room_id: int):
    room = db.get_or_404(Room, room_id)
    policy.authorize(policy.can_handle_reports(current_user, room))
    return _reports_page(room)


def _report(report_id: int) -> tuple[MessageReport, Room]:
    entry = db.get_or_404(MessageReport, report_id)
    room = db.session.get(Room, entry.message.room_id)
    policy.authorize(policy.can_handle_reports(current_user, room))
    return entry, room


@bp.post("/reports/<int:report_id>/hide")
def hide_reported(report_id: int):
    """From the list: hide the reported message (closing its open reports), with a reason."""
    entry, room = _report(report_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        chat.hide(current_user, entry.message, form.reason.data)
    except chat.ChatError as error:
        db.session.rollback()
        form.reason.errors = [str(error.message)]
        return _reports_page(room, failed=entry.id, form=form), 400
    _hidden_broadcast(entry.message)
    flash(_("The message is hidden."), "success")
    return redirect(url_for("chat.reports", room_id=room.id))


@bp.post("/reports/<int:report_id>/dismiss")
def dismiss(report_id: int):
    entry, room = _report(report_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_and_flash(
        lambda: chat.dismiss_report(current_user, entry),
        _("The report is dismissed. The message stays."),
    )
    return redirect(url_for("chat.reports", room_id=room.id))
