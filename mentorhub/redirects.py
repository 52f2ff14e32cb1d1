"""Where a `next` parameter may send someone after a form: only back into this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None.

    Browsers read `//host` and `/\\host` as another site, so both are refused along with
    anything that carries a scheme or a host.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
