"""`/health` (each check's result for operators, a bare status for anyone else) and `/metrics`
(Prometheus text). Who sees what is `policy.can_see_health_details` / `can_read_metrics`."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request

from mentorhub import metrics, policy
from mentorhub.health import checks

bp = Blueprint("health", __name__)


def _token() -> str:
    return current_app.config.get("METRICS_TOKEN") or ""


@bp.get("/health")
def health():
    healthy, results = checks.run(current_app.config["HEALTH_CHECK_TIMEOUT"])
    body: dict = {"status": "ok" if healthy else "unavailable"}
    if policy.can_see_health_details(request, _token()):
        body["checks"] = results
    return body, 200 if healthy else 503, {"Cache-Control": "no-store"}


@bp.get("/metrics")
def metrics_text():
    if not policy.can_read_metrics(request, _token()):
        abort(404)  # not even that there is something here
    text, content_type = metrics.exposition()
    return text, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}
