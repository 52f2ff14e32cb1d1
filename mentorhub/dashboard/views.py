"""The start page each person lands on after signing in."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from mentorhub import policy
from mentorhub.accounts.models import role_label

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    policy.authorize(policy.can_use_app(current_user))
    return render_template("dashboard/index.html", role_label=role_label)
