"""The coordinator's programme report: whom the programme reaches and what happens in it.

Every figure is a count of pupils or of their records, computed in the database with one
aggregate query per table (none per pupil, whatever the region's size), then passed through
`suppression` so that no cell lets a reader single a pupil out. Free text (concerns, notes,
messages) never enters a report: only counts.

A period is a term, or a school year (the autumn term with the spring term after it). The
report reads the live tables; an erased pupil's rows stay as anonymous rows, so totals keep.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound

from mentorhub import audit, policy
from mentorhub.accounts.models import User
from mentorhub.concerns.models import Concern, ConcernStatus
from mentorhub.extensions import db
from mentorhub.goals.models import Goal, GoalStatus
from mentorhub.matching.models import Match, MatchStatus, MentorOffer
from mentorhub.meetings.models import Attendance, AttendanceStatus, Meeting
from mentorhub.nominations.labels import profile_label
from mentorhub.nominations.models import Nomination, NominationSubject, Status
from mentorhub.problems.models import Attempt, AttemptStatus
from mentorhub.programme.models import School, SchoolKind, SubjectArea, Term
from mentorhub.reports import cache
from mentorhub.reports.charts import BarChart, bar_chart
from mentorhub.reports.suppression import SuppressedTable, suppress
from mentorhub.timeutil import utcnow

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")

PROFILES = ("gifted", "high_performing")

# Who is in the programme and where: a write to any of these makes a cached report stale at
# once. The day's activity (attendance, attempts, goals, concerns, meetings) is written all day
# long; recounting a region's term after every attendance mark would make nearly every read a
# full recount, so those figures are as fresh as REPORT_CACHE_SECONDS, and the page says when
# they were computed.
cache.count_tables(
    *(
        model.__tablename__
        for model in (
            User,
            School,
            SubjectArea,
            Term,
            Nomination,
            NominationSubject,
            Match,
            MentorOffer,
        )
    )
)


@dataclass(frozen=True)
class Period:
    """The terms a report covers, and the moments (naive UTC) from its first day's start to
    the end of its last day, in Stockholm time."""

    value: str  # as the chooser names it: "t<term id>" or "y<year>"
    label: str
    term_ids: tuple[int, ...]
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class Filters:
    period: Period
    school_id: int | None = None
    threshold: int = 5  # the smallest count shown as it is


@dataclass
class ReportTable:
    """One table of the report: labelled rows and columns over suppressed counts."""

    key: str
    title: str
    row_heading: str
    row_labels: list[str]
    column_labels: list[str]
    table: SuppressedTable
    row_totals: bool = True
    notes: list[str] = field(default_factory=list)

    def cells(self, row: int) -> list[str]:
        """The labels a reader sees in `row` (the totals row is `len(row_labels)`)."""
        last = self.table.columns + (1 if self.row_totals else 0)
        return [self.table.label(row, c) for c in range(last)]

    @cached_property
    def body(self) -> list[tuple[str, list[str]]]:
        """Every row with its cells, the totals row last (computed once: the table is cached)."""
        body = [(label, self.cells(i)) for i, label in enumerate(self.row_labels)]
        return [*body, (str(_l("Total")), self.cells(len(self.row_labels)))]

    def rows(self) -> list[tuple[str, list[str]]]:
        return self.body

    @cached_property
    def chart(self) -> BarChart:
        return bar_chart(self.table, self.row_labels)

    def rate(self, row: int, numerator: tuple[int, ...]) -> float | None:
        """The share of `row`'s total that the `numerator` columns make, or None when any of
        them is hidden (a shown rate would give the hidden count back)."""
        table = self.table
        parts = [table.visible(row, c) for c in numerator]
        total = table.visible(row, table.columns)
        if total is None or not total or any(part is None for part in parts):
            return None
        return sum(parts) / total

    def header(self) -> list[str]:
        totals = [str(_l("Total"))] if self.row_totals else []
        return [self.row_heading, *self.column_labels, *totals]


def _moment(day: date) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=STOCKHOLM)
    return local.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class TermRow:
    id: int
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class SchoolRow:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class Choices:
    """What the report's filters are chosen from: terms and pupils' schools, read once and
    kept with the reports (a write to either table empties the cache)."""

    terms: tuple[TermRow, ...]  # newest first
    schools: tuple[SchoolRow, ...]

    def school(self, school_id: int) -> SchoolRow | None:
        return next((s for s in self.schools if s.id == school_id), None)


def choices(cache_seconds: float = 0) -> Choices:
    return cache.cached(
        ("choices",), cache_seconds, _read_choices, background=_in_background(str(get_locale()))
    )


def _read_choices() -> Choices:
    terms = db.session.scalars(sa.select(Term).order_by(Term.starts_on.desc())).all()
    query = sa.select(School).where(School.kind != SchoolKind.STUDY_CENTRE.value)
    schools = db.session.scalars(query.order_by(School.name)).all()
    return Choices(
        terms=tuple(TermRow(t.id, t.name, t.starts_on, t.ends_on) for t in terms),
        schools=tuple(SchoolRow(s.id, s.name, s.active) for s in schools),
    )


def school_year_of(term: TermRow | Term) -> int:
    """The calendar year a term's school year starts in (autumn 2026 and spring 2027: 2026)."""
    return term.starts_on.year if term.starts_on.month >= 7 else term.starts_on.year - 1


