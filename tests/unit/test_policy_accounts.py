"""Accounts and programme rules (mentorhub/policy/accounts.py), and `authorize`."""

import pytest
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import Forbidden

from mentorhub import policy


def test_can_use_app(world):
    assert policy.can_use_app(world.alva)
    assert not policy.can_use_app(world.inactive_coordinator)
    assert not policy.can_use_app(AnonymousUserMixin())
    assert not policy.can_use_app(None)


@pytest.mark.parametrize(
    "rule",
    [
        policy.can_manage_programme,
        policy.can_invite_staff,
        policy.can_read_audit_log,
        policy.can_read_feedback,
        policy.can_view_reports,
    ],
)
def test_coordinator_only_rules(world, rule):
    assert rule(world.coordinator)
    for other in (world.inactive_coordinator, world.mentor, world.home_teacher, world.alva):
        assert not rule(other)


def test_is_coordinator(world):
    assert policy.is_coordinator(world.coordinator)
    assert not policy.is_coordinator(world.inactive_coordinator)
    assert not policy.is_coordinator(world.special_educator)


def test_can_deactivate_others_never_oneself(world):
    assert policy.can_deactivate(world.coordinator, world.mentor)
    assert not policy.can_deactivate(world.coordinator, world.coordinator)
    assert not policy.can_deactivate(world.coordinator, None)
    assert not policy.can_deactivate(world.mentor, world.alva)


def test_can_end_sessions_of_self_or_as_coordinator(world):
    assert policy.can_end_sessions_of(world.alva, world.alva)
    assert policy.can_end_sessions_of(world.coordinator, world.alva)
    assert not policy.can_end_sessions_of(world.mentor, world.alva)
    assert not policy.can_end_sessions_of(world.alva, None)
    assert not policy.can_end_sessions_of(AnonymousUserMixin(), world.alva)


def test_authorize_turns_no_into_403():
    policy.authorize(True)
    with pytest.raises(Forbidden):
        policy.authorize(False)


def test_only_coordinators_read_accessibility_feedback_though_anyone_sends_it(world):
    # the form is public; the list of what was sent is the coordinators' alone
    assert policy.can_read_feedback(world.coordinator)
    assert not policy.can_read_feedback(AnonymousUserMixin())
    assert not policy.can_read_feedback(None)
    assert not policy.can_read_feedback(world.special_educator)


def test_only_an_active_coordinator_manages_failed_background_jobs(world):
    # the failed-jobs page (/programme/jobs): try again, remove
    assert policy.can_manage_jobs(world.coordinator)
    for other in world.everyone_but_an_active_coordinator():
        assert not policy.can_manage_jobs(other), other
