"""matching exact mode: a run keeps whether its result is proven optimal and the exact mode's
status (CP-SAT's verdict, or why it did not run)

Revision ID: 0017_matching_exact
Revises: 0016_matching_run_history
Create Date: 2026-12-08 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_matching_exact"
down_revision = "0016_matching_run_history"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("optimal", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("exact_status", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.drop_column("exact_status")
        batch_op.drop_column("optimal")
