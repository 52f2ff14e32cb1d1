"""Problems: the bank (write, preview, share), posting into rooms, the problem page with hints
and attempts, the mentor's feedback, and the pupil's "My problems"."""

from types import SimpleNamespace

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mentorhub import policy, web
from mentorhub.errors import run_and_flash
from mentorhub.extensions import db
from mentorhub.problems import services
from mentorhub.problems.forms import AttemptForm, FeedbackForm, ProblemForm, post_form
from mentorhub.problems.models import Attempt, Problem, ProblemPost
from mentorhub.programme import services as programme
from mentorhub.programme.forms import ConfirmForm
from mentorhub.rooms.models import Room
from mentorhub.uploads import images

bp = web.blueprint("problems", __name__)


# --- the bank ----------------------------------------------------------------------------------


@bp.get("/")
def index():
    policy.authorize(policy.can_write_problems(current_user))
    tag = request.args.get("tag", "")[:40]
    return render_template(
        "problems/index.html", problems=services.bank(current_user, tag), tag=tag
    )


def _data(form: ProblemForm) -> services.ProblemData:
    return services.ProblemData(
        title=form.title.data or "",
        statement=form.statement.data or "",
        subject_area_id=form.subject_area_id.data,
        levels=list(form.levels.data or []),
        hints=services.parse_hints(form.hints.data),
        extensions=form.extensions.data or "",
        tags=form.tags.data or "",
        check_kind=form.check_kind.data or "free",
        answer=form.answer.data or "",
        tolerance=form.tolerance.data or None,
        shared=bool(form.shared.data),
    )


def _form_page(form: ProblemForm, problem: Problem | None, preview: dict | None = None):
    return render_template("problems/form.html", form=form, problem=problem, preview=preview)


def _save(form: ProblemForm, problem: Problem | None) -> Problem:
    if problem is None:
        return services.create_problem(current_user, _data(form))
    services.update_problem(current_user, problem, _data(form))
    return problem


