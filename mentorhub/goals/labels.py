"""Words for goal states and ratings, in the reader's language."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "active": _l("active"),
    "reached": _l("reached"),
    "paused": _l("paused"),
    "replaced": _l("replaced"),
}

# A simple four-step scale a 14-year-old can answer in a second.
RATING_LABELS = {
    1: _l("Not yet"),
    2: _l("A little"),
    3: _l("Mostly"),
    4: _l("It works well"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def rating_label(rating: int) -> str:
    return str(RATING_LABELS.get(rating, rating))
