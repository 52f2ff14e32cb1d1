"""Where a pupil's data is, read from the SQLAlchemy metadata, and what erasure does to each.

A pupil's records are the rows of every table with a foreign key to `users.id` that names the
pupil (the pupil's own rows, such as `goals.pupil_id`, and rows they wrote, such as
`messages.author_id`), and the rows of the tables that hang off the pupil's own rows (a goal's
events and check-ins, a nomination's subjects and events). Both lists are derived from the
metadata, never kept by hand: the export takes every such row, and `ERASURE` must say for each
(table, column) what erasure does, or `tests/unit/test_privacy_records.py` fails, so a new
table that refers to a pupil cannot be forgotten.

What erasure does, per reference:
- DELETE: the row goes (sessions, notifications, slots, links, read positions ...).
- BLANK: the row stays, so the programme's counts keep (attendance, attempts by level, goals
  by status, concerns by status, nominations by school, year and profile), but every free text
  in it is emptied; the named columns get the given values.
- KEEP: the row stays as it is: it holds no free text about the pupil (attendance status, a
  match's subject area) or it is the staff's own record that mentions the pupil only by id.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import sqlalchemy as sa

from mentorhub.extensions import db

PLACEHOLDER = "Meddelandet är borttaget"
ERASED_NAME = "Borttagen elev"


class Erase(enum.Enum):
    DELETE = "delete"
    BLANK = "blank"
    KEEP = "keep"


@dataclass(frozen=True)
class Rule:
    action: Erase
    values: dict[str, object] = field(default_factory=dict)  # BLANK: column -> new value


def blank(**values: object) -> Rule:
    return Rule(Erase.BLANK, values)


DELETE = Rule(Erase.DELETE)
KEEP = Rule(Erase.KEEP)

# For every (table, column) whose foreign key names a user: what erasing that user, a pupil,
# does to the rows that name them there.
ERASURE: dict[tuple[str, str], Rule] = {
    # the pupil's account and its satellites
    ("user_roles", "user_id"): KEEP,  # "pupil": needed to count them as pupils
    ("login_sessions", "user_id"): DELETE,
    ("password_resets", "user_id"): DELETE,
    ("calendar_feeds", "user_id"): DELETE,
    ("notifications", "user_id"): DELETE,
    ("invitations", "user_id"): DELETE,
    ("pupil_profiles", "user_id"): DELETE,
    ("pupil_levels", "pupil_id"): DELETE,
    ("pupil_slots", "pupil_id"): DELETE,
    ("staff_links", "pupil_id"): DELETE,
    ("read_positions", "user_id"): DELETE,
    ("flag_acknowledgements", "pupil_id"): blank(note=""),
    # identification and matching: counted by the report
    ("nominations", "pupil_id"): blank(
        pupil_name="",
        pupil_email="",
        class_name="",
        strengths="",
        interests="",
        decision_note="",
        guardian_informed_on=None,
    ),
    ("matches", "pupil_id"): blank(reasons=[]),
    # rooms and chat: the timeline keeps its seq, the words go
    ("room_members", "user_id"): KEEP,
    ("messages", "author_id"): blank(
        body=PLACEHOLDER, html=f"<p>{PLACEHOLDER}</p>", hidden_reason="", image_id=None
    ),
    ("message_reports", "reporter_id"): blank(reason=""),
    ("chat_images", "uploader_id"): DELETE,  # and the files, after the commit
    # problems: attempts are counted by level and outcome
    ("attempts", "pupil_id"): blank(
        answer="", body="", html="", feedback="", feedback_html="", image_id=None
    ),
    ("problem_post_targets", "pupil_id"): KEEP,
    ("hint_reveals", "pupil_id"): DELETE,
    ("level_changes", "pupil_id"): blank(reason=""),
    # follow-up: goals, check-ins, attendance and concerns are counted
    ("goals", "pupil_id"): blank(title="", why="", steps="", evidence=""),
    ("goal_checkins", "pupil_id"): blank(comment=""),
    ("goal_checkins", "author_id"): blank(comment=""),
    ("goal_events", "author_id"): blank(body="", changes={}),
    ("build_up_summaries", "pupil_id"): DELETE,
    ("attendance", "pupil_id"): KEEP,
    ("concerns", "pupil_id"): blank(description="", action_plan="", closing_note=""),
    ("concern_events", "author_id"): blank(body=""),
    ("nomination_events", "author_id"): blank(body=""),
    # feedback on accessibility may describe the pupil: it goes with them
    ("accessibility_feedback", "user_id"): DELETE,
    # the access log stays: it is the record of who saw what (no free text in it)
    ("audit_entries", "person_id"): KEEP,
    ("audit_entries", "actor_id"): KEEP,
}

# Columns that name staff only (who decided, who recorded, who is responsible ...): a pupil
# never fills them, so erasing a pupil leaves them alone.
STAFF_ONLY: set[tuple[str, str]] = {
    ("build_up_summaries", "mentor_id"),
    ("concerns", "responsible_id"),
    ("concerns", "raised_by_id"),
    ("concerns", "closed_by_id"),
    ("flag_acknowledgements", "acknowledged_by_id"),
    ("goals", "created_by_id"),  # also the pupil for their own goals: blanked through pupil_id
    ("invitations", "invited_by_id"),
    ("matches", "mentor_id"),
    ("matching_runs", "run_by_id"),
    ("mentor_offers", "mentor_id"),
    ("nominations", "decided_by_id"),
    ("nominations", "guardian_recorded_by_id"),
    ("nominations", "nominated_by_id"),
    ("problems", "mentor_id"),
    ("rooms", "mentor_id"),
    ("staff_links", "staff_id"),
    ("meeting_series", "created_by_id"),
    ("problem_posts", "posted_by_id"),
    ("attempts", "feedback_by_id"),
    ("attendance", "recorded_by_id"),
    ("level_changes", "changed_by_id"),
    ("message_reports", "handled_by_id"),
    ("messages", "hidden_by_id"),
}

# What hangs off a pupil's own rows, by the child's foreign key: erasure blanks it as above.
CHILDREN: dict[tuple[str, str], Rule] = {
    ("nomination_subjects", "nomination_id"): blank(challenge=""),
    ("nomination_slots", "nomination_id"): KEEP,
    ("nomination_events", "nomination_id"): blank(body=""),
    ("goal_events", "goal_id"): blank(body="", changes={}),
    ("goal_checkins", "goal_id"): blank(comment=""),
    ("concern_events", "concern_id"): blank(body=""),
    ("level_changes", "attempt_id"): blank(reason=""),
}

# The pupil's own rows (a child of these is the pupil's too), by the column naming the pupil.
OWNERS = {
    ("nominations", "pupil_id"),
    ("goals", "pupil_id"),
    ("concerns", "pupil_id"),
    ("attempts", "pupil_id"),
}

# Never exported: secrets that are the system's, not information about the pupil.
SECRET_COLUMNS = {("users", "password_hash"), ("login_sessions", "key")}
SECRET_COLUMNS |= {("password_resets", "token_hash"), ("invitations", "token_hash")}


def person_references() -> list[tuple[sa.Table, sa.Column]]:
    """Every (table, column) whose foreign key points at `users.id`, from the metadata."""
    users = db.metadata.tables["users"]
    return [
        (table, fk.parent)
        for table in db.metadata.sorted_tables
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name)
        if fk.column.table is users
    ]


def child_references() -> list[tuple[sa.Table, sa.Column, sa.Table]]:
    """Every (child table, column, parent table) whose foreign key points at a table holding
    a pupil's own rows (see OWNERS), from the metadata."""
    owner_tables = {db.metadata.tables[name] for name, _ in OWNERS}
    return [
        (table, fk.parent, fk.column.table)
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table in owner_tables and fk.column.table is not table
    ]


