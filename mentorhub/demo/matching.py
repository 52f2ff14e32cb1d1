"""The demo mentors' offers for the term, and matching run and confirmed, as the coordinator
would do it."""

from __future__ import annotations

from mentorhub.accounts.models import User
from mentorhub.demo import programme, staff
from mentorhub.extensions import db
from mentorhub.matching import offers as offer_service
from mentorhub.matching import services as matching
from mentorhub.programme.models import Term

# (mentor email local part, subject area index, level span, capacity, group size, slots)
OFFERS = [
    ("anna.bergstrom", [0], (3, 5), 8, 4, ["tue-3", "tue-4", "thu-3", "thu-4", "wed-3"]),
    ("erik.sandberg", [0], (2, 4), 7, 4, ["mon-3", "mon-4", "wed-3", "fri-2"]),
    ("maria.nyberg", [1], (2, 5), 7, 4, ["tue-3", "wed-4", "thu-4", "fri-3"]),
    ("johan.holm", [1], (3, 5), 5, 3, ["mon-4", "thu-3", "fri-2"]),
    ("sara.ekstrom", [2], (2, 5), 7, 4, ["mon-3", "tue-4", "wed-3", "thu-3"]),
    ("david.lund", [0, 1], (3, 5), 6, 3, ["wed-4", "fri-3", "fri-4"]),
    ("linnea.forsberg", [2], (3, 5), 5, 3, ["tue-3", "thu-4", "fri-2"]),
    ("ahmed.hassan", [0, 2], (2, 4), 6, 4, ["mon-3", "wed-3", "thu-3", "fri-3"]),
]


def offer_run_and_confirm(coordinator: User, term: Term) -> None:
    """Every mentor offers their time, then the coordinator matches the approved pupils."""
    _offers(term)
    db.session.flush()
    matching.run(coordinator, term)
    matching.confirm(coordinator, term)


def run(coordinator: User, term: Term) -> None:
    """Match again, leaving the new matches proposed (not confirmed): "a few pending"."""
    matching.run(coordinator, term)


def _offers(term: Term) -> None:
    areas = programme.subject_areas()
    mentors = staff.mentors_by_local()
    for local, area_idx, (low, high), capacity, group, slots in OFFERS:
        offer_service.save_offer(
            mentors[local],
            term,
            subject_area_ids=[areas[i].id for i in area_idx],
            level_min=low,
            level_max=high,
            capacity=capacity,
            max_group_size=group,
            slots=slots,
        )
