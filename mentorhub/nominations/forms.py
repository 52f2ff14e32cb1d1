from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from mentorhub.formfields import TextAreaField
from mentorhub.programme.forms import MultiCheckboxField

_required = DataRequired(message=_l("Fill in this field."))

LEVEL_CHOICES = [
    ("1", _l("1 – secure in the year's content")),
    ("2", _l("2 – handles extension work within the year's content")),
    ("3", _l("3 – ready for introductory upper-secondary content")),
    ("4", _l("4 – handles upper-secondary course content")),
    ("5", _l("5 – beyond upper-secondary level, competition level")),
]

PROFILE_HELP = _l(
    "Särskilt begåvad (gifted): thinks abstractly and fast, sees patterns and asks deep "
    "questions, but may not show it in grades and can lose motivation without real challenge; "
    "needs depth, complexity and peers at the same level, and often support with study "
    "structure. Högpresterande (high-performing): reaches high results through effort and "
    "good habits; needs a faster pace, more advanced content and goals to strive for."
)


class SubjectNeedForm(Form):
    subject_area_id = HiddenField()
    chosen = BooleanField(_l("Nominate in this subject area"))
    level = SelectField(_l("Current level"), choices=LEVEL_CHOICES, default="3")
    challenge = TextAreaField(
        _l("The challenge the pupil needs"),
        validators=[Optional(), Length(max=1000)],
        description=_l("For example: proofs and problem solving beyond the textbook."),
    )


class NominationForm(FlaskForm):
    pupil_name = StringField(_l("Pupil's name"), validators=[_required, Length(max=120)])
    pupil_email = EmailField(
        _l("Pupil's school email"),
        validators=[
            _required,
            Email(message=_l("Enter an email address like name@school.se.")),
            Length(max=254),
        ],
        description=_l("The pupil's invitation is sent here when the nomination is approved."),
    )
    year = SelectField(_l("Year"), choices=[("8", _l("Year 8")), ("9", _l("Year 9"))])
    class_name = StringField(_l("Class"), validators=[Optional(), Length(max=20)])
    profile = RadioField(
        _l("Profile"),
        choices=[
            ("gifted", _l("Gifted (särskilt begåvad)")),
            ("high_performing", _l("High-performing (högpresterande)")),
        ],
        validators=[DataRequired(message=_l("Choose a profile."))],
        description=PROFILE_HELP,
    )
    subjects = FieldList(
        FormField(SubjectNeedForm), label=_l("Subject areas and current level"), min_entries=0
    )
    strengths = TextAreaField(
        _l("Strengths and interests"), validators=[Optional(), Length(max=2000)]
    )
    interests = TextAreaField(
        _l("What motivates the pupil"), validators=[Optional(), Length(max=2000)]
    )
    slots = MultiCheckboxField(
        _l("Times the pupil can meet"),
        validators=[DataRequired(message=_l("Choose at least one time the pupil can meet."))],
    )
    prefers_group = RadioField(
        _l("Works best"),
        choices=[("individual", _l("Individually")), ("group", _l("In a group"))],
        default="individual",
    )
    guardian_informed_on = DateField(
        _l("Date the guardian was informed"),
        validators=[Optional()],
        description=_l("Leave empty if the guardian has not been informed yet."),
    )
    guardian_consent = RadioField(
        _l("Guardian's consent"),
        choices=[
            ("unknown", _l("Not yet answered")),
            ("yes", _l("Consent given")),
            ("no", _l("Consent not given")),
        ],
        default="unknown",
    )

    def validate(self, extra_validators=None) -> bool:
        """Every field's rules and the rules across fields in one pass, so a refused form
        names all its problems at once."""
        valid = super().validate(extra_validators)
        if not any(e.form.chosen.data for e in self.subjects.entries):
            self.subjects.errors = [
                *self.subjects.errors,
                str(_l("Choose at least one subject area.")),
            ]
            valid = False
        informed = self.guardian_informed_on.data
        if informed and informed > date.today():
            self.guardian_informed_on.errors = [
                *self.guardian_informed_on.errors,
                str(_l("The date the guardian was informed cannot be in the future.")),
            ]
            valid = False
        return valid


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
