"""Goals, their timeline, check-ins and the build-up summary.

Services validate, add and flush; the request commits. Every refusal is a `DomainError` tied to
the form field it concerns, raised before anything is added, so nothing is stored half-way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit, jobs, markup, policy
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError, Missing, Refused
from mentorhub.extensions import db
from mentorhub.goals.models import RATINGS, BuildUpSummary, CheckIn, Goal, GoalEvent, GoalStatus
from mentorhub.notifications.models import Notification
from mentorhub.notifications.services import notify
from mentorhub.pupils import services as pupils
from mentorhub.timeutil import utcnow

STOCKHOLM = ZoneInfo("Europe/Stockholm")
EDITABLE_FIELDS = ("title", "why", "steps", "evidence", "target_date")

# Which state a goal may move to from which; reached and replaced are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    GoalStatus.ACTIVE.value: frozenset({"reached", "paused", "replaced"}),
    GoalStatus.PAUSED.value: frozenset({"active", "replaced"}),
    GoalStatus.REACHED.value: frozenset(),
    GoalStatus.REPLACED.value: frozenset(),
}


@dataclass
class GoalData:
    title: str
    why: str = ""
    steps: str = ""
    evidence: str = ""
    target_date: date | None = None


# --- pure rules ------------------------------------------------------------------------------


def can_move(current: str, to: str) -> bool:
    """Whether a goal in state `current` may move to state `to`."""
    return to in TRANSITIONS.get(current, frozenset())


def next_states(current: str) -> list[str]:
    """The states a goal may move to, in a stable order for forms."""
    order = ("active", "reached", "paused", "replaced")
    return [s for s in order if can_move(current, s)]


def week_start(now: datetime) -> datetime:
    """Monday 00:00 of `now`'s week in Stockholm, as naive UTC (how timestamps are stored).

    `now` is naive UTC. The week is the pupil's week: Monday to Sunday in Swedish time, so a
    check-in late on Sunday evening still belongs to that week, whatever UTC says."""
    local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(STOCKHOLM)
    monday = (local - timedelta(days=local.weekday())).date()
    start = datetime(monday.year, monday.month, monday.day, tzinfo=STOCKHOLM)
    return start.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def due_for_checkin(
    goals: Iterable[Goal], last_checkin: dict[int, datetime], now: datetime
) -> list[Goal]:
    """The active goals whose last check-in by the pupil (`last_checkin` by goal id, naive UTC)
    is missing or from before this week."""
    start = week_start(now)
    return [
        g
        for g in goals
        if g.status == GoalStatus.ACTIVE.value
        and (last_checkin.get(g.id) is None or last_checkin[g.id] < start)
    ]


def steps_list(steps: str) -> list[str]:
    """The steps, one per non-empty line."""
    return [line.strip(" -•*\t") for line in (steps or "").splitlines() if line.strip(" -•*\t")]


def changed_fields(goal: Goal, data: GoalData) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields `data` changes (dates as ISO strings, for JSON)."""
    changes: dict[str, list[Any]] = {}
    for name in EDITABLE_FIELDS:
        old, new = getattr(goal, name), getattr(data, name)
        if name != "target_date":
            old, new = (old or "").strip(), (new or "").strip()
        if old != new:
            if name == "target_date":
                old = old.isoformat() if old else None
                new = new.isoformat() if new else None
            changes[name] = [old, new]
    return changes


def _validate(data: GoalData, today: date, *, old_target: date | None = None) -> None:
    if not data.title.strip():
        raise DomainError(_l("Give the goal a title."), "title")
    if len(data.title.strip()) > 160:
        raise DomainError(_l("The title can be at most 160 characters."), "title")
    # An unchanged old date may lie in the past; a new one may not.
    if data.target_date and data.target_date < today and data.target_date != old_target:
        raise DomainError(_l("The target date cannot be in the past."), "target_date")


def _today() -> date:
    return datetime.now(STOCKHOLM).date()


# --- who hears about a goal ------------------------------------------------------------------


