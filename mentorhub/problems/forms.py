from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from mentorhub.formfields import TextAreaField
from mentorhub.problems.models import LEVELS
from mentorhub.programme.forms import MultiCheckboxField

_required = DataRequired(message=_l("Fill in this field."))

CHECK_CHOICES = [
    ("free", _l("Free text: I assess it myself")),
    ("exact", _l("Exact answer (text)")),
    ("numeric", _l("Numeric answer with tolerance")),
]


class ProblemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[_required, Length(max=160)])
    subject_area_id = SelectField(_l("Subject area"), coerce=int)
    levels = MultiCheckboxField(
        _l("Levels (1–5)"),
        coerce=int,
        choices=[(lv, str(lv)) for lv in LEVELS],
        validators=[DataRequired(message=_l("Choose at least one level."))],
    )
    statement = TextAreaField(
        _l("Statement"),
        validators=[_required, Length(max=20_000)],
        description=_l("Markdown and math with $…$ (inline) or $$…$$ (display)."),
        render_kw={"rows": 10},
    )
    hints = TextAreaField(
        _l("Hints"),
        validators=[Optional(), Length(max=5000)],
        description=_l("One hint per line, in the order the pupil opens them."),
        render_kw={"rows": 4},
    )
    extensions = TextAreaField(
        _l("Going further"),
        validators=[Optional(), Length(max=10_000)],
        description=_l("Extensions for those who want more. Markdown and math work."),
        render_kw={"rows": 4},
    )
    check_kind = RadioField(_l("Answer check"), choices=CHECK_CHOICES, default="free")
    answer = StringField(
        _l("Correct answer"),
        validators=[Optional(), Length(max=200)],
        description=_l("For exact and numeric checks. Decimal comma or point both work."),
    )
    tolerance = StringField(
        _l("Tolerance"),
        validators=[Optional(), Length(max=30)],
        description=_l("For numeric answers: how far from the answer still counts, e.g. 0,01."),
    )
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=300)],
        description=_l("Separated by commas, e.g. geometry, proof."),
    )
    shared = BooleanField(
        _l("Share with other mentors in the subject area (they can post it, not change it)")
    )


class AttemptForm(FlaskForm):
    answer = StringField(_l("Your answer"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(
        _l("Your solution"),
        validators=[Optional(), Length(max=10_000)],
        description=_l(
            "Show how you thought. Markdown and math with $…$ work. You can also attach an image."
        ),
        render_kw={"rows": 6},
    )
    image = FileField(
        _l("Image (optional)"),
        description=_l("A photo of your work, for example. PNG, JPEG, GIF or WebP."),
        render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"},
    )


class FeedbackForm(FlaskForm):
    feedback = TextAreaField(
        _l("Feedback"),
        validators=[_required, Length(max=10_000)],
        description=_l("Markdown and math with $…$ work."),
        render_kw={"rows": 5},
    )
    status = RadioField(
        _l("Assessment"),
        choices=[("solved", _l("Solved")), ("not_yet", _l("Not yet"))],
        validators=[DataRequired(message=_l("Choose solved or not yet."))],
    )
    level_move = RadioField(
        _l("Level in the subject area"),
        choices=[
            ("0", _l("Keep the level")),
            ("1", _l("One level up")),
            ("-1", _l("One level down")),
        ],
        default="0",
    )
    reason = TextAreaField(
        _l("Reason for the level change"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )

    def validate(self, extra_validators=None) -> bool:
        """A level change needs its reason: checked with the other fields, in one pass."""
        valid = super().validate(extra_validators)
        if self.level_move.data not in (None, "", "0") and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, str(_l("Say why the level changes."))]
            valid = False
        return valid


class PostForm(FlaskForm):
    """Who gets the problem; a level field per member is added by `post_form`."""

    audience = RadioField(
        _l("Post to"),
        choices=[("everyone", _l("Everyone in the room")), ("chosen", _l("Chosen pupils"))],
        default="everyone",
    )


def post_form(members, defaults: dict[int, int], levels: list[int]) -> PostForm:
    """A PostForm with, per member, a box to choose them and their level."""

    class Form(PostForm):
        pass

    for user in members:
        setattr(Form, f"pupil_{user.id}", BooleanField(user.name, default=True))
        setattr(
            Form,
            f"level_{user.id}",
            SelectField(
                _l("Level for %(name)s", name=user.name),
                coerce=int,
                choices=[(lv, str(lv)) for lv in levels],
                default=defaults.get(user.id, levels[0]),
            ),
        )
    return Form()
