"""matching run history: each run keeps its inputs' summary, its figures (assigned, score, the
bound and the gap, the engine's time), when it started, and the pairs it proposed

Revision ID: 0016_matching_run_history
Revises: 0015_pending_jobs
Create Date: 2026-12-07 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_matching_run_history"
down_revision = "0015_pending_jobs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        # a run's figures are empty until it is done: a failed or running run has none
        batch_op.alter_column("assigned", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("total_score", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("pupil_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("offer_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("capacity_total", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("subject_area_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("kept_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unassigned_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bound_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("bound_assigned", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bound_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("gap_percent", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("score_gap_percent", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("engine_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("pairs", sa.JSON(), nullable=True))
    # the 0 a run that never finished was given is not a figure it reached
    op.execute(
        "UPDATE matching_runs SET assigned = NULL, total_score = NULL WHERE status <> 'done'"
    )


def downgrade():
    op.execute("UPDATE matching_runs SET assigned = 0 WHERE assigned IS NULL")
    op.execute("UPDATE matching_runs SET total_score = 0 WHERE total_score IS NULL")
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        for column in (
            "pairs",
            "engine_seconds",
            "score_gap_percent",
            "gap_percent",
            "bound_score",
            "bound_assigned",
            "bound_kind",
            "unassigned_count",
            "kept_count",
            "subject_area_ids",
            "capacity_total",
            "offer_count",
            "pupil_count",
            "started_at",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("total_score", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("assigned", existing_type=sa.Integer(), nullable=False)
