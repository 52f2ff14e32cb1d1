"""Operations rules (mentorhub/policy/operations.py): `/metrics` and `/health`'s details open
to the operations token, and to a request made on this machine that no proxy forwarded."""

from __future__ import annotations

import pytest
from flask import Request

from mentorhub import policy

TOKEN = "s3cret-operations-token"


def _request(remote_addr: str | None, headers: dict | None = None) -> Request:
    environ = {"REMOTE_ADDR": remote_addr} if remote_addr is not None else {}
    return Request.from_values(headers=headers or {}, environ_base=environ)


RULES = (policy.can_read_metrics, policy.can_see_health_details)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"])
def test_a_request_from_this_machine_is_let_in_without_a_token(rule, address):
    assert rule(_request(address), "") is True
    assert rule(_request(address), TOKEN) is True


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("address", ["10.0.0.7", "192.168.1.20", "2001:db8::1", "", None])
def test_a_request_from_elsewhere_without_the_token_is_refused(rule, address):
    assert rule(_request(address), "") is False
    assert rule(_request(address), TOKEN) is False


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize(
    "header",
    [
        {"X-Forwarded-For": "203.0.113.9"},
        {"Forwarded": "for=203.0.113.9"},
        {"X-Real-IP": "203.0.113.9"},
        {"X-Forwarded-For": "127.0.0.1"},  # anyone can write that; the proxy added the header
    ],
)
def test_a_request_a_proxy_on_this_machine_forwarded_is_not_from_this_machine(rule, header):
    # given a reverse proxy on this host: the app sees 127.0.0.1 for everyone it passes on
    assert rule(_request("127.0.0.1", header), "") is False


@pytest.mark.parametrize("rule", RULES)
def test_the_bearer_token_lets_in_from_anywhere(rule):
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert rule(_request("10.0.0.7", bearer), TOKEN) is True
    assert rule(_request("127.0.0.1", {**bearer, "X-Forwarded-For": "203.0.113.9"}), TOKEN)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer ", TOKEN, f"Bearer {TOKEN[:-1]}"],
)
def test_a_wrong_token_or_scheme_is_refused(rule, authorization):
    assert rule(_request("10.0.0.7", {"Authorization": authorization}), TOKEN) is False


@pytest.mark.parametrize("rule", RULES)
def test_no_token_configured_opens_nothing_to_a_presented_empty_one(rule):
    assert rule(_request("10.0.0.7", {"Authorization": "Bearer "}), "") is False
