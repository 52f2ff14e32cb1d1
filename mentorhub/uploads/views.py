"""Serving a stored image back. No routes of its own: the domain's view decides who may see
the image (and audits it), then answers with `send_image`."""

from __future__ import annotations

from flask import Response, abort, send_file

from mentorhub.uploads import images
from mentorhub.uploads.models import ChatImage


def send_image(stored: ChatImage) -> Response:
    """The image's file (404 when it is gone), as an inert inline image the browser may cache
    privately for an hour."""
    path = images.path_of(stored.stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=stored.content_type, conditional=False, max_age=3600)
    # Served under the app's origin: never sniffed as something else, never run as a page.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
