"""Who may read the operations endpoints (`/health`'s details, `/metrics`): whoever presents the
operations token (METRICS_TOKEN) as a bearer token, and a request made on this machine.

"On this machine" is the address the app sees (REMOTE_ADDR) being loopback *and* no forwarding
header on the request: a reverse proxy on the same host connects from 127.0.0.1 for everyone on
the internet, and says so by adding X-Forwarded-For (or Forwarded, X-Real-IP). A proxy that adds
none must not pass these paths on at all (docs/operations.md)."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Request

FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def _from_this_machine(request: Request) -> bool:
    if any(header in request.headers for header in FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:  # no address (a Unix socket) or not one
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return (mapped or address).is_loopback


def _holds_token(request: Request, token: str) -> bool:
    if not token:
        return False
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    # compare_digest: the time taken says nothing about how much of a guess was right
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), token.encode()
    )


def can_read_metrics(request: Request, token: str) -> bool:
    """`/metrics`: the token, or from this machine; anyone else gets a 404."""
    return _holds_token(request, token) or _from_this_machine(request)


def can_see_health_details(request: Request, token: str) -> bool:
    """`/health`'s checks: the token, or from this machine; anyone else gets the bare status
    (a load balancer needs no more)."""
    return _holds_token(request, token) or _from_this_machine(request)
