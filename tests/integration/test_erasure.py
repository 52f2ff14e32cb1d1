"""Erasing a pupil leaves no personal data anywhere, keeps the programme's counts, and leaves
every other pupil's data as it was; a pupil who still has a mentor cannot be erased yet."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentorhub.accounts.models import User
from mentorhub.after_commit import commit
from mentorhub.audit import AuditEntry
from mentorhub.chat.models import Message
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.matching.models import Match
from mentorhub.privacy import erasure, records
from mentorhub.reports import services as reports
from mentorhub.timeutil import utcnow
from mentorhub.uploads import images
from mentorhub.uploads import services as uploads
from tests.integration.demo_region import coordinator, give_own_words, the_pupil


def traces(needles: list[str]) -> list[str]:
    """Every (table.column) whose text holds one of `needles`: all tables, all text columns."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.String | sa.Text | sa.JSON):
                text = sa.cast(column, sa.Text)
                for needle in needles:
                    hit = db.session.scalar(
                        sa.select(sa.func.count()).select_from(table).where(text.contains(needle))
                    )
                    if hit:
                        found.append(f"{table.name}.{column.name} holds {needle!r}")
    return found


def report_figures() -> list:
    period = reports.period_for(None)
    report = reports.report(reports.Filters(period), utcnow())
    return [(t.key, t.table.values) for t in report.tables]


def end_matches(pupil: User) -> None:
    db.session.execute(sa.delete(Match).where(Match.pupil_id == pupil.id))
    db.session.commit()


def test_a_pupil_who_still_has_a_mentor_cannot_be_erased(app, region):
    with app.app_context():
        alva = the_pupil()
        with pytest.raises(DomainError, match="End the match first|Avsluta matchningen"):
            erasure.erase(coordinator(), alva.id, utcnow())
        db.session.rollback()
        assert the_pupil().name != records.ERASED_NAME


def test_after_erasure_no_name_address_or_phrase_of_the_pupil_is_left_anywhere(app, region):
    with app.app_context():
        # given Alva, with her match ended, an image she sent and her words in the rooms
        alva = the_pupil()
        needles = [alva.name, alva.email, *give_own_words(alva)]
        assert traces(needles), "the demo data should mention Alva before erasure"
        room_id = db.session.scalar(
            sa.select(Message.room_id).where(Message.author_id == alva.id).limit(1)
        )
        image = uploads.save_image(images.encode(_png()), room_id=room_id, uploader_id=alva.id)
        db.session.commit()
        image_path = images.path_of(image.stored_name)
        assert image_path.exists()
        end_matches(alva)
        before = report_figures()
        others = db.session.scalar(
            sa.select(sa.func.count(Message.id)).where(Message.author_id != alva.id)
        )
        # when the coordinator erases her
        erasure.erase(coordinator(), alva.id, utcnow())
        commit()
        # then nothing names her, her image file is gone, the counts are as they were
        left = traces(needles)
        assert left == [], "\n".join(left)
        assert not image_path.exists()
        assert report_figures() == before
        erased = db.session.get(User, alva.id)
        assert erased.erased_at is not None and not erased.active
        bodies = db.session.scalars(
            sa.select(Message.body).where(Message.author_id == alva.id)
        ).all()
        assert bodies and set(bodies) == {records.PLACEHOLDER}
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Message.id)).where(Message.author_id != alva.id)
            )
            == others
        )
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "pupil.erase")
        ).one()
        assert entry.person_id == alva.id and "messages" in entry.details["counts"]


def test_the_rooms_timeline_keeps_its_sequence_without_gaps(app, region):
    with app.app_context():
        alva = the_pupil()
        room_id = db.session.scalar(
            sa.select(Message.room_id).where(Message.author_id == alva.id).limit(1)
        )
        seqs = db.session.scalars(
            sa.select(Message.seq).where(Message.room_id == room_id).order_by(Message.seq)
        ).all()
        end_matches(alva)
        erasure.erase(coordinator(), alva.id, utcnow())
        commit()
        assert (
            db.session.scalars(
                sa.select(Message.seq).where(Message.room_id == room_id).order_by(Message.seq)
            ).all()
            == seqs
        )


def test_a_failed_erasure_changes_nothing_and_removes_no_file(app, region, monkeypatch):
    with app.app_context():
        alva = the_pupil()
        end_matches(alva)
        name = alva.name

        def broken(needles):
            raise RuntimeError("disk full")

        monkeypatch.setattr(erasure, "_scrub", broken)
        with pytest.raises(RuntimeError):
            erasure.erase(coordinator(), alva.id, utcnow())
        db.session.rollback()
        assert the_pupil().name == name


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()
