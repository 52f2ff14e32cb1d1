"""Forms for goals: the goal itself, comments, check-ins, state changes and the build-up summary."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from mentorhub.formfields import TextAreaField
from mentorhub.goals.labels import RATING_LABELS

_required = DataRequired(message=_l("Fill in this field."))


def _int_or_none(value):
    """A rating from the form, or None for anything that is not a whole number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class GoalForm(FlaskForm):
    template = HiddenField()
    title = StringField(_l("Goal"), validators=[_required, Length(max=160)])
    why = TextAreaField(
        _l("Why it matters"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3}
    )
    steps = TextAreaField(
        _l("Steps"),
        validators=[Optional(), Length(max=4000)],
        description=_l("One step per line."),
        render_kw={"rows": 5},
    )
    target_date = DateField(
        _l("Target date"),
        validators=[Optional()],
        description=_l("When the goal should be reached. Not in the past."),
    )
    evidence = TextAreaField(
        _l("How progress will be seen"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 3},
    )


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"),
        validators=[DataRequired(message=_l("Write a comment before sending.")), Length(max=4000)],
        render_kw={"rows": 3},
    )


class CheckInForm(FlaskForm):
    rating = RadioField(
        _l("How is it going?"),
        coerce=_int_or_none,
        choices=[(value, label) for value, label in RATING_LABELS.items()],
        validators=[DataRequired(message=_l("Choose how it is going, from 1 to 4."))],
        validate_choice=False,  # the service refuses values outside the scale, in words
    )
    comment = TextAreaField(
        _l("Comment (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    next = HiddenField()


class StatusForm(FlaskForm):
    to = SelectField(_l("New state"), validate_choice=False)
    note = TextAreaField(
        _l("Note"),
        validators=[
            DataRequired(message=_l("Write a note about why the state changes.")),
            Length(max=4000),
        ],
        description=_l("Why the state changes, for example what was reached."),
        render_kw={"rows": 3},
    )


class BuildUpForm(FlaskForm):
    body = TextAreaField(
        _l("What to build up next"),
        validators=[
            DataRequired(message=_l("Write what the pupil should build up next.")),
            Length(max=4000),
        ],
        description=_l("Which parts upper-secondary school will demand, in a few sentences."),
        render_kw={"rows": 4},
    )
