"""Accounts: signing in, invitations, password resets, deactivation and language."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm
from werkzeug.security import check_password_hash, generate_password_hash

from mentorhub import audit, mail, realtime
from mentorhub.accounts.models import (
    Invitation,
    LoginSession,
    PasswordReset,
    Role,
    User,
    UserRole,
)
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.timeutil import utcnow
from mentorhub.tokens import hash_token, new_token

MIN_PASSWORD_LENGTH = 10
# Compared against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalars(sa.select(User).where(User.email == normalise_email(email))).first()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (never saying which part was wrong)."""
    user = user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def sign_in(email: str, password: str) -> tuple[User, str]:
    """Check the credentials, record the new sign-in and audit it; returns the user and the
    sign-in's key (the view keeps it in the Flask session). Refused alike for a wrong email and
    a wrong password."""
    user = authenticate(email, password)
    if user is None:
        raise DomainError(_l("Wrong email or password."))
    key = start_session(user)
    audit.record(user, "session.login", user)
    return user, key


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _l("Choose a password of at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )


# --- invitations -----------------------------------------------------------------------------


def invite(
    actor: User,
    *,
    email: str,
    name: str,
    roles: Iterable[Role],
    school_id: int | None,
) -> tuple[Invitation, str]:
    """Create an invitation and mail its link. One mechanism for staff and, later, pupils.

    Refused when the email already has an account or an open invitation.
    """
    email = normalise_email(email)
    roles = sorted({Role(r) for r in roles})
    if not roles:
        raise DomainError(_l("Choose at least one role."), field="roles")
    if user_by_email(email) is not None:
        raise DomainError(_l("Someone with this email already has an account."), field="email")
    if open_invitation_for(email) is not None:
        raise DomainError(
            _l("This email already has an invitation that has not been used yet."), field="email"
        )
    token, token_hash = new_token()
    invitation = Invitation(
        token_hash=token_hash,
        email=email,
        name=name.strip(),
        roles=[str(r) for r in roles],
        school_id=school_id,
        invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    audit.record(actor, "invitation.create", invitation, email=email, roles=invitation.roles)
    _mail_invitation(invitation, token)
    return invitation, token


def invite_existing(actor: User, user: User) -> tuple[Invitation, str]:
    """Invite a person whose account already exists without a password (an approved pupil).

    Accepting sets their name and password on that account, so matching can place them before
    they have signed in for the first time.
    """
    for old in db.session.scalars(
        sa.select(Invitation).where(Invitation.user_id == user.id, Invitation.accepted_at.is_(None))
    ):
        old.revoked_at = utcnow()
    token, token_hash = new_token()
    invitation = Invitation(
        token_hash=token_hash,
        email=user.email,
        name=user.name,
        roles=sorted(r.value for r in user.roles),
        school_id=user.school_id,
        invited_by_id=actor.id,
        user_id=user.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    audit.record(actor, "invitation.create", invitation, person=user, email=user.email)
    _mail_invitation(invitation, token)
    return invitation, token


def open_invitation_for(email: str) -> Invitation | None:
    return db.session.scalars(
        sa.select(Invitation).where(
            Invitation.email == normalise_email(email),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    ).first()


def _mail_invitation(invitation: Invitation, token: str) -> None:
    link = mail.link_to("accounts.accept_invitation", token=token)
    with force_locale("sv"):
        subject = _("You are invited to MentorHub")
        body = mail.render("mail/invitation.txt", invitation=invitation, link=link)
    mail.send(invitation.email, subject, body)


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link names, or a DomainError saying why it cannot be used."""
    invitation = db.session.scalars(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).first()
    if invitation is None or invitation.revoked_at is not None:
        raise DomainError(_l("This invitation link is not valid. Ask for a new invitation."))
    if invitation.accepted_at is not None:
        raise DomainError(
            _l("This invitation has already been used. Sign in with your email and password.")
        )
    if invitation.expires_at <= utcnow():
        raise DomainError(_l("This invitation has expired. Ask your coordinator for a new one."))
    return invitation


def accept_invitation(token: str, *, name: str, password: str) -> User:
    """Create the account an invitation promised, and use the invitation up."""
    invitation = invitation_for_token(token)
    check_password_rules(password)
    if invitation.user_id is not None:
        # An account made ahead (an approved pupil): the invitation only completes it.
        user = db.session.get(User, invitation.user_id)
        if user is None or user.password_hash or not user.active:
            raise DomainError(_l("This invitation link is not valid. Ask for a new invitation."))
        user.name = name.strip()
    else:
        if user_by_email(invitation.email) is not None:
            raise DomainError(_l("Someone with this email already has an account."))
        user = User(email=invitation.email, name=name.strip(), school_id=invitation.school_id)
        user.role_rows = [UserRole(role=r) for r in invitation.roles]
        db.session.add(user)
    user.set_password(password)
    invitation.accepted_at = utcnow()
    db.session.flush()
    invitation.user_id = user.id
    audit.record(user, "invitation.accept", invitation, person=user)
    return user


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise DomainError(_l("This invitation has already been used."))
    invitation.revoked_at = utcnow()
    audit.record(actor, "invitation.revoke", invitation, email=invitation.email)


def open_invitations() -> list[Invitation]:
    """Invitations still waiting, leaving out those whose person already has an account."""
    has_account = sa.exists(sa.select(User.id).where(User.email == Invitation.email))
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), ~has_account)
            .order_by(Invitation.created_at.desc())
        )
    )


# --- password reset --------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Mail a single-use reset link if an active account has this email; silent otherwise."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    token, token_hash = new_token()
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    reset = PasswordReset(
        token_hash=token_hash, user_id=user.id, expires_at=utcnow() + timedelta(minutes=minutes)
    )
    db.session.add(reset)
    audit.record(user, "password.reset_requested", user)
    link = mail.link_to("accounts.reset_password", token=token)
    with force_locale(user.locale or "sv"):
        subject = _("Choose a new password for MentorHub")
        body = mail.render("mail/password_reset.txt", user=user, link=link, minutes=minutes)
    mail.send(user.email, subject, body)


def reset_for_token(token: str) -> PasswordReset:
    reset = db.session.scalars(
        sa.select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    ).first()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise DomainError(_l("This link has expired or has already been used. Ask for a new one."))
    if not reset.user.active:
        raise DomainError(_l("This account is deactivated."))
    return reset


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link, use the link up and end other sessions."""
    reset = reset_for_token(token)
    check_password_rules(password)
    user = reset.user
    user.set_password(password)
    _end_all_sessions(user)
    reset.used_at = utcnow()
    audit.record(user, "password.reset", user)
    return user


# --- sign-ins ----------------------------------------------------------------------------------


SESSION_KEY = "login_key"  # where the Flask session keeps the sign-in's key


def start_session(user: User) -> str:
    """Record a new sign-in; the caller keeps the returned key in the Flask session."""
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(key=key, user_id=user.id))
    return key


def signed_in_user(user_id: int, session_version: str, key: object) -> User | None:
    """The active user whose sign-in `key` is live and whose session version is
    `session_version`, with their roles, or None: what every request and socket event runs as.
    One statement, since it runs for each of them (three, a user, their roles and their
    sign-in, each a round trip to the database, were most of a cached page's database time)."""
    if not key or not isinstance(key, str):
        return None
    live = sa.and_(
        LoginSession.user_id == User.id, LoginSession.key == key, LoginSession.ended_at.is_(None)
    )
    user = (
        db.session.scalars(
            sa.select(User)
            .join(LoginSession, live)
            .where(User.id == user_id, User.active.is_(True))
            .options(orm.joinedload(User.role_rows))
        )
        .unique()
        .first()
    )
    if user is None or str(user.session_version) != session_version:
        return None
    return user


def session_is_live(user: User, key: str | None) -> bool:
    """Whether `key` names a sign-in of this user that has not ended (every request and event)."""
    if not key or not isinstance(key, str):
        return False
    row = db.session.get(LoginSession, key)
    return row is not None and row.user_id == user.id and row.ended_at is None


def end_session(user: User, key: str | None) -> None:
    """Sign out: this sign-in ends, so a copy of its cookie is refused from now on (HTTP and
    sockets), and its open sockets are disconnected after the commit. Other devices stay in."""
    row = db.session.get(LoginSession, key) if isinstance(key, str) else None
    if row is not None and row.user_id == user.id and row.ended_at is None:
        row.ended_at = utcnow()
        realtime.login_ended(row.key)
    audit.record(user, "session.logout", user)


def sign_out_everywhere(actor: User, user: User) -> None:
    """End every sign-in of `user` (by themself, or by a coordinator on their behalf): every
    cookie they have is refused, and every open socket of theirs is disconnected."""
    _end_all_sessions(user)
    audit.record(actor, "session.end_all", user, person=user)


def _end_all_sessions(user: User) -> None:
    """Bump the session version (every cookie of the user stops matching), end the sign-in rows,
    and disconnect their open sockets on every worker once this is committed."""
    user.session_version += 1
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    realtime.sessions_ended(user.id)


# --- staff administration --------------------------------------------------------------------


def deactivate(actor: User, user: User) -> None:
    """Stop a person signing in; their open sessions stop working at the next request."""
    if user.id == actor.id:
        raise DomainError(_l("You cannot deactivate your own account."))
    user.active = False
    user.deactivated_at = utcnow()
    _end_all_sessions(user)
    audit.record(actor, "user.deactivate", user)


def reactivate(actor: User, user: User) -> None:
    user.active = True
    user.deactivated_at = None
    audit.record(actor, "user.reactivate", user)


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("That language is not available."))
    user.locale = locale


def staff_list(*, include_inactive: bool = True) -> list[User]:
    """Every staff member, with roles and school loaded up front (no query per row)."""
    staff_roles = [r.value for r in Role if r is not Role.PUPIL]
    query = (
        sa.select(User)
        .where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role.in_(staff_roles))))
        .order_by(User.active.desc(), User.name)
    )
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query).unique())


def create_user(
    *, email: str, name: str, password: str, roles: Iterable[Role], school_id: int | None = None
) -> User:
    """Make an account directly (CLI and demo data only; people otherwise come by invitation)."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise DomainError(_l("Someone with this email already has an account."), field="email")
    check_password_rules(password)
    user = User(email=email, name=name, school_id=school_id)
    user.set_password(password)
    user.role_rows = [UserRole(role=str(Role(r))) for r in roles]
    db.session.add(user)
    db.session.flush()
    return user