def _edit(form: ProblemForm, problem: Problem | None):
    form.subject_area_id.choices = [
        (a.id, a.name) for a in programme.subject_areas(only_active=True)
    ]
    if "preview" in request.form:
        # A preview stores nothing: it shows the problem as pupils will see it.
        return web.handle_form(
            form,
            lambda: services.preview(_data(form)),
            done=lambda shown: _form_page(form, problem, shown),
            page=lambda: _form_page(form, problem),
        )
    return web.handle_form(
        form,
        lambda: _save(form, problem),
        done=lambda saved: web.done(
            _("The problem has been saved."), url_for("problems.show", problem_id=saved.id)
        ),
        page=lambda: _form_page(form, problem),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    policy.authorize(policy.can_write_problems(current_user))
    return _edit(ProblemForm(), None)


@bp.route("/<int:problem_id>/edit", methods=["GET", "POST"])
def edit(problem_id: int):
    problem = services.problem_for(current_user, problem_id, policy.can_edit_problem)
    return _edit(ProblemForm(obj=_as_form(problem)), problem)


def _as_form(problem: Problem) -> SimpleNamespace:
    """The stored problem as the form reads it: hints and tolerance as the text they are typed
    as (a posted form that leaves a field out keeps the stored value, in the field's own type)."""
    fields = ("title", "subject_area_id", "levels", "statement", "extensions", "check_kind")
    return SimpleNamespace(
        **{name: getattr(problem, name) for name in (*fields, "answer", "tags", "shared")},
        hints="\n".join(h.body for h in problem.hints),
        tolerance="" if problem.tolerance is None else f"{problem.tolerance:g}".replace(".", ","),
    )


@bp.get("/<int:problem_id>")
def show(problem_id: int):
    problem = services.problem_for(current_user, problem_id)
    return render_template(
        "problems/show.html",
        problem=problem,
        can_edit=policy.can_edit_problem(current_user, problem),
        rooms=services.postable_rooms(current_user, problem),
    )


@bp.route("/<int:problem_id>/post", methods=["GET", "POST"])
def post(problem_id: int):
    problem = services.problem_for(current_user, problem_id)
    room = db.get_or_404(Room, request.args.get("room_id", type=int) or 0)
    policy.authorize(policy.can_post_problem(current_user, problem, room))
    members = [m.user for m in room.members]
    form = post_form(members, services.default_levels(problem, room), problem.levels)
    return web.handle_form(
        form,
        lambda: _post_problem(form, problem, room, members),
        done=lambda created: web.done(
            _("The problem has been posted in %(room)s.", room=room.name),
            url_for("problems.post_page", post_id=created.id),
        ),
        page=lambda: _post_form_page(form, problem, room, members),
    )


def _post_form_page(form, problem: Problem, room: Room, members: list):
    return render_template(
        "problems/post.html", form=form, problem=problem, room=room, members=members
    )


def _post_problem(form, problem: Problem, room: Room, members: list) -> ProblemPost:
    everyone = form.audience.data == "everyone"
    levels = {
        u.id: form[f"level_{u.id}"].data for u in members if everyone or form[f"pupil_{u.id}"].data
    }
    return services.post_problem(current_user, problem, room, to_everyone=everyone, levels=levels)


# --- a posted problem ----------------------------------------------------------------------------


def _post_page(post_id: int, attempt_form: AttemptForm | None = None):
    page = services.post_page(current_user, post_id)
    return render_template(
        "problems/post_page.html",
        **vars(page),
        form=attempt_form or AttemptForm(formdata=None),
        confirm=ConfirmForm(),
    )


@bp.get("/posts/<int:post_id>")
def post_page(post_id: int):
    return _post_page(post_id)


@bp.post("/posts/<int:post_id>/hints")
def reveal_hint(post_id: int):
    post = services.post_for(current_user, post_id, policy.can_work_on)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_and_flash(
        lambda: services.reveal_next_hint(current_user, post), _("Here is the next hint.")
    )
    return redirect(url_for("problems.post_page", post_id=post.id, _anchor="hints"))


def _submit_attempt(form: AttemptForm, post: ProblemPost) -> Attempt:
    data = images.read_upload(form.image.data)
    return services.submit_attempt(
        current_user, post, answer=form.answer.data or "", body=form.body.data or "", image=data
    )


def _attempt_sent(attempt: Attempt):
    to = url_for("problems.post_page", post_id=attempt.post_id, _anchor="attempts")
    if attempt.correct is True:
        return web.done(_("Correct! Well done."), to)
    if attempt.correct is False:
        return web.done(_("Not yet. Look at your solution again or open a hint."), to, "info")
    return web.done(_("Your attempt has been sent to your mentor."), to)


@bp.post("/posts/<int:post_id>/attempts")
def submit_attempt(post_id: int):
    post = services.post_for(current_user, post_id, policy.can_work_on)
    form = AttemptForm()
    # Refused: the page again with the typed text kept; nothing stored.
    return web.handle_form(
        form,
        lambda: _submit_attempt(form, post),
        done=_attempt_sent,
        page=lambda: _post_page(post.id, form),
    )


# --- feedback ------------------------------------------------------------------------------------


def _attempt_page(attempt_id: int, form: FeedbackForm):
    attempt = services.attempt_page(current_user, attempt_id)
    return render_template(
        "problems/attempt.html",
        attempt=attempt,
        post=attempt.post,
        form=form,
        can_feedback=policy.can_give_feedback(current_user, attempt),
        current_level=services.pupil_levels([attempt.pupil_id], attempt.post.room.subject_area_id),
    )


@bp.get("/attempts/<int:attempt_id>")
def attempt(attempt_id: int):
    attempt = services.attempt_for(current_user, attempt_id)
    form = FeedbackForm(formdata=None)
    if attempt.feedback:
        form.feedback.data = attempt.feedback
        form.status.data = attempt.status if attempt.status != "new" else None
    return _attempt_page(attempt.id, form)


def _give_feedback(form: FeedbackForm, attempt: Attempt) -> None:
    services.give_feedback(
        current_user,
        attempt,
        feedback=form.feedback.data,
        status=form.status.data,
        level_move=int(form.level_move.data or 0),
        reason=form.reason.data or "",
    )


@bp.post("/attempts/<int:attempt_id>")
def give_feedback(attempt_id: int):
    attempt = services.attempt_for(current_user, attempt_id, policy.can_give_feedback)
    form = FeedbackForm()
    return web.handle_form(
        form,
        lambda: _give_feedback(form, attempt),
        done=lambda _result: web.done(
            _("The feedback has been saved and the pupil told."),
            url_for("problems.post_page", post_id=attempt.post_id),
        ),
        page=lambda: _attempt_page(attempt.id, form),
    )


# --- the pupil's own page ------------------------------------------------------------------------


@bp.get("/mine")
def mine():
    policy.authorize(policy.can_see_my_problems(current_user))
    return render_template("problems/mine.html", mine=services.my_problems(current_user))
