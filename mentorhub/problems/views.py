"""Problems: the bank (write, preview, share), posting into rooms, the problem page with hints
and attempts, the mentor's feedback, and the pupil's "My problems"."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mentorhub import audit, policy
from mentorhub.errors import DomainError, run_and_flash, show_on_form
from mentorhub.extensions import db
from mentorhub.problems import services
from mentorhub.problems.forms import AttemptForm, FeedbackForm, ProblemForm, post_form
from mentorhub.problems.models import Attempt, Problem, ProblemPost
from mentorhub.programme import services as programme
from mentorhub.programme.forms import ConfirmForm
from mentorhub.rooms.models import Room
from mentorhub.uploads import images

bp = Blueprint("problems", __name__)


@bp.before_request
@login_required
def signed_in():
    pass


def _problem(problem_id: int) -> Problem:
    problem = db.get_or_404(Problem, problem_id)
    policy.authorize(policy.can_view_problem(current_user, problem))
    return problem


def _post(post_id: int) -> ProblemPost:
    post = db.get_or_404(ProblemPost, post_id)
    policy.authorize(policy.can_view_post(current_user, post))
    return post


def _attempt(attempt_id: int) -> Attempt:
    attempt = db.get_or_404(Attempt, attempt_id)
    policy.authorize(policy.can_view_attempt(current_user, attempt))
    return attempt


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


def _edit(form: ProblemForm, problem: Problem | None):
    form.subject_area_id.choices = [
        (a.id, a.name) for a in programme.subject_areas(only_active=True)
    ]
    rendered = None
    if form.validate_on_submit():
        if "preview" in request.form:
            rendered = services.preview(_data(form))
        else:
            try:
                if problem is None:
                    problem = services.create_problem(current_user, _data(form))
                else:
                    services.update_problem(current_user, problem, _data(form))
            except DomainError as error:
                show_on_form(error, form)
            else:
                flash(_("The problem has been saved."), "success")
                return redirect(url_for("problems.show", problem_id=problem.id))
    return render_template("problems/form.html", form=form, problem=problem, preview=rendered)


@bp.route("/new", methods=["GET", "POST"])
def new():
    policy.authorize(policy.can_write_problems(current_user))
    return _edit(ProblemForm(), None)


@bp.route("/<int:problem_id>/edit", methods=["GET", "POST"])
def edit(problem_id: int):
    problem = _problem(problem_id)
    policy.authorize(policy.can_edit_problem(current_user, problem))
    form = ProblemForm(obj=problem)
    if not form.is_submitted():
        form.hints.data = "\n".join(h.body for h in problem.hints)
        form.tolerance.data = (
            "" if problem.tolerance is None else f"{problem.tolerance:g}".replace(".", ",")
        )
    return _edit(form, problem)


@bp.get("/<int:problem_id>")
def show(problem_id: int):
    problem = _problem(problem_id)
    return render_template(
        "problems/show.html",
        problem=problem,
        can_edit=policy.can_edit_problem(current_user, problem),
        rooms=services.postable_rooms(current_user, problem),
    )


@bp.route("/<int:problem_id>/post", methods=["GET", "POST"])
def post(problem_id: int):
    problem = _problem(problem_id)
    room = db.get_or_404(Room, request.args.get("room_id", type=int) or 0)
    policy.authorize(policy.can_post_problem(current_user, problem, room))
    members = [m.user for m in room.members]
    form = post_form(members, services.default_levels(problem, room), problem.levels)
    if form.validate_on_submit():
        everyone = form.audience.data == "everyone"
        levels = {
            u.id: form[f"level_{u.id}"].data
            for u in members
            if everyone or form[f"pupil_{u.id}"].data
        }
        try:
            created = services.post_problem(
                current_user, problem, room, to_everyone=everyone, levels=levels
            )
        except DomainError as error:
            show_on_form(error, form)
        else:
            flash(_("The problem has been posted in %(room)s.", room=room.name), "success")
            return redirect(url_for("problems.post_page", post_id=created.id))
    return render_template(
        "problems/post.html", form=form, problem=problem, room=room, members=members
    )


# --- a posted problem ----------------------------------------------------------------------------


def _post_page(post: ProblemPost, attempt_form: AttemptForm | None = None, status: int = 200):
    if policy.is_post_observer(current_user, post):
        audit.record(current_user, "problem_post.read", post)
    can_work = policy.can_work_on(current_user, post)
    hints = post.problem.hints
    opened = services.revealed(post, current_user) if can_work else []
    return (
        render_template(
            "problems/post_page.html",
            post=post,
            problem=post.problem,
            can_work=can_work,
            level=post.level_for(current_user.id),
            shown_hints=[h for h in hints if h.position in opened],
            more_hints=len(opened) < len(hints),
            openings=services.hint_openings(current_user, post) if not can_work else [],
            attempts=services.attempts_for(current_user, post),
            can_feedback=policy.can_manage_room(current_user, post.room),
            form=attempt_form or AttemptForm(formdata=None),
            confirm=ConfirmForm(),
        ),
        status,
    )


@bp.get("/posts/<int:post_id>")
def post_page(post_id: int):
    return _post_page(_post(post_id))


@bp.post("/posts/<int:post_id>/hints")
def reveal_hint(post_id: int):
    post = _post(post_id)
    policy.authorize(policy.can_work_on(current_user, post))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_and_flash(
        lambda: services.reveal_next_hint(current_user, post), _("Here is the next hint.")
    )
    return redirect(url_for("problems.post_page", post_id=post.id, _anchor="hints"))


@bp.post("/posts/<int:post_id>/attempts")
def submit_attempt(post_id: int):
    post = _post(post_id)
    policy.authorize(policy.can_work_on(current_user, post))
    form = AttemptForm()
    if form.validate_on_submit():
        data = images.read_upload(form.image.data)
        try:
            attempt = services.submit_attempt(
                current_user,
                post,
                answer=form.answer.data or "",
                body=form.body.data or "",
                image=data,
            )
        except DomainError as error:
            show_on_form(error, form)
        else:
            if attempt.correct is True:
                flash(_("Correct! Well done."), "success")
            elif attempt.correct is False:
                flash(_("Not yet. Look at your solution again or open a hint."), "info")
            else:
                flash(_("Your attempt has been sent to your mentor."), "success")
            return redirect(url_for("problems.post_page", post_id=post.id, _anchor="attempts"))
    # Answered with the page and the typed text kept; nothing stored.
    return _post_page(post, form)


# --- feedback ------------------------------------------------------------------------------------


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
def attempt(attempt_id: int):
    attempt = _attempt(attempt_id)
    can_feedback = policy.can_give_feedback(current_user, attempt)
    form = FeedbackForm()
    if request.method == "POST":
        policy.authorize(can_feedback)
        if form.validate_on_submit():
            try:
                services.give_feedback(
                    current_user,
                    attempt,
                    feedback=form.feedback.data,
                    status=form.status.data,
                    level_move=int(form.level_move.data or 0),
                    reason=form.reason.data or "",
                )
            except DomainError as error:
                show_on_form(error, form)
            else:
                flash(_("The feedback has been saved and the pupil told."), "success")
                return redirect(url_for("problems.post_page", post_id=attempt.post_id))
    elif attempt.feedback:
        form.feedback.data = attempt.feedback
        form.status.data = attempt.status if attempt.status != "new" else None
    services.record_views(current_user, [attempt])
    return render_template(
        "problems/attempt.html",
        attempt=attempt,
        post=attempt.post,
        form=form,
        can_feedback=can_feedback,
        current_level=services.pupil_levels([attempt.pupil_id], attempt.post.room.subject_area_id),
    )


# --- the pupil's own page ------------------------------------------------------------------------


@bp.get("/mine")
def mine():
    policy.authorize(policy.can_see_my_problems(current_user))
    return render_template("problems/mine.html", mine=services.my_problems(current_user))
