"""MentorHub: kunskapsmentorer för särskilt begåvade och högpresterande elever."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from mentorhub import config as config_module
from mentorhub.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio

ROOT = Path(__file__).resolve().parent.parent

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        # 'self' covers the same origin's ws:/wss: (CSP3); a bare ws: would allow any host.
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. The only place that wires extensions, blueprints and hooks together."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from mentorhub import web

    app.request_class = web.TextRequest
    app.config.update(config_module.load(Path(app.instance_path)))
    app.config.update(overrides or {})
    app.jinja_env.add_extension("jinja2.ext.do")

    _init_extensions(app)
    _trust_proxies(app)
    _register_blueprints(app)
    _register_notification_kinds()
    _register_jobs()
    _register_hooks(app)

    from mentorhub import cli, errors

    errors.register(app)
    cli.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from mentorhub import models  # noqa: F401  (every model known to Alembic and the session)

    db.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=_select_locale,
        timezone_selector=lambda: "Europe/Stockholm",
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    from mentorhub import i18n

    i18n.install(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Sign in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    from mentorhub.chat import events  # (registers the Socket.IO handlers)

    app.session_interface = events.SocketSessions()

    socketio.init_app(
        app,
        # Redis between workers when REDIS_URL is set; either way a manager that can end
        # someone's sockets on every worker (see chat/events.py)
        client_manager=events.client_manager(app.config),
        # A message bigger than this closes the socket unanswered; one below it gets an ack
        # (`too_long` for a long body: the limit itself is the service's).
        max_http_buffer_size=app.config["SOCKETIO_MAX_BUFFER"],
        manage_session=False,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        cors_allowed_origins=app.config["SOCKETIO_ORIGINS"],
    )


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, read the client's address from the last that many
    X-Forwarded-For entries and the scheme from X-Forwarded-Proto. Outermost, around
    Flask-SocketIO's middleware, so sockets see the same address and scheme as pages. Only the
    entries the proxies appended are read: what a client wrote in front of them is ignored,
    unless the app is reachable without the proxy (docs/operations.md, "Scaled out")."""
    count = app.config["PROXY_COUNT"]
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _load_user(user_id: str):
    """Run for every request and every socket event. The id carries the user's session_version
    (bumped by deactivation, a password reset and "sign out everywhere"), and the session holds
    the key of this one sign-in, which signing out ends: a copy of an old cookie is refused."""
    from sqlalchemy.orm import joinedload

    from mentorhub.accounts import services as accounts
    from mentorhub.accounts.models import User

    try:
        raw_id, raw_version = user_id.split(":")
        # The roles in the same statement: every page asks for them (a selectin of their own
        # was a second statement on every request).
        user = db.session.get(User, int(raw_id), options=[joinedload(User.role_rows)])
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or str(user.session_version) != raw_version:
        return None
    if not accounts.session_is_live(user, session.get(accounts.SESSION_KEY)):
        return None
    return user


def _select_locale() -> str:
    languages = ("sv", "en")
    if not has_request_context():
        return "sv"
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return "sv"


def _register_blueprints(app: Flask) -> None:
    from mentorhub.about.views import bp as about_bp
    from mentorhub.accounts.views import bp as accounts_bp
    from mentorhub.chat.views import bp as chat_bp
    from mentorhub.concerns.views import bp as concerns_bp
    from mentorhub.dashboard.views import bp as dashboard_bp
    from mentorhub.goals.views import bp as goals_bp
    from mentorhub.health import builtin as health_checks
    from mentorhub.health.views import bp as health_bp
    from mentorhub.matching.views import bp as matching_bp
    from mentorhub.meetings.views import bp as meetings_bp
    from mentorhub.meetings.views import feed_bp as calendar_feed_bp
    from mentorhub.nominations.views import bp as nominations_bp
    from mentorhub.notifications.views import bp as notifications_bp
    from mentorhub.privacy.pupil_data import bp as pupil_data_bp
    from mentorhub.privacy.views import bp as privacy_bp
    from mentorhub.problems.views import bp as problems_bp
    from mentorhub.programme.views import bp as programme_bp
    from mentorhub.progress.views import bp as progress_bp
    from mentorhub.pupils.views import bp as pupils_bp
    from mentorhub.reports.views import bp as reports_bp
    from mentorhub.rooms.views import bp as rooms_bp

    app.register_blueprint(dashboard_bp)
    # /health and /metrics: operators' endpoints, guarded by policy.can_read_metrics & co.
    app.register_blueprint(health_bp)
    health_checks.register(app.config)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(programme_bp, url_prefix="/programme")
    app.register_blueprint(privacy_bp, url_prefix="/privacy")
    app.register_blueprint(nominations_bp, url_prefix="/nominations")
    app.register_blueprint(matching_bp, url_prefix="/matching")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(rooms_bp, url_prefix="/rooms")
    app.register_blueprint(chat_bp, url_prefix="/rooms")
    app.register_blueprint(problems_bp, url_prefix="/problems")
    app.register_blueprint(meetings_bp, url_prefix="/meetings")
    # The feed is fetched by calendar programs with no session: the secret address is the key.
    app.register_blueprint(calendar_feed_bp, url_prefix="/calendar")
    app.register_blueprint(goals_bp, url_prefix="/goals")
    app.register_blueprint(progress_bp, url_prefix="/progress")
    app.register_blueprint(concerns_bp, url_prefix="/concerns")
    app.register_blueprint(pupils_bp, url_prefix="/pupils")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(pupil_data_bp, url_prefix="/privacy/pupils")
    # Public: the privacy notice and accessibility statement are read before signing in.
    app.register_blueprint(about_bp, url_prefix="/om")


