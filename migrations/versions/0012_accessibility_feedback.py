"""accessibility feedback: what anyone reports through the accessibility statement's form

Revision ID: 0012_accessibility_feedback
Revises: 0010_message_report_status
Create Date: 2026-12-03 07:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_accessibility_feedback"
# main has 0011_pupil_erasure on 0010: when both are merged this revises 0011_pupil_erasure.
down_revision = "0011_pupil_erasure"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accessibility_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_accessibility_feedback_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accessibility_feedback")),
    )
    with op.batch_alter_table("accessibility_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_accessibility_feedback_created_at"), ["created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("accessibility_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accessibility_feedback_created_at"))
    op.drop_table("accessibility_feedback")
