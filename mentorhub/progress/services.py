"""Acknowledging an early-warning flag: the flag stays shown, with who looked at it and why."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from mentorhub import audit
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.progress import review_list
from mentorhub.progress.labels import FLAG_TYPES
from mentorhub.progress.models import FlagAcknowledgement

_KNOWN_CODES = {code for codes in FLAG_TYPES.values() for code in codes}


def acknowledge(actor: Any, pupil: Any, code: str, key: str, note: str) -> FlagAcknowledgement:
    """Store an acknowledgement of a flag the pupil has now (audited); refuse one that does not
    apply any more, so a note is never attached to something nobody saw."""
    if code not in _KNOWN_CODES:
        raise DomainError(_l("That flag does not exist."))
    note = note.strip()
    if not note:
        raise DomainError(_l("Write a short note."), "note")
    rows = review_list.review_rows(actor, [pupil.id])
    current = {(f.code, f.key) for f in rows[0].flags} if rows else set()
    if (code, key) not in current:
        raise DomainError(_l("That flag no longer applies, so there is nothing to acknowledge."))
    ack = FlagAcknowledgement(
        pupil_id=pupil.id, code=code, key=key, note=note, acknowledged_by_id=actor.id
    )
    db.session.add(ack)
    audit.record(actor, "flag.acknowledge", ack, person=pupil, code=code, key=key)
    return ack
