"""Staff leaving: what a person owns is handed to a successor before they are deactivated.

A mentor owns rooms (and with them the rooms' meeting series, posted problems and attempts to
give feedback on), the matches that make them a pupil's current knowledge mentor (and so the
pupils' goals), and their offers for terms still to come; any staff member can be responsible
for an open concern's action plan; home teachers and special-needs educators are linked to
pupils. Deactivating someone who still holds any of it would leave a pupil without a mentor or
a concern without anyone responsible, so `deactivate` refuses it, and `hand_over` moves it all
to one successor and deactivates in the same transaction.

What the leaver *did* stays theirs: messages, matches of terms that have ended, feedback on
attempts, goal and concern events, meetings they created. The pupils keep their history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from mentorhub import audit, policy, realtime
from mentorhub.accounts import services as accounts
from mentorhub.accounts.models import STAFF_ROLES, Role, User
from mentorhub.concerns.models import Concern, ConcernStatus
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus, MentorOffer
from mentorhub.notifications import services as notifications
from mentorhub.programme.models import Term
from mentorhub.pupils.models import LinkRelation, StaffLink
from mentorhub.rooms.models import Room, RoomMember
from mentorhub.timeutil import utcnow

# Who may be made responsible for a concern's plan: the staff of a pupil's care team and the
# coordinators, that is every staff role.
CARE_TEAM_ROLES = tuple(STAFF_ROLES)

LINK_ROLES = {
    LinkRelation.HOME_TEACHER.value: Role.HOME_TEACHER,
    LinkRelation.SPECIAL_EDUCATOR.value: Role.SPECIAL_EDUCATOR,
}


@dataclass
class Holdings:
    """What a person owns that would be left without an owner if they left."""

    rooms: list[Room] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)
    links: list[StaffLink] = field(default_factory=list)
    offers: list[MentorOffer] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(self.counts().values())

    def counts(self) -> dict[str, int]:
        """How many of each kind, by the names the audit entry uses."""
        return {
            "rooms": len(self.rooms),
            "matches": len(self.matches),
            "concerns": len(self.concerns),
            "links": len(self.links),
            "offers": len(self.offers),
        }

    def pupils(self) -> list[User]:
        """The pupils concerned (matched, linked, or a concern is about them), by name."""
        people: dict[int, User] = {}
        for match in self.matches:
            people[match.pupil_id] = match.pupil
        for concern in self.concerns:
            people[concern.pupil_id] = concern.pupil
        linked = {link.pupil_id for link in self.links} - people.keys()
        if linked:
            for pupil in db.session.scalars(sa.select(User).where(User.id.in_(linked))).unique():
                people[pupil.id] = pupil
        for room in self.rooms:
            for member in room.members:
                people[member.user_id] = member.user
        return sorted(people.values(), key=lambda u: u.name)

    def summary(self) -> list[str]:
        """One translated line per kind held, e.g. "2 rooms"."""
        counts = self.counts()
        lines = [
            (counts["rooms"], ngettext("%(num)d room", "%(num)d rooms", counts["rooms"])),
            (
                counts["matches"],
                ngettext(
                    "%(num)d match with a pupil", "%(num)d matches with pupils", counts["matches"]
                ),
            ),
            (
                counts["concerns"],
                ngettext("%(num)d open concern", "%(num)d open concerns", counts["concerns"]),
            ),
            (
                counts["links"],
                ngettext("%(num)d link to a pupil", "%(num)d links to pupils", counts["links"]),
            ),
            (
                counts["offers"],
                ngettext("%(num)d mentor offer", "%(num)d mentor offers", counts["offers"]),
            ),
        ]
        return [text for n, text in lines if n]


@dataclass
class Successor:
    """A person who could take over, and what of the holdings they could not (translated)."""

    user: User
    cannot: list[str] = field(default_factory=list)
    same_school: int = 0  # how many of the linked pupils are at their school

    @property
    def eligible(self) -> bool:
        return not self.cannot


def holdings(user: User, today: date | None = None) -> Holdings:
    """Everything `user` owns that would be left without an owner: rooms not archived, proposed
    or confirmed matches and mentor offers in terms that have not ended, open concerns they are
    responsible for, and their links to pupils. A fixed number of queries."""
    today = today or date.today()
    rooms = db.session.scalars(
        sa.select(Room)
        .where(Room.mentor_id == user.id, Room.archived_at.is_(None))
        .order_by(Room.name)
    ).unique()
    matches = db.session.scalars(
        sa.select(Match)
        .join(Term, Term.id == Match.term_id)
        .where(
            Match.mentor_id == user.id,
            Match.status.in_([MatchStatus.PROPOSED.value, MatchStatus.CONFIRMED.value]),
            Term.ends_on >= today,
        )
        .order_by(Match.id)
    ).unique()
    concerns = db.session.scalars(
        sa.select(Concern)
        .where(Concern.responsible_id == user.id, Concern.status == ConcernStatus.OPEN.value)
        .order_by(Concern.id)
    ).unique()
    links = db.session.scalars(
        sa.select(StaffLink)
        .where(StaffLink.staff_id == user.id)
        .order_by(StaffLink.pupil_id, StaffLink.relation)
    ).unique()
    offers = db.session.scalars(
        sa.select(MentorOffer)
        .join(Term, Term.id == MentorOffer.term_id)
        .where(MentorOffer.mentor_id == user.id, Term.ends_on >= today)
        .order_by(MentorOffer.id)
    ).unique()
    return Holdings(
        rooms=list(rooms),
        matches=list(matches),
        concerns=list(concerns),
        links=list(links),
        offers=list(offers),
    )


def _needs(held: Holdings) -> list[tuple[tuple[Role, ...], str]]:
    """What a successor must be for each kind held: the roles that may take it, and what to
    say when they cannot."""
    needs: list[tuple[tuple[Role, ...], str]] = []
    if held.rooms or held.matches or held.offers:
        needs.append(((Role.MENTOR,), _("rooms and pupils (not a knowledge mentor)")))
    for relation in sorted({link.relation for link in held.links}):
        role = LINK_ROLES.get(relation, Role.HOME_TEACHER)
        if role is Role.HOME_TEACHER:
            needs.append(((role,), _("links as home teacher (not a home teacher)")))
        else:
            needs.append(
                ((role,), _("links as special-needs educator (not a special-needs educator)"))
            )
    if held.concerns:
        needs.append((CARE_TEAM_ROLES, _("open concerns")))
    return needs


def successors(user: User, held: Holdings | None = None) -> list[Successor]:
    """Active staff other than `user` who could take over, best first: those who can take it
    all, then (when nobody can) the ones who can take the most, each saying what they cannot.
    For links, staff at the linked pupils' school come first."""
    held = held if held is not None else holdings(user)
    staff = [
        person
        for person in accounts.staff_list(include_inactive=False)
        if person.id != user.id and person.has_role(*STAFF_ROLES)
    ]
    needs = _needs(held)
    pupil_schools = [
        school
        for school in db.session.scalars(
            sa.select(User.school_id).where(User.id.in_([link.pupil_id for link in held.links]))
        )
        if school is not None
    ]
    found = [
        Successor(
            user=person,
            cannot=[text for roles, text in needs if not person.has_role(*roles)],
            same_school=sum(1 for s in pupil_schools if s == person.school_id),
        )
        for person in staff
    ]
    found.sort(key=lambda s: (len(s.cannot), -s.same_school, s.user.name, s.user.id))
    return found


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="successor_id")


