"""People, their roles, invitations and password resets."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    MENTOR = "mentor"
    HOME_TEACHER = "home_teacher"
    SPECIAL_EDUCATOR = "special_educator"
    PUPIL = "pupil"


STAFF_ROLES = (Role.MENTOR, Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR, Role.COORDINATOR)


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True, index=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    # Bumped on deactivation, password reset and "sign out everywhere": every session ends.
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]  # personal data removed (privacy.erasure), counts kept

    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    school: Mapped[School | None] = relationship(lazy="joined")  # noqa: F821

    @property
    def roles(self) -> set[Role]:
        return {Role(r.role) for r in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        from flask import current_app

        # Tests choose a cheap method; production keeps Werkzeug's default (scrypt).
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)


class Invitation(db.Model):
    """A single-use, expiring link that lets one person create their account."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    roles: Mapped[list[str]] = mapped_column(sa.JSON)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    school: Mapped[School | None] = relationship(lazy="joined")  # noqa: F821
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()


class LoginSession(db.Model):
    """One sign-in. Its random key is kept in the Flask session cookie; every request and socket
    event checks that the key names a sign-in of that user that has not ended. Signing out ends
    this one sign-in (a copied cookie dies with it); `users.session_version` ends all of them."""

    __tablename__ = "login_sessions"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


def role_label(role: str) -> str:
    """The role's name in the user's language."""
    from flask_babel import gettext as _

    labels = {
        Role.COORDINATOR: _("Coordinator"),
        Role.MENTOR: _("Knowledge mentor"),
        Role.HOME_TEACHER: _("Home teacher"),
        Role.SPECIAL_EDUCATOR: _("Special-needs educator"),
        Role.PUPIL: _("Pupil"),
    }
    return labels[Role(role)]
