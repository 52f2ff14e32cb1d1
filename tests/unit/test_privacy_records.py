"""The map of a pupil's data is derived from the metadata, and erasure has a rule for all of it:
a new table that refers to a pupil fails here until export and erasure know it."""

from __future__ import annotations

import sqlalchemy as sa

from mentorhub.extensions import db
from mentorhub.privacy import records
from mentorhub.privacy.records import CHILDREN, ERASURE, STAFF_ONLY, Erase


def test_every_reference_to_a_user_is_erased_by_a_rule_or_named_staff_only(app):
    with app.app_context():
        found = {(t.name, c.name) for t, c in records.person_references()}
    unhandled = found - ERASURE.keys() - STAFF_ONLY
    assert not unhandled, f"say in privacy/records.py what erasure does to {sorted(unhandled)}"
    assert not ERASURE.keys() & STAFF_ONLY


def test_every_table_hanging_off_a_pupils_rows_has_a_rule(app):
    with app.app_context():
        found = {(t.name, c.name) for t, c, _parent in records.child_references()}
    assert found - CHILDREN.keys() == set()


def test_no_rule_names_a_column_that_does_not_exist(app):
    with app.app_context():
        tables = db.metadata.tables
        for table, column in [*ERASURE, *STAFF_ONLY, *CHILDREN]:
            assert column in tables[table].c, (table, column)
        for (table, _column), rule in [*ERASURE.items(), *CHILDREN.items()]:
            for name in rule.values:
                assert name in tables[table].c, (table, name)


def test_a_row_that_stays_loses_every_free_text_in_it(app):
    # Free text is every Text column of a blanked table (ids, statuses and levels stay).
    with app.app_context():
        tables = db.metadata.tables
        for (table, _column), rule in [*ERASURE.items(), *CHILDREN.items()]:
            if rule.action is not Erase.BLANK:
                continue
            texts = {c.name for c in tables[table].columns if isinstance(c.type, sa.Text)}
            assert texts <= rule.values.keys(), (table, texts - rule.values.keys())
