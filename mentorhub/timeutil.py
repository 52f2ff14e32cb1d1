"""Time helpers and the one set of display formats. Timestamps are stored as naive UTC and
shown in Europe/Stockholm; dates, times and numbers are shown with Babel's formats for the
user's language, so every page writes them the same way ("25 november 2026", "0,5")."""

from datetime import UTC, date, datetime

from flask_babel import format_date, format_decimal, format_time


def utcnow() -> datetime:
    """Now, as the naive UTC datetime every timestamp column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


def show_day(day: date | datetime) -> str:
    """A calendar day, e.g. "25 november 2026" / "November 25, 2026" (a stored moment is
    first moved to Stockholm time)."""
    return format_date(day, "long")


def show_moment(moment: datetime) -> str:
    """A stored (naive UTC) moment in Stockholm time: the day as `show_day` writes it, then
    the time, e.g. "25 november 2026 09:30"."""
    return f"{format_date(moment, 'long')} {format_time(moment, 'HH:mm')}"


def show_number(value: float | int, decimals: int = 1) -> str:
    """A number with the language's decimal sign, at most `decimals` decimals ("0,5")."""
    return format_decimal(round(value, decimals), format="#,##0." + "#" * decimals)


def register_filters(app) -> None:
    """The template filters every page uses for days, moments and numbers."""
    app.jinja_env.filters["day"] = show_day
    app.jinja_env.filters["moment"] = show_moment
    app.jinja_env.filters["number"] = show_number
