"""The access log in plain words: every action recorded anywhere has a Swedish and an English
label, no raw codes are shown, subjects are named in the reader's language and linked only
where policy lets the reader open them."""

from __future__ import annotations

import ast
import pathlib
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from mentorhub import demo
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.privacy.labels import SUBJECT_LABELS, action_label

SOURCE = pathlib.Path(__file__).resolve().parents[2] / "mentorhub"
UNLABELLED = {"Other action", "Annan händelse"}


def _strings(node: ast.AST, function: ast.AST) -> set[str]:
    """The action strings an argument can be: literals, `a if c else b`, or a local variable
    assigned such an expression in the same function."""
    if isinstance(node, ast.Name):
        found: set[str] = set()
        for stmt in ast.walk(function):
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in stmt.targets
            ):
                found |= _strings(stmt.value, function)
        return found
    return {
        c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)
    }


def recorded_actions() -> set[str]:
    """Every action passed to `audit.record(...)` anywhere in the source."""
    actions: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(function):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "record"
                    and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "audit"
                ):
                    action = call.args[1] if len(call.args) > 1 else None
                    found = _strings(action, function) if action is not None else set()
                    assert found, f"{path}:{call.lineno}: the action must be a string literal"
                    actions |= found
    return actions


def test_the_scan_finds_the_actions_recorded_across_the_code():
    actions = recorded_actions()
    assert {"attempt.feedback", "room.open", "attendance.change", "school.update"} <= actions


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_recorded_action_has_a_label_in_both_languages(app, lang):
    with app.test_request_context(), force_locale(lang):
        missing = sorted(a for a in recorded_actions() if action_label(a) in UNLABELLED)
        english = {a: action_label(a) for a in recorded_actions()}
    assert missing == []
    if lang == "sv":
        with app.test_request_context(), force_locale("en"):
            same = [a for a in english if action_label(a) == english[a]]
        # Swedish differs from English for (nearly) every label: the catalogue is filled in
        assert len(same) <= 2, same


def test_every_subject_kind_the_demo_records_has_a_name(app):
    # given the whole demo loaded through the services, which record most actions
    with app.app_context():
        demo.load(date.today())
        demo.load_pupils(date.today())
        db.session.flush()
        kinds = set(db.session.scalars(sa.select(AuditEntry.subject_type).distinct()))
        db.session.rollback()
    # then each kind of subject has a name in the log
    assert kinds and kinds <= set(SUBJECT_LABELS), kinds - set(SUBJECT_LABELS)


def test_the_log_page_shows_labels_and_localised_subjects_never_raw_codes(
    app, client, login_as, coordinator, make_nomination, school_staff
):
    # given a nomination (audited as nomination.create) and a login
    nomination_id = make_nomination()
    login_as(coordinator)
    page = client.get("/privacy/audit").get_data(as_text=True)
    # then the log says it in Swedish, with the subject named and linked for the coordinator
    assert "Nominerade en elev" in page
    assert "nomination.create" not in page and "session.login" not in page
    assert f'<a href="/nominations/{nomination_id}">Nominering {nomination_id}</a>' in page
    assert "Nomination " + str(nomination_id) not in page


def test_a_subject_is_linked_only_where_the_reader_may_open_it(
    app, coordinator, mentor, make_nomination, school_staff
):
    from flask import url_for

    from mentorhub.accounts.models import User
    from mentorhub.privacy.services import subjects_for

    # given the audit entry of a nomination
    nomination_id = make_nomination()
    with app.test_request_context(), force_locale("sv"):
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.subject_type == "Nomination")
        ).all()
        # when the coordinator reads it, the nomination is named and linked
        [shown] = subjects_for(db.session.get(User, coordinator.id), entries, url_for).values()
        assert (shown.text, shown.link) == (
            f"Nominering {nomination_id}",
            f"/nominations/{nomination_id}",
        )
        # when a mentor (who may not read nominations) reads it, it is named but not linked
        [shown] = subjects_for(db.session.get(User, mentor.id), entries, url_for).values()
        assert (shown.text, shown.link) == (f"Nominering {nomination_id}", None)


def test_the_subjects_of_a_page_are_loaded_in_bulk(
    app, coordinator, make_nomination, school_staff, count_queries
):
    from flask import url_for

    from mentorhub.accounts.models import User
    from mentorhub.privacy.services import subjects_for

    for name in ("Alva Lindgren", "Noah Berg", "Elsa Berg"):
        make_nomination(pupil_name=name, pupil_email=f"{name.split()[0].lower()}@elev.se")
    with app.test_request_context():
        entries = db.session.scalars(sa.select(AuditEntry)).all()
        reader = db.session.get(User, coordinator.id)
        reader.has_role()
        with count_queries() as statements:
            shown = subjects_for(reader, entries, url_for)
    assert len(shown) == len(entries) >= 3
    assert sum("FROM nominations" in s for s in statements) == 1
