"""Who may do what: the one place MentorHub decides access.

Every rule is a small function `(user, ...) -> bool`, named for the question it answers. Views and
socket events call them (or `authorize`, which turns a "no" into 403); templates ask the same
functions what to show. Lists are filtered by the query functions beside the rules, so a list can
never show what the detail page would refuse.
"""

from __future__ import annotations

from typing import Any

from flask import abort

from mentorhub.accounts.models import Role


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def is_coordinator(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.COORDINATOR)


def is_staff(user: Any) -> bool:
    return _signed_in(user) and user.has_role(
        Role.COORDINATOR, Role.MENTOR, Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR
    )


def can_use_app(user: Any) -> bool:
    """Any signed-in, active person may see their own start page and settings."""
    return _signed_in(user)


def can_manage_programme(user: Any) -> bool:
    """Schools, subject areas and terms are set up by the programme's coordinators."""
    return is_coordinator(user)


def can_invite_staff(user: Any) -> bool:
    return is_coordinator(user)


def can_manage_staff(user: Any) -> bool:
    return is_coordinator(user)


def can_deactivate(user: Any, target: Any) -> bool:
    """Coordinators deactivate others, never themselves (so the programme always has one)."""
    return is_coordinator(user) and target is not None and target.id != user.id


def can_end_sessions_of(user: Any, target: Any) -> bool:
    """Anyone ends their own sign-ins; a coordinator ends anyone else's (a lost phone)."""
    if not _signed_in(user) or target is None:
        return False
    return target.id == user.id or is_coordinator(user)


def can_read_audit_log(user: Any) -> bool:
    return is_coordinator(user)


def can_view_reports(user: Any) -> bool:
    """The programme report is the coordinator's: counts across every school."""
    return is_coordinator(user)


def authorize(allowed: bool) -> None:
    """Stop the request with 403 unless the rule said yes."""
    if not allowed:
        abort(403)


# --- identification (nominations) -----------------------------------------------------------


def _school_staff(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR)


def can_list_nominations(user: Any) -> bool:
    return is_coordinator(user) or _school_staff(user)


def can_nominate(user: Any) -> bool:
    """Home teachers and special-needs educators nominate pupils of their own school."""
    return _school_staff(user) and user.school_id is not None


def can_view_nomination(user: Any, nomination: Any) -> bool:
    """The nominator, home teachers and special-needs educators at the pupil's school, and
    coordinators. Nobody else, mentors included, reads a nomination."""
    if is_coordinator(user):
        return True
    if not _signed_in(user):
        return False
    if nomination.nominated_by_id == user.id:
        return True
    return _school_staff(user) and user.school_id == nomination.school_id


def nominations_visible_to(user: Any):
    """The SQL filter that matches `can_view_nomination`, for lists."""
    import sqlalchemy as sa

    from mentorhub.nominations.models import Nomination

    if is_coordinator(user):
        return sa.true()
    if not _signed_in(user):
        return sa.false()
    rule = Nomination.nominated_by_id == user.id
    if _school_staff(user) and user.school_id is not None:
        rule = sa.or_(rule, Nomination.school_id == user.school_id)
    return rule


def can_edit_nomination(user: Any, nomination: Any) -> bool:
    """The nominator and school staff may add to a nomination until it is decided."""
    if nomination.status not in ("submitted", "needs_info") or not _signed_in(user):
        return False
    if nomination.nominated_by_id == user.id:
        return True
    return _school_staff(user) and user.school_id == nomination.school_id


def can_decide_nominations(user: Any) -> bool:
    return is_coordinator(user)


# --- matching -------------------------------------------------------------------------------


def can_run_matching(user: Any) -> bool:
    return is_coordinator(user)


def can_state_offer(user: Any) -> bool:
    """Mentors state their own offer (subject areas, levels, capacity, times) per term."""
    return _signed_in(user) and user.has_role(Role.MENTOR)


# --- rooms and chat ---------------------------------------------------------------------------


def can_open_rooms(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.MENTOR)


