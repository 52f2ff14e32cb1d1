"""`among`: a column among a list of values, the same rows on SQLite and PostgreSQL (one array
parameter there)."""

import sqlalchemy as sa

from mentorhub.accounts.models import Role, User
from mentorhub.extensions import db
from mentorhub.sqlutil import among


def test_among_selects_exactly_the_listed_rows_and_none_for_an_empty_list(app, make_user):
    # given three pupils
    pupils = [make_user(Role.PUPIL, name=f"Elev {n}") for n in range(3)]
    with app.app_context():
        # when two of them, then none, are asked for
        wanted = [pupils[0].id, pupils[2].id]
        two = db.session.scalars(sa.select(User.id).where(among(User.id, wanted))).all()
        none = db.session.scalars(sa.select(User.id).where(among(User.id, []))).all()
        # then exactly those two come back, and nobody for the empty list
        assert sorted(two) == sorted(wanted)
        assert none == []


def test_among_is_one_parameter_on_postgresql_and_an_in_list_elsewhere(app):
    # given a list of 250 ids, as a home teacher's pupils
    with app.app_context():
        dialect = db.engine.dialect
        # when the condition is compiled for the database the tests run on
        sql = str(among(User.id, range(1, 251)).compile(dialect=dialect))
    # then PostgreSQL gets one array parameter, and SQLite an IN list
    if dialect.name == "postgresql":
        assert "= ANY" in sql and sql.count("%(") == 1, sql
    else:
        assert " IN " in sql, sql
