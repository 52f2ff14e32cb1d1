"""jobs on their way to the RQ queue: written with the transaction that queued them, deleted
once Redis has them, handed on again by the scheduler's sweep when that failed; and when a
notification was mailed, so a job run twice mails it once

Revision ID: 0015_pending_jobs
Revises: 0014_matching_run_status
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_pending_jobs"
down_revision = "0014_matching_run_status"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kwargs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_jobs")),
    )
    with op.batch_alter_table("pending_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_jobs_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mailed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("mailed_at")
    with op.batch_alter_table("pending_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_jobs_created_at"))
    op.drop_table("pending_jobs")
