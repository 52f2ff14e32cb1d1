"""Which client address the app sees behind PROXY_COUNT reverse proxies (mentorhub/__init__.py,
`_trust_proxies`): the sign-in limits count per that address (docs/operations.md)."""

from __future__ import annotations

import pytest
from flask import Flask, request

from mentorhub import _trust_proxies


def _seen_by(proxy_count: int, forwarded_for: str | None) -> str:
    app = Flask(__name__)
    app.config["PROXY_COUNT"] = proxy_count
    app.get("/")(lambda: f"{request.remote_addr} {request.scheme}")
    _trust_proxies(app)
    headers = {"X-Forwarded-Proto": "https"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    answer = app.test_client().get("/", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    return answer.get_data(as_text=True)


def test_by_default_no_forwarded_header_is_trusted():
    # given the pilot's default (no proxy), a client that writes the headers itself
    # then the app sees the connection's own address and scheme
    assert _seen_by(0, "203.0.113.7") == "127.0.0.1 http"


def test_behind_one_proxy_the_address_is_the_one_the_proxy_appended():
    # nginx appends the address it was connected from: "<what the client wrote>, <client>"
    assert _seen_by(1, "198.51.100.20") == "198.51.100.20 https"


@pytest.mark.parametrize("forged", ["203.0.113.7", "203.0.113.7, 10.0.0.1"])
def test_a_forged_x_forwarded_for_cannot_choose_the_address_seen_behind_nginx(forged):
    # given a client that sent its own X-Forwarded-For, which nginx kept and appended to
    seen = _seen_by(1, f"{forged}, 198.51.100.20")
    # then the app still sees the address nginx saw
    assert seen == "198.51.100.20 https"
