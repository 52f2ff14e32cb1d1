"""Long work in a web worker without stopping it: the pilot's matching run.

Every real web worker is one gevent process (`mentorhub/gunicorn_conf.py`): one OS thread
whose greenlets take turns, so C code that runs for seconds in it (CP-SAT's search, OR-Tools'
flows) stops every page and every chat socket of the worker until it is done. Where no job
worker exists (the pilot: `make run`, no Redis), the matching run's job is run by the web
worker itself, so:

- `in_native_thread` runs a function that needs no app, no session and no socket (the
  matching engine) in a thread of gevent's pool: CP-SAT lets go of Python's lock while it
  searches, so the worker's greenlets keep running meanwhile. What the function reports as it
  goes (its stages) is passed on in the caller's greenlet, where the app and the session are.
- `after_the_answer` runs a job in a greenlet of its own, so the request that queued it
  answers at once and the page can show the job's progress.

Outside gevent (the tests' threaded server, a job worker, the CLI) both simply call the
function, as before: there, a thread that waits blocks nobody else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# How often the waiting greenlet passes on what the thread has reported.
RELAY_SECONDS = 0.2


def under_gevent() -> bool:
    """Whether this process runs on gevent's monkey-patched threads (a real web worker)."""
    try:
        from gevent.monkey import is_module_patched
    except ImportError:
        return False
    return is_module_patched("threading")


def in_native_thread(
    fn: Callable[[Callable[[str], None]], T], report: Callable[[str], None] | None = None
) -> T:
    """`fn(tell)` in a native thread under gevent (else here), with each `tell(stage)` passed
    on to `report` in the caller's greenlet, in order. `fn` must touch no app, session or
    socket: it runs outside the caller's contexts. Its exception is raised here."""
    report = report or (lambda _stage: None)
    if not under_gevent():
        return fn(report)
    import gevent

    told: list[str] = []  # appended by the thread, read here: list operations are atomic
    result = gevent.get_hub().threadpool.spawn(fn, told.append)

    def relay() -> None:
        while told:
            report(told.pop(0))

    while not result.ready():
        result.wait(RELAY_SECONDS)
        relay()
    relay()
    return result.get()


def after_the_answer(fn: Callable[..., None], *args: object) -> None:
    """`fn(*args)` in a greenlet of its own under gevent, so the request goes on and answers;
    elsewhere now. `fn` must set up its own app context (a job does)."""
    if not under_gevent():
        fn(*args)
        return
    import gevent

    gevent.spawn(fn, *args)
