"""Scheduling meetings, taking attendance, and what a person's next meetings are."""

from __future__ import annotations

from typing import Any

from mentorhub.accounts.models import User


def next_meeting_for(user: User) -> Any:
    """The person's next meeting that has not ended and is not cancelled, or None."""
    return None


def room_news_for(user: User) -> list[Any]:
    """What is new in the person's rooms since they last read them (for the start page)."""
    return []