def _everyone_but(actor: User, pupil: User) -> list[User]:
    return [u for u in [pupil, *pupils.care_team(pupil.id)] if u.id != actor.id]


def _goal_link(goal: Goal) -> str:
    # a plain path (as meetings and nominations link), so no request is needed to build it
    return f"/goals/{goal.id}"


# --- goals -----------------------------------------------------------------------------------


def create_goal(actor: User, pupil: User, data: GoalData, template: str = "") -> Goal:
    """A new active goal for the pupil; the pupil and the rest of the care team are told."""
    _validate(data, _today())
    goal = Goal(
        pupil_id=pupil.id,
        template=template or "",
        title=data.title.strip(),
        why=data.why.strip(),
        steps=data.steps.strip(),
        evidence=data.evidence.strip(),
        target_date=data.target_date,
        created_by_id=actor.id,
    )
    db.session.add(goal)
    db.session.flush()
    db.session.add(GoalEvent(goal_id=goal.id, kind="created", author_id=actor.id))
    notify(
        _everyone_but(actor, pupil),
        "goal.created",
        {"author": actor.name, "pupil": pupil.name, "goal": goal.title},
        _goal_link(goal),
    )
    db.session.flush()
    return goal


def update_goal(actor: User, goal: Goal, data: GoalData) -> dict[str, list[Any]]:
    """Save the changed fields and record who changed which from what to what. Returns the
    changes; with none, nothing is stored."""
    _validate(data, _today(), old_target=goal.target_date)
    changes = changed_fields(goal, data)
    if not changes:
        return {}
    for name in changes:
        value = getattr(data, name)
        setattr(goal, name, value.strip() if isinstance(value, str) else value)
    db.session.add(GoalEvent(goal_id=goal.id, kind="edited", author_id=actor.id, changes=changes))
    db.session.flush()
    return changes


def comment(actor: User, goal: Goal, body: str) -> GoalEvent:
    """A comment in the goal's timeline; the others around the goal are told."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write a comment before sending."), "body")
    event = GoalEvent(goal_id=goal.id, kind="comment", author_id=actor.id, body=body)
    db.session.add(event)
    notify(
        _everyone_but(actor, goal.pupil),
        "goal.commented",
        {"author": actor.name, "goal": goal.title},
        _goal_link(goal),
    )
    db.session.flush()
    return event


def check_in(actor: User, goal: Goal, rating: int | None, comment_text: str = "") -> CheckIn:
    """A rating (1–4) of an active goal, by the pupil or by staff."""
    if goal.status != GoalStatus.ACTIVE.value:
        raise DomainError(_l("Only an active goal can be rated."), "rating")
    if rating not in RATINGS:
        raise DomainError(_l("Choose how it is going, from 1 to 4."), "rating")
    checkin = CheckIn(
        goal_id=goal.id,
        pupil_id=goal.pupil_id,
        author_id=actor.id,
        rating=rating,
        comment=(comment_text or "").strip(),
    )
    db.session.add(checkin)
    db.session.flush()
    return checkin


def change_status(actor: User, goal: Goal, to: str, note: str) -> GoalEvent:
    """Move the goal to another state, with a note saying why; everyone around it is told."""
    note = (note or "").strip()
    if not can_move(goal.status, to):
        raise DomainError(_l("The goal cannot be moved to that state from its current one."), "to")
    if not note:
        raise DomainError(_l("Write a note about why the state changes."), "note")
    event = GoalEvent(
        goal_id=goal.id,
        kind="status",
        author_id=actor.id,
        body=note,
        changes={"from": goal.status, "to": to},
    )
    goal.status = to
    db.session.add(event)
    notify(
        _everyone_but(actor, goal.pupil),
        "goal.status",
        {"goal": goal.title, "status": to},
        _goal_link(goal),
    )
    db.session.flush()
    return event


# --- reading: check, load and audit together ------------------------------------------------


def pupil_for(reader: User, pupil_id: int, allowed: Any) -> User:
    """The person whose goals the address names, for a reader the rule `allowed` lets in.
    Access is decided on the id before anything is loaded, so an outsider gets `Refused` (403)
    for every id alike and cannot tell which pupils exist. Not audited: it shows nothing."""
    if not allowed(reader, pupil_id):
        raise Refused()
    pupil = db.session.get(User, pupil_id)
    if pupil is None:
        raise Missing()
    return pupil


def goals_of(reader: User, pupil_id: int) -> tuple[User, list[Goal]]:
    """A pupil's goals for the staff around them, audited as `goals.view`."""
    pupil = pupil_for(reader, pupil_id, policy.cares_for)
    audit.record(reader, "goals.view", pupil, person=pupil)
    return pupil, goals_for_pupils([pupil.id])[pupil.id]


