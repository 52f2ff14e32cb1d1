"""Times are stored in UTC and shown in Europe/Stockholm, winter and summer."""

from datetime import datetime

from flask_babel import force_locale, format_datetime


def test_a_winter_time_is_shown_one_hour_ahead_of_utc(app):
    with app.test_request_context(), force_locale("sv"):
        shown = format_datetime(datetime(2026, 12, 1, 8, 30), "HH:mm")
    assert shown == "09:30"


def test_a_summer_time_is_shown_two_hours_ahead_of_utc(app):
    with app.test_request_context(), force_locale("sv"):
        shown = format_datetime(datetime(2026, 6, 1, 8, 30), "HH:mm")
    assert shown == "10:30"


def test_swedish_dates_use_swedish_month_names(app):
    with app.test_request_context(), force_locale("sv"):
        shown = format_datetime(datetime(2026, 11, 25, 12, 0), "d MMMM y")
    assert shown == "25 november 2026"
