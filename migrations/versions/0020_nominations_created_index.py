"""nominations newest first: an index on (created_at, id), so a page of the list is read in
that order instead of sorting every nomination of the region for each page

Revision ID: 0020_nominations_created_index
Revises: 0019_messages_author_index
Create Date: 2026-12-07 23:25:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_nominations_created_index"
down_revision = "0019_messages_author_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index("ix_nominations_created", ["created_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index("ix_nominations_created")