def hand_over(
    actor: User, leaving: User, successor: User | None, today: date | None = None
) -> dict[str, int]:
    """Give everything `leaving` holds to `successor`, then deactivate `leaving`: one
    transaction (the caller commits; a refusal changes nothing). Returns the counts moved.

    `leaving` may already be deactivated (an account deactivated before hand-overs existed
    can still hold work); then only the work moves.

    Rooms (with their meeting series, posts and attempts) and current matches change mentor;
    open concerns change responsible; links to pupils are re-pointed (a link the successor
    already has is not doubled); offers for terms to come go to the successor when they have
    none for that term, else the leaver's is withdrawn (the successor's own offer stands).
    """
    held = holdings(leaving, today)
    _check_successor(actor, leaving, successor, held)
    room_ids = _move_rooms(held.rooms, leaving, successor)
    for match in held.matches:
        match.mentor_id = successor.id
        db.session.expire(match, ["mentor"])
    for concern in held.concerns:
        concern.responsible_id = successor.id
        db.session.expire(concern, ["responsible"])
    _move_links(held.links, successor)
    _move_offers(held.offers, successor)
    db.session.flush()

    counts = held.counts()
    audit.record(actor, "user.handover", leaving, successor=successor.id, **counts)
    if leaving.active:
        accounts.deactivate(actor, leaving)
    # After the commit: the leaver's open sockets stop hearing the rooms (the deactivation
    # also ends their sessions); the successor is told.
    realtime.room_access_changed([leaving.id], room_ids)
    _tell(successor, leaving, held, counts)
    return counts


