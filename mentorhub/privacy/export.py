"""The register extract (GDPR art. 15, "registerutdrag"): everything held about one pupil.

A ZIP with one JSON file per kind of record (a table: every row that refers to the pupil, as
`records.rows_of` finds them from the metadata, secrets such as password hashes left out), the
pupil's images as files, and a readable Swedish summary (`sammanfattning.html`, laid out by the
view). Reading it is logged as `pupil.export`, with the kinds and counts, not the content.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit, policy
from mentorhub.accounts.models import Role, User
from mentorhub.errors import Missing
from mentorhub.extensions import db
from mentorhub.privacy import records
from mentorhub.uploads import images
from mentorhub.uploads.models import ChatImage

# What each kind of record is, in the summary's words (tables not named here keep their name).
KINDS = {
    "users": _l("Account"),
    "user_roles": _l("Roles"),
    "pupil_profiles": _l("Pupil profile"),
    "pupil_levels": _l("Levels per subject area"),
    "pupil_slots": _l("Times the pupil can meet"),
    "staff_links": _l("Linked home teacher and special-needs educator"),
    "nominations": _l("Nomination and guardian record"),
    "nomination_subjects": _l("Subject areas in the nomination"),
    "nomination_slots": _l("Times in the nomination"),
    "nomination_events": _l("Nomination history"),
    "matches": _l("Matches with a mentor"),
    "room_members": _l("Rooms"),
    "messages": _l("Messages the pupil wrote"),
    "message_reports": _l("Messages the pupil reported"),
    "read_positions": _l("Where the pupil has read up to"),
    "chat_images": _l("Images"),
    "attempts": _l("Problem attempts, feedback and levels"),
    "problem_post_targets": _l("Problems given to the pupil"),
    "hint_reveals": _l("Hints opened"),
    "level_changes": _l("Level changes"),
    "goals": _l("Goals"),
    "goal_events": _l("Goal comments and changes"),
    "goal_checkins": _l("Check-ins"),
    "build_up_summaries": _l("What to build up next"),
    "attendance": _l("Attendance"),
    "concerns": _l("Concerns"),
    "concern_events": _l("Concern history"),
    "flag_acknowledgements": _l("Early-warning flags handled"),
    "notifications": _l("Notifications"),
    "login_sessions": _l("Sign-ins"),
    "calendar_feeds": _l("Calendar address"),
    "invitations": _l("Invitation"),
    "audit_entries": _l("Access log: who has seen or changed the pupil's data"),
}


@dataclass
class Extract:
    pupil: User
    made_at: datetime
    tables: dict[str, list[dict]]
    names: dict[int, str]  # user id -> name, for the summary's access log and authors

    def kind(self, table: str) -> str:
        return str(KINDS.get(table, table))


def read_extract(actor: User, pupil_id: int, now: datetime) -> Extract:
    """Everything held about the pupil, for the coordinator; logged as read."""
    pupil = db.session.get(User, pupil_id)
    if pupil is None or not pupil.has_role(Role.PUPIL):
        raise Missing()
    policy.authorize(policy.can_export_pupil_data(actor, pupil))
    tables = records.rows_of(pupil.id)
    people = {
        value
        for table in ("audit_entries", "messages", "goal_events", "attempts")
        for row in tables.get(table, [])
        for key in ("actor_id", "author_id", "feedback_by_id")
        if (value := row.get(key))
    }
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(people))).all())
    counts = {table: len(rows) for table, rows in tables.items() if rows}
    audit.record(actor, "pupil.export", pupil, person=pupil, counts=counts)
    return Extract(pupil=pupil, made_at=now, tables=tables, names=names)


def zip_of(extract: Extract, summary_html: str) -> bytes:
    """The ZIP: the summary, one JSON file per kind of record, and the image files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sammanfattning.html", summary_html)
        for table, rows in sorted(extract.tables.items()):
            if rows:
                archive.writestr(f"data/{table}.json", _json(table, extract.kind(table), rows))
        for stored_name in _image_names(extract):
            path = images.path_of(stored_name)
            if path.is_file():
                archive.write(path, f"bilder/{stored_name}")
    return out.getvalue()


def filename(extract: Extract) -> str:
    return f"registerutdrag-elev-{extract.pupil.id}-{extract.made_at:%Y%m%d}.zip"


def _json(table: str, kind: str, rows: list[dict]) -> str:
    return json.dumps(
        {"table": table, "kind": kind, "rows": rows},
        ensure_ascii=False,
        indent=2,
        default=_plain,
    )


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _image_names(extract: Extract) -> list[str]:
    ids = {
        row["image_id"]
        for table in ("messages", "attempts")
        for row in extract.tables.get(table, [])
        if row.get("image_id")
    }
    own = {row["stored_name"] for row in extract.tables.get("chat_images", [])}
    linked = db.session.scalars(sa.select(ChatImage.stored_name).where(ChatImage.id.in_(ids)))
    return sorted(own | set(linked))
