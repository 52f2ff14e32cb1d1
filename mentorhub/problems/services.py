"""Problems (journeys 4–5): the bank, posting into rooms, hints, attempts, feedback and levels.

Services flush and never commit: the request (or CLI command) commits once, so a refused action
leaves nothing half-stored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit, markup, policy
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError, Missing, Refused
from mentorhub.extensions import db
from mentorhub.notifications import services as notifications
from mentorhub.problems.models import (
    LEVELS,
    Attempt,
    AttemptStatus,
    CheckKind,
    HintReveal,
    LevelChange,
    PostTarget,
    Problem,
    ProblemHint,
    ProblemPost,
)
from mentorhub.pupils.models import PupilLevel
from mentorhub.rooms.models import Room
from mentorhub.timeutil import utcnow
from mentorhub.uploads import images
from mentorhub.uploads import services as uploads

MAX_STATEMENT = 20_000
MAX_ATTEMPT = 10_000
MAX_HINTS = 10


# --- the bank ---------------------------------------------------------------------------------


@dataclass
class ProblemData:
    title: str
    statement: str
    subject_area_id: int
    levels: list[int]
    hints: list[str] = field(default_factory=list)
    extensions: str = ""
    tags: str = ""
    check_kind: str = CheckKind.FREE.value
    answer: str = ""
    tolerance: str | float | None = None
    shared: bool = False


def parse_hints(text: str) -> list[str]:
    """One hint per line, in the order they are revealed; empty lines are skipped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_number(text: str | float | None) -> float | None:
    """A number as Swedes and English speakers write it: "3,5", "3.5", "-2", "1 000"."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        cleaned = re.sub(r"[\s\u00a0]", "", text).replace(",", ".").replace("−", "-")
        if not cleaned or not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?", cleaned, re.I):
            return None
        value = float(cleaned)
    return value if math.isfinite(value) else None


def _normalise_tags(tags: str) -> str:
    seen: list[str] = []
    for tag in (t.strip().lower() for t in (tags or "").split(",")):
        if tag and tag not in seen:
            seen.append(tag)
    return ", ".join(seen)


def _checked(data: ProblemData) -> tuple[str, float | None]:
    """Validate what a form cannot; returns the answer and tolerance to store."""
    if not data.title.strip():
        raise DomainError(_l("Fill in this field."), field="title")
    if not data.statement.strip():
        raise DomainError(_l("Fill in this field."), field="statement")
    if len(data.statement) > MAX_STATEMENT:
        raise DomainError(
            _l("The text is too long (at most %(n)d characters).", n=MAX_STATEMENT),
            field="statement",
        )
    if not data.levels or set(data.levels) - set(LEVELS):
        raise DomainError(_l("Choose at least one level."), field="levels")
    if len(data.hints) > MAX_HINTS:
        raise DomainError(_l("At most %(n)d hints.", n=MAX_HINTS), field="hints")
    kind = data.check_kind
    if kind not in {k.value for k in CheckKind}:
        raise DomainError(_l("Choose how answers are checked."), field="check_kind")
    answer = (data.answer or "").strip()
    if kind == CheckKind.EXACT and not answer:
        raise DomainError(_l("Write the correct answer."), field="answer")
    if kind == CheckKind.NUMERIC:
        if parse_number(answer) is None:
            raise DomainError(_l("Write the correct answer as a number."), field="answer")
        tolerance = parse_number(data.tolerance) if data.tolerance not in (None, "") else 0.0
        if tolerance is None or tolerance < 0:
            raise DomainError(_l("The tolerance must be a number, 0 or more."), field="tolerance")
        return answer, tolerance
    if kind == CheckKind.FREE:
        return "", None
    return answer, None


def preview(data: ProblemData) -> dict:
    """What the problem will look like, rendered as it will be stored; nothing is saved."""
    return {
        "statement": markup.render(data.statement),
        "hints": [markup.render(h) for h in data.hints],
        "extensions": markup.render(data.extensions) if data.extensions.strip() else "",
    }


def _apply(problem: Problem, data: ProblemData) -> None:
    answer, tolerance = _checked(data)
    problem.title = data.title.strip()
    problem.statement = data.statement
    problem.statement_html = markup.render(data.statement)
    problem.extensions = data.extensions or ""
    problem.extensions_html = markup.render(data.extensions) if data.extensions.strip() else ""
    problem.subject_area_id = data.subject_area_id
    problem.levels = sorted(set(data.levels))
    problem.tags = _normalise_tags(data.tags)
    problem.check_kind = data.check_kind
    problem.answer = answer
    problem.tolerance = tolerance
    problem.shared = bool(data.shared)
    # Hints are kept by position: who opened hint 2 stays true when its wording is improved.
    existing = {h.position: h for h in problem.hints}
    for position, body in enumerate(data.hints, start=1):
        hint = existing.pop(position, None)
        if hint is None:
            problem.hints.append(ProblemHint(position=position, body=body, html=""))
            hint = problem.hints[-1]
        hint.body = body
        hint.html = markup.render(body)
    for hint in existing.values():
        problem.hints.remove(hint)


def create_problem(mentor: User, data: ProblemData) -> Problem:
    if not policy.can_write_problems(mentor):
        raise DomainError(_l("Only knowledge mentors write problems."))
    problem = Problem(mentor_id=mentor.id, hints=[])
    _apply(problem, data)
    db.session.add(problem)
    db.session.flush()
    return problem


def update_problem(mentor: User, problem: Problem, data: ProblemData) -> Problem:
    if not policy.can_edit_problem(mentor, problem):
        raise DomainError(_l("Only the problem's own mentor can change it."))
    _apply(problem, data)
    db.session.flush()
    return problem


def bank(user: User, tag: str = "") -> list[Problem]:
    """The user's own problems and the shared problems of their subject areas."""
    query = sa.select(Problem).where(policy.problems_visible_to(user))
    if tag:
        query = query.where(Problem.tags.contains(tag.strip().lower()))
    return list(
        db.session.scalars(
            query.order_by((Problem.mentor_id != user.id), Problem.updated_at.desc())
        ).unique()
    )


