"""messages by author: an index on (author_id, created_at), for a pupil's latest message and
their messages this term (the progress review's 250 pupils read every message without it)

Revision ID: 0019_messages_author_index
Revises: 0018_rematch_runs
Create Date: 2026-12-07 23:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_messages_author_index"
down_revision = "0018_rematch_runs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_author", ["author_id", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_author")
