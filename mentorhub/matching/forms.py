from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange

from mentorhub.programme.forms import MultiCheckboxField

_levels = [(str(i), str(i)) for i in range(1, 6)]


class OfferForm(FlaskForm):
    subject_area_ids = MultiCheckboxField(
        _l("Subject areas you take"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose at least one subject area."))],
    )
    level_min = SelectField(_l("Lowest level you challenge"), choices=_levels, default="2")
    level_max = SelectField(_l("Highest level you challenge"), choices=_levels, default="5")
    capacity = IntegerField(
        _l("Pupils in total"),
        default=6,
        validators=[
            DataRequired(message=_l("Enter a number from 1 to 40.")),
            NumberRange(1, 40, message=_l("Enter a number from 1 to 40.")),
        ],
    )
    max_group_size = IntegerField(
        _l("Largest group"),
        default=4,
        validators=[
            DataRequired(message=_l("Enter a number from 1 to 10.")),
            NumberRange(1, 10, message=_l("Enter a number from 1 to 10.")),
        ],
        description=_l("1 means you meet pupils one at a time only."),
    )
    slots = MultiCheckboxField(
        _l("Times you can meet every week"),
        validators=[DataRequired(message=_l("Choose at least one time."))],
    )


class MoveForm(FlaskForm):
    mentor_id = SelectField(_l("New mentor"), coerce=int)
