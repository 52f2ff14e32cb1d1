"""Identification (journey 2): nominate a pupil, ask for more, approve or decline.

Approval turns the nomination into a pupil: an account (invited through the one invitation
mechanism), a profile, levels, meeting times, and links to the nominating staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defaultload

from mentorhub import audit, policy
from mentorhub.accounts import services as accounts
from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.errors import DomainError, Missing, Refused
from mentorhub.extensions import db
from mentorhub.nominations.models import (
    Nomination,
    NominationEvent,
    NominationSlot,
    NominationSubject,
    Status,
)
from mentorhub.notifications import services as notifications
from mentorhub.pagination import Page, paginate
from mentorhub.programme.models import Term
from mentorhub.programme.timeslots import SLOT_IDS
from mentorhub.pupils.models import (
    LinkRelation,
    Profile,
    PupilLevel,
    PupilProfile,
    PupilSlot,
    StaffLink,
)
from mentorhub.timeutil import utcnow

LEVELS = range(1, 6)


@dataclass
class SubjectNeed:
    subject_area_id: int
    level: int
    challenge: str = ""


@dataclass
class NominationData:
    """What a nominator fills in; the same shape for a new nomination and an edit."""

    pupil_name: str
    pupil_email: str
    year: int
    class_name: str
    profile: str
    subjects: list[SubjectNeed]
    slots: list[str]
    prefers_group: bool
    strengths: str = ""
    interests: str = ""
    guardian_informed_on: date | None = None
    guardian_consent: bool | None = None
    notes: list[str] = field(default_factory=list)


def consent_required() -> bool:
    return current_app.config.get("GUARDIAN_CONSENT_REQUIRED", True)


def _problems(data: NominationData) -> list[tuple[str | None, str]]:
    """Every rule the data breaks, as (field, message), so they are reported together."""
    errors: list[tuple[str | None, str]] = []
    if data.year not in (8, 9):
        errors.append(("year", _l("Choose year 8 or 9.")))
    Profile(data.profile)
    if not data.subjects:
        errors.append(("subjects", _l("Choose at least one subject area.")))
    if any(need.level not in LEVELS for need in data.subjects):
        errors.append(("subjects", _l("Choose a level from 1 to 5.")))
    if not data.slots:
        errors.append(("slots", _l("Choose at least one time the pupil can meet.")))
    elif set(data.slots) - SLOT_IDS:
        errors.append(("slots", _l("Choose times from the list.")))
    if data.guardian_informed_on and data.guardian_informed_on > date.today():
        errors.append(
            (
                "guardian_informed_on",
                _l("The date the guardian was informed cannot be in the future."),
            )
        )
    return errors


def _already_nominated(term_id: int, email: str, exclude_id: int | None = None) -> bool:
    query = sa.select(Nomination.id).where(
        Nomination.term_id == term_id, Nomination.pupil_email == email
    )
    if exclude_id:
        query = query.where(Nomination.id != exclude_id)
    return db.session.scalar(query) is not None


def _apply(nomination: Nomination, data: NominationData, actor: User) -> None:
    guardian_changed = (nomination.guardian_informed_on, nomination.guardian_consent) != (
        data.guardian_informed_on,
        data.guardian_consent,
    )
    nomination.pupil_name = data.pupil_name.strip()
    nomination.pupil_email = accounts.normalise_email(data.pupil_email)
    nomination.year = data.year
    nomination.class_name = data.class_name.strip()
    nomination.profile = data.profile
    nomination.strengths = data.strengths.strip()
    nomination.interests = data.interests.strip()
    nomination.prefers_group = data.prefers_group
    nomination.guardian_informed_on = data.guardian_informed_on
    nomination.guardian_consent = data.guardian_consent
    if guardian_changed and (data.guardian_informed_on or data.guardian_consent is not None):
        nomination.guardian_recorded_by_id = actor.id
    nomination.subjects = [
        NominationSubject(subject_area_id=n.subject_area_id, level=n.level, challenge=n.challenge)
        for n in data.subjects
    ]
    nomination.slots = [NominationSlot(slot=s) for s in sorted(set(data.slots))]


def _event(nomination: Nomination, actor: User | None, kind: str, body: str = "") -> None:
    nomination.events.append(
        NominationEvent(author_id=actor.id if actor else None, kind=kind, body=body.strip())
    )


def _coordinators() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.COORDINATOR.value, User.active.is_(True))
        )
    )


def nominate(actor: User, term: Term, data: NominationData) -> Nomination:
    """A home teacher or special-needs educator nominates a pupil of their own school."""
    if not policy.can_nominate(actor):
        raise DomainError(
            _l("Only home teachers and special-needs educators at a school nominate.")
        )
    errors = _problems(data)
    email = accounts.normalise_email(data.pupil_email)
    existing = accounts.user_by_email(email)
    if _already_nominated(term.id, email):
        errors.append(("pupil_email", _l("This pupil has already been nominated this term.")))
    elif existing is not None and not existing.has_role(Role.PUPIL):
        errors.append(("pupil_email", _l("This email belongs to a member of staff, not a pupil.")))
    DomainError.collect(errors)
    relation = (
        LinkRelation.HOME_TEACHER
        if actor.has_role(Role.HOME_TEACHER)
        else LinkRelation.SPECIAL_EDUCATOR
    )
    nomination = Nomination(
        term_id=term.id,
        school_id=actor.school_id,
        nominated_by_id=actor.id,
        nominator_relation=relation.value,
        status=Status.SUBMITTED.value,
    )
    _apply(nomination, data, actor)
    db.session.add(nomination)
    _event(nomination, actor, "submitted")
    audit.record(actor, "nomination.create", nomination, pupil=nomination.pupil_name)
    notifications.notify(
        _coordinators(),
        "nomination.submitted",
        {"nominator": actor.name, "pupil": nomination.pupil_name},
        link=f"/nominations/{nomination.id}",
    )
    return nomination


def update(actor: User, nomination: Nomination, data: NominationData) -> None:
    """The nominator (or staff at the school) edits an undecided nomination; kept in history."""
    if not policy.can_edit_nomination(actor, nomination):
        raise DomainError(_l("This nomination can no longer be changed."))
    errors = _problems(data)
    email = accounts.normalise_email(data.pupil_email)
    if _already_nominated(nomination.term_id, email, exclude_id=nomination.id):
        errors.append(("pupil_email", _l("This pupil has already been nominated this term.")))
    DomainError.collect(errors)
    _apply(nomination, data, actor)
    _event(nomination, actor, "edited")
    audit.record(actor, "nomination.update", nomination, person=_pupil(nomination))


def request_more(actor: User, nomination: Nomination, comment: str) -> None:
    _require_open(nomination)
    if not comment.strip():
        raise DomainError(_l("Write what you need to know."), field="comment")
    nomination.status = Status.NEEDS_INFO.value
    _event(nomination, actor, "info_requested", comment)
    audit.record(actor, "nomination.request_info", nomination, person=_pupil(nomination))
    notifications.notify(
        [nomination.nominated_by],
        "nomination.info_requested",
        {"pupil": nomination.pupil_name},
        link=f"/nominations/{nomination.id}",
        email=True,
    )


def answer(actor: User, nomination: Nomination, comment: str) -> None:
    """The nominator answers the coordinator's question; the nomination is back in the queue."""
    if not policy.can_edit_nomination(actor, nomination):
        raise DomainError(_l("This nomination can no longer be changed."))
    if not comment.strip():
        raise DomainError(_l("Write your answer."), field="comment")
    nomination.status = Status.SUBMITTED.value
    _event(nomination, actor, "answered", comment)
    audit.record(actor, "nomination.answer", nomination, person=_pupil(nomination))
    notifications.notify(
        _coordinators(),
        "nomination.answered",
        {"nominator": actor.name, "pupil": nomination.pupil_name},
        link=f"/nominations/{nomination.id}",
    )


