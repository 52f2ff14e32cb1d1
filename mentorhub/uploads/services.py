"""Storing a checked image: its file and the row that names it, for any domain."""

from __future__ import annotations

from mentorhub.extensions import db
from mentorhub.uploads import images
from mentorhub.uploads.models import ChatImage


def save_image(encoded: images.Encoded, *, room_id: int, uploader_id: int) -> ChatImage:
    """Write the re-encoded image under a random name and add its row (flushed, so it has an
    id). The caller has checked the upload (`images.encode`) and commits."""
    # Written before the commit: a failed commit leaves an unreferenced file, never a row
    # whose file is missing.
    image = ChatImage(
        room_id=room_id,
        uploader_id=uploader_id,
        stored_name=images.store(encoded),
        content_type=encoded.content_type,
        width=encoded.width,
        height=encoded.height,
    )
    db.session.add(image)
    db.session.flush()
    return image
