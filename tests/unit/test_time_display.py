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


# --- the one set of display formats (mentorhub.timeutil) -----------------------------------


def test_a_day_is_written_the_same_way_everywhere_in_each_language(app):
    from datetime import date

    from mentorhub.timeutil import show_day

    with app.test_request_context():
        with force_locale("sv"):
            assert show_day(date(2026, 11, 25)) == "25 november 2026"
        with force_locale("en"):
            assert show_day(date(2026, 11, 25)) == "November 25, 2026"


def test_a_moment_is_the_day_then_the_stockholm_time(app):
    from mentorhub.timeutil import show_moment

    with app.test_request_context(), force_locale("sv"):
        # 23:30 UTC on 31 December is already the new year in Stockholm
        assert show_moment(datetime(2026, 12, 31, 23, 30)) == "1 januari 2027 00:30"


def test_a_number_has_a_decimal_comma_in_swedish_and_a_point_in_english(app):
    from mentorhub.timeutil import show_number

    with app.test_request_context():
        with force_locale("sv"):
            assert show_number(0.5) == "0,5"
            assert show_number(2.0) == "2"
            assert show_number(0.0001, 6) == "0,0001"
        with force_locale("en"):
            assert show_number(0.5) == "0.5"


def test_the_templates_use_the_shared_filters(app):
    with app.test_request_context(), force_locale("sv"):
        shown = app.jinja_env.from_string("{{ t|number }} · {{ m|moment }}").render(
            t=0.5, m=datetime(2026, 6, 1, 8, 30)
        )
    assert shown == "0,5 · 1 juni 2026 10:30"
