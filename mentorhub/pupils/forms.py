from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired


class AddMemberForm(FlaskForm):
    """`member` is "<staff id>:<relation>", one choice per person and role."""

    member = SelectField(
        _l("Person to add"), validators=[DataRequired(message=_l("Choose a person."))]
    )


class RemoveMemberForm(FlaskForm):
    member = HiddenField(validators=[DataRequired()])


def parse_member(value: str | None) -> tuple[int, str] | None:
    staff_id, _, relation = (value or "").partition(":")
    return (int(staff_id), relation) if staff_id.isdigit() and relation else None