# --- posting ----------------------------------------------------------------------------------


def postable_rooms(mentor: User, problem: Problem) -> list[Room]:
    """The mentor's open rooms; those in the problem's subject area first."""
    if not policy.can_view_problem(mentor, problem) or not policy.can_open_rooms(mentor):
        return []
    # The same rule as policy.can_post_problem, as one query: rooms they manage, still open.
    return list(
        db.session.scalars(
            sa.select(Room)
            .where(policy.rooms_managed_by(mentor), Room.archived_at.is_(None))
            .order_by(Room.subject_area_id != problem.subject_area_id, Room.name)
        ).unique()
    )


def pupil_levels(pupil_ids: Iterable[int], subject_area_id: int) -> dict[int, int]:
    ids = list(pupil_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(PupilLevel.pupil_id, PupilLevel.level).where(
            PupilLevel.pupil_id.in_(ids), PupilLevel.subject_area_id == subject_area_id
        )
    )
    return {pupil_id: level for pupil_id, level in rows}


def default_levels(problem: Problem, room: Room) -> dict[int, int]:
    """Each member's level in the room's subject area, or the problem's level nearest to it."""
    levels = pupil_levels((m.user_id for m in room.members), room.subject_area_id)
    offered = problem.levels or list(LEVELS)
    result = {}
    for member in room.members:
        own = levels.get(member.user_id, offered[0])
        result[member.user_id] = min(offered, key=lambda lv, own=own: (abs(lv - own), lv))
    return result


def post_problem(
    mentor: User, problem: Problem, room: Room, *, to_everyone: bool, levels: dict[int, int]
) -> ProblemPost:
    """Post into a room. `levels` maps each chosen pupil to their level (everyone: all members)."""
    if not policy.can_post_problem(mentor, problem, room):
        raise DomainError(_l("You can only post into your own open rooms."))
    members = {m.user_id: m.user for m in room.members}
    chosen = dict(levels)
    if to_everyone:
        missing = set(members) - set(chosen)
        if missing:
            raise DomainError(_l("Choose a level for every pupil."), field="pupils")
        chosen = {pid: chosen[pid] for pid in members}
    if not chosen:
        raise DomainError(_l("Choose at least one pupil."), field="pupils")
    if set(chosen) - set(members):
        raise DomainError(_l("You can only post to the room's members."), field="pupils")
    if any(level not in LEVELS for level in chosen.values()):
        raise DomainError(_l("Choose a level from 1 to 5."), field="pupils")
    post = ProblemPost(
        problem_id=problem.id,
        room_id=room.id,
        posted_by_id=mentor.id,
        to_everyone=to_everyone,
        targets=[PostTarget(pupil_id=pid, level=lv) for pid, lv in sorted(chosen.items())],
    )
    db.session.add(post)
    db.session.flush()
    audit.record(mentor, "problem.post", post, room=room.id, pupils=sorted(chosen))
    notifications.notify(
        [members[pid] for pid in chosen],
        "problem.posted",
        {"mentor": mentor.name, "problem": problem.title, "room": room.name},
        link=f"/problems/posts/{post.id}",
    )
    return post


