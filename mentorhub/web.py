"""The shape every view shares: a blueprint whose pages need a signed-in person, and one way to
handle a form.

A view loads what the address names, asks `policy` (403 before anything is shown), then acts.
`handle_form` is the "act" part for every form page, so each view no longer repeats try /
except DomainError / show the messages / flash / redirect:

    form = CommentForm()
    return web.handle_form(
        form,
        lambda: services.comment(current_user, goal, form.body.data),
        done=lambda _: web.done(_("Your comment has been added."), url_for(...)),
        page=lambda: render_template("goals/show.html", ..., comment_form=form),
    )

A refused form (invalid input, or a `DomainError` from the service) answers its page with 422:
the commit hook rolls back every response of 400 or more, so nothing the action flushed is
stored, and the user sees the messages with everything they wrote kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Request, flash, redirect
from flask.typing import ResponseReturnValue
from flask_login import login_required
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

from mentorhub.errors import DomainError, show_on_form

T = TypeVar("T")

REFUSED = 422


def blueprint(name: str, import_name: str, **options: Any) -> Blueprint:
    """A blueprint every route of which needs a signed-in, active person (else the sign-in
    page); which person may do what is still asked of `policy` in each view."""
    bp = Blueprint(name, import_name, **options)

    @bp.before_request
    @login_required
    def signed_in() -> None:
        return None

    return bp


def done(message: str, to: str, category: str = "success") -> ResponseReturnValue:
    """The answer to an action that succeeded: say so, and go where the user goes next."""
    flash(message, category)
    return redirect(to)


def handle_form(
    form: Any,
    action: Callable[[], T],
    *,
    done: Callable[[T], ResponseReturnValue],
    page: Callable[[], ResponseReturnValue],
) -> ResponseReturnValue:
    """Validate `form`; when valid, run `action` and answer `done(result)`. A first showing
    answers `page()`; a refusal answers `page()` with 422 and the messages on the form."""
    if not form.is_submitted():
        return page()
    if form.validate_on_submit():
        try:
            result = action()
        except DomainError as error:
            show_on_form(error, form)
        else:
            return done(result)
    return refused(page())


def refused(response: ResponseReturnValue) -> ResponseReturnValue:
    """Answer a page that shows a refusal with 422, so the request stores nothing."""
    if isinstance(response, tuple):
        return (response[0], REFUSED, *response[2:])
    return response, REFUSED


def _without_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


class TextFields(ImmutableMultiDict):
    """Form fields and query arguments with NUL characters taken out. Nobody types one, and
    PostgreSQL's text columns refuse it: a form holding one would fail at the commit with
    nothing said to the person who sent it (SQLite stores it, so only PostgreSQL showed it)."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is not None:
            mapping = [
                (_without_nul(key), _without_nul(value)) for key, value in iter_multi_items(mapping)
            ]
        super().__init__(mapping)


class TextRequest(Request):
    parameter_storage_class = TextFields
