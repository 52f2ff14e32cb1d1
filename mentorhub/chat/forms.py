"""Forms for chat moderation: a report or a hide carries a reason; a dismissal only its token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class ReasonForm(FlaskForm):
    # Checked (required, length) by the service, so the socket and the form refuse alike.
    reason = TextAreaField(_l("Reason"))
