"""Lists × the matrix: a list page links to an object exactly for those whose row says OK for
the object's own page, so a list can never show what the page refuses (nor hide what it
shows). A link is an `href`, or an image's `src`.

Each entry: the list's address, the link it may hold, the row of the linked page."""

from __future__ import annotations

LISTS: list[tuple[str, str, str]] = [
    # the start page's "my pupils" (a mentor's matches, a teacher's linked pupils)
    ("GET /", "/progress/pupils/<pupil>", "GET /progress/pupils/<pupil>"),
    ("GET /rooms/", "/rooms/<room>", "GET /rooms/<room>"),
    ("GET /rooms/", "/rooms/<other_room>", "GET /rooms/<other_room>"),
    ("GET /rooms/<room>", "/problems/posts/<post>", "GET /problems/posts/<post>"),
    ("GET /rooms/<room>", "/meetings/<meeting>", "GET /meetings/<meeting>"),
    ("GET /meetings/", "/meetings/<meeting>", "GET /meetings/<meeting>"),
    ("GET /concerns/", "/concerns/<concern>", "GET /concerns/<concern>"),
    ("GET /nominations/", "/nominations/<nomination>", "GET /nominations/<nomination>"),
    (
        "GET /nominations/",
        "/nominations/<elsewhere_nomination>",
        "GET /nominations/<elsewhere_nomination>",
    ),
    ("GET /progress/review", "/progress/pupils/<pupil>", "GET /progress/pupils/<pupil>"),
    (
        "GET /progress/pupils/<pupil>",
        "/progress/pupils/<pupil>/rooms/<old_room>",
        "GET /progress/pupils/<pupil>/rooms/<old_room>",
    ),
    ("GET /problems/", "/problems/<problem>", "GET /problems/<problem>"),
    ("GET /problems/mine", "/problems/posts/<post>", "GET /problems/posts/<post>"),
    # the attempts are shown on the post page itself, each with its image
    (
        "GET /problems/posts/<post>",
        "/rooms/images/<attempt_image>",
        "GET /rooms/images/<attempt_image>",
    ),
    ("GET /goals/mine", "/goals/<goal>", "GET /goals/<goal>"),
    ("GET /goals/pupils/<pupil>", "/goals/<goal>", "GET /goals/<goal>"),
]