def goal_for(reader: User, goal_id: int, *rules: Any) -> Goal:
    """The goal, for the pupil and the staff around them (and each of `rules`, such as
    `policy.can_edit_goal`); `Missing` for no goal, `Refused` otherwise. Not audited: it is
    for the actions, whose page (`goal_page`) is."""
    goal = db.session.get(Goal, goal_id)
    if goal is None:
        raise Missing()
    if not all(rule(reader, goal) for rule in (policy.can_view_goal, *rules)):
        raise Refused()
    return goal


def goal_page(reader: User, goal_id: int) -> Goal:
    """One goal to show: read by anyone but its pupil, it is audited as `goal.view`."""
    goal = goal_for(reader, goal_id)
    if reader.id != goal.pupil_id:
        audit.record(reader, "goal.view", goal, person=goal.pupil)
    return goal


def goals_for_pupils(pupil_ids: Iterable[int]) -> dict[int, list[Goal]]:
    """Each pupil's goals, active first, then newest first; one query for all pupils."""
    ids = list(set(pupil_ids))
    result: dict[int, list[Goal]] = {pid: [] for pid in ids}
    if not ids:
        return result
    active_first = sa.case((Goal.status == GoalStatus.ACTIVE.value, 0), else_=1)
    for goal in db.session.scalars(
        sa.select(Goal)
        .where(Goal.pupil_id.in_(ids))
        .order_by(active_first, Goal.created_at.desc(), Goal.id.desc())
    ).unique():
        result[goal.pupil_id].append(goal)
    return result


def checkins_for_goals(goal_ids: Iterable[int]) -> dict[int, list[CheckIn]]:
    """Each goal's check-ins, oldest first; one query for all goals."""
    ids = list(set(goal_ids))
    result: dict[int, list[CheckIn]] = {gid: [] for gid in ids}
    if not ids:
        return result
    for checkin in db.session.scalars(
        sa.select(CheckIn).where(CheckIn.goal_id.in_(ids)).order_by(CheckIn.created_at, CheckIn.id)
    ).unique():
        result[checkin.goal_id].append(checkin)
    return result


def events_for(goal: Goal) -> list[GoalEvent]:
    return list(
        db.session.scalars(
            sa.select(GoalEvent)
            .where(GoalEvent.goal_id == goal.id)
            .order_by(GoalEvent.created_at, GoalEvent.id)
        ).unique()
    )


@dataclass
class TimelineEntry:
    kind: str  # created | edited | comment | status | checkin
    at: datetime
    author: User | None
    item: Any  # the GoalEvent or CheckIn
    html: str = ""  # a comment's Markdown, rendered and sanitised by `markup` (as chat is)


def timeline(events: list[GoalEvent], checkins: list[CheckIn]) -> list[TimelineEntry]:
    """Events and check-ins of a goal as one list in time order; comments rendered from
    Markdown here, when shown, so comments written before the rendering came show too."""
    entries = [
        TimelineEntry(
            e.kind, e.created_at, e.author, e, markup.render(e.body) if e.kind == "comment" else ""
        )
        for e in events
    ]
    entries += [TimelineEntry("checkin", c.created_at, c.author, c) for c in checkins]
    return sorted(entries, key=lambda e: e.at)


