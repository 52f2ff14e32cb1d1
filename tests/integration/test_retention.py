"""Retention: `flask mentorhub retention` anonymises the pupils whose last term ended more
than RETENTION_MONTHS ago; --dry-run only lists them; a second run finds none; a malformed
setting refuses to start."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mentorhub.accounts.models import Role, User
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.privacy.retention import RetentionSettingError, months_before, months_setting
from mentorhub.programme.models import SubjectArea, Term


@pytest.fixture
def pupils(app, make_user, mentor):
    """Olle, whose last term ended 14 months ago, and Maja, whose ended 3 months ago."""
    today = date.today()
    olle = make_user(Role.PUPIL, name="Olle Ström")
    maja = make_user(Role.PUPIL, name="Maja Berg")
    with app.app_context():
        area = SubjectArea(name="Matematik", description="")
        old = Term(
            name="Gammal",
            starts_on=today - timedelta(days=600),
            ends_on=today - timedelta(days=430),
        )
        recent = Term(
            name="Nyss", starts_on=today - timedelta(days=250), ends_on=today - timedelta(days=95)
        )
        db.session.add_all([area, old, recent])
        db.session.flush()
        for pupil, term in ((olle, old), (maja, recent)):
            db.session.add(
                Match(
                    term_id=term.id,
                    pupil_id=pupil.id,
                    mentor_id=mentor.id,
                    subject_area_id=area.id,
                    status=MatchStatus.CONFIRMED.value,
                )
            )
        db.session.commit()
    return {"olle": olle, "maja": maja}


def name_of(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).name


def test_a_dry_run_lists_the_pupils_due_and_changes_nothing(app, pupils):
    result = app.test_cli_runner().invoke(args=["mentorhub", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"pupil {pupils['olle'].id} " in result.output
    assert f"pupil {pupils['maja'].id} " not in result.output
    assert "Olle" not in result.output  # a cron log holds no names
    assert name_of(app, pupils["olle"]) == "Olle Ström"


def test_the_run_anonymises_those_due_and_a_second_run_finds_none(app, pupils):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["mentorhub", "retention"])
    assert first.exit_code == 0, first.output
    assert "1 pupil(s) anonymised" in first.output
    assert name_of(app, pupils["olle"]) != "Olle Ström"
    assert name_of(app, pupils["maja"]) == "Maja Berg"
    again = runner.invoke(args=["mentorhub", "retention"])
    assert again.exit_code == 0 and "0 pupil(s) anonymised" in again.output


@pytest.mark.parametrize("setting", ["tolv", "", "0", "-3", "12.5", "1000"])
def test_a_malformed_setting_refuses_to_start(app, pupils, setting):
    app.config["RETENTION_MONTHS"] = setting
    try:
        result = app.test_cli_runner().invoke(args=["mentorhub", "retention"])
    finally:
        app.config["RETENTION_MONTHS"] = "12"
    assert result.exit_code != 0
    assert "RETENTION_MONTHS" in result.output and "Nothing was changed" in result.output
    assert name_of(app, pupils["olle"]) == "Olle Ström"


def test_the_setting_reads_whole_months():
    assert months_setting(" 18 ") == 18
    with pytest.raises(RetentionSettingError):
        months_setting("abc")


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert months_before(date(2027, 1, 15), 12) == date(2026, 1, 15)
    assert months_before(date(2027, 1, 15), 13) == date(2025, 12, 15)
