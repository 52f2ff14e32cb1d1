"""Concerns (oro) about a pupil: raise, set an action plan, review, close.

A concern holds minors' sensitive data, so it stays in the app: notifications (and the mails that
carry them) name the people involved and link to the concern, never its text. Every change and
every view is audited with the pupil as the person concerned.

Services flush and never commit: the request commits once, so a refused action leaves nothing
half-stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit, policy
from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.concerns.models import Concern, ConcernCategory, ConcernEvent, ConcernStatus
from mentorhub.errors import DomainError, Missing, Refused
from mentorhub.extensions import db
from mentorhub.notifications import services as notifications
from mentorhub.pupils import services as pupils
from mentorhub.timeutil import utcnow

MAX_TEXT = 5000
_SCHOOL_ZONE = ZoneInfo("Europe/Stockholm")


def today() -> date:
    """The school's date: a review "today" means today in Sweden, whatever the server's zone."""
    return datetime.now(_SCHOOL_ZONE).date()


def link(concern: Concern) -> str:
    return f"/concerns/{concern.id}"


# --- who is around the pupil ------------------------------------------------------------------


def _active_coordinators() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.COORDINATOR.value, User.active.is_(True))
            .order_by(User.name)
        ).unique()
    )


def responsible_choices(pupil_id: int) -> list[User]:
    """Who can be made responsible for an action plan: the care team and the coordinators."""
    people = {u.id: u for u in [*pupils.care_team(pupil_id), *_active_coordinators()]}
    people.pop(pupil_id, None)
    return sorted(people.values(), key=lambda u: u.name)


def _special_educators(pupil_id: int) -> list[User]:
    return [u for u in pupils.care_team(pupil_id) if u.has_role(Role.SPECIAL_EDUCATOR)]


# --- checks -----------------------------------------------------------------------------------


def _text(value: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(_l("Fill in this field."), field=field)
    if len(text) > MAX_TEXT:
        raise DomainError(_l("At most %(max)d characters.", max=MAX_TEXT), field=field)
    return text


def _future_date(value: date | None, field: str, *, required: bool) -> date | None:
    if value is None:
        if required:
            raise DomainError(_l("Choose a date for the next review."), field=field)
        return None
    if value < today():
        raise DomainError(_l("The review date cannot be in the past."), field=field)
    return value


def _manageable(user: User, concern: Concern) -> None:
    if not policy.can_view_concern(user, concern):
        raise DomainError(_l("You cannot change this concern."))
    if not concern.open:
        raise DomainError(_l("The concern is closed and can no longer be changed."))


def _others(people: Iterable[User | None], actor: User) -> list[User]:
    """The people to tell, without the one who did it (they know) and without pupils."""
    return [
        p
        for p in people
        if p is not None and p.id != actor.id and p.active and not p.has_role(Role.PUPIL)
    ]


# --- actions ----------------------------------------------------------------------------------


def raise_concern(author: User, pupil: User, category: str, description: str) -> Concern:
    """Write down a concern about a pupil; tell their special-needs educator(s) and every
    coordinator, in the app and by a mail that only links to it."""
    if not policy.can_raise_concern(author, pupil.id):
        raise DomainError(_l("Only the staff around the pupil can raise a concern."))
    if category not in {c.value for c in ConcernCategory}:
        raise DomainError(_l("Choose a category."), field="category")
    text = _text(description, "description")
    concern = Concern(
        pupil_id=pupil.id,
        raised_by_id=author.id,
        category=category,
        description=text,
        action_plan="",
        status=ConcernStatus.OPEN.value,
        closing_note="",
    )
    concern.events.append(ConcernEvent(kind="raised", author_id=author.id, body=""))
    db.session.add(concern)
    db.session.flush()
    audit.record(author, "concern.raise", concern, person=pupil, category=category)
    notifications.notify(
        _others([*_special_educators(pupil.id), *_active_coordinators()], author),
        "concern.raised",
        {"author": author.name, "pupil": pupil.name},
        link=link(concern),
        email=True,
    )
    return concern


def set_plan(
    user: User, concern: Concern, action_plan: str, responsible_id: int, review_on: date | None
) -> Concern:
    """Set or change the action plan, the responsible person and the next review date."""
    _manageable(user, concern)
    plan = _text(action_plan, "action_plan")
    choices = {u.id: u for u in responsible_choices(concern.pupil_id)}
    responsible = choices.get(responsible_id)
    if responsible is None:
        raise DomainError(
            _l("Choose someone from the pupil's staff or a coordinator."), field="responsible_id"
        )
    review = _future_date(review_on, "review_on", required=True)
    new_responsible = concern.responsible_id != responsible.id
    concern.action_plan = plan
    concern.responsible_id = responsible.id
    concern.responsible = responsible
    concern.review_on = review
    concern.events.append(ConcernEvent(kind="plan", author_id=user.id, body=plan))
    db.session.flush()
    audit.record(
        user,
        "concern.plan",
        concern,
        person=concern.pupil,
        responsible=responsible.id,
        review_on=review.isoformat(),
    )
    if new_responsible:
        notifications.notify(
            _others([responsible], user),
            "concern.responsible",
            {"pupil": concern.pupil.name},
            link=link(concern),
            email=True,
        )
    return concern


def review(user: User, concern: Concern, note: str, next_review_on: date | None) -> Concern:
    """Note how the plan is going; optionally set the next review date."""
    _manageable(user, concern)
    text = _text(note, "note")
    following = _future_date(next_review_on, "next_review_on", required=False)
    if following is not None:
        concern.review_on = following
    concern.events.append(ConcernEvent(kind="review", author_id=user.id, body=text))
    db.session.flush()
    audit.record(
        user,
        "concern.review",
        concern,
        person=concern.pupil,
        review_on=following.isoformat() if following else None,
    )
    return concern


def close(user: User, concern: Concern, note: str) -> Concern:
    """Close the concern with a note; it is read-only from then on. The raiser and the
    responsible person are told."""
    _manageable(user, concern)
    text = _text(note, "closing_note")
    concern.status = ConcernStatus.CLOSED.value
    concern.closing_note = text
    concern.closed_at = utcnow()
    concern.closed_by_id = user.id
    concern.closed_by = user
    concern.events.append(ConcernEvent(kind="closed", author_id=user.id, body=text))
    db.session.flush()
    audit.record(user, "concern.close", concern, person=concern.pupil)
    notifications.notify(
        _others([concern.raised_by, concern.responsible], user),
        "concern.closed",
        {"pupil": concern.pupil.name},
        link=link(concern),
        email=True,
    )
    return concern


def concern_for(user: User, concern_id: int) -> Concern:
    """The concern `user` may see: `Missing` (404) when there is none, `Refused` (403) when it
    is not theirs to see (pupils never are)."""
    concern = db.session.get(Concern, concern_id)
    if concern is None:
        raise Missing()
    if not policy.can_view_concern(user, concern):
        raise Refused()
    return concern


def record_view(user: User, concern: Concern) -> None:
    """Every time staff open a concern, it is written in the audit log."""
    audit.record(user, "concern.view", concern, person=concern.pupil)


@dataclass
class ConcernPage:
    """What the concern page shows one member of staff."""

    concern: Concern
    can_manage: bool
    overdue: bool


def concern_page(user: User, concern_id: int) -> ConcernPage:
    """The concern page for `user`, checked and audited together, so a concern is never shown
    without its read entry."""
    concern = concern_for(user, concern_id)
    record_view(user, concern)
    return ConcernPage(
        concern=concern,
        can_manage=policy.can_manage_concern(user, concern),
        overdue=is_overdue(concern),
    )


# --- reading ----------------------------------------------------------------------------------


def visible_concerns(user: User, status: str | None = None) -> list[Concern]:
    """The concerns the user may open: open ones first, the soonest review first."""
    query = sa.select(Concern).where(policy.concerns_visible_to(user))
    if status in {s.value for s in ConcernStatus}:
        query = query.where(Concern.status == status)
    query = query.order_by(
        (Concern.status != ConcernStatus.OPEN.value),
        Concern.review_on.is_(None),
        Concern.review_on,
        Concern.created_at.desc(),
    )
    return list(db.session.scalars(query).unique())


def is_overdue(concern: Concern, on: date | None = None) -> bool:
    """An open concern whose review date has passed."""
    return bool(concern.open and concern.review_on and concern.review_on < (on or today()))


def open_concern_counts(pupil_ids: Iterable[int]) -> dict[int, int]:
    """How many open concerns each pupil has, in one query; pupils with none are left out."""
    ids = list(pupil_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Concern.pupil_id, sa.func.count(Concern.id))
        .where(Concern.pupil_id.in_(ids), Concern.status == ConcernStatus.OPEN.value)
        .group_by(Concern.pupil_id)
    )
    return {pupil_id: count for pupil_id, count in rows}
