"""Programme reports and privacy work: counts across every school are the coordinator's."""

from __future__ import annotations

from mentorhub.accounts.models import User
from mentorhub.policy.relations import is_coordinator


def can_view_reports(user: User) -> bool:
    """The programme report and its CSV tables: counts across every school, so only the
    coordinator, who answers for the programme to the data-protection officer."""
    return is_coordinator(user)