def _is_member(user: Any, room: Any) -> bool:
    """One small query rather than loading every member: this runs on every chat event."""
    import sqlalchemy as sa

    from mentorhub.extensions import db
    from mentorhub.rooms.models import RoomMember

    return (
        db.session.scalar(
            sa.select(RoomMember.user_id).where(
                RoomMember.room_id == room.id,
                RoomMember.user_id == user.id,
                RoomMember.removed_at.is_(None),
            )
        )
        is not None
    )


def _linked_to_a_member(user: Any, room: Any) -> bool:
    """A home teacher or special-needs educator linked to a pupil in the room."""
    import sqlalchemy as sa

    from mentorhub.extensions import db
    from mentorhub.pupils.models import StaffLink

    if not _school_staff(user):
        return False
    pupil_ids = [m.user_id for m in room.members]
    if not pupil_ids:
        return False
    return (
        db.session.scalar(
            sa.select(StaffLink.pupil_id)
            .where(StaffLink.staff_id == user.id, StaffLink.pupil_id.in_(pupil_ids))
            .limit(1)
        )
        is not None
    )


def can_view_room(user: Any, room: Any) -> bool:
    """The room's mentor and current members; and, read-only, the pupils' linked school staff."""
    if not _signed_in(user):
        return False
    if room.mentor_id == user.id or _is_member(user, room):
        return True
    return _linked_to_a_member(user, room)


def is_observer(user: Any, room: Any) -> bool:
    """Reads the room without being in it (linked school staff): audited, never posts."""
    return room.mentor_id != user.id and not _is_member(user, room)


def can_post_in(user: Any, room: Any) -> bool:
    if not _signed_in(user) or room.archived_at is not None:
        return False
    return room.mentor_id == user.id or _is_member(user, room)


def can_manage_room(user: Any, room: Any) -> bool:
    return _signed_in(user) and room.mentor_id == user.id and user.has_role(Role.MENTOR)


def can_moderate(user: Any, room: Any) -> bool:
    return can_manage_room(user, room)


def can_report_message(user: Any, room: Any, message: Any) -> bool:
    """Anyone who reads the room may report someone else's message to its mentor."""
    return can_view_room(user, room) and message.author_id != user.id


def can_handle_reports(user: Any, room: Any) -> bool:
    """The room's mentor sees the reports in the room (reporter's name included: the mentor is
    staff and may need to talk to them) and hides the message or dismisses the report."""
    return can_moderate(user, room)


def rooms_visible_to(user: Any):
    """The SQL filter that matches `can_view_room`, for lists."""
    import sqlalchemy as sa

    from mentorhub.pupils.models import StaffLink
    from mentorhub.rooms.models import Room, RoomMember

    if not _signed_in(user):
        return sa.false()
    member = sa.select(RoomMember.room_id).where(
        RoomMember.user_id == user.id, RoomMember.removed_at.is_(None)
    )
    rule = sa.or_(Room.mentor_id == user.id, Room.id.in_(member))
    if _school_staff(user):
        linked = (
            sa.select(RoomMember.room_id)
            .join(StaffLink, StaffLink.pupil_id == RoomMember.user_id)
            .where(StaffLink.staff_id == user.id, RoomMember.removed_at.is_(None))
        )
        rule = sa.or_(rule, Room.id.in_(linked))
    return rule


# --- problems, posted problems and attempts ---------------------------------------------------


def can_write_problems(user: Any) -> bool:
    """Knowledge mentors keep a problem bank of their own."""
    return _signed_in(user) and user.has_role(Role.MENTOR)


def mentor_area_ids(user: Any) -> set[int]:
    """The subject areas a mentor works in: those of their offers and of their rooms."""
    import sqlalchemy as sa

    from mentorhub.extensions import db
    from mentorhub.matching.models import MentorOffer, MentorOfferSubject
    from mentorhub.rooms.models import Room

    if not can_write_problems(user):
        return set()
    offered = sa.select(MentorOfferSubject.subject_area_id).join(
        MentorOffer, MentorOffer.id == MentorOfferSubject.offer_id
    )
    offered = offered.where(MentorOffer.mentor_id == user.id)
    in_rooms = sa.select(Room.subject_area_id).where(Room.mentor_id == user.id)
    return set(db.session.scalars(sa.union(offered, in_rooms)))


