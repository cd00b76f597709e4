"""Webhooks that post to a chat channel (Slack, Microsoft Teams) besides Prism's own JSON, and
which stale items have been announced.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhooks") as webhooks:
        webhooks.add_column(
            sa.Column("format", sa.String(10), nullable=False, server_default="prism")
        )
    op.create_table(
        "stale_notices",
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("items.id", ondelete="CASCADE", name="fk_stale_notices_item_id_items"),
        ),
        sa.Column("noticed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name="pk_stale_notices"),
    )


def downgrade() -> None:
    op.drop_table("stale_notices")
    with op.batch_alter_table("webhooks") as webhooks:
        webhooks.drop_column("format")
