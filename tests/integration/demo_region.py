"""The Swedish demo data as a world for the privacy tests: Alva (the README's pupil) and her
classmates with a term of work, and the demo coordinator."""

from __future__ import annotations

import sqlalchemy as sa

from mentorhub import demo
from mentorhub.accounts.models import Role, User
from mentorhub.chat.models import Message
from mentorhub.extensions import db
from mentorhub.nominations.models import Nomination


def the_pupil(email: str = demo.DEMO_PUPIL_EMAIL) -> User:
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def coordinator() -> User:
    return db.session.scalars(
        sa.select(User).where(User.role_rows.any(role=Role.COORDINATOR.value))
    ).first()


def give_own_words(pupil: User) -> list[str]:
    """Words only this pupil wrote or had written about them (the demo reuses its texts
    across pupils): a nomination note, a message, a goal and a concern of her own."""
    from mentorhub.concerns.models import Concern
    from mentorhub.goals.models import Goal

    words = {
        "strength": "Löser primtalsspiraler i huvudet på bussen",
        "message": "Min hemliga lösning med kvadrattal och trianglar",
        "goal": "Läsa Fermats sista sats innan jullovet",
        "concern": "Oroar sig över prov i fysik varje söndag",
    }
    db.session.execute(
        sa.update(Nomination)
        .where(Nomination.pupil_id == pupil.id)
        .values(strengths=words["strength"])
    )
    message = db.session.scalars(
        sa.select(Message).where(Message.author_id == pupil.id).limit(1)
    ).one()
    message.body, message.html = words["message"], f"<p>{words['message']}</p>"
    db.session.add(Goal(pupil_id=pupil.id, title=words["goal"], created_by_id=pupil.id))
    db.session.add(Concern(pupil_id=pupil.id, category="wellbeing", description=words["concern"]))
    db.session.commit()
    return list(words.values())
