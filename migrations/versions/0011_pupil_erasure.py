"""pupil erasure: when an account was erased (its personal data removed, its counts kept)

Revision ID: 0011_pupil_erasure
Revises: 0010_message_report_status
Create Date: 2026-12-03 07:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_pupil_erasure"
down_revision = "0010_message_report_status"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
