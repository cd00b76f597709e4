"""Deal touches: the first time each item was in front of each deal, kept beside the usage
events so influence reads one row per (item, deal); filled from the events already recorded.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deal_touches",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_deal_touches_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_deal_touches_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "deal_id", name=op.f("pk_deal_touches")),
    )
    with op.batch_alter_table("deal_touches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_touches_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(
            "ix_deal_touches_item_deal_first", ["item_id", "deal_id", "first_at"], unique=False
        )
    op.execute(
        "INSERT INTO deal_touches (item_id, deal_id, first_at) "
        "SELECT item_id, deal_id, min(at) FROM usage_events "
        "WHERE item_id IS NOT NULL AND deal_id IS NOT NULL "
        "AND use IN ('view', 'download', 'share', 'buyer_view') GROUP BY item_id, deal_id"
    )


def downgrade() -> None:
    op.drop_table("deal_touches")