def can_edit_problem(user: Any, problem: Any) -> bool:
    """Only the problem's own mentor edits it."""
    return can_write_problems(user) and problem.mentor_id == user.id


def can_view_problem(user: Any, problem: Any) -> bool:
    """The owner; and, for a shared problem, mentors of the same subject area (read and post)."""
    if can_edit_problem(user, problem):
        return True
    return (
        problem.shared
        and can_write_problems(user)
        and problem.subject_area_id in mentor_area_ids(user)
    )


def problems_visible_to(user: Any):
    """The SQL filter that matches `can_view_problem`, for the bank."""
    import sqlalchemy as sa

    from mentorhub.problems.models import Problem

    if not can_write_problems(user):
        return sa.false()
    areas = mentor_area_ids(user)
    shared = sa.and_(Problem.shared.is_(True), Problem.subject_area_id.in_(areas))
    return sa.or_(Problem.mentor_id == user.id, shared)


def can_post_problem(user: Any, problem: Any, room: Any) -> bool:
    return (
        can_view_problem(user, problem) and can_manage_room(user, room) and room.archived_at is None
    )


def _is_target(user: Any, post: Any) -> bool:
    return any(t.pupil_id == user.id for t in post.targets) and _is_member(user, post.room)


def can_view_post(user: Any, post: Any) -> bool:
    """The room's mentor; the members it was posted to; read-only, the room's linked staff."""
    if not _signed_in(user):
        return False
    if post.room.mentor_id == user.id or _is_target(user, post):
        return True
    return _linked_to_a_member(user, post.room)


def is_post_observer(user: Any, post: Any) -> bool:
    """Linked school staff read a posted problem without being in it: audited."""
    return post.room.mentor_id != user.id and not _is_target(user, post)


def can_work_on(user: Any, post: Any) -> bool:
    """Open hints and submit attempts: a pupil the problem was posted to, in an open room."""
    return (
        _signed_in(user)
        and user.has_role(Role.PUPIL)
        and post.room.archived_at is None
        and _is_target(user, post)
    )


def _linked_to_pupil(user: Any, pupil_id: int) -> bool:
    import sqlalchemy as sa

    from mentorhub.extensions import db
    from mentorhub.pupils.models import StaffLink

    if not _school_staff(user):
        return False
    found = db.session.scalar(
        sa.select(StaffLink.pupil_id)
        .where(StaffLink.staff_id == user.id, StaffLink.pupil_id == pupil_id)
        .limit(1)
    )
    return found is not None


def can_view_attempt(user: Any, attempt: Any) -> bool:
    """The pupil, the room's mentor, and the pupil's linked school staff."""
    if not _signed_in(user):
        return False
    if attempt.pupil_id == user.id or attempt.post.room.mentor_id == user.id:
        return True
    return _linked_to_pupil(user, attempt.pupil_id)


def attempts_visible_to(user: Any):
    """The SQL filter that matches `can_view_attempt`, for lists."""
    import sqlalchemy as sa

    from mentorhub.problems.models import Attempt, ProblemPost
    from mentorhub.pupils.models import StaffLink
    from mentorhub.rooms.models import Room

    if not _signed_in(user):
        return sa.false()
    mentored = (
        sa.select(ProblemPost.id)
        .join(Room, Room.id == ProblemPost.room_id)
        .where(Room.mentor_id == user.id)
    )
    rule = sa.or_(Attempt.pupil_id == user.id, Attempt.post_id.in_(mentored))
    if _school_staff(user):
        linked = sa.select(StaffLink.pupil_id).where(StaffLink.staff_id == user.id)
        rule = sa.or_(rule, Attempt.pupil_id.in_(linked))
    return rule


