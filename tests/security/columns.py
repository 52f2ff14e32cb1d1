"""Who's who in the authorisation matrix: one column per relationship to the world's pupil.

Every column is one person of `tests/security/world.py` (or nobody, for `anonymous`). The
relationships are the ones access is decided on (`mentorhub.policy`): being the pupil, being in
her room, being linked to her (`StaffLink`), being her current knowledge mentor (a confirmed
match in a term that has not ended), working at her school, and the coordinator's role. Every
role of `mentorhub.accounts.models.Role` has at least one column.
"""

from __future__ import annotations

from dataclasses import dataclass

from mentorhub.accounts.models import Role

ANONYMOUS = "anonymous"
PUPIL = "pupil"
ROOM_MATE = "room_mate"
OTHER_PUPIL = "other_pupil"
HOME_TEACHER = "linked_home_teacher"
SPECIAL_EDUCATOR = "linked_special_educator"
UNLINKED_TEACHER = "unlinked_teacher"
MENTOR = "current_mentor"
OTHER_MENTOR = "other_mentor"
OTHER_SCHOOL = "other_school_staff"
COORDINATOR = "coordinator"
DEACTIVATED = "deactivated_teacher"


@dataclass(frozen=True)
class Column:
    name: str
    role: Role | None  # None: nobody signed in
    who: str
    answered_as: str | None = None  # gets what that column gets, on every row


COLUMNS: dict[str, Column] = {
    c.name: c
    for c in (
        Column(ANONYMOUS, None, "nobody signed in"),
        Column(
            PUPIL,
            Role.PUPIL,
            "the pupil (Alva) herself: a member of the room, matched to the current mentor, "
            "owner of the goal, the attempt, the chat image; the concern is about her",
        ),
        Column(
            ROOM_MATE,
            Role.PUPIL,
            "another pupil in the same room, at the same school: wrote the reported message",
        ),
        Column(
            OTHER_PUPIL,
            Role.PUPIL,
            "a pupil at the same school who was removed from the room, now in another "
            "mentor's room",
        ),
        Column(HOME_TEACHER, Role.HOME_TEACHER, "the pupil's linked home teacher (nominated her)"),
        Column(
            SPECIAL_EDUCATOR,
            Role.SPECIAL_EDUCATOR,
            "the pupil's linked special-needs educator (specialpedagog), at her school",
        ),
        Column(
            UNLINKED_TEACHER,
            Role.HOME_TEACHER,
            "a home teacher at the pupil's school who is not linked to her",
        ),
        Column(
            MENTOR,
            Role.MENTOR,
            "the pupil's current knowledge mentor: owns the room, the problem, the meeting",
        ),
        Column(
            OTHER_MENTOR,
            Role.MENTOR,
            "a mentor not matched to the pupil now (he was, in a term that has ended), with a "
            "room of his own in the same subject area",
        ),
        Column(OTHER_SCHOOL, Role.HOME_TEACHER, "a home teacher at another school"),
        Column(COORDINATOR, Role.COORDINATOR, "a coordinator of the programme"),
        Column(
            DEACTIVATED,
            Role.HOME_TEACHER,
            "a home teacher linked to the pupil, deactivated after signing in: her cookie is "
            "worth nothing, so she gets what nobody signed in gets",
            answered_as=ANONYMOUS,
        ),
    )
}
NAMES = list(COLUMNS)
# the columns a row names; the others are answered as the column they name
SIGNED_IN = tuple(n for n, col in COLUMNS.items() if col.role and not col.answered_as)
EVERYONE = (ANONYMOUS, *SIGNED_IN)


def signed_out(column: str) -> bool:
    """Whether the column's requests carry no (valid) sign-in."""
    return (COLUMNS[column].answered_as or column) == ANONYMOUS


# groups the rows are written with
PUPILS = (PUPIL, ROOM_MATE, OTHER_PUPIL)
MENTORS = (MENTOR, OTHER_MENTOR)
SCHOOL_STAFF = (HOME_TEACHER, SPECIAL_EDUCATOR, UNLINKED_TEACHER, OTHER_SCHOOL)
STAFF = (*SCHOOL_STAFF, *MENTORS, COORDINATOR)
# the staff around the pupil (`policy.cares_for`)
CARE_TEAM = (HOME_TEACHER, SPECIAL_EDUCATOR, MENTOR)
# who reads the room (`policy.can_view_room`): its mentor, its members, the members' linked staff
ROOM_READERS = (PUPIL, ROOM_MATE, *CARE_TEAM)


# --- rows --------------------------------------------------------------------------------------

OK = "OK"
REFUSED = "refused"
OK_STATUSES = (200, 302, 400, 422)


@dataclass(frozen=True)
class Row:
    """One route asked for one way: `method` and `url`, a template whose `<name>` parts are
    the world's objects and people (`World.url`). Columns in `ok` get OK (200/302, or 400/422
    for the empty form sent); every other column is refused (403/404 signed in, the sign-in
    page when anonymous). `exact` pins a status for some columns (a link that no longer works
    is 410 for everyone). A row nobody gets OK on says `why`."""

    method: str
    url: str
    ok: frozenset[str]
    exact: tuple[tuple[str, int], ...] = ()
    why: str = ""

    def expected(self, column: str) -> str | int:
        column = COLUMNS[column].answered_as or column
        pinned = dict(self.exact)
        if column in pinned:
            return pinned[column]
        return OK if column in self.ok else REFUSED

    def grants(self, column: str) -> bool:
        expected = self.expected(column)
        return expected == OK or expected in OK_STATUSES

    @property
    def label(self) -> str:
        return f"{self.method} {self.url}"


def row(
    route: str, ok: tuple[str, ...] | list[str] = (), *, exact: dict | None = None, why: str = ""
) -> Row:
    """`row("GET /goals/<goal>", ok=[PUPIL, *CARE_TEAM])`."""
    method, url = route.split(" ", 1)
    named = set(ok) | set(exact or {})
    unknown = named - set(COLUMNS)
    assert not unknown, f"{route}: no such column {unknown}"
    derived = {n for n in named if COLUMNS[n].answered_as}
    assert not derived, f"{route}: {derived} get what another column gets; name that one"
    return Row(method, url, frozenset(ok), tuple(sorted((exact or {}).items())), why)