def decline(actor: User, nomination: Nomination, reason: str) -> None:
    _require_open(nomination)
    if not reason.strip():
        raise DomainError(_l("Write why the nomination is declined."), field="comment")
    nomination.status = Status.DECLINED.value
    nomination.decision_note = reason.strip()
    nomination.decided_by_id, nomination.decided_at = actor.id, utcnow()
    _event(nomination, actor, "declined", reason)
    audit.record(actor, "nomination.decline", nomination, person=_pupil(nomination))
    notifications.notify(
        [nomination.nominated_by],
        "nomination.declined",
        {"pupil": nomination.pupil_name},
        link=f"/nominations/{nomination.id}",
        email=True,
    )


def guardian_record_missing(nomination: Nomination) -> bool:
    if nomination.guardian_informed_on is None:
        return True
    return consent_required() and nomination.guardian_consent is not True


def approve(actor: User, nomination: Nomination) -> User:
    """Approve: the pupil gets an account and an invitation, and is linked to the nominator."""
    _require_open(nomination)
    if guardian_record_missing(nomination):
        raise DomainError(
            _l("The guardian's consent must be recorded before the nomination can be approved.")
            if consent_required()
            else _l("Record when the guardian was informed before the nomination is approved.")
        )
    pupil = accounts.user_by_email(nomination.pupil_email)
    if pupil is None:
        pupil = User(
            email=nomination.pupil_email, name=nomination.pupil_name, school_id=nomination.school_id
        )
        pupil.role_rows = [UserRole(role=Role.PUPIL.value)]
        db.session.add(pupil)
        db.session.flush()
    elif not pupil.has_role(Role.PUPIL):
        raise DomainError(_l("This email belongs to a member of staff, not a pupil."))
    _make_pupil_record(nomination, pupil)
    nomination.status = Status.APPROVED.value
    nomination.pupil_id = pupil.id
    nomination.decided_by_id, nomination.decided_at = actor.id, utcnow()
    _event(nomination, actor, "approved")
    audit.record(actor, "nomination.approve", nomination, person=pupil)
    if not pupil.password_hash:
        accounts.invite_existing(actor, pupil)
    notifications.notify(
        [nomination.nominated_by],
        "nomination.approved",
        {"pupil": nomination.pupil_name},
        link=f"/nominations/{nomination.id}",
        email=True,
    )
    return pupil


