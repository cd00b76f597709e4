"""Packaging changes carried by launches: planned feature moves, and prices held by a launch.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "planned_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column("feature_id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=True),
        sa.Column("to_id", sa.Integer(), nullable=True),
        sa.Column("limit", sa.String(length=300), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["feature_id"],
            ["items.id"],
            name=op.f("fk_planned_moves_feature_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_id"],
            ["items.id"],
            name=op.f("fk_planned_moves_from_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_planned_moves_launch_id_launches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_id"], ["items.id"], name=op.f("fk_planned_moves_to_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_moves")),
        sa.UniqueConstraint("launch_id", "feature_id", name=op.f("uq_planned_moves_launch_id")),
    )
    with op.batch_alter_table("planned_moves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planned_moves_launch_id"), ["launch_id"], unique=False)

    with op.batch_alter_table("prices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("launch_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("held", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_prices_launch_id"), ["launch_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_prices_launch_id_launches"),
            "launches",
            ["launch_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("prices", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_prices_launch_id_launches"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_prices_launch_id"))
        batch_op.drop_column("held")
        batch_op.drop_column("launch_id")

    with op.batch_alter_table("planned_moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planned_moves_launch_id"))

    op.drop_table("planned_moves")
