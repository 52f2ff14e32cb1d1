"""Uploaded images: a chat image is read with its room, an attempt's image with the attempt."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from mentorhub.accounts.models import User
from mentorhub.chat.models import Message
from mentorhub.extensions import db
from mentorhub.policy.problems import attempts_visible_to, can_view_attempt
from mentorhub.policy.rooms import can_moderate, can_view_room, rooms_managed_by, rooms_visible_to
from mentorhub.problems.models import Attempt
from mentorhub.rooms.models import Room
from mentorhub.uploads.models import ChatImage


def can_view_image(user: User, image: ChatImage) -> bool:
    """An attempt's image: whoever may see the attempt. A chat image: whoever reads its room,
    except that the image of a hidden message is for the room's moderator only."""
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.image_id == image.id))
    if attempt is not None:
        return can_view_attempt(user, attempt)
    room = db.session.get(Room, image.room_id)
    if room is None or not can_view_room(user, room):
        return False
    hidden = db.session.scalar(sa.select(Message.hidden_at).where(Message.image_id == image.id))
    return hidden is None or can_moderate(user, room)


def images_visible_to(user: User) -> ColumnElement[bool]:
    """The SQL filter on `ChatImage` that matches `can_view_image`, for lists."""
    attached = sa.select(Attempt.image_id).where(Attempt.image_id.is_not(None))
    of_attempts = sa.select(Attempt.image_id).where(
        Attempt.image_id.is_not(None), attempts_visible_to(user)
    )
    hidden = sa.select(Message.image_id).where(
        Message.image_id.is_not(None), Message.hidden_at.is_not(None)
    )
    readable_rooms = sa.select(Room.id).where(rooms_visible_to(user))
    moderated_rooms = sa.select(Room.id).where(rooms_managed_by(user))
    in_chat = sa.and_(
        ChatImage.id.not_in(attached),
        ChatImage.room_id.in_(readable_rooms),
        sa.or_(ChatImage.id.not_in(hidden), ChatImage.room_id.in_(moderated_rooms)),
    )
    return sa.or_(ChatImage.id.in_(of_attempts), in_chat)
