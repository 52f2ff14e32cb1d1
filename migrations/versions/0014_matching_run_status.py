"""matching runs as a background job: a run's status, stage, progress and failure reason, and
at most one queued or running run per term

Revision ID: 0014_matching_run_status
Revises: 0013_jobs
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_matching_run_status"
down_revision = "0013_jobs"
branch_labels = None
depends_on = None

_ACTIVE = sa.text("status IN ('queued', 'running')")


def upgrade():
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        # runs before this one ran inside the request: they are done
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="done")
        )
        batch_op.add_column(sa.Column("stage", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("steps_done", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("error", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(), nullable=True))
    # The rule "one run at a time per term" held by the database, so two starts racing cannot
    # both insert (the second gets an IntegrityError, which the service turns into a refusal).
    op.create_index(
        "uq_matching_runs_active_term",
        "matching_runs",
        ["term_id"],
        unique=True,
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )


def downgrade():
    op.drop_index("uq_matching_runs_active_term", table_name="matching_runs")
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.drop_column("finished_at")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("error")
        batch_op.drop_column("steps_done")
        batch_op.drop_column("stage")
        batch_op.drop_column("status")