def checkin_prompt_for(user: User) -> list[Goal]:
    """The pupil's active goals that have had no check-in from them this week (Monday–Sunday,
    Stockholm time). One query: the goals with the time of the pupil's last check-in."""
    last = (
        sa.select(CheckIn.goal_id, sa.func.max(CheckIn.created_at).label("last_at"))
        .where(CheckIn.pupil_id == user.id, CheckIn.author_id == user.id)
        .group_by(CheckIn.goal_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Goal, last.c.last_at)
        .outerjoin(last, last.c.goal_id == Goal.id)
        .where(Goal.pupil_id == user.id, Goal.status == GoalStatus.ACTIVE.value)
        .order_by(Goal.created_at, Goal.id)
    ).unique()
    goals, last_at = [], {}
    for goal, when in rows:
        goals.append(goal)
        if when is not None:
            last_at[goal.id] = when
    return due_for_checkin(goals, last_at, utcnow())


# --- "what to build up next" -----------------------------------------------------------------


def write_build_up(actor: User, pupil: User, body: str) -> BuildUpSummary:
    """A new dated summary by the mentor; older ones are kept. The pupil and staff are told."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write what the pupil should build up next."), "body")
    summary = BuildUpSummary(pupil_id=pupil.id, mentor_id=actor.id, body=body)
    db.session.add(summary)
    notify(
        _everyone_but(actor, pupil),
        "build_up.written",
        {"mentor": actor.name, "pupil": pupil.name},
        f"/goals/pupils/{pupil.id}",
    )
    db.session.flush()
    return summary


def build_ups(pupil_id: int, *, reader: User) -> list[BuildUpSummary]:
    """All the pupil's summaries, newest first; none for a reader `policy` refuses them to."""
    if not policy.can_view_build_up(reader, pupil_id):
        return []
    return list(
        db.session.scalars(
            sa.select(BuildUpSummary)
            .where(BuildUpSummary.pupil_id == pupil_id)
            .order_by(BuildUpSummary.created_at.desc(), BuildUpSummary.id.desc())
        ).unique()
    )


def latest_build_up(pupil_id: int, *, reader: User) -> BuildUpSummary | None:
    """The pupil's newest "what to build up next", or None (also for a reader `policy`
    refuses it to)."""
    if not policy.can_view_build_up(reader, pupil_id):
        return None
    return db.session.scalars(
        sa.select(BuildUpSummary)
        .where(BuildUpSummary.pupil_id == pupil_id)
        .order_by(BuildUpSummary.created_at.desc(), BuildUpSummary.id.desc())
        .limit(1)
    ).first()


@jobs.job("goals.checkin_prompts", retries=2)
def send_checkin_prompts(period: str) -> None:
    """The weekly check-in prompt (the scheduled job `goals.checkin_prompts`, run on Monday
    mornings): a notification for each active pupil with an active goal not checked in on by
    them this week. Safe to run again for the same week: pupils already prompted for `period`
    are left out, so a job that ran twice prompts nobody twice."""
    now = utcnow()
    start = week_start(now)
    last = (
        sa.select(CheckIn.goal_id, sa.func.max(CheckIn.created_at).label("last_at"))
        .where(CheckIn.author_id == CheckIn.pupil_id)
        .group_by(CheckIn.goal_id)
        .subquery()
    )
    due = (
        sa.select(Goal.pupil_id)
        .outerjoin(last, last.c.goal_id == Goal.id)
        .where(
            Goal.status == GoalStatus.ACTIVE.value,
            sa.or_(last.c.last_at.is_(None), last.c.last_at < start),
        )
    )
    pupils_due = db.session.scalars(
        sa.select(User).where(User.id.in_(due), User.active.is_(True)).order_by(User.id)
    ).all()
    prompted = {
        user_id
        for user_id, params in db.session.execute(
            sa.select(Notification.user_id, Notification.params).where(
                Notification.kind == "goal.checkin_prompt", Notification.created_at >= start
            )
        )
        if (params or {}).get("week") == period
    }
    notify(
        [u for u in pupils_due if u.id not in prompted],
        "goal.checkin_prompt",
        {"week": period},
        "/",
    )
