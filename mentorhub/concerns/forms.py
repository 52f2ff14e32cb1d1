from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from mentorhub.concerns import services
from mentorhub.concerns.labels import CATEGORY_LABELS
from mentorhub.formfields import TextAreaField

MAX_TEXT = 5000

_required = DataRequired(message=_l("Fill in this field."))
_bounded = Length(max=MAX_TEXT, message=_l("At most %(max)d characters."))


def _not_past(form, field) -> None:
    """Checked with the other fields, so a past date is named in the same answer."""
    if field.data and field.data < services.today():
        raise ValidationError(_l("The review date cannot be in the past."))


def category_choices() -> list[tuple[str, str]]:
    return [("", _l("Choose a category")), *CATEGORY_LABELS.items()]


class RaiseForm(FlaskForm):
    category = SelectField(
        _l("Category"),
        choices=category_choices,
        validators=[DataRequired(message=_l("Choose a category."))],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[_required, _bounded],
        description=_l(
            "What have you noticed, and since when? Write facts, not guesses. "
            "Only the pupil's staff and the coordinators can read it; the pupil never sees it."
        ),
        render_kw={"rows": 6},
    )


class PlanForm(FlaskForm):
    action_plan = TextAreaField(
        _l("Action plan"),
        validators=[_required, _bounded],
        description=_l("What will be done, by whom, and how you will know it helps."),
        render_kw={"rows": 5},
    )
    responsible_id = SelectField(
        _l("Responsible"),
        coerce=int,
        # the service decides who may be responsible, with a message that says who may
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose who is responsible."))],
    )
    review_on = DateField(
        _l("Next review"),
        validators=[DataRequired(message=_l("Choose a date for the next review.")), _not_past],
    )


class ReviewForm(FlaskForm):
    note = TextAreaField(
        _l("Review note"),
        validators=[_required, _bounded],
        description=_l("How has it gone since the plan was set or last reviewed?"),
        render_kw={"rows": 4},
    )
    next_review_on = DateField(
        _l("Next review (optional)"),
        validators=[Optional(), _not_past],
    )


class CloseForm(FlaskForm):
    closing_note = TextAreaField(
        _l("Closing note"),
        validators=[_required, _bounded],
        description=_l("Why the concern can be closed, and what happens now."),
        render_kw={"rows": 4},
    )
