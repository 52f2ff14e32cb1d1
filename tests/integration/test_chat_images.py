"""Images in chat: uploaded over HTTP, checked by content, re-encoded without metadata, stored
under a random name, broadcast after the commit, served only to those who may read the room."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from mentorhub.chat.models import Message
from mentorhub.extensions import db
from mentorhub.rooms.models import RoomMember
from mentorhub.timeutil import utcnow
from mentorhub.uploads.models import ChatImage
from tests.conftest import login

GPS_IFD = 0x8825


def _png_with_exif(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Kamerafabriken"  # Make
    exif[0x0132] = "2026:11:24 08:00:00"  # DateTime
    exif.get_ifd(GPS_IFD)[2] = (59.0, 19.0, 48.0)  # GPSLatitude
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif)
    data = out.getvalue()
    assert b"Kamerafabriken" in data  # the upload really carries the metadata
    return data


def _as(app, user):
    http = app.test_client()
    assert login(http, user).status_code == 302
    return http


def _upload(http, room_id, data, *, name="bild.png", caption="", client_id="image-0001"):
    return http.post(
        f"/rooms/{room_id}/images",
        data={"image": (io.BytesIO(data), name), "caption": caption, "client_id": client_id},
        content_type="multipart/form-data",
    )


def _stored(app) -> tuple[list[ChatImage], list[Message]]:
    with app.app_context():
        images = db.session.scalars(sa.select(ChatImage)).all()
        messages = db.session.scalars(sa.select(Message)).unique().all()
        for row in (*images, *messages):
            db.session.expunge(row)
        return list(images), list(messages)


def _files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture(autouse=True)
def _empty_upload_folder(app):
    for path in _files(app):
        path.unlink()


def test_an_uploaded_png_is_stored_re_encoded_without_exif_and_broadcast(app, room, socket_as):
    mentor = socket_as(room["mentor"])
    mentor.emit("join", {"room_id": room["id"]}, callback=True)
    mentor.get_received()

    response = _upload(_as(app, room["alva"]), room["id"], _png_with_exif(), caption="Min figur")

    assert response.status_code == 200
    assert response.json == {"ok": True, "id": response.json["id"], "seq": 1, "duplicate": False}
    [image], [message] = _stored(app)
    assert message.image_id == image.id and message.body == "Min figur"
    assert (image.content_type, image.width, image.height) == ("image/png", 64, 48)
    assert image.uploader_id == room["alva"].id and image.stored_name != "bild.png"
    [file] = _files(app)
    assert file.name == image.stored_name
    data = file.read_bytes()
    assert b"Kamerafabriken" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "PNG" and not stored.getexif()
    received = [e["args"] for e in mentor.get_received() if e["name"] == "message"]
    [broadcast] = [a[0] if isinstance(a, list) else a for a in received]
    assert broadcast["image"] == {
        "id": image.id,
        "url": f"/rooms/images/{image.id}",
        "width": 64,
        "height": 48,
    }
    assert "Min figur" in broadcast["html"]


def test_large_images_are_scaled_down_and_gifs_keep_their_first_frame(app, room):
    frames = [Image.new("RGB", (3000, 1500), c) for c in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])

    response = _upload(_as(app, room["mentor"]), room["id"], out.getvalue(), name="a.gif")

    assert response.status_code == 200, response.json
    [image], _ = _stored(app)
    assert (image.content_type, image.width, image.height) == ("image/png", 2000, 1000)


def test_a_text_file_named_png_is_refused_and_nothing_is_stored(app, room):
    response = _upload(_as(app, room["alva"]), room["id"], b"not an image at all\n" * 10)

    assert response.status_code == 400
    assert response.json["error"] == "not_an_image"
    assert "inte en bild" in response.json["message"]
    assert _stored(app) == ([], []) and _files(app) == []


def test_a_too_large_image_is_refused_and_nothing_is_stored(app, room, monkeypatch):
    monkeypatch.setitem(app.config, "CHAT_IMAGE_MAX_BYTES", 1000)
    big = Image.effect_noise((200, 200), 80).convert("RGB")
    out = io.BytesIO()
    big.save(out, "PNG")

    response = _upload(_as(app, room["alva"]), room["id"], out.getvalue())

    assert response.status_code == 413
    assert response.json["error"] == "too_large" and "för stor" in response.json["message"]
    assert _stored(app) == ([], []) and _files(app) == []


def test_a_body_over_max_content_length_gets_the_same_refusal(app, room, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)

    response = _upload(_as(app, room["alva"]), room["id"], b"\x89PNG\r\n\x1a\n" + b"0" * 5000)

    assert response.status_code == 413 and response.json["error"] == "too_large"
    assert _stored(app) == ([], [])


@pytest.mark.parametrize("who", ["outsider", "removed", "home_teacher"])
def test_outsiders_removed_members_and_observers_cannot_upload(app, room, who):
    if who == "removed":
        with app.app_context():
            db.session.execute(
                sa.update(RoomMember)
                .where(RoomMember.user_id == room["noah"].id)
                .values(removed_at=utcnow())
            )
            db.session.commit()
    user = room["noah"] if who == "removed" else room[who]

    response = _upload(_as(app, user), room["id"], _png_with_exif())

    assert response.status_code == 403 and response.json["error"] == "forbidden"
    assert "kan inte skriva" in response.json["message"]
    assert _stored(app) == ([], []) and _files(app) == []


def test_a_retry_with_the_same_client_id_stores_one_image(app, room):
    http = _as(app, room["alva"])
    first = _upload(http, room["id"], _png_with_exif())
    second = _upload(http, room["id"], _png_with_exif())
    assert second.json == {**first.json, "duplicate": True}
    images, messages = _stored(app)
    assert len(images) == len(messages) == 1 and len(_files(app)) == 1


def _an_image(app, room) -> int:
    response = _upload(_as(app, room["alva"]), room["id"], _png_with_exif())
    assert response.status_code == 200
    [image], _ = _stored(app)
    return image.id


def test_the_image_is_served_with_safe_headers_to_members(app, room):
    image_id = _an_image(app, room)

    response = _as(app, room["noah"]).get(f"/rooms/images/{image_id}")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    assert response.data.startswith(b"\x89PNG")


def test_outsiders_and_removed_members_cannot_fetch_the_image(app, room):
    image_id = _an_image(app, room)
    with app.app_context():
        db.session.execute(
            sa.update(RoomMember)
            .where(RoomMember.user_id == room["noah"].id)
            .values(removed_at=utcnow())
        )
        db.session.commit()
    for user in (room["outsider"], room["noah"]):
        assert _as(app, user).get(f"/rooms/images/{image_id}").status_code == 403


def test_the_linked_home_teacher_can_fetch_the_image_and_it_is_audited(app, room):
    from mentorhub.audit import AuditEntry

    image_id = _an_image(app, room)

    response = _as(app, room["home_teacher"]).get(f"/rooms/images/{image_id}")

    assert response.status_code == 200
    with app.app_context():
        entries = db.session.execute(
            sa.select(AuditEntry.actor_id, AuditEntry.action, AuditEntry.subject_id)
        ).all()
    assert (room["home_teacher"].id, "chat_image.read", image_id) in [tuple(e) for e in entries]


def test_a_hidden_image_message_is_not_served_or_sent_to_members(app, room, socket_as):
    image_id = _an_image(app, room)
    _, [message] = _stored(app)
    mentor = socket_as(room["mentor"])
    ack = mentor.emit("hide", {"message_id": message.id, "reason": "Fel bild"}, callback=True)
    assert ack["ok"]

    assert _as(app, room["noah"]).get(f"/rooms/images/{image_id}").status_code == 404
    joined = socket_as(room["noah"]).emit("join", {"room_id": room["id"]}, callback=True)
    assert joined["messages"][0]["image"] is None
