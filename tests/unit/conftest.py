"""Fixtures for the unit tests that need the database but no HTTP (the policy rules)."""

from __future__ import annotations

import pytest

from tests.unit.policy_world import World, build_world


@pytest.fixture
def world(db) -> World:
    """The policy world, flushed inside an app context that rolls back after the test."""
    return build_world()
