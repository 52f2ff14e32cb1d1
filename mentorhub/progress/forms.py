from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from mentorhub.formfields import TextAreaField
from mentorhub.progress.labels import FLAG_TYPES

_KNOWN_CODES = {code for codes in FLAG_TYPES.values() for code in codes}


class AcknowledgeForm(FlaskForm):
    """Acknowledge one early-warning flag (by code and key) with a note; the flag stays shown."""

    code = HiddenField(validators=[DataRequired(), Length(max=40)])
    key = HiddenField(validators=[Length(max=40)])
    note = TextAreaField(
        _l("Note"),
        validators=[DataRequired(message=_l("Write a short note.")), Length(max=2000)],
        description=_l(
            "What you have looked at or done, e.g. “Talked with Alva, follow up Friday”."
        ),
        render_kw={"rows": 2},
    )

    def name_pupil(self, pupil_name: str) -> None:
        """Let the hint's example name the pupil on the page, not a made-up one."""
        first_name = (pupil_name or "").split(" ")[0]
        self.note.description = _l(
            "What you have looked at or done, e.g. “Talked with %(name)s, follow up Friday”.",
            name=first_name,
        )

    def known_code(self) -> bool:
        return self.code.data in _KNOWN_CODES
