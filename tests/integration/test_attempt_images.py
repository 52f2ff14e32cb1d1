"""An optional image with a pupil's attempt (issue 5): checked and re-encoded like a chat image,
stored in the post's room, and served only to those who may see the attempt."""

import io
from pathlib import Path

import sqlalchemy as sa
from PIL import Image

from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.problems.models import Attempt
from mentorhub.uploads.models import ChatImage
from tests.integration.test_problems import client_for, create, get, post_to_room


def _png_with_exif(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Kamerafabriken"  # Make
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif)
    data = out.getvalue()
    assert b"Kamerafabriken" in data
    return data


def _files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def _submit(http, post_id, data: bytes, name="losning.png", body="Se bilden."):
    return http.post(
        f"/problems/posts/{post_id}/attempts",
        data={"body": body, "image": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_attempt_with_a_png_is_stored_re_encoded_and_shown_to_pupil_and_mentor(
    app, room, programme
):
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    alva = client_for(app, room["alva"])
    form_page = alva.get(f"/problems/posts/{post_id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form_page and 'type="file"' in form_page
    # the picker is the app's own, in Swedish, tied to the input (not the browser's "Choose File")
    assert '<label for="image" class="button button-secondary file-button">Välj bild</label>' in (
        form_page
    )
    assert _submit(alva, post_id, _png_with_exif()).status_code == 302

    [attempt] = get(app, Attempt)
    [image] = get(app, ChatImage)
    assert attempt.image_id == image.id and image.room_id == room["id"]
    assert (image.width, image.height, image.content_type) == (64, 48, "image/png")
    path = Path(app.config["UPLOAD_FOLDER"]) / image.stored_name
    assert path.is_file() and b"Kamerafabriken" not in path.read_bytes()

    url = f"/rooms/images/{image.id}"
    page = alva.get(f"/problems/posts/{post_id}").get_data(as_text=True)
    assert url in page and 'alt="Bild i försöket"' in page and 'width="64"' in page
    served = alva.get(url)
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.data == path.read_bytes()

    mentor = client_for(app, room["mentor"])
    assert url in mentor.get(f"/problems/posts/{post_id}").get_data(as_text=True)
    assert url in mentor.get(f"/problems/attempts/{attempt.id}").get_data(as_text=True)
    assert mentor.get(url).status_code == 200
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.actor_id == room["mentor"].id)
        ).all()
    assert "attempt_image.read" in actions


def test_another_pupil_in_the_room_cannot_fetch_the_attempts_image(app, room, programme):
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    assert _submit(client_for(app, room["alva"]), post_id, _png_with_exif()).status_code == 302
    [image] = get(app, ChatImage)
    url = f"/rooms/images/{image.id}"
    noah = client_for(app, room["noah"])
    assert noah.get(url).status_code in (403, 404)
    assert url not in noah.get(f"/problems/posts/{post_id}").get_data(as_text=True)
    assert client_for(app, room["outsider"]).get(url).status_code in (403, 404)
    # the linked home teacher may see the attempt, so the image too, audited
    assert client_for(app, room["home_teacher"]).get(url).status_code == 200
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.actor_id == room["home_teacher"].id)
        ).all()
    assert "attempt_image.read" in actions


def test_a_non_image_is_refused_with_a_field_error_the_text_kept_and_nothing_stored(
    app, room, programme
):
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    alva = client_for(app, room["alva"])
    before = _files(app)
    response = _submit(
        alva, post_id, b"%PDF-1.4 not an image", name="bild.png", body="Mitt typade bevis"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # a refused form stores nothing (issue 12)
    assert "Filen är inte en bild." in page and "Mitt typade bevis" in page
    assert 'aria-invalid="true"' in page
    assert get(app, Attempt) == [] and get(app, ChatImage) == [] and _files(app) == before


def test_an_attempt_without_an_image_still_works(app, room, programme):
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    alva = client_for(app, room["alva"])
    response = alva.post(
        f"/problems/posts/{post_id}/attempts",
        data={"body": "Utan bild"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [attempt] = get(app, Attempt)
    assert attempt.image_id is None and get(app, ChatImage) == []
