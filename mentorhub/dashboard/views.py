"""The start page each person lands on after signing in."""

from flask import render_template
from flask_login import current_user

from mentorhub import policy, web
from mentorhub.accounts.models import role_label
from mentorhub.dashboard import services

bp = web.blueprint("dashboard", __name__)


@bp.get("/")
def index():
    policy.authorize(policy.can_use_app(current_user))
    page = services.start_page(current_user)
    return render_template("dashboard/index.html", **page, role_label=role_label)
