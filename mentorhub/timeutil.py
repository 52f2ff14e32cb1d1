"""Time helpers. Timestamps are stored as naive UTC and shown in Europe/Stockholm."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as the naive UTC datetime every timestamp column holds."""
    return datetime.now(UTC).replace(tzinfo=None)