def pupil_references() -> list[tuple[sa.Table, sa.Column]]:
    """The references a pupil can fill: every reference to a user but the staff-only ones."""
    return [
        (table, column)
        for table, column in person_references()
        if (table.name, column.name) not in STAFF_ONLY
    ]


def rows_of(pupil_id: int) -> dict[str, list[dict]]:
    """Every row that refers to the pupil, per table: their user row, the rows naming them,
    and the rows hanging off their own rows. One query per reference, none per row."""
    users = db.metadata.tables["users"]
    found: dict[str, dict[tuple, dict]] = {}
    _collect(found, users, users.c.id == pupil_id)
    owned: dict[str, set] = {}
    for table, column in pupil_references():
        for row in _collect(found, table, column == pupil_id):
            if (table.name, column.name) in OWNERS:
                owned.setdefault(table.name, set()).add(row["id"])
    for table, column, parent in child_references():
        ids = owned.get(parent.name)
        if ids:
            _collect(found, table, column.in_(ids))
    return {name: list(rows.values()) for name, rows in found.items()}


def _collect(found: dict, table: sa.Table, condition) -> list[dict]:
    rows = [dict(row._mapping) for row in db.session.execute(sa.select(table).where(condition))]
    keys = [c.name for c in table.primary_key.columns]
    shelf = found.setdefault(table.name, {})
    for row in rows:
        shelf[tuple(row[k] for k in keys)] = {
            name: value for name, value in row.items() if (table.name, name) not in SECRET_COLUMNS
        }
    return rows
