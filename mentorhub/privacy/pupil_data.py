"""A pupil's data as a whole, for the coordinator who handles privacy requests: who has seen
the record (the access log about the pupil), the register extract, and erasure."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from mentorhub import policy, web
from mentorhub.accounts.models import Role, User
from mentorhub.extensions import db
from mentorhub.privacy import access_log as access
from mentorhub.privacy import erasure, export
from mentorhub.privacy.labels import action_label
from mentorhub.timeutil import utcnow

bp = web.blueprint("pupil_data", __name__)

PAGE_SIZE = 50
CSV_LIMIT = 100_000


@bp.get("/")
def index():
    policy.authorize(policy.can_read_audit_log(current_user))
    search = (request.args.get("q") or "").strip()
    query = (
        sa.select(User)
        .where(User.role_rows.any(role=Role.PUPIL.value), User.erased_at.is_(None))
        .order_by(User.name)
    )
    if search:
        query = query.where(User.name.contains(search, autoescape=True))
    pupils = db.session.scalars(query.limit(200)).all()
    return render_template("privacy/pupils.html", pupils=pupils, search=search)


@bp.get("/access-log")
def access_log():
    """Who has looked at what: by pupil, by staff member, within dates; as a page or CSV."""
    filters, problem = _access_filters()
    if problem:
        flash(problem, "error")
    statement = access.read(current_user, filters)
    if request.args.get("format") == "csv":
        return _access_csv(statement)
    return _access_page(statement, filters)


def _access_csv(statement) -> Response:
    entries = db.session.scalars(statement.limit(CSV_LIMIT)).unique().all()
    header = [_("Time"), _("Who"), _("What"), _("Concerning")]
    return Response(
        access.as_csv(entries, action_label, header),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="atkomstlogg.csv"'},
    )


def _access_page(statement, filters: access.Filters) -> str:
    entries = db.paginate(
        statement,
        page=max(request.args.get("page", 1, type=int), 1),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "privacy/access_log.html",
        entries=entries,
        filters=filters,
        pupil=db.session.get(User, filters.pupil_id) if filters.pupil_id else None,
        staff=access.staff_members(),
        action_label=action_label,
        args={k: v for k, v in request.args.items() if k != "page" and v},
    )


def _access_filters() -> tuple[access.Filters, str]:
    args = request.args
    problem = ""
    days = {}
    for key in ("since", "until"):
        raw = (args.get(key) or "").strip()
        try:
            days[key] = date.fromisoformat(raw) if raw else None
        except ValueError:
            days[key], problem = None, _("Write dates as YYYY-MM-DD, e.g. 2026-12-01.")
    filters = access.Filters(
        pupil_id=args.get("pupil", type=int),
        staff_id=args.get("staff", type=int),
        since=days["since"],
        until=days["until"],
    )
    return filters, problem


@bp.get("/<int:pupil_id>")
def show(pupil_id: int):
    pupil = erasure.pupil_to_erase(current_user, pupil_id)
    entries = db.paginate(
        access.read(current_user, access.Filters(pupil_id=pupil.id)),
        page=max(request.args.get("page", 1, type=int), 1),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "privacy/pupil.html", pupil=pupil, entries=entries, action_label=action_label
    )


@bp.get("/<int:pupil_id>/export")
def export_zip(pupil_id: int):
    extract = export.read_extract(current_user, pupil_id, utcnow())
    summary = render_template("privacy/extract.html", extract=extract, action_label=action_label)
    return Response(
        export.zip_of(extract, summary),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{export.filename(extract)}"'},
    )


@bp.route("/<int:pupil_id>/erase", methods=["GET", "POST"])
def erase(pupil_id: int):
    plan = erasure.plan(current_user, pupil_id, date.today())
    form = FlaskForm()
    return web.handle_form(
        form,
        lambda: erasure.erase(current_user, pupil_id, utcnow()),
        done=lambda _counts: web.done(
            _("The pupil's personal data has been erased."), url_for("pupil_data.index")
        ),
        page=lambda: render_template(
            "privacy/erase.html", plan=plan, form=form, kind=export.KINDS.get
        ),
    )
