from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from mentorhub.accounts.services import MIN_PASSWORD_LENGTH

_required = DataRequired(message=_l("Fill in this field."))
_email = Email(message=_l("Enter an email address like name@school.se."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[_required, _email, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required])
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[_required, _email, Length(max=254)])


class _NewPassword:
    password = PasswordField(
        _l("New password"),
        validators=[
            _required,
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "Choose a password of at least %(n)d characters.", n=MIN_PASSWORD_LENGTH
                ),
            ),
        ],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[_required, EqualTo("password", message=_l("The passwords do not match."))],
    )


class ResetPasswordForm(_NewPassword, FlaskForm):
    pass


class AcceptInvitationForm(_NewPassword, FlaskForm):
    name = StringField(_l("Your name"), validators=[_required, Length(max=120)])


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[("sv", "Svenska"), ("en", "English")])
    next = HiddenField()