def _register_notification_kinds() -> None:
    """Each domain that notifies says what its kinds read (its `notices.py`); notifications
    itself knows none of them."""
    from mentorhub.chat import notices as chat
    from mentorhub.concerns import notices as concerns
    from mentorhub.goals import notices as goals
    from mentorhub.matching import notices as matching
    from mentorhub.meetings import notices as meetings
    from mentorhub.nominations import notices as nominations
    from mentorhub.notifications import kinds
    from mentorhub.problems import notices as problems
    from mentorhub.programme import notices as programme

    for domain in (chat, concerns, goals, matching, meetings, nominations, problems, programme):
        kinds.register(domain.KINDS)


def _register_jobs() -> None:
    """The modules that own background jobs register them when imported (`@jobs.job`); a
    worker knows every job once the app is built."""
    from mentorhub import mail  # noqa: F401  (mail.send)
    from mentorhub.goals import services as goals  # noqa: F401  (goals.checkin_prompts)
    from mentorhub.matching import runs  # noqa: F401  (matching.run)
    from mentorhub.notifications import services as notifications  # noqa: F401
    from mentorhub.privacy import retention  # noqa: F401  (privacy.retention)


def _tune_sqlite(engine: sa.Engine) -> None:
    """SQLite (the pilot's database) in WAL mode on every connection: a commit appends to the
    log instead of rewriting pages under a journal, readers do not wait for a writer, and a
    writer waits up to 5 s for another instead of failing. synchronous=NORMAL: what was
    committed survives the process being killed (the log is in the OS's hands); a power cut
    may lose the last commits, never corrupt the file (docs/operations.md)."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return

    @sa.event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _register_hooks(app: Flask) -> None:
    from flask_babel import get_locale

    from mentorhub import after_commit, audit, metrics, policy, web
    from mentorhub.chat import events

    @app.before_request
    def start_clock_and_queue():
        g.request_started = time.perf_counter()
        # Subscribed from the first request on, not the first socket: /health counts on it
        events.listen_to_queue()

    @app.after_request
    def commit_and_secure(response):
        # Asked before the commit: Flask-Login's is_authenticated reads `active`, which the
        # commit expires, so asking after it reloaded the user and their roles (2 statements
        # on every signed-in page).
        signed_in = bool(current_user) and current_user.is_authenticated
        # One commit per request, here: a refused or failed request stores nothing, and what
        # the request queued for after its commit (broadcasts, cut-offs, mail) runs only then.
        if response.status_code < 400:
            after_commit.commit()
        elif response.status_code == web.REFUSED and g.get("audit_reads"):
            # A refused form shows its page again: its writes go, the reads of the page stay.
            after_commit.rollback()
            audit.keep_reads()
            after_commit.commit()
        else:
            after_commit.rollback()
        started = g.get("request_started")
        if started is not None:
            elapsed = time.perf_counter() - started
            metrics.observe_request(request.endpoint, request.method, response.status_code, elapsed)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["MENTORHUB_TLS"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if signed_in:
            headers.setdefault("Cache-Control", "no-store")
        return response

    from mentorhub.accounts.models import role_label

    app.jinja_env.filters["role_label"] = role_label
    from mentorhub.timeutil import register_filters

    register_filters(app)

    @app.context_processor
    def template_globals():
        from mentorhub.notifications.services import unread_count

        unread = 0
        if current_user and current_user.is_authenticated:
            unread = unread_count(current_user)
        return {
            "policy": policy,
            "current_locale": str(get_locale()),
            "unread_notifications": unread,
        }

    @app.get("/healthz")
    def healthz():
        db.session.execute(sa.text("SELECT 1"))
        return {"status": "ok"}

    @app.before_request
    def remember_path_for_language_switch():
        g.current_path = request.full_path.rstrip("?")
