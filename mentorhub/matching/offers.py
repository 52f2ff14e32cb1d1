"""What each mentor offers per term: the input the matching engine plans with."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.matching.models import MentorOffer, MentorOfferSlot, MentorOfferSubject
from mentorhub.programme.models import Term
from mentorhub.programme.timeslots import SLOT_IDS


def offer_for(mentor: User, term: Term) -> MentorOffer | None:
    return db.session.scalars(
        sa.select(MentorOffer).where(
            MentorOffer.mentor_id == mentor.id, MentorOffer.term_id == term.id
        )
    ).first()


def save_offer(
    mentor: User,
    term: Term,
    *,
    subject_area_ids: Iterable[int],
    level_min: int,
    level_max: int,
    capacity: int,
    max_group_size: int,
    slots: Iterable[str],
) -> MentorOffer:
    """Create or replace the mentor's offer for the term."""
    subject_area_ids, slots = sorted(set(subject_area_ids)), sorted(set(slots))
    # every refusal at once, each at its field
    DomainError.collect(
        [
            (field, message)
            for field, message, broken in (
                (
                    "level_min",
                    _l("The lowest level cannot be above the highest."),
                    level_min > level_max,
                ),
                (
                    "subject_area_ids",
                    _l("Choose at least one subject area."),
                    not subject_area_ids,
                ),
                ("slots", _l("Choose at least one time."), not slots or set(slots) - SLOT_IDS),
                ("capacity", _l("Enter a number from 1 to 40."), not 1 <= capacity <= 40),
                (
                    "max_group_size",
                    _l("Enter a number from 1 to 10."),
                    not 1 <= max_group_size <= 10,
                ),
            )
            if broken
        ]
    )
    offer = offer_for(mentor, term) or MentorOffer(mentor_id=mentor.id, term_id=term.id)
    offer.level_min, offer.level_max = level_min, level_max
    offer.capacity, offer.max_group_size = capacity, max_group_size
    offer.subjects = [MentorOfferSubject(subject_area_id=i) for i in subject_area_ids]
    offer.slots = [MentorOfferSlot(slot=s) for s in slots]
    db.session.add(offer)
    audit.record(mentor, "mentor_offer.save", offer, person=mentor)
    return offer


def offers(term: Term) -> list[MentorOffer]:
    """Every active mentor's offer for the term, with subjects and slots loaded in bulk."""
    return list(db.session.scalars(offers_query(term)))


def offers_query(term: Term) -> sa.Select:
    """Every active mentor's offer for the term, by the mentor's name (to page through)."""
    return (
        sa.select(MentorOffer)
        .join(User, User.id == MentorOffer.mentor_id)
        .where(MentorOffer.term_id == term.id, User.active.is_(True))
        .order_by(User.name, MentorOffer.id)
    )
