"""Meeting rules (mentorhub/policy/meetings.py): they follow the room."""

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from mentorhub import policy
from mentorhub.extensions import db
from mentorhub.meetings.models import Meeting


def test_can_schedule_meetings_in_own_open_room(world):
    assert policy.can_schedule_meetings(world.mentor, world.room)
    assert not policy.can_schedule_meetings(world.mentor, world.archived_room)
    assert not policy.can_schedule_meetings(world.alva, world.room)


def test_can_view_meeting_and_meetings_visible_to_agree(world):
    def visible(user) -> bool:
        query = sa.select(Meeting.id).where(policy.meetings_visible_to(user))
        return world.meeting.id in set(db.session.scalars(query))

    for user in (world.mentor, world.alva, world.home_teacher):
        assert policy.can_view_meeting(user, world.meeting), user.name
        assert visible(user), user.name
    for user in (world.outsider, world.lisa, world.other_mentor):
        assert not policy.can_view_meeting(user, world.meeting), user.name
        assert not visible(user), user.name


def test_can_take_attendance(world):
    assert policy.can_take_attendance(world.mentor, world.meeting)
    assert not policy.can_take_attendance(world.home_teacher, world.meeting)
    assert not policy.can_take_attendance(world.alva, world.meeting)


def test_can_have_calendar_feed(world):
    assert policy.can_have_calendar_feed(world.alva)
    assert not policy.can_have_calendar_feed(world.inactive_coordinator)
    assert not policy.can_have_calendar_feed(AnonymousUserMixin())