def posts_in_room(user: User, room: Room) -> list[ProblemPost]:
    """The posts of a room the user may open: all for the mentor and observers, a pupil's own."""
    query = sa.select(ProblemPost).where(ProblemPost.room_id == room.id)
    if not policy.sees_all_posts(user, room):
        mine = sa.select(PostTarget.post_id).where(PostTarget.pupil_id == user.id)
        query = query.where(ProblemPost.id.in_(mine))
    return list(db.session.scalars(query.order_by(ProblemPost.created_at.desc())).unique())


# --- hints --------------------------------------------------------------------------------------


def revealed(post: ProblemPost, pupil: User) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(HintReveal.position)
            .where(HintReveal.post_id == post.id, HintReveal.pupil_id == pupil.id)
            .order_by(HintReveal.position)
        )
    )


def reveal_next_hint(pupil: User, post: ProblemPost) -> int:
    """Open the next hint, one at a time, and record who opened it and when."""
    if not policy.can_work_on(pupil, post):
        raise DomainError(_l("You cannot work on this problem."))
    position = len(revealed(post, pupil)) + 1
    if position > len(post.problem.hints):
        raise DomainError(_l("There are no more hints."))
    db.session.add(HintReveal(post_id=post.id, pupil_id=pupil.id, position=position))
    db.session.flush()
    return position


def hint_openings(viewer: User, post: ProblemPost) -> list[HintReveal]:
    """Who opened which hint and when: for the mentor every pupil, for linked staff only the
    pupils they care for (one query)."""
    return list(
        db.session.scalars(
            sa.select(HintReveal)
            .where(
                HintReveal.post_id == post.id,
                policy.pupil_rows_visible_to(viewer, post.room, HintReveal.pupil_id),
            )
            .order_by(HintReveal.opened_at, HintReveal.position)
        ).unique()
    )


# --- attempts -----------------------------------------------------------------------------------


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.split()).casefold()

    return norm(a) == norm(b)


def check_answer(problem: Problem, answer: str) -> bool | None:
    """The automatic check: True/False for exact and numeric answers, None for free text."""
    if problem.check_kind == CheckKind.EXACT:
        return _same_text(answer, problem.answer)
    if problem.check_kind == CheckKind.NUMERIC:
        given, wanted = parse_number(answer), parse_number(problem.answer)
        if given is None or wanted is None:
            return False
        return abs(given - wanted) <= (problem.tolerance or 0.0) + 1e-12
    return None


def submit_attempt(
    pupil: User, post: ProblemPost, *, answer: str, body: str, image: bytes | None = None
) -> Attempt:
    """Check and store an attempt; `image` is an optional upload, checked and re-encoded like a
    chat image and stored in the post's room. A refusal stores nothing."""
    if not policy.can_work_on(pupil, post):
        raise DomainError(_l("You cannot work on this problem."))
    problem = post.problem
    answer, body = (answer or "").strip(), (body or "").strip()
    if problem.check_kind == CheckKind.NUMERIC and parse_number(answer) is None:
        raise DomainError(_l("Write your answer as a number, e.g. 3,5."), field="answer")
    if problem.check_kind == CheckKind.EXACT and not answer:
        raise DomainError(_l("Write your answer."), field="answer")
    if problem.check_kind == CheckKind.FREE and not body:
        raise DomainError(_l("Write your solution."), field="body")
    if len(body) > MAX_ATTEMPT:
        raise DomainError(
            _l("The text is too long (at most %(n)d characters).", n=MAX_ATTEMPT), field="body"
        )
    encoded = None
    if image:
        try:
            encoded = images.encode(image)
        except images.ImageRefused as refused:
            raise DomainError(refused.message, field="image") from None
    correct = check_answer(problem, answer)
    stored_image = None
    if encoded is not None:
        stored_image = uploads.save_image(encoded, room_id=post.room_id, uploader_id=pupil.id)
    attempt = Attempt(
        post_id=post.id,
        pupil_id=pupil.id,
        level=post.level_for(pupil.id) or problem.levels[0],
        answer=answer,
        body=body,
        html=markup.render(body) if body else "",
        correct=correct,
        # A correct automatic check counts as solved; the mentor can still say otherwise.
        status=AttemptStatus.SOLVED.value if correct else AttemptStatus.NEW.value,
        image_id=stored_image.id if stored_image else None,
    )
    db.session.add(attempt)
    db.session.flush()
    if attempt.status == AttemptStatus.NEW:
        # Only what waits for the mentor: a correct automatic check needs no feedback.
        notifications.notify(
            [post.room.mentor],
            "attempt.submitted",
            {"pupil": pupil.name, "problem": problem.title, "room": post.room.name},
            link=f"/problems/attempts/{attempt.id}",
        )
    return attempt


