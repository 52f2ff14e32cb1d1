from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from mentorhub.accounts.models import Role
from mentorhub.formfields import TextAreaField
from mentorhub.programme.models import SchoolKind

_required = DataRequired(message=_l("Fill in this field."))


class SchoolForm(FlaskForm):
    name = StringField(_l("Name"), validators=[_required, Length(max=120)])
    kind = SelectField(
        _l("Kind of school"),
        choices=[
            (SchoolKind.COMPULSORY.value, _l("Compulsory school (year 7–9)")),
            (SchoolKind.STUDY_CENTRE.value, _l("Upper-secondary study centre")),
        ],
    )
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=120)])
    active = BooleanField(_l("Active"), default=True)


class SubjectAreaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[_required, Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Active"), default=True)


class TermForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[_required, Length(max=60)],
        description=_l("For example: Autumn 2026"),
    )
    starts_on = DateField(
        _l("First day"), validators=[DataRequired(message=_l("Enter a date like 2026-08-17."))]
    )
    ends_on = DateField(
        _l("Last day"), validators=[DataRequired(message=_l("Enter a date like 2027-01-15."))]
    )


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class InviteStaffForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            _required,
            Email(message=_l("Enter an email address like name@school.se.")),
            Length(max=254),
        ],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=[
            (Role.MENTOR.value, _l("Knowledge mentor")),
            (Role.HOME_TEACHER.value, _l("Home teacher")),
            (Role.SPECIAL_EDUCATOR.value, _l("Special-needs educator")),
            (Role.COORDINATOR.value, _l("Coordinator")),
        ],
        validators=[DataRequired(message=_l("Choose at least one role."))],
    )
    school_id = SelectField(_l("School"), coerce=int, validators=[Optional()])


class ConfirmForm(FlaskForm):
    """An empty form: a button that changes something, protected by the CSRF token."""


def _person_id(value: object) -> int:
    """The chosen person's id; 0 for none (the service says to choose someone)."""
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


class HandOverForm(FlaskForm):
    """Who takes over a leaving person's rooms, pupils, concerns and links. The choice is
    checked by the service (`programme.handover`), so a refusal says why in words."""

    successor_id = SelectField(
        _l("Who takes over"), coerce=_person_id, validate_choice=False, choices=[]
    )
