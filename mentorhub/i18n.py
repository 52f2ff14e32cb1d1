"""The templates' `_()`, `ngettext()` and friends, looking the catalogue up once per locale per
request instead of on every call.

Flask-Babel finds the translations anew for every string (its context, the domain, the locale
and a cache lookup keyed by the locale's name): about 25 µs a call from a template, against
0.1 µs for the catalogue itself. A list page says "Why not?", "Move" and "Remove" on every row,
so the matching page spent a third of its time there (benchmarks/region_pages.py). The
catalogue found is kept on Flask-Babel's own per-context namespace beside the locale object it
was found for, so `force_locale` (a new locale object) and `refresh` (none) are always seen.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import get_locale, get_translations


def translations():
    ctx = g.get("_flask_babel") if g else None
    if ctx is None:  # outside a request, or Flask-Babel not asked yet: it decides (and sets up)
        return get_translations()
    locale = getattr(ctx, "babel_locale", None) or get_locale()
    kept = getattr(ctx, "mentorhub_translations", None)
    if kept is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    ctx.mentorhub_translations = (locale, found)
    return found


def install(app: Flask) -> None:
    """Replace the template callables Flask-Babel installed (same signatures, newstyle)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
