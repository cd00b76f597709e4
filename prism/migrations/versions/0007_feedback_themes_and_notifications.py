"""The feedback loop: feedback items with their embeddings and structured reasons, themes (curation
flags, status, centre), status changes, in-app notifications, requests to the enablement team and
the capabilities they are grouped into, and accounts' ARR, segment, renewal, health and churn.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("named", sa.Boolean(), nullable=False),
        sa.Column("curated", sa.Boolean(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "reviewed",
                "shared",
                "planned",
                "shipped",
                "declined",
                name="themestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("status_note", sa.Text(), nullable=False),
        sa.Column("vector_sum", sa.LargeBinary(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_themes")),
    )
    with op.batch_alter_table("feedback_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_themes_status"), ["status"], unique=False)

    op.create_table(
        "feedback_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "reviewed",
                "shared",
                "planned",
                "shipped",
                "declined",
                name="themestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_feedback_status_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["feedback_themes.id"],
            name=op.f("fk_feedback_status_changes_theme_id_feedback_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_status_changes")),
    )
    with op.batch_alter_table("feedback_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_status_changes_theme_id"), ["theme_id"], unique=False
        )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_user_unread", ["user_id", "read_at"], unique=False)

    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "feature_request",
                "usability",
                "bug",
                "pricing",
                "competitor_intel",
                "praise",
                "win_reason",
                "loss_reason",
                "churn_reason",
                name="kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "reason",
            sa.Enum(
                "product_fit",
                "missing_feature",
                "price",
                "competitor",
                "ease_of_use",
                "security",
                "integration",
                "support",
                "relationship",
                "timing",
                "no_decision",
                "budget",
                "poor_adoption",
                "other",
                name="reason",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "origin",
            sa.Enum(
                "form",
                "api",
                "csv",
                "beta",
                "deal",
                "account",
                name="origin",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("said_on", sa.Date(), nullable=False),
        sa.Column("submitter_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("feature_id", sa.Integer(), nullable=True),
        sa.Column("competitor_id", sa.Integer(), nullable=True),
        sa.Column("launch_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("placed", sa.Boolean(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
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
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_feedback_items_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["competitor_id"],
            ["items.id"],
            name=op.f("fk_feedback_items_competitor_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_feedback_items_deal_id_deals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["feature_id"],
            ["items.id"],
            name=op.f("fk_feedback_items_feature_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_feedback_items_launch_id_launches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["items.id"],
            name=op.f("fk_feedback_items_product_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitter_id"],
            ["users.id"],
            name=op.f("fk_feedback_items_submitter_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_feedback_items_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["feedback_themes.id"],
            name=op.f("fk_feedback_items_theme_id_feedback_themes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_items")),
        sa.UniqueConstraint("external_id", name=op.f("uq_feedback_items_external_id")),
    )
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_items_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_feedback_items_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feedback_items_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_feedback_items_said_on"), ["said_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feedback_items_submitter_id"), ["submitter_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_feedback_items_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "capabilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("named", sa.Boolean(), nullable=False),
        sa.Column(
            "need",
            sa.Enum(
                "asset",
                "training",
                "deal_help",
                "competitive_intel",
                name="need",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "planned",
                "in_progress",
                "delivered",
                "declined",
                name="capabilitystatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("target_on", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("vector_sum", sa.LargeBinary(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["items.id"],
            name=op.f("fk_capabilities_asset_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_capabilities_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capabilities")),
    )
    with op.batch_alter_table("capabilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capabilities_status"), ["status"], unique=False)

    op.create_table(
        "enablement_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "need",
            sa.Enum(
                "asset",
                "training",
                "deal_help",
                "competitive_intel",
                name="need",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("competitor_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column(
            "risk",
            sa.Enum("none", "refund", "churn", name="risk", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "route",
            sa.Enum(
                "roadmap", "deal_help", "self_serve", name="route", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("route_reason", sa.Text(), nullable=False),
        sa.Column(
            "help_status",
            sa.Enum("open", "done", "withdrawn", name="helpstatus", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("helper_id", sa.Integer(), nullable=True),
        sa.Column("capability_id", sa.Integer(), nullable=True),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_enablement_requests_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["capability_id"],
            ["capabilities.id"],
            name=op.f("fk_enablement_requests_capability_id_capabilities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["competitor_id"],
            ["items.id"],
            name=op.f("fk_enablement_requests_competitor_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_enablement_requests_deal_id_deals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["helper_id"],
            ["users.id"],
            name=op.f("fk_enablement_requests_helper_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["items.id"],
            name=op.f("fk_enablement_requests_product_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["users.id"],
            name=op.f("fk_enablement_requests_requester_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_enablement_requests_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enablement_requests")),
    )
    with op.batch_alter_table("enablement_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enablement_requests_capability_id"), ["capability_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enablement_requests_need"), ["need"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_enablement_requests_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enablement_requests_route"), ["route"], unique=False)

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arr", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("segment", sa.String(length=60), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("renewal_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("health", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("churned_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("churned_on")
        batch_op.drop_column("health")
        batch_op.drop_column("renewal_on")
        batch_op.drop_column("segment")
        batch_op.drop_column("arr")

    with op.batch_alter_table("enablement_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enablement_requests_route"))
        batch_op.drop_index(batch_op.f("ix_enablement_requests_requester_id"))
        batch_op.drop_index(batch_op.f("ix_enablement_requests_need"))
        batch_op.drop_index(batch_op.f("ix_enablement_requests_capability_id"))

    op.drop_table("enablement_requests")
    with op.batch_alter_table("capabilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capabilities_status"))

    op.drop_table("capabilities")

    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_items_theme_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_items_submitter_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_items_said_on"))
        batch_op.drop_index(batch_op.f("ix_feedback_items_product_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_items_kind"))
        batch_op.drop_index(batch_op.f("ix_feedback_items_account_id"))

    op.drop_table("feedback_items")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_unread")

    op.drop_table("notifications")
    with op.batch_alter_table("feedback_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_status_changes_theme_id"))

    op.drop_table("feedback_status_changes")
    with op.batch_alter_table("feedback_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_themes_status"))

    op.drop_table("feedback_themes")
