"""Signing in and out, accepting invitations, password resets and the language choice."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from mentorhub import web
from mentorhub.accounts import services
from mentorhub.accounts.forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ResetPasswordForm,
)
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError
from mentorhub.extensions import limiter
from mentorhub.programme.forms import ConfirmForm
from mentorhub.redirects import local_path

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Back to where the person came from on this site, else the start page."""
    return local_path(target) or url_for("dashboard.index")


def _login_limit() -> str:
    """Tight: attempts at one account from one address."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    """Attempts at one account from every address together: guessing spread over many
    addresses is stopped too, yet someone elsewhere needs more tries to lock the owner out."""
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _address_limit() -> str:
    """Loose: a whole school signs in from one address, an attack from one address is still
    stopped."""
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


def _email() -> str:
    return request.form.get("email", "").strip().lower()


def _email_key() -> str:
    return "email:" + _email()


def _email_and_address_key() -> str:
    """One account from one address: a class-mate's typos never lock out the others."""
    return f"email-address:{_email()}:{get_remote_address()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_and_address_key)
@limiter.limit(_account_limit, methods=["POST"], key_func=_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm(next=request.args.get("next", ""))
    return web.handle_form(
        form,
        lambda: services.sign_in(form.email.data, form.password.data),
        done=lambda signed_in: _start(*signed_in, _safe_next(form.next.data)),
        page=lambda: render_template("accounts/login.html", form=form),
    )


def _start(user: User, key: str, to: str) -> ResponseReturnValue:
    """Sign `user` in on this browser with the sign-in `key` the service recorded."""
    login_user(user)
    session[services.SESSION_KEY] = key
    if user.locale:
        session["locale"] = user.locale
    return redirect(to)


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user, session.get(services.SESSION_KEY))
    logout_user()
    session.pop(services.SESSION_KEY, None)
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/account/sessions")
@login_required
def sessions():
    """Where a person ends every sign-in of theirs (a lost phone, a shared computer)."""
    return render_template("accounts/sessions.html", form=ConfirmForm())


@bp.post("/account/sessions/end")
@login_required
def end_all_sessions():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user, current_user)
    logout_user()
    session.pop(services.SESSION_KEY, None)
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_and_address_key)
@limiter.limit(_account_limit, methods=["POST"], key_func=_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            _(
                "If the address belongs to an account, a link to choose a new password "
                "has been sent to it."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.reset_for_token(token)
    except DomainError as error:
        return render_template("accounts/link_problem.html", message=error.message), 410
    form = ResetPasswordForm()
    return web.handle_form(
        form,
        lambda: services.reset_password(token, form.password.data),
        done=lambda _user: _signed_out(
            _("Your password has been changed. Sign in with the new one.")
        ),
        page=lambda: render_template("accounts/reset_password.html", form=form),
    )


def _signed_out(message: str) -> ResponseReturnValue:
    logout_user()
    return web.done(message, url_for("accounts.login"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as error:
        return render_template("accounts/link_problem.html", message=error.message), 410
    form = AcceptInvitationForm()
    if request.method == "GET" and invitation.name:
        form.name.data = invitation.name
    return web.handle_form(
        form,
        lambda: services.accept_invitation(token, name=form.name.data, password=form.password.data),
        done=_welcome,
        page=lambda: _invitation_page(form, invitation),
    )


def _invitation_page(form: AcceptInvitationForm, invitation):
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


def _welcome(user: User) -> ResponseReturnValue:
    logout_user()
    login_user(user)
    session[services.SESSION_KEY] = services.start_session(user)
    return web.done(
        _("Welcome to MentorHub, %(name)s!", name=user.name), url_for("dashboard.index")
    )


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            services.set_locale(current_user, form.locale.data)
    return redirect(_safe_next(form.next.data))