def attempts_for(viewer: User, post: ProblemPost) -> list[Attempt]:
    """The attempts at a post the viewer may read (a pupil: their own), newest first.

    Every view of pupils' attempts by someone else (mentor, linked staff) is audited."""
    attempts = list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.post_id == post.id, policy.attempts_visible_to(viewer))
            .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        ).unique()
    )
    record_views(viewer, attempts)
    return attempts


def record_views(viewer: User, attempts: list[Attempt]) -> None:
    pupils = {a.pupil_id: a for a in attempts if a.pupil_id != viewer.id}
    for attempt in pupils.values():
        audit.record(viewer, "attempts.read", attempt.post, person=attempt.pupil)


def give_feedback(
    mentor: User,
    attempt: Attempt,
    *,
    feedback: str,
    status: str,
    level_move: int = 0,
    reason: str = "",
) -> LevelChange | None:
    """Written feedback, solved / not yet, and optionally the pupil's level one step up or down."""
    if not policy.can_give_feedback(mentor, attempt):
        raise DomainError(_l("Only the room's mentor gives feedback."))
    feedback = (feedback or "").strip()
    errors: list[tuple[str | None, str]] = []
    if not feedback:
        errors.append(("feedback", _l("Write your feedback.")))
    if status not in (AttemptStatus.SOLVED, AttemptStatus.NOT_YET):
        errors.append(("status", _l("Choose solved or not yet.")))
    if level_move and not (reason or "").strip():
        errors.append(("reason", _l("Say why the level changes.")))
    DomainError.collect(errors)  # all at once; change_level checks the rest
    change = None
    if level_move:
        change = change_level(
            mentor,
            attempt.pupil,
            attempt.post.room.subject_area_id,
            level_move,
            reason,
            attempt=attempt,
            start=attempt.level,
        )
    attempt.feedback = feedback
    attempt.feedback_html = markup.render(feedback)
    attempt.status = status
    attempt.feedback_by_id = mentor.id
    attempt.feedback_at = utcnow()
    db.session.flush()
    audit.record(mentor, "attempt.feedback", attempt, person=attempt.pupil, status=status)
    notifications.notify(
        [attempt.pupil],
        "problem.feedback",
        {"mentor": mentor.name, "problem": attempt.post.problem.title},
        link="/problems/mine",
    )
    return change


def change_level(
    mentor: User,
    pupil: User,
    subject_area_id: int,
    move: int,
    reason: str,
    *,
    attempt: Attempt | None = None,
    start: int | None = None,
) -> LevelChange:
    """One step up or down, with a reason; the history keeps every change."""
    if move not in (-1, 1):
        raise DomainError(_l("A level moves one step at a time."), field="level_move")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Say why the level changes."), field="reason")
    row = db.session.get(PupilLevel, (pupil.id, subject_area_id))
    before = row.level if row is not None else (start or LEVELS[0])
    after = before + move
    if after not in LEVELS:
        raise DomainError(_l("The level is already %(level)d.", level=before), field="level_move")
    if row is None:
        row = PupilLevel(pupil_id=pupil.id, subject_area_id=subject_area_id, level=after)
        db.session.add(row)
    row.level = after
    row.updated_at = utcnow()
    change = LevelChange(
        pupil_id=pupil.id,
        subject_area_id=subject_area_id,
        from_level=before,
        to_level=after,
        reason=reason,
        changed_by_id=mentor.id,
        attempt_id=attempt.id if attempt else None,
    )
    db.session.add(change)
    db.session.flush()
    audit.record(mentor, "pupil.level", pupil, area=subject_area_id, before=before, after=after)
    notifications.notify(
        [pupil],
        "problem.level",
        {"mentor": mentor.name, "area": change_area_name(subject_area_id), "level": after},
        link="/problems/mine",
    )
    return change


def change_area_name(subject_area_id: int) -> str:
    from mentorhub.programme.models import SubjectArea

    area = db.session.get(SubjectArea, subject_area_id)
    return area.name if area else ""


@dataclass
class WaitingPost:
    """A posted problem with attempts waiting for the mentor's feedback."""

    post_id: int
    problem: str
    room: str
    count: int


