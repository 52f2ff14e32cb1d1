"""Image rules (mentorhub/policy/images.py): a chat image goes with its room, an attempt's
image with the attempt, a hidden message's image only to the room's moderator."""

import sqlalchemy as sa

from mentorhub import policy
from mentorhub.extensions import db
from mentorhub.uploads.models import ChatImage


def _images(user) -> set[int]:
    return set(db.session.scalars(sa.select(ChatImage.id).where(policy.images_visible_to(user))))


def test_can_view_image_and_images_visible_to_agree(world):
    chat, hidden, attempt = world.chat_image, world.hidden_image, world.attempt_image
    expected = {
        world.mentor: {chat.id, hidden.id, attempt.id},
        world.alva: {chat.id, attempt.id},
        world.noah: {chat.id},  # not Alva's attempt image, nor his own hidden message's
        world.home_teacher: {chat.id, attempt.id},
        world.outsider: set(),
        world.unlinked_teacher: set(),
        world.coordinator: set(),
    }
    for user, ids in expected.items():
        assert _images(user) == ids, user.name
        for image in (chat, hidden, attempt):
            assert policy.can_view_image(user, image) is (image.id in ids), (user.name, image.id)