def _year_label(year: int) -> str:
    return str(_l("School year %(year)s", year=f"{year}/{year + 1}"))


def periods(known: Choices | None = None) -> list[tuple[str, str]]:
    """The periods to choose from, newest first: each term ("t<id>") and each school year
    ("y<year>") that has a term, as (value, label)."""
    listed: list[tuple[str, str]] = []
    for term in (known or choices()).terms:
        value = f"y{school_year_of(term)}"
        if all(existing != value for existing, _ in listed):
            listed.append((value, _year_label(school_year_of(term))))
        listed.append((f"t{term.id}", term.name))
    return listed


def period_for(value: str | None, known: Choices | None = None) -> Period | None:
    """The period a chooser value names (see `periods`); the newest term when none is given;
    None when it names nothing."""
    terms = (known or choices()).terms
    if not value:
        return _period_of(f"t{terms[0].id}", [terms[0]], terms[0].name) if terms else None
    kind, number = value[:1], value[1:]
    if not number.isdigit():
        return None
    if kind == "t":
        term = next((t for t in terms if t.id == int(number)), None)
        return _period_of(value, [term], term.name) if term else None
    if kind == "y":
        year = int(number)
        of_year = [t for t in terms if school_year_of(t) == year]
        return _period_of(value, of_year, _year_label(year)) if of_year else None
    return None


def _period_of(value: str, terms: list[TermRow], label: str) -> Period:
    return Period(
        value=value,
        label=label,
        term_ids=tuple(sorted(t.id for t in terms)),
        starts=_moment(min(t.starts_on for t in terms)),
        ends=_moment(max(t.ends_on for t in terms) + timedelta(days=1)),
    )


def pupil_schools(known: Choices | None = None) -> tuple[SchoolRow, ...]:
    """The compulsory schools pupils come from (the studietorg has no pupils of its own)."""
    return (known or choices()).schools


def read_filters(
    user: User, period: str | None, school: str | None, threshold: int, known: Choices
) -> tuple[Filters, str]:
    """The filters an address asks for, and a message when it asks for something that does
    not exist (then the newest term and every school are shown instead)."""
    policy.authorize(policy.can_view_reports(user))
    chosen = period_for(period, known)
    problem = ""
    if chosen is None:
        problem = _l("There is no such period; the newest term is shown.") if period else ""
        chosen = period_for(None, known) or _EMPTY_PERIOD
    school_id = int(school) if school and school.isdigit() else None
    if school and (school_id is None or known.school(school_id) is None):
        problem, school_id = _l("There is no such school; every school is shown."), None
    return Filters(period=chosen, school_id=school_id, threshold=threshold), str(problem)


_EMPTY_PERIOD = Period(value="", label="", term_ids=(), starts=datetime.min, ends=datetime.min)


