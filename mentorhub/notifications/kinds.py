"""The notification kinds and their sentences: each domain registers its own.

A notification is stored as a kind and parameters (names and titles as they were when it was
made); its sentence is rendered when it is read or mailed, in the reader's language. The domain
that creates a kind says how it reads, in its own `notices.py` (`mentorhub/goals/notices.py`,
...), as a mapping from kind to a function of the parameters; `create_app` registers those
mappings. So this package knows no domain, and a domain adds a kind without touching it.

A kind nobody registered, or parameters its function cannot read (a row older than a renamed
parameter), read as a generic sentence instead of failing the page or the mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _

log = logging.getLogger("mentorhub.notifications")

Render = Callable[[Mapping[str, Any]], str]

_kinds: dict[str, Render] = {}


def register(kinds: Mapping[str, Render]) -> None:
    """Add a domain's kinds. Registering the same function again is harmless (every app the
    process creates registers); a second, different function for a kind is a mistake."""
    for kind, render in kinds.items():
        known = _kinds.get(kind)
        if known is not None and known is not render:
            raise ValueError(f"notification kind {kind!r} is registered twice")
        _kinds[kind] = render


def registered() -> frozenset[str]:
    """Every kind with a sentence."""
    return frozenset(_kinds)


def text(kind: str, params: Mapping[str, Any]) -> str:
    """The notification's sentence in the current language."""
    render = _kinds.get(kind)
    if render is not None:
        try:
            return render(params)
        except (KeyError, TypeError, ValueError):
            log.warning("notification %r cannot be read from %r", kind, sorted(params or {}))
    else:
        log.warning("notification kind %r has no registered text", kind)
    return _("News in MentorHub")
