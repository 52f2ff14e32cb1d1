"""Matrix rows for the start page, signing in and out, links sent by mail, the language choice,
notifications, and the calendar feed (whose secret address is the key, with no sign-in)."""

from __future__ import annotations

from tests.security.columns import ANONYMOUS, EVERYONE, SIGNED_IN, row

_GONE = {column: 410 for column in EVERYONE}

ROWS = [
    row("GET /", ok=SIGNED_IN),
    row("GET /healthz", ok=EVERYONE),
    # Operators' endpoints: whoever asks gets /health's status; its checks and /metrics open to
    # the operations token or a request from this machine, which the matrix's are (127.0.0.1).
    # From elsewhere or through a proxy: tests/integration/test_health_and_metrics.py and the
    # rules' own tests (tests/unit/test_policy_operations.py). No sign-in changes either.
    row("GET /health", ok=EVERYONE),
    row("GET /metrics", ok=EVERYONE),
    row("GET /static/<static_file>", ok=EVERYONE),
    # the sign-in page; whoever is signed in already is sent on to the start page
    row("GET /login", ok=EVERYONE, exact={ANONYMOUS: 200, **dict.fromkeys(SIGNED_IN, 302)}),
    row("POST /login", ok=EVERYONE),
    row("POST /logout", ok=SIGNED_IN),
    row("GET /account/sessions", ok=SIGNED_IN),
    row("POST /account/sessions/end", ok=SIGNED_IN),
    row("GET /password/forgot", ok=EVERYONE),
    row("POST /password/forgot", ok=EVERYONE),
    # a live reset link works for whoever holds it (the mail is the key); a made-up one for nobody
    row("GET /password/reset/<reset_token>", ok=EVERYONE),
    row("POST /password/reset/<reset_token>", ok=EVERYONE),
    row("GET /password/reset/not-a-real-token", exact=_GONE, why="a link nobody was sent"),
    row("POST /password/reset/not-a-real-token", exact=_GONE, why="a link nobody was sent"),
    row("GET /invitations/<invitation_token>", ok=EVERYONE),
    row("POST /invitations/<invitation_token>", ok=EVERYONE),
    row("GET /invitations/not-a-real-token", exact=_GONE, why="a link nobody was sent"),
    row("POST /invitations/not-a-real-token", exact=_GONE, why="a link nobody was sent"),
    row("POST /language", ok=EVERYONE),
    row("GET /notifications/", ok=SIGNED_IN),
    row("POST /notifications/read", ok=SIGNED_IN),
    # the pupil's own feed address is the key, whoever fetches it; a forged one is a 404 alike
    row("GET /calendar/<pupil>/<feed_token>.ics", ok=EVERYONE),
    row(
        "GET /calendar/<room_mate>/<feed_token>.ics",
        exact=dict.fromkeys(EVERYONE, 404),
        why="the pupil's feed address opens nobody else's feed",
    ),
    row(
        "GET /calendar/<pupil>/not-a-real-token.ics",
        exact=dict.fromkeys(EVERYONE, 404),
        why="a forged feed address",
    ),
]
