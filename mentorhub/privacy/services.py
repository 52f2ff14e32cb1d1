"""What the audit log says about each entry's subject, loaded in bulk for a page of entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from mentorhub import policy
from mentorhub.audit import AuditEntry
from mentorhub.concerns.models import Concern
from mentorhub.extensions import db
from mentorhub.nominations.models import Nomination
from mentorhub.privacy.labels import subject_label


@dataclass
class Subject:
    text: str  # e.g. "Meddelande 104", in the reader's language
    link: str | None = None  # only where the reader may open it


# Subjects with a page of their own: the model, the policy rule, and the page's endpoint and
# the name of its id in the address.
LINKED = {
    "Nomination": (Nomination, policy.can_view_nomination, "nominations.show", "nomination_id"),
    "Concern": (Concern, policy.can_view_concern, "concerns.show", "concern_id"),
}


def subjects_for(
    reader: Any, entries: list[AuditEntry], url: Callable[..., str]
) -> dict[int, Subject]:
    """Each entry's subject, named in the reader's language and linked where policy lets the
    reader open it; one query per kind of linked subject, never one per row. `url` builds a
    page's address from its endpoint (the view passes `url_for`)."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.subject_type in LINKED and entry.subject_id is not None:
            wanted.setdefault(entry.subject_type, set()).add(entry.subject_id)
    loaded: dict[tuple[str, int], Any] = {}
    for kind, ids in wanted.items():
        model = LINKED[kind][0]
        for obj in db.session.scalars(sa.select(model).where(model.id.in_(ids))).unique():
            loaded[(kind, obj.id)] = obj
    result = {}
    for entry in entries:
        subject = Subject(subject_label(entry.subject_type, entry.subject_id))
        obj = loaded.get((entry.subject_type, entry.subject_id))
        if obj is not None:
            _model, may_open, endpoint, id_name = LINKED[entry.subject_type]
            if may_open(reader, obj):
                subject.link = url(endpoint, **{id_name: obj.id})
        result[entry.id] = subject
    return result
