"""Time helpers and the one set of display formats. Timestamps are stored as naive UTC and
shown in Europe/Stockholm; dates, times and numbers are shown with Babel's formats for the
user's language, so every page writes them the same way ("25 november 2026", "0,5")."""

from datetime import UTC, date, datetime

from flask_babel import format_date, format_datetime, format_decimal


def utcnow() -> datetime:
    """Now, as the naive UTC datetime every timestamp column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


def show_day(day: date) -> str:
    """A calendar day, e.g. "25 november 2026" / "November 25, 2026"."""
    return format_date(day, "long")


def show_moment(moment: datetime) -> str:
    """A stored (naive UTC) moment in Stockholm time, e.g. "25 nov. 2026 09:30"."""
    return format_datetime(moment, "medium")


def show_number(value: float | int, decimals: int = 1) -> str:
    """A number with the language's decimal sign, at most `decimals` decimals ("0,5")."""
    return format_decimal(round(value, decimals), format="#,##0." + "#" * decimals)