def can_give_feedback(user: Any, attempt: Any) -> bool:
    """The room's mentor assesses attempts and moves levels."""
    return can_manage_room(user, attempt.post.room)


def pupil_rows_visible_to(user: Any, room: Any, pupil_column: Any):
    """The SQL filter on a per-pupil row of a room (who opened which hint, and when): the
    room's mentor sees every pupil's rows; anyone else (linked staff observing the room) only
    those of the pupils they care for, never another school's pupils in a group room."""
    import sqlalchemy as sa

    if not _signed_in(user):
        return sa.false()
    if room.mentor_id == user.id:
        return sa.true()
    return pupil_column.in_(pupils_cared_for_by(user))


def can_see_my_problems(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.PUPIL)


def sees_all_posts(user: Any, room: Any) -> bool:
    """The mentor and the linked staff see every problem posted in a room; a pupil their own."""
    return _signed_in(user) and (room.mentor_id == user.id or _linked_to_a_member(user, room))


# --- meetings ---------------------------------------------------------------------------------


def can_schedule_meetings(user: Any, room: Any) -> bool:
    """The room's mentor schedules, edits and cancels its meetings, while the room is open."""
    return can_manage_room(user, room) and room.archived_at is None


def can_view_meeting(user: Any, meeting: Any) -> bool:
    """Whoever may see the room sees its meetings (linked school staff read-only)."""
    return can_view_room(user, meeting.room)


def can_take_attendance(user: Any, meeting: Any) -> bool:
    """The room's mentor records attendance, and may correct it afterwards (audited)."""
    return can_manage_room(user, meeting.room)


def can_have_calendar_feed(user: Any) -> bool:
    return _signed_in(user)


def meetings_visible_to(user: Any):
    """The SQL filter that matches `can_view_meeting`, for lists and the calendar feed."""
    import sqlalchemy as sa

    from mentorhub.meetings.models import Meeting
    from mentorhub.rooms.models import Room

    return Meeting.room_id.in_(sa.select(Room.id).where(rooms_visible_to(user)))


# --- the pupil's record: goals, progress, concerns --------------------------------------------


def current_mentor_matches(*columns: Any):
    """A select of `columns` over the confirmed matches in a term that has not ended: what
    makes a mentor a pupil's *current* knowledge mentor. Callers add their own filters."""
    from datetime import date

    import sqlalchemy as sa

    from mentorhub.matching.models import Match, MatchStatus
    from mentorhub.programme.models import Term

    return (
        sa.select(*columns)
        .select_from(Match)
        .join(Term, Term.id == Match.term_id)
        .where(Match.status == MatchStatus.CONFIRMED.value, Term.ends_on >= date.today())
    )


def _current_mentor_of(user: Any, pupil_id: int) -> bool:
    """A mentor with a confirmed match to the pupil in a term that has not ended."""
    from mentorhub.extensions import db
    from mentorhub.matching.models import Match

    if not (_signed_in(user) and user.has_role(Role.MENTOR)):
        return False
    found = db.session.scalar(
        current_mentor_matches(Match.id)
        .where(Match.mentor_id == user.id, Match.pupil_id == pupil_id)
        .limit(1)
    )
    return found is not None


def cares_for(user: Any, pupil_id: int) -> bool:
    """The staff around a pupil: their linked home teacher and special-needs educator, and
    their current knowledge mentor. They see the pupil's whole record (audited)."""
    if not _signed_in(user) or pupil_id == user.id:
        return False
    return _linked_to_pupil(user, pupil_id) or _current_mentor_of(user, pupil_id)


def pupils_cared_for_by(user: Any):
    """The SQL select of pupil ids that matches `cares_for`, for the review list."""
    import sqlalchemy as sa

    from mentorhub.matching.models import Match
    from mentorhub.pupils.models import StaffLink

    if not _signed_in(user):
        return sa.select(StaffLink.pupil_id).where(sa.false())
    parts = []
    if _school_staff(user):
        parts.append(sa.select(StaffLink.pupil_id).where(StaffLink.staff_id == user.id))
    if user.has_role(Role.MENTOR):
        parts.append(current_mentor_matches(Match.pupil_id).where(Match.mentor_id == user.id))
    if not parts:
        return sa.select(StaffLink.pupil_id).where(sa.false())
    return parts[0] if len(parts) == 1 else sa.union(*parts)


