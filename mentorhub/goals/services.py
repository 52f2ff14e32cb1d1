"""Goals, their timeline, check-ins and the build-up summary."""

from __future__ import annotations

from typing import Any

from mentorhub.accounts.models import User


def checkin_prompt_for(user: User) -> list[Any]:
    """The pupil's active goals that have had no check-in from them this week."""
    return []
