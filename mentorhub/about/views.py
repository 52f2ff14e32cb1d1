"""The privacy notice, the accessibility statement and its feedback form: public pages, read
before anyone signs in. The feedback list behind them is the coordinators'."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mentorhub import policy, web
from mentorhub.about import services
from mentorhub.about.forms import FeedbackForm
from mentorhub.extensions import limiter

# Not `web.blueprint`: these pages must open without signing in.
bp = Blueprint("about", __name__)


def _feedback_limit() -> str:
    """Per address: enough for a whole class to report, too few to flood the coordinators."""
    return current_app.config["FEEDBACK_RATE_LIMIT"]


@bp.get("/integritet")
def privacy():
    return render_template("about/privacy.html", facts=services.privacy_facts(current_app.config))


@bp.get("/tillganglighet")
def accessibility():
    return render_template("about/accessibility.html", reviewed=services.STATEMENT_REVIEWED)


@bp.route("/tillganglighet/synpunkter", methods=["GET", "POST"])
@limiter.limit(_feedback_limit, methods=["POST"])
def feedback():
    form = FeedbackForm()
    return web.handle_form(
        form,
        lambda: services.send_feedback(
            current_user if current_user.is_authenticated else None,
            form.message.data,
            form.reply_to.data or "",
        ),
        done=lambda _feedback: web.done(
            _("Thank you. Your feedback has been sent to the programme's coordinators."),
            url_for("about.accessibility"),
        ),
        page=lambda: render_template("about/feedback.html", form=form),
    )


@bp.get("/tillganglighet/inkomna")
@login_required
def feedback_list():
    policy.authorize(policy.can_read_feedback(current_user))
    return render_template("about/feedback_list.html", entries=services.feedback_for(current_user))