def waiting_for_feedback(mentor: User) -> list[WaitingPost]:
    """The mentor's posted problems with attempts not yet assessed, newest first, in one
    query; their sum is the start page's count."""
    rows = db.session.execute(
        sa.select(ProblemPost.id, Problem.title, Room.name, sa.func.count(Attempt.id))
        .join(ProblemPost, ProblemPost.id == Attempt.post_id)
        .join(Problem, Problem.id == ProblemPost.problem_id)
        .join(Room, Room.id == ProblemPost.room_id)
        .where(
            policy.rooms_managed_by(mentor),
            Room.archived_at.is_(None),
            Attempt.status == AttemptStatus.NEW.value,
        )
        .group_by(ProblemPost.id, Problem.title, Room.name)
        .order_by(sa.func.max(Attempt.created_at).desc())
    ).all()
    return [WaitingPost(*row) for row in rows]


# --- the pupil's own page -------------------------------------------------------------------------


@dataclass
class MyProblems:
    attempts: list[Attempt]
    solved: list[Attempt]
    levels: list[PupilLevel]
    history: list[LevelChange]


def my_problems(pupil: User) -> MyProblems:
    attempts = list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.pupil_id == pupil.id)
            .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        ).unique()
    )
    levels = list(
        db.session.scalars(sa.select(PupilLevel).where(PupilLevel.pupil_id == pupil.id)).unique()
    )
    history = list(
        db.session.scalars(
            sa.select(LevelChange)
            .where(LevelChange.pupil_id == pupil.id)
            .order_by(LevelChange.created_at.desc(), LevelChange.id.desc())
        ).unique()
    )
    solved = [a for a in attempts if a.status == AttemptStatus.SOLVED]
    return MyProblems(attempts=attempts, solved=solved, levels=levels, history=history)


# --- reading: check, load and audit together ----------------------------------------------------


def _get(model: Any, object_id: int, reader: User, rules: tuple[Any, ...]) -> Any:
    found = db.session.get(model, object_id)
    if found is None:
        raise Missing()
    if not all(rule(reader, found) for rule in rules):
        raise Refused()
    return found


def problem_for(reader: User, problem_id: int, *rules: Any) -> Problem:
    """A problem of the bank, for those who may read it (and each of `rules`)."""
    return _get(Problem, problem_id, reader, (policy.can_view_problem, *rules))


def post_for(reader: User, post_id: int, *rules: Any) -> ProblemPost:
    """A posted problem, for those who may read it (and each of `rules`, such as
    `policy.can_work_on`). Not audited: it is for the actions, whose page (`post_page`) is."""
    return _get(ProblemPost, post_id, reader, (policy.can_view_post, *rules))


def attempt_for(reader: User, attempt_id: int, *rules: Any) -> Attempt:
    """An attempt, for the pupil, the room's mentor and the pupil's linked staff (and each of
    `rules`). Not audited: it is for the actions, whose page (`attempt_page`) is."""
    return _get(Attempt, attempt_id, reader, (policy.can_view_attempt, *rules))


@dataclass
class PostPage:
    """What the page of a posted problem shows the reader."""

    post: ProblemPost
    problem: Problem
    can_work: bool
    level: int | None
    shown_hints: list[Any]
    more_hints: bool
    openings: list[HintReveal]
    attempts: list[Attempt]
    can_feedback: bool


def post_page(reader: User, post_id: int) -> PostPage:
    """A posted problem with its hints and the attempts the reader may see. Read from outside
    (linked school staff) it is audited as `problem_post.read`, and every other pupil's
    attempts shown as `attempts.read` (by `attempts_for`)."""
    post = post_for(reader, post_id)
    if policy.is_post_observer(reader, post):
        audit.record(reader, "problem_post.read", post)
    can_work = policy.can_work_on(reader, post)
    hints = post.problem.hints
    opened = revealed(post, reader) if can_work else []
    return PostPage(
        post=post,
        problem=post.problem,
        can_work=can_work,
        level=post.level_for(reader.id),
        shown_hints=[h for h in hints if h.position in opened],
        more_hints=len(opened) < len(hints),
        openings=hint_openings(reader, post) if not can_work else [],
        attempts=attempts_for(reader, post),
        can_feedback=policy.can_manage_room(reader, post.room),
    )


def attempt_page(reader: User, attempt_id: int) -> Attempt:
    """One attempt to show: read by anyone but its pupil, audited as `attempts.read`."""
    attempt = attempt_for(reader, attempt_id)
    record_views(reader, [attempt])
    return attempt
