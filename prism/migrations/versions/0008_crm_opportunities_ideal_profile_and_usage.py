"""CRM import, ideal-customer fit and usage: accounts' region, size and reference status;
opportunities keyed by the CRM's id with their account, close date, CRM stage and loss reason;
saved column mappings; the ideal customer profile; usage events.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crm_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "target",
            sa.Enum("opportunities", "accounts", name="target", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("day_first", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_mappings")),
        sa.UniqueConstraint("name", name=op.f("uq_crm_mappings_name")),
    )
    op.create_table(
        "ideal_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ideal_profiles")),
    )
    op.create_table(
        "usage_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "use",
            sa.Enum(
                "view",
                "download",
                "share",
                "buyer_view",
                "search",
                "search_empty",
                name="use",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_usage_events_deal_id_deals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_usage_events_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["share_links.id"],
            name=op.f("fk_usage_events_link_id_share_links"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_usage_events_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_events")),
    )
    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_usage_events_deal_item_at", ["deal_id", "item_id", "at"], unique=False
        )
        batch_op.create_index("ix_usage_events_item_at", ["item_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_usage_events_link_id"), ["link_id"], unique=False)
        batch_op.create_index("ix_usage_events_use_at", ["use", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_usage_events_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("region", sa.String(length=60), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("employees", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "reference",
                sa.Enum(
                    "none",
                    "candidate",
                    "active",
                    "declined",
                    name="reference",
                    native_enum=False,
                    length=20,
                ),
                server_default="none",
                nullable=False,
            )
        )

    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("close_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("crm_stage", sa.String(length=60), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("loss_reason", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_deals_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_closed_at"), ["closed_at"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_deals_external_id"), ["external_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_deals_account_id_accounts"),
            "accounts",
            ["account_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_deals_account_id_accounts"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_deals_external_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_deals_closed_at"))
        batch_op.drop_index(batch_op.f("ix_deals_account_id"))
        batch_op.drop_column("loss_reason")
        batch_op.drop_column("crm_stage")
        batch_op.drop_column("close_on")
        batch_op.drop_column("account_id")
        batch_op.drop_column("external_id")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("reference")
        batch_op.drop_column("employees")
        batch_op.drop_column("region")

    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_events_user_id"))
        batch_op.drop_index("ix_usage_events_use_at")
        batch_op.drop_index(batch_op.f("ix_usage_events_link_id"))
        batch_op.drop_index("ix_usage_events_item_at")
        batch_op.drop_index("ix_usage_events_deal_item_at")

    op.drop_table("usage_events")
    op.drop_table("ideal_profiles")
    op.drop_table("crm_mappings")
