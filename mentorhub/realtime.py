"""What open sockets must learn after a commit: a broadcast, or that someone's access ended.

Services and views call these; each queues its work with `after_commit`, so it happens only
once the change is stored and never for a change that is rolled back. They name *what*
happened; the Socket.IO side (`mentorhub/chat/events.py`, which registers itself with
`handles`) decides how open sockets on every worker hear of it. So no service or view imports
Socket.IO, and a job queue can later carry these calls unchanged.

The one rule (docs/realtime.md, "When access ends"): every change that can end someone's
access (a membership, a match, a care-team link, deactivation, a password reset, signing out,
the session version) ends it on every open socket of that person, on every worker, after the
commit, through one of the calls below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mentorhub.after_commit import after_commit, after_commit_once

_handlers: dict[str, Callable] = {}


def handles(kind: str) -> Callable:
    """Register the function that carries out `kind` (one per kind; the socket module)."""

    def register(fn: Callable) -> Callable:
        _handlers[kind] = fn
        return fn

    return register


def _dispatch(kind: str, *args) -> None:
    handler = _handlers.get(kind)
    if handler is not None:  # no socket layer loaded (a script): nobody is listening
        handler(*args)


def broadcast(event: str, data: dict, room_id: int) -> None:
    """Send `event` to everyone in a chat room's channel, once the transaction commits."""
    after_commit(_dispatch, "broadcast", event, data, room_id)


def room_access_changed(user_ids: Iterable[int], room_ids: Iterable[int]) -> None:
    """These people may have lost access to these rooms. After the commit, the policy is asked
    again for each pair, and whoever may no longer read a room stops hearing it at once."""
    users, rooms = sorted(set(user_ids)), sorted(set(room_ids))
    if users and rooms:
        after_commit(_dispatch, "room_access_changed", users, rooms)


def sessions_ended(user_id: int) -> None:
    """Every session of this person ended (deactivation, password reset, sign out everywhere):
    each of their open sockets is disconnected, on every worker."""
    after_commit(_dispatch, "sessions_ended", user_id)


def login_ended(login_key: str) -> None:
    """One sign-in ended (signing out): the sockets opened with it are disconnected."""
    after_commit(_dispatch, "login_ended", login_key)


def reports_changed() -> None:
    """What the programme report counts was written: once the transaction commits, every other
    worker recounts the reports it keeps (this one does so itself, `reports.cache`), so a
    coordinator whose next click lands on another worker does not read the old figures."""
    after_commit_once(_reports_changed)


def _reports_changed() -> None:
    _dispatch("reports_changed")