def _make_pupil_record(nomination: Nomination, pupil: User) -> None:
    profile = db.session.get(PupilProfile, pupil.id) or PupilProfile(user_id=pupil.id)
    profile.year, profile.class_name = nomination.year, nomination.class_name
    profile.profile, profile.prefers_group = nomination.profile, nomination.prefers_group
    profile.strengths, profile.interests = nomination.strengths, nomination.interests
    db.session.add(profile)
    db.session.execute(sa.delete(PupilLevel).where(PupilLevel.pupil_id == pupil.id))
    db.session.execute(sa.delete(PupilSlot).where(PupilSlot.pupil_id == pupil.id))
    db.session.add_all(
        PupilLevel(
            pupil_id=pupil.id,
            subject_area_id=s.subject_area_id,
            level=s.level,
            challenge=s.challenge,
        )
        for s in nomination.subjects
    )
    db.session.add_all(PupilSlot(pupil_id=pupil.id, slot=s.slot) for s in nomination.slots)
    link = StaffLink(
        pupil_id=pupil.id,
        staff_id=nomination.nominated_by_id,
        relation=nomination.nominator_relation,
    )
    db.session.merge(link)
    _link_school_special_educators(nomination, pupil)


def _link_school_special_educators(nomination: Nomination, pupil: User) -> None:
    """The special-needs educators of the pupil's school join the pupil's team on approval.

    They could already read the nomination (same school), and the follow-up needs them: they
    are told of concerns and see the pupil in their progress review.
    """
    educators = db.session.scalars(
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.SPECIAL_EDUCATOR.value,
            User.school_id == nomination.school_id,
            User.active.is_(True),
        )
    )
    for staff_id in educators:
        db.session.merge(
            StaffLink(pupil_id=pupil.id, staff_id=staff_id, relation="special_educator")
        )


def _require_open(nomination: Nomination) -> None:
    if nomination.status in (Status.APPROVED, Status.DECLINED):
        raise DomainError(_l("This nomination has already been decided."))


def nomination_for(user: User, nomination_id: int) -> Nomination:
    """The nomination `user` may see: `Missing` (404) when there is none, `Refused` (403) when
    it is not theirs to see."""
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None:
        raise Missing()
    if not policy.can_view_nomination(user, nomination):
        raise Refused()
    return nomination


def read_nomination(user: User, nomination_id: int) -> Nomination:
    """The nomination `user` may see, with the audit entry of their reading it."""
    nomination = nomination_for(user, nomination_id)
    audit.record(user, "nomination.view", nomination, person=_pupil(nomination))
    return nomination


def _pupil(nomination: Nomination) -> User | None:
    return db.session.get(User, nomination.pupil_id) if nomination.pupil_id else None


def visible(
    user: User,
    *,
    status: str | None = None,
    term_id: int | None = None,
    search: str = "",
    page: int = 1,
) -> Page[Nomination]:
    """One page of the nominations this user may read, newest first, filtered like the detail
    page; `search` matches part of the pupil's name or email, in any case. A region holds
    thousands: the list is paged, never read whole."""
    query = (
        sa.select(Nomination)
        # The list names who nominated: their roles (a statement of their own) load if asked.
        .options(defaultload(Nomination.nominated_by).lazyload(User.role_rows))
        .where(policy.nominations_visible_to(user))
        .order_by(Nomination.created_at.desc(), Nomination.id.desc())
    )
    if status:
        query = query.where(Nomination.status == status)
    if term_id:
        query = query.where(Nomination.term_id == term_id)
    if search.strip():
        needle = f"%{_escape_like(search.strip().lower())}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Nomination.pupil_name).like(needle, escape="\\"),
                sa.func.lower(Nomination.pupil_email).like(needle, escape="\\"),
            )
        )
    return paginate(query, page)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
