"""A registry of health checks. A check is a function of no arguments that returns a dict of
plain, non-personal details and says whether it is `ok`; any other module adds one with
`register(name, fn)` (the job queue adds its own), without this module knowing it.

`run` answers fast whatever a check does: under gevent (every real worker) each check is cut
off after `timeout` seconds; the checks themselves also set short timeouts on their
connections, which is what bounds them under the threading test server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("mentorhub.health")

CheckFn = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Check:
    name: str
    fn: CheckFn
    # A failing required check makes /health answer 503; an optional one is reported only.
    required: bool = True


_checks: dict[str, Check] = {}


def register(name: str, fn: CheckFn, *, required: bool = True) -> None:
    """Add (or replace) the check called `name`. `fn()` returns e.g. `{"ok": True, ...}`; a
    check that does not apply here returns `{"ok": True, "status": "not configured"}`; one
    that raises or runs out of time is reported as not ok, with the error's type only."""
    _checks[name] = Check(name, fn, required)


def unregister(name: str) -> None:
    _checks.pop(name, None)


def registered() -> list[str]:
    return list(_checks)


def run(timeout: float) -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run every check; (whether every required one is ok, each check's result)."""
    results: dict[str, dict[str, Any]] = {}
    healthy = True
    for check in list(_checks.values()):
        result = _run_one(check, timeout)
        result.setdefault("required", check.required)
        results[check.name] = result
        if check.required and not result["ok"]:
            healthy = False
    return healthy, results


def _run_one(check: Check, timeout: float) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with _deadline(timeout):
            result = dict(check.fn())
        result["ok"] = bool(result.get("ok"))
    except _Timeout:
        result = {"ok": False, "error": "timeout"}
    except Exception as error:  # a check must never break /health itself
        # The message can name hosts or statements; the answer carries the type only.
        log.warning("health check %s failed", check.name, exc_info=True)
        result = {"ok": False, "error": type(error).__name__}
    result.setdefault("ms", round((time.perf_counter() - started) * 1000, 1))
    return result


class _Timeout(Exception):
    pass


def _deadline(seconds: float):
    """gevent's Timeout when the process runs under gevent, else no cut-off (a thread cannot
    be interrupted; the checks' own socket timeouts bound them there)."""
    try:
        from gevent import Timeout
        from gevent.monkey import is_module_patched
    except ImportError:  # pragma: no cover (gevent is a dependency)
        return _NoDeadline()
    if not is_module_patched("socket"):
        return _NoDeadline()
    return Timeout(seconds, _Timeout)


class _NoDeadline:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