def read_report(
    user: User,
    filters: Filters,
    now: datetime,
    cache_seconds: float = 0,
    layout: Callable[[Report], object] | None = None,
) -> Report:
    """The report for a coordinator, logged as read (which period, which school); computed
    again only when what it counts has changed or `cache_seconds` have passed, and then
    behind the scenes where it can be (`reports.cache`). `layout(report)` lays out its parts
    (kept in `report.html`) wherever it is counted, so a recount behind the scenes leaves the
    reader nothing to do."""
    policy.authorize(policy.can_view_reports(user))
    audit.record(user, "report.view", _logged_subject(user, filters), **_logged(filters))
    return _cached_report(filters, now, cache_seconds, layout)


def _cached_report(
    filters: Filters,
    now: datetime,
    cache_seconds: float,
    layout: Callable[[Report], object] | None = None,
) -> Report:
    def counted(at: datetime) -> Report:
        computed = report(filters, at)
        if layout is not None:
            layout(computed)
        return computed

    # Labels are in the reader's language, so each language keeps its own copy.
    locale = str(get_locale())
    return cache.cached(
        (filters, locale),
        cache_seconds,
        lambda: counted(now),
        background=_in_background(locale),
        recount=lambda: counted(utcnow()),
    )


def _in_background(locale: str) -> cache.Background:
    """Run a recount of a report that has grown old in a thread of its own (a greenlet under
    gevent), in the app and the reader's language, with a session of its own."""
    app = current_app._get_current_object()

    def start(job: Callable[[], None]) -> None:
        def run() -> None:
            with app.test_request_context(), force_locale(locale):
                try:
                    job()
                finally:
                    db.session.remove()

        threading.Thread(target=run, name="report-recount", daemon=True).start()

    return start


def export_table(
    user: User, filters: Filters, key: str, now: datetime, cache_seconds: float = 0
) -> ReportTable:
    """One table of the report for its CSV, with the same suppression (the very table the page
    shows, when it is still fresh); logged as an export."""
    policy.authorize(policy.can_view_reports(user))
    tables = _cached_report(filters, now, cache_seconds).tables
    table = next((t for t in tables if t.key == key), None)
    if table is None:
        raise NotFound()
    audit.record(
        user, "report.export", _logged_subject(user, filters), table=key, **_logged(filters)
    )
    return table


def _logged_subject(user: User, filters: Filters):
    """What a report entry in the log is about: the period's first term. Named by its id only
    (a Term that is never added to the session): the log needs the kind and the id, and the
    report is read often enough that a query for the row would be a seventh of its cost."""
    if filters.period.term_ids:
        return Term(id=filters.period.term_ids[0])
    return user


def _logged(filters: Filters) -> dict:
    return {"period": filters.period.label, "school_id": filters.school_id}


# --- the tables ---------------------------------------------------------------------------------


def _matched(filters: Filters, pupil_id, area_id=None) -> sa.ColumnElement[bool]:
    """Has a confirmed match in the period (in that subject area, when one is given). An IN
    over one set, not a subquery per row: the database builds the set once."""
    confirmed = sa.and_(
        Match.term_id.in_(filters.period.term_ids), Match.status == MatchStatus.CONFIRMED.value
    )
    if area_id is None:
        return pupil_id.in_(sa.select(Match.pupil_id).where(confirmed))
    pairs = sa.select(Match.pupil_id, Match.subject_area_id).where(confirmed)
    return sa.tuple_(pupil_id, area_id).in_(pairs)


def _took_part(filters: Filters, pupil_id) -> sa.ColumnElement[bool]:
    """Active: came to a meeting (on time or late) or tried a problem within the period.

    Asked per nomination as EXISTS, which each pupil's index answers at their first record
    (attendance by pupil, attempts by pupil and time), rather than as an IN over the set of
    every pupil active in the period, which reads the term's every attendance mark first: five
    times quicker at 10,000 pupils on SQLite and PostgreSQL alike."""
    period = filters.period
    attended = (
        sa.select(Attendance.pupil_id)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(
            Attendance.pupil_id == pupil_id,
            Attendance.status.in_([AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value]),
            Meeting.starts_at >= period.starts,
            Meeting.starts_at < period.ends,
        )
        .exists()
    )
    tried = (
        sa.select(Attempt.pupil_id)
        .where(
            Attempt.pupil_id == pupil_id,
            Attempt.created_at >= period.starts,
            Attempt.created_at < period.ends,
        )
        .exists()
    )
    return sa.or_(attended, tried)


