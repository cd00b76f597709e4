"""Notices said in the reader's language: a notification keeps its sentences as written in the
code with the values of their places beside them, and each chat channel has the language its
messages are written in.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as notifications:
        notifications.add_column(
            sa.Column("places", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("webhooks") as webhooks:
        webhooks.add_column(
            sa.Column("language", sa.String(5), nullable=False, server_default="en")
        )


def downgrade() -> None:
    with op.batch_alter_table("webhooks") as webhooks:
        webhooks.drop_column("language")
    with op.batch_alter_table("notifications") as notifications:
        notifications.drop_column("places")
