"""Authorisation-matrix rows for concerns (oro)."""

from __future__ import annotations

from tests.security.roles import only, signed_in  # noqa: F401

ROWS: dict[tuple[str, str], dict[str, int]] = {}
