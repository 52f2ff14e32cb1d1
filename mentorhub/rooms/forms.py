from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from mentorhub.formfields import TextAreaField
from mentorhub.programme.forms import MultiCheckboxField

_required = DataRequired(message=_l("Fill in this field."))


class RoomForm(FlaskForm):
    name = StringField(_l("Name of the room"), validators=[_required, Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    kind = RadioField(
        _l("Kind of room"),
        choices=[("individual", _l("Individual (one pupil)")), ("group", _l("Group"))],
        default="group",
    )
    subject_area_id = SelectField(_l("Subject area"), coerce=int)
    pupil_ids = MultiCheckboxField(
        _l("Pupils"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose at least one pupil."))],
    )


class MembersForm(FlaskForm):
    pupil_ids = MultiCheckboxField(
        _l("Pupils in the room"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose at least one pupil."))],
    )
