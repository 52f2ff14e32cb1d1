"""The signed-in person's notifications."""

from flask import redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from mentorhub import policy, web
from mentorhub.notifications import services

bp = web.blueprint("notifications", __name__)


@bp.get("/")
def index():
    policy.authorize(policy.can_use_app(current_user))
    return render_template(
        "notifications/index.html",
        items=services.latest(current_user),
        text=services.text,
        form=FlaskForm(),  # the button's CSRF token only
    )


@bp.post("/read")
def mark_read():
    policy.authorize(policy.can_use_app(current_user))
    if FlaskForm().validate_on_submit():
        services.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))
