"""The audit log, for the coordinator who answers to the data-protection officer."""

from flask import render_template, request, url_for
from flask_login import current_user

from mentorhub import audit, policy, web
from mentorhub.accounts.models import User
from mentorhub.extensions import db
from mentorhub.privacy.labels import action_label
from mentorhub.privacy.services import subjects_for

bp = web.blueprint("privacy", __name__)

PAGE_SIZE = 50


@bp.get("/audit")
def audit_log():
    policy.authorize(policy.can_read_audit_log(current_user))
    person_id = request.args.get("person", type=int)
    page = max(request.args.get("page", 1, type=int), 1)
    query = audit.entries_query(person_id=person_id)
    entries = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    people = db.session.scalars(db.select(User).order_by(User.name)).all()
    return render_template(
        "privacy/audit_log.html",
        entries=entries,
        people=people,
        person_id=person_id,
        action_label=action_label,
        subjects=subjects_for(current_user, entries.items, url_for),
    )
