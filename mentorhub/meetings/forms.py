"""Forms for scheduling, changing and cancelling meetings, and for taking attendance."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from mentorhub.meetings import services
from mentorhub.meetings.labels import STATUS_LABELS
from mentorhub.timeutil import utcnow

_required = DataRequired(message=_l("Fill in this field."))


def _https(form, field) -> None:
    error = services.video_url_error(field.data or "")
    if error:
        raise ValidationError(error)


def _minutes(form, field) -> None:
    error = services.duration_error(field.data)
    if error:
        raise ValidationError(error)


class _MeetingFields(FlaskForm):
    title = StringField(_l("Title"), validators=[_required, Length(max=160)])
    duration_minutes = IntegerField(
        _l("Length in minutes"),
        default=45,
        validators=[InputRequired(message=_l("Give the length in minutes.")), _minutes],
        description=_l("Between 10 and 240 minutes."),
        render_kw={"min": services.MIN_MINUTES, "max": services.MAX_MINUTES, "step": 5},
    )
    video_url = StringField(
        _l("Link to the video meeting"),
        validators=[_required, Length(max=500), _https],
        description=_l("The school's video tool, e.g. https://meet.example.se/room-123"),
        render_kw={"type": "url", "inputmode": "url"},
    )


class OccurrenceForm(_MeetingFields):
    """One meeting: its own day and time (Stockholm time)."""

    date = DateField(_l("Date"), validators=[InputRequired(message=_l("Choose a date."))])
    start_time = TimeField(
        _l("Starts at"),
        validators=[InputRequired(message=_l("Give the time it starts."))],
        description=_l("Swedish time."),
    )


class ScheduleForm(OccurrenceForm):
    repeat = RadioField(
        _l("Repeat"),
        choices=[("once", _l("Once")), ("weekly", _l("Every week, same day and time"))],
        default="once",
    )
    until = DateField(
        _l("Repeat until (last day)"),
        validators=[Optional()],
        description=_l("For weekly meetings: the day of the last meeting, at most a year on."),
    )

    def validate(self, extra_validators=None) -> bool:
        """Field rules and "not in the past" in one pass, so all problems show at once."""
        valid = super().validate(extra_validators)
        if self.date.data and self.start_time.data:
            first = datetime.combine(self.date.data, self.start_time.data)
            error = services.past_error(first, utcnow())
            if error:
                self.date.errors = [*self.date.errors, str(error)]
                valid = False
        return valid

    def validate_until(self, field) -> None:
        if self.repeat.data == "weekly" and self.date.data:
            error = services.until_error(self.date.data, field.data)
            if error:
                raise ValidationError(error)


class SeriesForm(_MeetingFields):
    """What changes for all the series' coming meetings; each keeps its own day."""

    start_time = TimeField(
        _l("Starts at"),
        validators=[InputRequired(message=_l("Give the time it starts."))],
        description=_l("Swedish time, for every coming meeting of the series."),
    )


def attendance_form(pupils, current: dict[int, str]) -> FlaskForm:
    """One select per pupil (`status_<id>`), labelled with the pupil's name."""

    class Form(FlaskForm):
        pass

    choices = [("", _l("Not recorded"))] + [(s.value, label) for s, label in STATUS_LABELS.items()]
    for pupil in pupils:
        setattr(
            Form,
            f"status_{pupil.id}",
            SelectField(pupil.name, choices=choices, default=current.get(pupil.id, "")),
        )
    return Form()
