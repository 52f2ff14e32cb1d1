"""message report status: open, hidden or dismissed, and who handled it when

Revision ID: 0010_message_report_status
Revises: 0009_login_sessions
Create Date: 2026-12-02 17:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_message_report_status"
down_revision = "0009_login_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("message_reports", schema=None) as batch_op:
        # Reports made before this migration start open: the mentor has not handled any.
        batch_op.add_column(
            sa.Column("status", sa.String(length=12), nullable=False, server_default="open")
        )
        batch_op.add_column(sa.Column("handled_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("handled_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_message_reports_handled_by_id_users"),
            "users",
            ["handled_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_message_reports_status", ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("message_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_message_reports_status")
        batch_op.drop_constraint(
            batch_op.f("fk_message_reports_handled_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("handled_at")
        batch_op.drop_column("handled_by_id")
        batch_op.drop_column("status")
