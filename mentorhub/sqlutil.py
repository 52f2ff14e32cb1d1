"""Query helpers that differ by database, so services stay written once for SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from mentorhub.extensions import db


def among(column: Any, values: Iterable[Any]) -> sa.ColumnElement[bool]:
    """`column IN values`, for a list of hundreds (a home teacher's 250 pupils). On PostgreSQL
    one array parameter, `column = ANY(:values)`: an IN list is rendered with a placeholder
    per value on every request (by SQLAlchemy, then parsed again by psycopg) and its text
    changes with the list's length, so the server cannot keep it prepared. SQLite has no
    arrays: an IN list there."""
    values = list(values)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)