def _check_successor(actor: User, leaving: User, successor: User | None, held) -> None:
    if not policy.can_deactivate(actor, leaving):
        raise DomainError(_l("You cannot deactivate this account."))
    if successor is None:
        raise _refuse(_l("Choose who takes over."))
    if successor.id == leaving.id:
        raise _refuse(_l("Choose someone other than the person leaving."))
    if not successor.active:
        raise _refuse(_l("%(name)s is deactivated and cannot take over.", name=successor.name))
    choice = next((s for s in successors(leaving, held) if s.user.id == successor.id), None)
    if choice is None:
        raise _refuse(_l("%(name)s cannot take over: only active staff can.", name=successor.name))
    if not choice.eligible:
        raise _refuse(
            _l(
                "%(name)s cannot take over: %(what)s.",
                name=successor.name,
                what=", ".join(choice.cannot),
            )
        )


def _move_rooms(rooms, leaving: User, successor: User) -> list[int]:
    """The rooms change mentor; a leaver who was also a member leaves (the row stays)."""
    room_ids = [room.id for room in rooms]
    for room in rooms:
        room.mentor_id = successor.id
        db.session.expire(room, ["mentor"])
    if room_ids:
        now = utcnow()
        for member in db.session.scalars(
            sa.select(RoomMember).where(
                RoomMember.user_id == leaving.id,
                RoomMember.room_id.in_(room_ids),
                RoomMember.removed_at.is_(None),
            )
        ):
            member.removed_at = now
    return room_ids


def _tell(successor: User, leaving: User, held, counts: dict[str, int]) -> None:
    notifications.notify(
        [successor],
        "staff.handed_over",
        {
            "name": leaving.name,
            "rooms": counts["rooms"],
            "pupils": len(held.pupils()),
            "concerns": counts["concerns"],
        },
        link="/rooms/",
        email=True,
    )


def _move_links(links: list[StaffLink], successor: User) -> None:
    existing = set(
        db.session.execute(
            sa.select(StaffLink.pupil_id, StaffLink.relation).where(
                StaffLink.staff_id == successor.id
            )
        ).all()
    )
    for link in links:
        key = (link.pupil_id, link.relation)
        if key not in existing:
            db.session.add(
                StaffLink(
                    pupil_id=link.pupil_id,
                    staff_id=successor.id,
                    relation=link.relation,
                    created_at=link.created_at,
                )
            )
            existing.add(key)
        db.session.delete(link)


def _move_offers(offers: list[MentorOffer], successor: User) -> None:
    taken = set(
        db.session.scalars(
            sa.select(MentorOffer.term_id).where(MentorOffer.mentor_id == successor.id)
        )
    )
    for offer in offers:
        if offer.term_id in taken:
            db.session.delete(offer)
        else:
            offer.mentor_id = successor.id
            taken.add(offer.term_id)
            db.session.expire(offer, ["mentor"])


def deactivate(actor: User, user: User) -> None:
    """Deactivate someone who holds nothing; refuse, changing nothing, when they still hold
    rooms, pupils, concerns or links (they are handed over on the hand-over page)."""
    held = holdings(user)
    if held:
        raise DomainError(
            _l(
                "%(name)s still holds %(what)s. Hand it over to someone else first.",
                name=user.name,
                what=", ".join(held.summary()),
            )
        )
    accounts.deactivate(actor, user)
