"""The privacy notice's figures (mentorhub/about/services.py): read from the configuration,
with RETENTION_MONTHS kept a string and read strictly."""

import pytest

from mentorhub.about.services import PrivacyFacts, privacy_facts, retention_months


@pytest.mark.parametrize(("value", "months"), [("12", 12), (" 18 ", 18), ("1", 1), (24, 24)])
def test_a_whole_positive_number_of_months_is_read(value, months):
    assert retention_months(value) == months


@pytest.mark.parametrize("value", ["", "  ", "tolv", "-3", "0", "1.5", "12 months", "١٢", None])
def test_anything_else_is_malformed(value):
    # "١٢" is 12 in Arabic-Indic digits: str.isdigit says yes, the setting must not
    assert retention_months(value) is None


def test_the_facts_come_from_the_configuration():
    config = {
        "REPORT_THRESHOLD": 7,
        "RETENTION_MONTHS": "6",
        "INVITATION_DAYS": 3,
        "PASSWORD_RESET_MINUTES": 30,
    }
    assert privacy_facts(config) == PrivacyFacts(
        report_threshold=7, retention_months=6, invitation_days=3, password_reset_minutes=30
    )
    assert privacy_facts({**config, "RETENTION_MONTHS": "sex"}).retention_months is None
