"""The templates' translations are looked up once per request (mentorhub/i18n.py), and still
follow every change of language within it."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, refresh

TEMPLATE = '{{ _("Why not?") }} {{ ngettext("%(num)d point lower", "%(num)d points lower", 2) }}'


def test_a_template_follows_force_locale_and_goes_back_after(app):
    with app.test_request_context():
        # given a request in Swedish (the default)
        assert render_template_string(TEMPLATE) == "Varför inte? 2 poäng lägre"
        # when part of it is written in English (a mail to an English-speaking recipient)
        with force_locale("en"):
            assert render_template_string(TEMPLATE) == "Why not? 2 points lower"
        # then the rest of the request is in Swedish again
        assert render_template_string(TEMPLATE) == "Varför inte? 2 poäng lägre"


def test_a_template_follows_a_language_chosen_during_the_request(app):
    from flask import session

    with app.test_request_context():
        # given a page begun in Swedish
        assert render_template_string(TEMPLATE) == "Varför inte? 2 poäng lägre"
        # when the person switches to English and Flask-Babel is told to choose again
        session["locale"] = "en"
        refresh()
        # then the rest of the page is in English
        assert render_template_string(TEMPLATE) == "Why not? 2 points lower"


def test_outside_a_request_templates_are_in_swedish(app):
    with app.app_context():
        assert render_template_string(TEMPLATE) == "Varför inte? 2 poäng lägre"
