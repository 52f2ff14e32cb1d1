"""Meetings: scheduling, attendance, and the iCalendar feed and downloads."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import confirm, policy, web
from mentorhub.errors import run_and_flash
from mentorhub.extensions import db
from mentorhub.meetings import calendar, recurrence, services
from mentorhub.meetings.forms import OccurrenceForm, ScheduleForm, SeriesForm, attendance_form
from mentorhub.meetings.labels import status_label
from mentorhub.meetings.models import Meeting, MeetingSeries
from mentorhub.programme.forms import ConfirmForm
from mentorhub.rooms.models import Room
from mentorhub.timeutil import utcnow

bp = web.blueprint("meetings", __name__)

# The feed is fetched by calendar programs with no session: the secret address is the key.
feed_bp = Blueprint("calendar_feed", __name__)


@bp.app_template_filter("attendance_label")
def _attendance_label(status: str | None) -> str:
    return status_label(status)


def _to_meeting(meeting: Meeting, message: str, anchor: str | None = None):
    return web.done(message, url_for("meetings.show", meeting_id=meeting.id, _anchor=anchor))


def _who_is_told(room: Room) -> str:
    names = ", ".join(p.name for p in services.pupils_told(room))
    if not names:
        return _("The room has no pupils, so nobody is told.")
    return _("The pupils %(names)s get a notice and an email.", names=names)


def _feed_url() -> str:
    return url_for(
        "calendar_feed.feed",
        user_id=current_user.id,
        token=services.feed_token_for(current_user),
        _external=True,
    )


@bp.get("/")
def index():
    policy.authorize(policy.can_have_calendar_feed(current_user))
    return render_template(
        "meetings/index.html",
        meetings=services.upcoming_for(current_user),
        past_meetings=services.past_for(current_user),
        feed_url=_feed_url(),
        confirm=ConfirmForm(),
    )


@bp.post("/feed/regenerate")
def regenerate_feed():
    policy.authorize(policy.can_have_calendar_feed(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.regenerate_feed(current_user)
    flash(_("You have a new calendar address. The old one no longer works."), "success")
    return redirect(url_for("meetings.index") + "#feed")


@bp.route("/rooms/<int:room_id>/new", methods=["GET", "POST"])
def new(room_id: int):
    room = db.get_or_404(Room, room_id)
    policy.authorize(policy.can_schedule_meetings(current_user, room))
    form = ScheduleForm()
    return web.handle_form(
        form,
        lambda: services.schedule(current_user, room, _meeting_data(form)),
        done=lambda series: _to_meeting(
            services.occurrences(series)[0],
            _("The meeting is scheduled and the pupils have been told."),
        ),
        page=lambda: render_template("meetings/new.html", form=form, room=room),
    )


def _meeting_data(form: ScheduleForm) -> services.MeetingData:
    return services.MeetingData(
        title=form.title.data,
        first_local=datetime.combine(form.date.data, form.start_time.data),
        duration_minutes=form.duration_minutes.data,
        video_url=form.video_url.data,
        weekly=form.repeat.data == "weekly",
        until=form.until.data,
    )


@bp.get("/<int:meeting_id>")
def show(meeting_id: int):
    page = services.meeting_page(current_user, meeting_id)
    return render_template(
        "meetings/show.html",
        **vars(page),
        room=page.meeting.room,
        form=attendance_form(page.pupils, page.attendance) if page.can_take else None,
        confirm=ConfirmForm(),
    )


@bp.post("/<int:meeting_id>/attendance")
def attendance(meeting_id: int):
    meeting = services.meeting_for(current_user, meeting_id)
    policy.authorize(policy.can_take_attendance(current_user, meeting))
    pupils = services.attendance_pupils(meeting)
    form = attendance_form(pupils, {})
    if not form.validate_on_submit():
        flash(_("Choose a status from the list."), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    statuses = {p.id: getattr(form, f"status_{p.id}").data for p in pupils}
    run_and_flash(
        lambda: services.record_attendance(current_user, meeting, statuses),
        _("The attendance is saved."),
    )
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#attendance")


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id: int):
    meeting = services.meeting_to_manage(current_user, meeting_id)
    if meeting.cancelled:
        flash(_("The meeting is cancelled and can no longer be changed."), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    form = OccurrenceForm(data=None if request.method == "POST" else _occurrence_now(meeting))
    return web.handle_form(
        form,
        lambda: services.edit_occurrence(current_user, meeting, **_occurrence_data(form)),
        done=lambda _result: _to_meeting(
            meeting, _("The meeting is changed and the pupils have been told.")
        ),
        page=lambda: render_template("meetings/edit.html", form=form, meeting=meeting),
    )


def _occurrence_now(meeting: Meeting) -> dict:
    local = recurrence.to_local(meeting.starts_at)
    return {
        "title": meeting.title,
        "date": local.date(),
        "start_time": local.time(),
        "duration_minutes": meeting.duration_minutes,
        "video_url": meeting.video_url,
    }


def _occurrence_data(form: OccurrenceForm) -> dict:
    return {
        "title": form.title.data,
        "start_local": datetime.combine(form.date.data, form.start_time.data),
        "duration_minutes": form.duration_minutes.data,
        "video_url": form.video_url.data,
    }


@bp.post("/<int:meeting_id>/cancel")
def cancel(meeting_id: int):
    meeting = services.meeting_to_manage(current_user, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirm.confirmed():
        return confirm.page(_ask_cancel(meeting))
    run_and_flash(
        lambda: services.cancel_occurrence(current_user, meeting),
        _("The meeting is cancelled and the pupils have been told."),
    )
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


def _ask_cancel(meeting: Meeting) -> confirm.Confirmation:
    return confirm.Confirmation(
        question=_(
            "Cancel the meeting %(title)s on %(when)s?",
            title=meeting.title,
            when=format_datetime(meeting.starts_at, "EEEE d MMMM HH:mm"),
        ),
        consequences=[
            _("The meeting will not take place and cannot be taken back."),
            _who_is_told(meeting.room),
        ],
        yes=_("Yes, cancel the meeting"),
        back=url_for("meetings.show", meeting_id=meeting.id),
    )


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
def edit_series(series_id: int):
    series = services.series_to_manage(current_user, series_id)
    coming = services.future_occurrences(series, utcnow())
    form = SeriesForm(data=None if request.method == "POST" else _series_now(series, coming))
    return web.handle_form(
        form,
        lambda: services.edit_series(current_user, series, **_series_data(form)),
        done=_series_changed,
        page=lambda: render_template(
            "meetings/edit_series.html", form=form, series=series, coming=coming
        ),
    )


def _series_changed(changed: list[Meeting]):
    return _to_meeting(
        changed[0],
        _(
            "%(count)d coming meetings are changed and the pupils have been told.",
            count=len(changed),
        ),
    )


def _series_now(series: MeetingSeries, coming: list[Meeting]) -> dict:
    """The series form as the next coming meeting stands (else as the series was scheduled)."""
    first = coming[0] if coming else None
    return {
        "title": first.title if first else series.title,
        "start_time": recurrence.to_local(first.starts_at).time()
        if first
        else series.first_local.time(),
        "duration_minutes": first.duration_minutes if first else series.duration_minutes,
        "video_url": first.video_url if first else series.video_url,
    }


def _series_data(form: SeriesForm) -> dict:
    return {
        "title": form.title.data,
        "start_time": form.start_time.data,
        "duration_minutes": form.duration_minutes.data,
        "video_url": form.video_url.data,
    }


@bp.post("/series/<int:series_id>/cancel")
def cancel_series(series_id: int):
    series = services.series_to_manage(current_user, series_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = url_for("rooms.show", room_id=series.room_id) + "#meetings"
    if not confirm.confirmed():
        return confirm.page(_ask_cancel_series(series, back))
    run_and_flash(
        lambda: services.cancel_series(current_user, series),
        _("The coming meetings of the series are cancelled and the pupils have been told."),
    )
    return redirect(back)


def _ask_cancel_series(series: MeetingSeries, back: str) -> confirm.Confirmation:
    coming = services.future_occurrences(series, utcnow())
    return confirm.Confirmation(
        question=_(
            "Cancel all %(count)d coming meetings of %(title)s?",
            count=len(coming),
            title=series.title,
        ),
        consequences=[
            _("The meetings that have taken place stay as they are."),
            _who_is_told(series.room),
        ],
        yes=_("Yes, cancel the coming meetings"),
        back=back,
    )


@bp.get("/<int:meeting_id>.ics")
def download(meeting_id: int):
    meeting = services.read_meeting(current_user, meeting_id)
    body = calendar.calendar([meeting], meeting.title, method="PUBLISH")
    response = Response(body, content_type=calendar.CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


@feed_bp.get("/<int:user_id>/<token>.ics")
def feed(user_id: int, token: str):
    """The personal feed: no sign-in, the secret address is the key; any doubt is a 404."""
    user = services.user_for_feed(user_id, token)
    if user is None:
        abort(404)
    body = calendar.calendar(services.feed_meetings(user), _("MentorHub meetings"))
    response = Response(body, content_type=calendar.CONTENT_TYPE)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Disposition"] = 'inline; filename="mentorhub.ics"'
    return response
