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

    def validate(self, extra_validators=None) -> bool:
        """Field rules and the level range together, so every problem shows at once."""
        valid = super().validate(extra_validators)
        low, high = self.level_min.data or "", self.level_max.data or ""
        if low.isdigit() and high.isdigit() and int(low) > int(high):
            self.level_min.errors = [
                *self.level_min.errors,
                str(_l("The lowest level cannot be above the highest.")),
            ]
            valid = False
        return valid


class MoveForm(FlaskForm):
    mentor_id = SelectField(_l("New mentor"), coerce=int)
