"""Uploaded images: check an upload is really an image, re-encode it without metadata, store it.

The pupils are minors, so nothing of the uploaded file is kept but its pixels: every image is
decoded and written again by Pillow, which drops EXIF (GPS, camera, time), XMP, comments and
colour-profile chunks. The type is decided by the file's first bytes and by Pillow agreeing,
never by its name or the browser's content type. See docs/realtime.md ("Images").
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from mentorhub.timeutil import show_number

MAX_SIDE = 2000  # the longer side is scaled down to this
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them

# Stored format and content type per detected format. A GIF keeps only its first frame, as PNG.
_OUTPUT = {
    "PNG": ("PNG", "image/png", "png"),
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "GIF": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
}


class ImageRefused(Exception):
    def __init__(self, code: str, message) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Encoded:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The format named by the file's magic bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def read_upload(upload: FileStorage | None) -> bytes | None:
    """The uploaded file's bytes, or None when no file was chosen. One byte more than the limit
    is read, so `encode` can tell a file that is too large without reading all of it."""
    if not upload or not upload.filename:
        return None
    return upload.stream.read(max_bytes() + 1)


def max_bytes() -> int:
    return int(current_app.config.get("CHAT_IMAGE_MAX_BYTES", 5 * 1024 * 1024))


def size_label(n: int) -> str:
    if n >= 1024 * 1024:
        return show_number(n / 1024 / 1024) + " MB"  # "1,5 MB" in Swedish
    return f"{max(1, n // 1024)} kB"


def too_large() -> ImageRefused:
    return ImageRefused(
        "too_large", _l("The image is too large (at most %(size)s).", size=size_label(max_bytes()))
    )


def not_an_image() -> ImageRefused:
    return ImageRefused(
        "not_an_image", _l("The file is not an image. Choose a PNG, JPEG, GIF or WebP image.")
    )


def encode(data: bytes) -> Encoded:
    """Check and re-encode an upload; raises ImageRefused."""
    if len(data) > max_bytes():
        raise too_large()
    detected = sniff(data)
    if detected is None:
        raise not_an_image()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != detected or probe.width * probe.height > MAX_PIXELS:
                raise not_an_image()
            probe.verify()
        with Image.open(io.BytesIO(data)) as source:
            source.seek(0)  # an animated GIF or WebP: its first frame
            source.load()
            image = ImageOps.exif_transpose(source)  # keep the orientation the EXIF asked for
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise not_an_image() from None
    fmt, content_type, extension = _OUTPUT[detected]
    if fmt == "JPEG":
        image = image.convert("L" if image.mode in ("L", "LA", "1") else "RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    image.info = {}  # no metadata goes along
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True} if fmt in ("JPEG", "WEBP") else {}
    image.save(out, fmt, **options)
    return Encoded(out.getvalue(), content_type, extension, image.width, image.height)


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(encoded: Encoded) -> str:
    """Write the file under a random name; returns the name."""
    name = f"{secrets.token_hex(16)}.{encoded.extension}"
    (folder() / name).write_bytes(encoded.data)
    return name


def path_of(stored_name: str) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / stored_name
