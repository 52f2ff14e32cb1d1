"""Settings from environment variables, with safe defaults for a one-machine pilot."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    """The key from SECRET_KEY, else one generated once into instance/ (never committed)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def max_content_length() -> int:
    """The largest request body: a chat image plus its form fields (a caption, the CSRF token).
    The scaled-out start gives nginx the same figure (`client_max_body_size`)."""
    return int(os.environ.get("CHAT_IMAGE_MAX_BYTES", str(5 * 1024 * 1024))) + 64 * 1024


def load(instance: Path = INSTANCE) -> dict:
    """Read the configuration. Every key is documented in README.md."""
    tls = _bool("MENTORHUB_TLS")
    _chat_image_max = int(os.environ.get("CHAT_IMAGE_MAX_BYTES", str(5 * 1024 * 1024)))
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'mentorhub.sqlite'}"
        ),
        # No ping before every checkout: every socket event checks a connection out, and on
        # PostgreSQL the ping was a round trip per chat message. A connection the server has
        # dropped (a restart) fails one request, and SQLAlchemy then replaces the whole pool;
        # connections are recycled after half an hour (docs/operations.md).
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": os.environ.get("DATABASE_PRE_PING", "") == "1",
            "pool_recycle": 1800,
        },
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # Background jobs (mentorhub/jobs/): "rq" (a queue in Redis, run by `flask mentorhub
        # jobs-worker`) or "inline" (in the process, right after the commit). Empty: rq exactly
        # when REDIS_URL is set.
        "JOBS_BACKEND": os.environ.get("JOBS_BACKEND", ""),
        "JOBS_QUEUE": os.environ.get("JOBS_QUEUE", "mentorhub"),
        # Seconds to wait before each retry of a failed job (the last repeats).
        "JOBS_RETRY_INTERVALS": os.environ.get("JOBS_RETRY_INTERVALS", "10,60,300"),
        # The longest one job may run before the worker stops it (seconds).
        "JOBS_TIMEOUT": int(os.environ.get("JOBS_TIMEOUT", "600")),
        # Matching's exact mode (CP-SAT over the whole model): the most seconds it searches,
        # and the most pupils a term may have for it to run (above: the fast engine only).
        "MATCHING_EXACT_SECONDS": float(os.environ.get("MATCHING_EXACT_SECONDS", "10")),
        "MATCHING_EXACT_MAX_PUPILS": int(os.environ.get("MATCHING_EXACT_MAX_PUPILS", "1000")),
        # How often `flask mentorhub jobs-scheduler` looks for due jobs (seconds).
        "JOBS_SCHEDULER_SECONDS": float(os.environ.get("JOBS_SCHEDULER_SECONDS", "30")),
        # a job not confirmed on the RQ queue this long after its commit is handed on again
        "JOBS_HANDOFF_GRACE": float(os.environ.get("JOBS_HANDOFF_GRACE", "60")),
        # gevent under gunicorn (make run); "threading" for the test server.
        "SOCKETIO_ASYNC_MODE": os.environ.get("SOCKETIO_ASYNC_MODE") or None,
        # None: same origin only (python-engineio's default check against the Host header).
        "SOCKETIO_ORIGINS": os.environ.get("SOCKETIO_ORIGINS") or None,
        # The Redis channel the workers of one deployment share (tests: one per run).
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "flask-socketio"),
        # The largest Socket.IO message read (bytes); bigger ones close the connection.
        "SOCKETIO_MAX_BUFFER": int(os.environ.get("SOCKETIO_MAX_BUFFER", str(3_000_000))),
        # The bearer token that opens /metrics and /health's details from another machine;
        # empty: only from this machine (docs/operations.md, "Health and metrics").
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        # Seconds each /health check may take (under gevent it is cut off after that).
        "HEALTH_CHECK_TIMEOUT": float(os.environ.get("HEALTH_CHECK_TIMEOUT", "2")),
        # Seconds between a web worker's heartbeats on the message queue; 3x that: gone.
        "HEARTBEAT_SECONDS": float(os.environ.get("HEARTBEAT_SECONDS", "10")),
        "CHAT_RATE_LIMIT": os.environ.get("CHAT_RATE_LIMIT", "20 per 10 seconds"),
        # Chat images: the largest upload accepted, and where the re-encoded files are kept.
        "CHAT_IMAGE_MAX_BYTES": _chat_image_max,
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance / "uploads")),
        "MAX_CONTENT_LENGTH": max_content_length(),
        # How many reverse proxies in front of the app append to X-Forwarded-For / set
        # X-Forwarded-Proto (nginx in `make run-scaled`: 1). 0, the pilot's default, trusts
        # neither header: the address is the connection's. See docs/operations.md on spoofing.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ["sv", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": tls,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": tls,
        "PREFERRED_URL_SCHEME": "https" if tls else "http",
        "MENTORHUB_TLS": tls,
        "SERVER_BASE_URL": os.environ.get("MENTORHUB_BASE_URL", "http://127.0.0.1:5000"),
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or os.environ.get("REDIS_URL")
        or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # A moving window: a burst across a minute's boundary is not let through twice.
        "RATELIMIT_STRATEGY": "moving-window",
        # Sign-in and password reset: tight per account and address and per account (from any
        # address), loose per address, since a whole school signs in from one address.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get(
            "LOGIN_ACCOUNT_RATE_LIMIT", "20 per minute;100 per hour"
        ),
        "LOGIN_IP_RATE_LIMIT": os.environ.get(
            "LOGIN_IP_RATE_LIMIT", "200 per minute;1000 per hour"
        ),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "outbox"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "MentorHub <no-reply@mentorhub.local>"),
        "INVITATION_DAYS": int(os.environ.get("INVITATION_DAYS", "7")),
        "GUARDIAN_CONSENT_REQUIRED": _bool("GUARDIAN_CONSENT_REQUIRED", True),
        "PASSWORD_RESET_MINUTES": int(os.environ.get("PASSWORD_RESET_MINUTES", "60")),
        # Early-warning thresholds for the progress review (defaults: progress.warnings.Thresholds).
        "WARN_ATTENDANCE_RATE": float(os.environ.get("WARN_ATTENDANCE_RATE", "0.75")),
        "WARN_ATTENDANCE_WINDOW": int(os.environ.get("WARN_ATTENDANCE_WINDOW", "4")),
        "WARN_ABSENCES_IN_A_ROW": int(os.environ.get("WARN_ABSENCES_IN_A_ROW", "2")),
        "WARN_INACTIVE_DAYS": int(os.environ.get("WARN_INACTIVE_DAYS", "14")),
        "WARN_CHECKIN_DAYS": int(os.environ.get("WARN_CHECKIN_DAYS", "14")),
        "WARN_FALLING_RATINGS": int(os.environ.get("WARN_FALLING_RATINGS", "3")),
        "WARN_LEVEL_DOWNS": int(os.environ.get("WARN_LEVEL_DOWNS", "2")),
        # Programme reports: a count from 1 up to this (not included) shows as "<5".
        "REPORT_THRESHOLD": int(os.environ.get("REPORT_THRESHOLD", "5")),
        # How long a computed report is reused while nothing it counts was written (this worker).
        # Months after a pupil's last term until `flask mentorhub retention` anonymises them;
        # read (and refused when malformed) by that command, shown on the privacy page.
        "RETENTION_MONTHS": os.environ.get("RETENTION_MONTHS", "12"),
        "REPORT_CACHE_SECONDS": float(os.environ.get("REPORT_CACHE_SECONDS", "300")),
        # Accessibility feedback (public form): per address, so one person cannot flood it.
        "FEEDBACK_RATE_LIMIT": os.environ.get("FEEDBACK_RATE_LIMIT", "5 per minute;30 per day"),
    }
