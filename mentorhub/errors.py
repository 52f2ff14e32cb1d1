"""Domain errors and the pages for HTTP errors.

Services raise `DomainError` with a translatable message (and the form field it concerns); views
turn it into a field error with `show_on_form`, after rolling back whatever was flushed.
"""

from __future__ import annotations

import logging

from flask import Flask, flash, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from mentorhub.extensions import db

log = logging.getLogger("mentorhub")


class DomainError(Exception):
    """A refusal the user can act on, in their language."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        # every refusal found in one pass, as (field, message); one error holds just itself
        self.errors: list[tuple[str | None, str]] = [(field, message)]

    @classmethod
    def collect(cls, errors: list[tuple[str | None, str]]) -> None:
        """Raise one error carrying every (field, message) found, so the form shows them all
        at once instead of one per submit; do nothing when the list is empty."""
        if errors:
            error = cls(errors[0][1], field=errors[0][0])
            error.errors = list(errors)
            raise error


class Refused(Exception):
    """A service's access check said no: the app answers 403, as `policy.authorize` does."""


class Missing(Exception):
    """What a service was asked to load does not exist: the app answers 404."""


def show_on_form(error: DomainError, form) -> None:
    """Roll back the failed action and attach each message to its field (or the whole form)."""
    db.session.rollback()
    for name, lazy_message in error.errors:
        message = str(lazy_message)
        field = getattr(form, name, None) if name else None
        if field is None:
            form.form_errors.append(message)
        elif message not in field.errors:
            field.errors = [*field.errors, message]


def run_and_flash(action, success_message: str) -> bool:
    """Run a service action behind a button: flash its success, or roll it back and flash why
    it was refused. Returns whether it succeeded."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return False
    flash(success_message, "success")
    return True


def json_errors(view):
    """Mark a view whose client reads JSON (a `fetch`, not a page): its refusals before the
    view runs (a missing CSRF token, a body too large) are answered `{ok: false, error,
    message}` too, not with an HTML page the client cannot show."""
    view.json_errors = True
    return view


def _wants_json() -> bool:
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "json_errors", False))


_TITLES = {
    400: _l("Bad request"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("Not allowed"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}
_TEXTS = {
    400: _l("The request could not be understood. Go back and try again."),
    403: _l("Your account does not give access to this page. Ask your coordinator if you need it."),
    404: _l("There is no page at this address. It may have been moved or removed."),
    405: _l("This address does not accept that kind of request."),
    429: _l("You have tried too many times in a short while. Wait a minute and try again."),
    500: _l("An error occurred on our side and nothing was saved. Try again in a moment."),
}


def _page(code: int, text=None):
    db.session.rollback()
    if request.accept_mimetypes.best == "application/json":
        return {"error": str(_TITLES.get(code, code))}, code
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=_TITLES.get(code, _TITLES[500]),
            text=text or _TEXTS.get(code, _TEXTS[500]),
        ),
        code,
    )


def register(app: Flask) -> None:
    for code in (400, 403, 404, 405, 429):
        app.register_error_handler(code, lambda e, code=code: _page(code))

    app.register_error_handler(Refused, lambda e: _page(403))
    app.register_error_handler(Missing, lambda e: _page(404))

    @app.errorhandler(413)
    def too_large(e):
        # Bigger than MAX_CONTENT_LENGTH: only a chat image upload can be; it is answered like
        # the upload's own refusals, so the chat shows the message.
        db.session.rollback()
        from mentorhub.chat import images

        message = str(images.too_large().message)
        if _wants_json():
            return {"ok": False, "error": "too_large", "message": message}, 413
        return _page(400, message)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        message = _l("The form had expired. Reload the page and send it again.")
        if _wants_json():
            db.session.rollback()
            return {"ok": False, "error": "csrf", "message": str(message)}, 400
        return _page(400, message)

    @app.errorhandler(500)
    def server_error(e):
        log.exception("unhandled error", exc_info=getattr(e, "original_exception", e))
        return _page(500)