def _count_if(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


REACH_COLUMNS = (_l("Nominated"), _l("Approved"), _l("Matched"), _l("Active"))


Cube = dict[tuple, list[int]]
_CUBE_AXES = ("school", "year", "profile")


def reach_cube(filters: Filters) -> Cube:
    """Nominated, approved, matched and active pupils per (school, year, profile): one query
    that every breakdown but the subject area's sums from (each nomination has one of each)."""
    approved = Nomination.status == Status.APPROVED.value
    matched = sa.and_(approved, _matched(filters, Nomination.pupil_id))
    active = sa.and_(matched, _took_part(filters, Nomination.pupil_id))
    axes = (Nomination.school_id, Nomination.year, Nomination.profile)
    query = sa.select(
        *axes, sa.func.count(), _count_if(approved), _count_if(matched), _count_if(active)
    ).where(Nomination.term_id.in_(filters.period.term_ids))
    if filters.school_id is not None:
        query = query.where(Nomination.school_id == filters.school_id)
    return {
        tuple(row[:3]): [int(v) for v in row[3:]]
        for row in db.session.execute(query.group_by(*axes))
    }


def reach(filters: Filters, by: str, cube: Cube | None = None) -> ReportTable:
    """Pupils nominated, approved, matched and active, by school, year, profile or subject
    area. The columns nest (every active pupil is matched, ...), so there is no row total."""
    if by == "area":
        counts = _reach_by_area(filters)
    else:
        axis = _CUBE_AXES.index(by)
        counts: dict = {}
        for key, values in (cube if cube is not None else reach_cube(filters)).items():
            total = counts.setdefault(key[axis], [0, 0, 0, 0])
            for i, value in enumerate(values):
                total[i] += value
    keys, labels = _dimension_rows(by, counts)
    titles = {
        "school": _l("Pupils by school"),
        "year": _l("Pupils by year"),
        "profile": _l("Pupils by profile"),
        "area": _l("Pupils by subject area"),
    }
    notes = (
        [str(_l("A pupil nominated in two subject areas counts in both."))] if by == "area" else []
    )
    return _table(
        filters,
        f"reach_{by}",
        titles[by],
        _dimension_heading(by),
        labels,
        [str(c) for c in REACH_COLUMNS],
        [counts.get(k, [0, 0, 0, 0]) for k in keys],
        row_totals=False,
        notes=notes,
    )


def _reach_by_area(filters: Filters) -> dict:
    """As the cube, per subject area of the nomination: matched means matched in that area."""
    area = NominationSubject.subject_area_id
    approved = Nomination.status == Status.APPROVED.value
    matched = sa.and_(approved, _matched(filters, Nomination.pupil_id, area))
    active = sa.and_(matched, _took_part(filters, Nomination.pupil_id))
    query = (
        sa.select(area, sa.func.count(), _count_if(approved), _count_if(matched), _count_if(active))
        .join(NominationSubject, NominationSubject.nomination_id == Nomination.id)
        .where(Nomination.term_id.in_(filters.period.term_ids))
    )
    if filters.school_id is not None:
        query = query.where(Nomination.school_id == filters.school_id)
    return {row[0]: [int(v) for v in row[1:]] for row in db.session.execute(query.group_by(area))}


def _dimension_heading(by: str) -> str:
    return str(
        {
            "school": _l("School"),
            "year": _l("Year"),
            "profile": _l("Profile"),
            "area": _l("Subject area"),
            "level": _l("Level"),
        }[by]
    )


def _dimension_rows(by: str, counts: dict) -> tuple[list, list[str]]:
    """The rows a dimension always shows (every school, both years, ...), so that a missing
    row never tells that a count is zero or that a school was filtered out."""
    if by == "school":
        rows = [(s.id, s.name) for s in _read_choices().schools if s.id in counts or s.active]
    elif by == "area":
        areas = db.session.scalars(sa.select(SubjectArea).order_by(SubjectArea.name)).all()
        rows = [(a.id, a.name) for a in areas if a.id in counts or a.active]
    elif by == "year":
        rows = [(year, str(_l("Year %(year)s", year=year))) for year in sorted({8, 9, *counts})]
    elif by == "profile":
        rows = [(key, profile_label(key)) for key in (*PROFILES, *(counts.keys() - PROFILES))]
    else:  # level
        rows = [(level, str(level)) for level in sorted({1, 2, 3, 4, 5, *counts})]
    return [key for key, _ in rows], [label for _, label in rows]


def _school_of_pupil(query: sa.Select, pupil_id, filters: Filters) -> tuple[sa.Select, object]:
    query = query.join(User, User.id == pupil_id)
    if filters.school_id is not None:
        query = query.where(User.school_id == filters.school_id)
    return query, User.school_id


ATTENDANCE_COLUMNS = (
    (AttendanceStatus.PRESENT, _l("Present")),
    (AttendanceStatus.LATE, _l("Late")),
    (AttendanceStatus.ABSENT_WITH_NOTICE, _l("Absent with notice")),
    (AttendanceStatus.ABSENT, _l("Absent")),
)


def attendance(filters: Filters) -> ReportTable:
    """Attendance recorded at the meetings of the period, by the pupil's school."""
    period = filters.period
    # Counted per pupil first, then per school: one join to users per pupil, not per mark.
    per_pupil = (
        sa.select(Attendance.pupil_id, Attendance.status, sa.func.count().label("n"))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(
            Meeting.cancelled_at.is_(None),
            Meeting.starts_at >= period.starts,
            Meeting.starts_at < period.ends,
        )
        .group_by(Attendance.pupil_id, Attendance.status)
        .subquery()
    )
    query = sa.select(User.school_id, per_pupil.c.status, sa.func.sum(per_pupil.c.n))
    query, school = _school_of_pupil(query.select_from(per_pupil), per_pupil.c.pupil_id, filters)
    return _status_table(
        filters,
        "attendance",
        _l("Attendance at meetings, by school"),
        query.group_by(school, per_pupil.c.status),
        ATTENDANCE_COLUMNS,
        notes=[str(_l("Attendance rate: present or late, of all recorded attendances."))],
    )


def meetings_held(filters: Filters, now: datetime) -> int:
    """Meetings of the period that took place (not cancelled, already begun). A count of
    meetings, not pupils: nobody is singled out by it."""
    period = filters.period
    query = sa.select(sa.func.count(Meeting.id)).where(
        Meeting.cancelled_at.is_(None),
        Meeting.starts_at >= period.starts,
        Meeting.starts_at < min(period.ends, now),
    )
    if filters.school_id is not None:
        query = query.where(
            sa.select(Attendance.pupil_id)
            .join(User, User.id == Attendance.pupil_id)
            .where(Attendance.meeting_id == Meeting.id, User.school_id == filters.school_id)
            .exists()
        )
    return int(db.session.scalar(query) or 0)


ATTEMPT_COLUMNS = (
    (AttemptStatus.SOLVED, _l("Solved")),
    (AttemptStatus.NOT_YET, _l("Not yet")),
    (AttemptStatus.NEW, _l("Waiting for feedback")),
)


def attempts(filters: Filters) -> ReportTable:
    """Problem attempts handed in during the period, by level and outcome."""
    period = filters.period
    query = sa.select(Attempt.level, Attempt.status, sa.func.count()).where(
        Attempt.created_at >= period.starts, Attempt.created_at < period.ends
    )
    if filters.school_id is not None:
        query, _ = _school_of_pupil(query, Attempt.pupil_id, filters)
    return _status_table(
        filters,
        "attempts",
        _l("Problems attempted, by level"),
        query.group_by(Attempt.level, Attempt.status),
        ATTEMPT_COLUMNS,
        by="level",
    )


GOAL_COLUMNS = (
    (GoalStatus.ACTIVE, _l("Active")),
    (GoalStatus.REACHED, _l("Reached")),
    (GoalStatus.PAUSED, _l("Paused")),
    (GoalStatus.REPLACED, _l("Replaced")),
)


def goals(filters: Filters) -> ReportTable:
    """Goals set during the period, by the pupil's school and where they stand now."""
    return _per_school(filters, Goal, "goals", _l("Goals set, by school"), GOAL_COLUMNS)


CONCERN_COLUMNS = ((ConcernStatus.OPEN, _l("Open")), (ConcernStatus.CLOSED, _l("Closed")))


def concerns(filters: Filters) -> ReportTable:
    """Concerns raised during the period, by the pupil's school: counts only, never text."""
    return _per_school(
        filters, Concern, "concerns", _l("Concerns raised, by school"), CONCERN_COLUMNS
    )


def _per_school(filters: Filters, model, key: str, title, columns) -> ReportTable:
    """A pupil's records (`model` with pupil_id, status, created_at) made during the period,
    by the pupil's school and status."""
    period = filters.period
    query = sa.select(User.school_id, model.status, sa.func.count()).where(
        model.created_at >= period.starts, model.created_at < period.ends
    )
    query, school = _school_of_pupil(query, model.pupil_id, filters)
    return _status_table(filters, key, title, query.group_by(school, model.status), columns)


@dataclass(frozen=True)
class MentorLoad:
    name: str
    capacity: int
    matched: int


def mentor_load(filters: Filters) -> list[MentorLoad]:
    """Each mentor's confirmed pupils against the capacity they offered. About staff, not
    pupils, so it is not suppressed; a school filter does not apply to mentors."""
    matched = (
        sa.select(sa.func.count(sa.distinct(Match.pupil_id)))
        .where(
            Match.mentor_id == MentorOffer.mentor_id,
            Match.term_id == MentorOffer.term_id,
            Match.status == MatchStatus.CONFIRMED.value,
        )
        .scalar_subquery()
    )
    query = (
        sa.select(User.name, sa.func.sum(MentorOffer.capacity), sa.func.sum(matched))
        .join(User, User.id == MentorOffer.mentor_id)
        .where(MentorOffer.term_id.in_(filters.period.term_ids))
        .group_by(User.id, User.name)
        .order_by(User.name)
    )
    return [
        MentorLoad(name, int(cap or 0), int(n or 0)) for name, cap, n in db.session.execute(query)
    ]


def _status_table(
    filters: Filters, key, title, query, columns, *, by: str = "school", notes=None
) -> ReportTable:
    counts: dict = {}
    index = {status.value: i for i, (status, _) in enumerate(columns)}
    for dimension, status, number in db.session.execute(query):
        if status in index:
            counts.setdefault(dimension, [0] * len(columns))[index[status]] += int(number)
    keys, labels = _dimension_rows(by, counts)
    if by == "school" and None in counts:
        keys.append(None)
        labels.append(str(_l("No school recorded")))
    return _table(
        filters,
        key,
        title,
        _dimension_heading(by),
        labels,
        [str(label) for _, label in columns],
        [counts.get(k, [0] * len(columns)) for k in keys],
        notes=notes or [],
    )


def _table(
    filters: Filters, key, title, heading, labels, columns, counts, *, row_totals=True, notes=()
) -> ReportTable:
    if not counts:
        counts, labels = [[0] * len(columns)], [str(_l("None"))]
    return ReportTable(
        key=key,
        title=str(title),
        row_heading=heading,
        row_labels=labels,
        column_labels=columns,
        table=suppress(counts, filters.threshold, row_totals=row_totals),
        row_totals=row_totals,
        notes=list(notes),
    )


@dataclass
class Report:
    filters: Filters
    meetings_held: int
    tables: list[ReportTable]
    load: list[MentorLoad]
    computed_at: datetime
    html: dict[str, str] = field(default_factory=dict)  # laid-out parts, kept with the cache


def report(filters: Filters, now: datetime) -> Report:
    """Every table of the programme report for `filters`: a fixed number of aggregate queries."""
    cube = reach_cube(filters)
    return Report(
        filters=filters,
        meetings_held=meetings_held(filters, now),
        tables=[
            *(reach(filters, by, cube) for by in ("school", "year", "profile", "area")),
            attendance(filters),
            attempts(filters),
            goals(filters),
            concerns(filters),
        ],
        load=mentor_load(filters),
        computed_at=now,
    )
