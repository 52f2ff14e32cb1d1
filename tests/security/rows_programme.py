"""Matrix rows for the programme's set-up, staff administration, the audit log and matching:
the coordinators' pages, except that mentors state their own offer."""

from __future__ import annotations

from tests.security.columns import COORDINATOR, MENTORS, row

_C = (COORDINATOR,)

ROWS = [
    row("GET /privacy/audit", ok=_C),
    row("GET /programme/", ok=_C),
    row("GET /programme/schools", ok=_C),
    row("GET /programme/schools/new", ok=_C),
    row("POST /programme/schools/new", ok=_C),
    row("GET /programme/schools/<school>/edit", ok=_C),
    row("POST /programme/schools/<school>/edit", ok=_C),
    row("GET /programme/subject-areas", ok=_C),
    row("GET /programme/subject-areas/new", ok=_C),
    row("POST /programme/subject-areas/new", ok=_C),
    row("GET /programme/subject-areas/<area>/edit", ok=_C),
    row("POST /programme/subject-areas/<area>/edit", ok=_C),
    row("GET /programme/terms", ok=_C),
    row("GET /programme/terms/new", ok=_C),
    row("POST /programme/terms/new", ok=_C),
    row("GET /programme/terms/<term>/edit", ok=_C),
    row("POST /programme/terms/<term>/edit", ok=_C),
    row("GET /programme/staff", ok=_C),
    row("GET /programme/staff/invite", ok=_C),
    row("POST /programme/staff/invite", ok=_C),
    # the person acted on is a home teacher at another school (not the one asking)
    row("POST /programme/staff/<other_school_staff>/deactivate", ok=_C),
    row("POST /programme/staff/<other_school_staff>/reactivate", ok=_C),
    row("GET /programme/staff/<other_school_staff>/sign-out", ok=_C),
    row("POST /programme/staff/<other_school_staff>/sign-out", ok=_C),
    # oneself: a coordinator ends their own sign-ins, but never deactivates themself
    row("GET /programme/staff/<coordinator>/sign-out", ok=_C),
    row(
        "POST /programme/staff/<coordinator>/deactivate",
        why="nobody deactivates themself, so the programme always keeps a coordinator",
    ),
    # staff leaving: the current mentor holds a room and pupils, so deactivating him leads to
    # the hand-over page, where the coordinator chooses who takes over
    row("POST /programme/staff/<current_mentor>/deactivate", ok=_C),
    row("GET /programme/staff/<current_mentor>/hand-over", ok=_C),
    row("POST /programme/staff/<current_mentor>/hand-over", ok=_C),
    row(
        "GET /programme/staff/<coordinator>/hand-over",
        why="nobody hands themself over and deactivates themself",
    ),
    row("POST /programme/invitations/<invitation>/revoke", ok=_C),
    # background jobs that failed: names, errors and attempts, never whom they were for
    row("GET /programme/jobs", ok=_C),
    row("POST /programme/jobs/<failed_job>/retry", ok=_C),
    row("POST /programme/jobs/<failed_job>/remove", ok=_C),
    # matching: mentors state offers, coordinators run, adjust and confirm
    row("GET /matching/", ok=_C),
    row("GET /matching/offer", ok=MENTORS),
    row("POST /matching/offer", ok=MENTORS),
    row("POST /matching/run", ok=_C),
    # a run's progress, polled by the matching page while it runs
    row("GET /matching/runs/<matching_run>/status", ok=_C),
    # the term's runs kept, and two compared: counts only, who ran them (programme admin)
    row("GET /matching/runs", ok=_C),
    row("GET /matching/runs/compare?run=<earlier_matching_run>&run=<matching_run>", ok=_C),
    row("POST /matching/confirm", ok=_C),
    row("POST /matching/<match>/lock", ok=_C),
    row("POST /matching/<match>/remove", ok=_C),
    row("GET /matching/<match>/move", ok=_C),
    row("POST /matching/<match>/move", ok=_C),
    # "why not?" for a pupil: their levels and times against every mentor's offer
    row("GET /matching/pupils/<pupil>/why-not", ok=_C),
    # rematch with little disruption (issue 16): pick the affected pupils, preview, apply
    row("GET /matching/rematch", ok=_C),
    row("POST /matching/rematch/preview", ok=_C),
    row("POST /matching/rematch/apply", ok=_C),
]
