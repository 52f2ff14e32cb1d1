"""matching runs: what kind of run each was, a whole run of the term or a rematch of some pupils
(every applied rematch is kept as a run, with its figures, beside the term's runs)

Revision ID: 0018_rematch_runs
Revises: 0017_matching_exact
Create Date: 2026-12-08 00:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_rematch_runs"
down_revision = "0017_matching_exact"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="run")
        )


def downgrade():
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.drop_column("kind")