def can_manage_care_team(user: Any) -> bool:
    """Who follows a pupil (the links behind `cares_for`) is kept by the coordinators."""
    return is_coordinator(user)


def can_view_review(user: Any) -> bool:
    """The progress review list: school staff and mentors, each for their own pupils."""
    return _school_staff(user) or (_signed_in(user) and user.has_role(Role.MENTOR))


def can_view_pupil_page(user: Any, pupil_id: int) -> bool:
    """The staff page of a pupil (and its printable summary): only the staff around them."""
    return cares_for(user, pupil_id)


def can_read_left_room(user: Any, pupil_id: int, member: Any) -> bool:
    """The conversation of a room the pupil has left (unmatched, removed), up to when they
    left it: for the staff around the pupil now, so ending a match never hides the pupil's
    history from their team. Nothing written after the pupil left (other pupils' later
    messages) is theirs to read."""
    return (
        cares_for(user, pupil_id) and member.user_id == pupil_id and member.removed_at is not None
    )


def can_acknowledge_flag(user: Any, pupil_id: int) -> bool:
    return cares_for(user, pupil_id)


def can_see_own_progress(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.PUPIL)


# goals


def can_create_goal(user: Any, pupil_id: int) -> bool:
    """Mentor, home teacher or special-needs educator around the pupil."""
    return cares_for(user, pupil_id)


def can_view_goal(user: Any, goal: Any) -> bool:
    """The pupil and the staff around them."""
    if not _signed_in(user):
        return False
    return goal.pupil_id == user.id or cares_for(user, goal.pupil_id)


def can_edit_goal(user: Any, goal: Any) -> bool:
    """The staff around the pupil edit, comment on and change the state of a goal."""
    return cares_for(user, goal.pupil_id)


def can_comment_on_goal(user: Any, goal: Any) -> bool:
    """The pupil comments on their own goal too."""
    return can_view_goal(user, goal)


def can_check_in(user: Any, goal: Any) -> bool:
    """The pupil and their staff rate an active goal."""
    return goal.status == "active" and can_view_goal(user, goal)


def can_write_build_up(user: Any, pupil_id: int) -> bool:
    """Only the pupil's current knowledge mentor writes "what to build up next"."""
    return _current_mentor_of(user, pupil_id)


def can_view_build_up(user: Any, pupil_id: int) -> bool:
    return _signed_in(user) and (user.id == pupil_id or cares_for(user, pupil_id))


def can_see_own_goals(user: Any) -> bool:
    """The "My goals" page: a pupil's own goals and build-up summaries."""
    return _signed_in(user) and user.has_role(Role.PUPIL)


# concerns (oro): never a pupil


def can_raise_concern(user: Any, pupil_id: int) -> bool:
    return cares_for(user, pupil_id)


def can_view_concern(user: Any, concern: Any) -> bool:
    """The staff around the pupil and coordinators (who are told of every concern)."""
    if not _signed_in(user) or user.id == concern.pupil_id:
        return False
    return is_coordinator(user) or cares_for(user, concern.pupil_id)


def can_manage_concern(user: Any, concern: Any) -> bool:
    """Set the plan and responsible person, review, close: whoever may see it, while open."""
    return concern.status == "open" and can_view_concern(user, concern)


def can_list_concerns(user: Any) -> bool:
    return is_coordinator(user) or can_view_review(user)


def concerns_visible_to(user: Any):
    """The SQL filter that matches `can_view_concern`, for lists."""
    import sqlalchemy as sa

    from mentorhub.concerns.models import Concern

    if is_coordinator(user):
        return Concern.pupil_id != user.id
    if not _signed_in(user):
        return sa.false()
    return Concern.pupil_id.in_(pupils_cared_for_by(user))
