"""A small world for the policy unit tests: one of each relationship a rule can ask about.

Built by `build_world()` inside an app context (the `policy_world` fixture in this folder's
conftest), straight into the real test database, so the rules run their real queries but no
HTTP is involved. Names follow the other tests: Alva and Noah are in Anna's group room, Alva is
followed by Eva (home teacher) and Helena (special-needs educator).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.chat.models import Message
from mentorhub.concerns.models import Concern, ConcernCategory, ConcernStatus
from mentorhub.extensions import db
from mentorhub.goals.models import Goal, GoalStatus
from mentorhub.matching.models import Match, MatchStatus, MentorOffer, MentorOfferSubject
from mentorhub.meetings.models import Meeting, MeetingSeries
from mentorhub.nominations.models import Nomination, Status
from mentorhub.problems.models import Attempt, PostTarget, Problem, ProblemPost
from mentorhub.programme.models import School, SchoolKind, SubjectArea, Term
from mentorhub.pupils.models import StaffLink
from mentorhub.rooms.models import Room, RoomMember
from mentorhub.timeutil import utcnow
from mentorhub.uploads.models import ChatImage


@dataclass
class World:
    school: School
    other_school: School
    area: SubjectArea
    other_area: SubjectArea
    term: Term
    ended_term: Term
    # people
    coordinator: User
    inactive_coordinator: User
    mentor: User  # Alva's and Noah's current mentor, owns `room`
    other_mentor: User  # offers the same subject area, mentors nobody here
    past_mentor: User  # matched to Alva in a term that has ended
    proposed_mentor: User  # only a proposed (unconfirmed) match to the outsider
    home_teacher: User  # linked to Alva
    special_educator: User  # linked to Alva
    unlinked_teacher: User  # same school, linked to nobody
    other_school_teacher: User
    alva: User
    noah: User
    lisa: User  # left `room` (removed member), followed by the special-needs educator
    outsider: User  # a pupil in no room
    # things
    room: Room
    archived_room: Room
    other_room: Room  # the other mentor's room, with the outsider in it
    left_member: RoomMember
    nomination: Nomination
    decided_nomination: Nomination
    problem: Problem  # the mentor's, shared
    private_problem: Problem  # the mentor's, not shared
    other_problem: Problem  # the other mentor's, shared, in the other area
    post: ProblemPost  # `problem` posted in `room` to Alva
    attempt: Attempt  # Alva's, with an image
    attempt_image: ChatImage
    chat_image: ChatImage
    hidden_image: ChatImage
    message: Message  # Alva's message in `room`
    meeting: Meeting
    goal: Goal  # Alva's, active
    reached_goal: Goal
    noah_goal: Goal
    concern: Concern  # about Alva, open
    closed_concern: Concern

    def everyone_but_an_active_coordinator(self) -> tuple:
        """Who a coordinator-only rule refuses: staff of every other role, a pupil, a
        coordinator who is no longer active, a visitor who is not signed in, and nobody."""
        from flask_login import AnonymousUserMixin

        return (
            self.inactive_coordinator,
            self.mentor,
            self.home_teacher,
            self.special_educator,
            self.alva,
            AnonymousUserMixin(),
            None,
        )


def _user(name: str, *roles: Role, school: School | None = None, active: bool = True) -> User:
    user = User(
        email=f"{name.lower().replace(' ', '.')}@example.se",
        name=name,
        school_id=school.id if school else None,
        active=active,
    )
    user.role_rows = [UserRole(role=r.value) for r in roles]
    db.session.add(user)
    return user


def _match(term: Term, pupil: User, mentor: User, area: SubjectArea, status: str) -> Match:
    match = Match(
        term_id=term.id,
        pupil_id=pupil.id,
        mentor_id=mentor.id,
        subject_area_id=area.id,
        slot="tue-3",
        status=status,
    )
    db.session.add(match)
    return match


def _image(room: Room, uploader: User, name: str) -> ChatImage:
    image = ChatImage(
        room_id=room.id,
        uploader_id=uploader.id,
        stored_name=name,
        content_type="image/png",
        width=10,
        height=10,
    )
    db.session.add(image)
    db.session.flush()
    return image


def build_world() -> World:
    """Add the world to the database (flushed, not committed: the fixture rolls back)."""
    today = date.today()
    school = School(name="Björkängsskolan", kind=SchoolKind.COMPULSORY, municipality="Ekbacka")
    other_school = School(name="Ekbacka gymnasium", kind=SchoolKind.STUDY_CENTRE, municipality="E")
    area = SubjectArea(name="Matematik", description="")
    other_area = SubjectArea(name="Språk", description="")
    term = Term(
        name="Denna termin",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=60),
    )
    ended_term = Term(
        name="Förra terminen",
        starts_on=today - timedelta(days=300),
        ends_on=today - timedelta(days=120),
    )
    db.session.add_all([school, other_school, area, other_area, term, ended_term])
    db.session.flush()

    coordinator = _user("Karin Lindqvist", Role.COORDINATOR)
    inactive_coordinator = _user("Gammal Samordnare", Role.COORDINATOR, active=False)
    mentor = _user("Anna Bergström", Role.MENTOR)
    other_mentor = _user("Per Sand", Role.MENTOR)
    past_mentor = _user("Tidigare Mentor", Role.MENTOR)
    proposed_mentor = _user("Föreslagen Mentor", Role.MENTOR)
    home_teacher = _user("Eva Johansson", Role.HOME_TEACHER, school=school)
    special_educator = _user("Helena Olsson", Role.SPECIAL_EDUCATOR, school=school)
    unlinked_teacher = _user("Olle Ek", Role.HOME_TEACHER, school=school)
    other_school_teacher = _user("Sara Gran", Role.HOME_TEACHER, school=other_school)
    alva = _user("Alva Lindgren", Role.PUPIL, school=school)
    noah = _user("Noah Berg", Role.PUPIL, school=school)
    lisa = _user("Lisa Ström", Role.PUPIL, school=school)
    outsider = _user("Utomstående Elev", Role.PUPIL, school=other_school)
    db.session.flush()

    confirmed, proposed = MatchStatus.CONFIRMED.value, MatchStatus.PROPOSED.value
    _match(term, alva, mentor, area, confirmed)
    _match(term, noah, mentor, area, confirmed)
    _match(term, outsider, proposed_mentor, area, proposed)
    _match(ended_term, alva, past_mentor, area, confirmed)
    db.session.add_all(
        [
            StaffLink(pupil_id=alva.id, staff_id=home_teacher.id, relation="home_teacher"),
            StaffLink(pupil_id=alva.id, staff_id=special_educator.id, relation="special_educator"),
            StaffLink(pupil_id=lisa.id, staff_id=special_educator.id, relation="special_educator"),
        ]
    )
    offer = MentorOffer(mentor_id=other_mentor.id, term_id=term.id)
    db.session.add(offer)
    db.session.flush()
    db.session.add(MentorOfferSubject(offer_id=offer.id, subject_area_id=area.id))

    room = Room(mentor_id=mentor.id, subject_area_id=area.id, kind="group", name="Talteori")
    archived_room = Room(
        mentor_id=mentor.id,
        subject_area_id=area.id,
        kind="individual",
        name="Arkiverat",
        archived_at=utcnow(),
    )
    other_room = Room(
        mentor_id=other_mentor.id, subject_area_id=other_area.id, kind="group", name="Språk"
    )
    db.session.add_all([room, archived_room, other_room])
    db.session.flush()
    left_member = RoomMember(room_id=room.id, user_id=lisa.id, removed_at=utcnow())
    db.session.add_all(
        [
            RoomMember(room_id=room.id, user_id=alva.id),
            RoomMember(room_id=room.id, user_id=noah.id),
            RoomMember(room_id=archived_room.id, user_id=noah.id),
            RoomMember(room_id=other_room.id, user_id=outsider.id),
            left_member,
        ]
    )

    nomination = Nomination(
        term_id=term.id,
        school_id=school.id,
        nominated_by_id=home_teacher.id,
        nominator_relation="home_teacher",
        pupil_name="Ny Elev",
        pupil_email="ny.elev@example.se",
        year=8,
        profile="gifted",
        status=Status.SUBMITTED.value,
    )
    decided_nomination = Nomination(
        term_id=term.id,
        school_id=school.id,
        nominated_by_id=special_educator.id,
        nominator_relation="special_educator",
        pupil_name="Alva Lindgren",
        pupil_email="alva@example.se",
        year=8,
        profile="gifted",
        status=Status.APPROVED.value,
        pupil_id=alva.id,
    )

    def problem_of(owner: User, problem_area: SubjectArea, shared: bool, title: str) -> Problem:
        return Problem(
            mentor_id=owner.id,
            subject_area_id=problem_area.id,
            title=title,
            statement=title,
            statement_html=title,
            shared=shared,
        )

    problem = problem_of(mentor, area, True, "Primtal")
    private_problem = problem_of(mentor, area, False, "Eget")
    other_problem = problem_of(other_mentor, other_area, True, "Ordklasser")
    db.session.add_all([nomination, decided_nomination, problem, private_problem, other_problem])
    db.session.flush()

    post = ProblemPost(problem_id=problem.id, room_id=room.id, posted_by_id=mentor.id)
    post.targets = [PostTarget(pupil_id=alva.id, level=3)]
    db.session.add(post)
    db.session.flush()
    attempt_image = _image(room, alva, "attempt.png")
    attempt = Attempt(post_id=post.id, pupil_id=alva.id, level=3, image_id=attempt_image.id)
    chat_image = _image(room, alva, "chat.png")
    hidden_image = _image(room, noah, "hidden.png")
    message = Message(
        room_id=room.id, seq=1, author_id=alva.id, client_id="a1", body="Hej", html="<p>Hej</p>"
    )
    db.session.add_all(
        [
            attempt,
            message,
            Message(
                room_id=room.id,
                seq=2,
                author_id=alva.id,
                client_id="a2",
                body="",
                html="",
                image_id=chat_image.id,
            ),
            Message(
                room_id=room.id,
                seq=3,
                author_id=noah.id,
                client_id="n1",
                body="",
                html="",
                image_id=hidden_image.id,
                hidden_at=utcnow(),
            ),
        ]
    )

    series = MeetingSeries(room_id=room.id, title="Träff", first_local=datetime.now())
    db.session.add(series)
    db.session.flush()
    meeting = Meeting(series_id=series.id, room_id=room.id, title="Träff", starts_at=utcnow())

    goal = Goal(pupil_id=alva.id, title="Planera veckan", status=GoalStatus.ACTIVE.value)
    reached_goal = Goal(pupil_id=alva.id, title="Läsa aktivt", status=GoalStatus.REACHED.value)
    noah_goal = Goal(pupil_id=noah.id, title="Fråga mer")
    concern = Concern(
        pupil_id=alva.id,
        raised_by_id=home_teacher.id,
        category=ConcernCategory.WELLBEING.value,
        description="Stressad",
    )
    closed_concern = Concern(
        pupil_id=alva.id,
        raised_by_id=home_teacher.id,
        category=ConcernCategory.STUDY.value,
        description="Sen",
        status=ConcernStatus.CLOSED.value,
    )
    db.session.add_all([meeting, goal, reached_goal, noah_goal, concern, closed_concern])
    db.session.flush()
    db.session.expire_all()  # relationships (room.members, post.room) load as the app sees them

    return World(
        school=school,
        other_school=other_school,
        area=area,
        other_area=other_area,
        term=term,
        ended_term=ended_term,
        coordinator=coordinator,
        inactive_coordinator=inactive_coordinator,
        mentor=mentor,
        other_mentor=other_mentor,
        past_mentor=past_mentor,
        proposed_mentor=proposed_mentor,
        home_teacher=home_teacher,
        special_educator=special_educator,
        unlinked_teacher=unlinked_teacher,
        other_school_teacher=other_school_teacher,
        alva=alva,
        noah=noah,
        lisa=lisa,
        outsider=outsider,
        room=room,
        archived_room=archived_room,
        other_room=other_room,
        left_member=left_member,
        nomination=nomination,
        decided_nomination=decided_nomination,
        problem=problem,
        private_problem=private_problem,
        other_problem=other_problem,
        post=post,
        attempt=attempt,
        attempt_image=attempt_image,
        chat_image=chat_image,
        hidden_image=hidden_image,
        message=message,
        meeting=meeting,
        goal=goal,
        reached_goal=reached_goal,
        noah_goal=noah_goal,
        concern=concern,
        closed_concern=closed_concern,
    )
