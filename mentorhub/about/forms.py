from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length, Optional

from mentorhub.about.models import MAX_EMAIL, MAX_MESSAGE
from mentorhub.formfields import TextAreaField


class FeedbackForm(FlaskForm):
    message = TextAreaField(
        _l("What did not work?"),
        validators=[
            DataRequired(message=_l("Write what did not work for you.")),
            Length(max=MAX_MESSAGE, message=_l("At most %(max)d characters.")),
        ],
        description=_l(
            "Say which page, what you tried to do and what happened. "
            "Do not write anything about a pupil's situation here."
        ),
        render_kw={"rows": 6},
    )
    reply_to = EmailField(
        _l("Your email (if you want an answer)"),
        validators=[
            Optional(),
            Email(message=_l("Enter an email address like name@school.se.")),
            Length(max=MAX_EMAIL),
        ],
        description=_l("Optional. Used only to answer you."),
    )
