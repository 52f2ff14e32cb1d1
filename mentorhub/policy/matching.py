"""Matching: who runs it, and who states an offer."""

from __future__ import annotations

from mentorhub.accounts.models import User
from mentorhub.matching.models import MatchingRun
from mentorhub.policy.relations import is_coordinator, is_mentor


def can_run_matching(user: User) -> bool:
    return is_coordinator(user)


def can_follow_matching_run(user: User, run: MatchingRun) -> bool:
    """A run's progress (its status poll) is the coordinator's, as running it is: the state
    carries no pupil's data, but who ran matching when is programme administration."""
    return is_coordinator(user)


def can_state_offer(user: User) -> bool:
    """Mentors state their own offer (subject areas, levels, capacity, times) per term."""
    return is_mentor(user)


def can_explain_matching(user: User) -> bool:
    """The "why not?" page sets a pupil's levels and times against every mentor's offer: it is
    the coordinator's, who runs and adjusts matching; a mentor would see other mentors' offers
    and pupils not theirs, a home teacher the whole programme's planning."""
    return is_coordinator(user)


def can_see_matching_runs(user: User) -> bool:
    """The term's runs, kept with their inputs' summary and figures (counts only, and who ran
    each), and two of them compared: programme administration, the coordinator's as running
    matching is."""
    return is_coordinator(user)


# --- rematch (issue 16) ---------------------------------------------------------------------


def can_rematch(user: User) -> bool:
    """Rematching the affected pupils mid-term changes pupils' mentors and rooms and shows every
    match: the coordinator's, who runs and adjusts matching, and nobody else's."""
    return is_coordinator(user)
