"""Authorisation-matrix rows for the progress review, pupil pages, flags and own progress."""

from __future__ import annotations

from tests.security.roles import only, signed_in  # noqa: F401

ROWS: dict[tuple[str, str], dict[str, int]] = {}
