"""launches, accounts and webhooks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Launches with their features, target teams, bills of materials, stage changes, success metrics,
measurements, 30/60/90-day checkpoints and beta customers (accounts) with their feedback; each
tier's default bill-of-materials template and readiness gates; outgoing webhooks and deliveries.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tier_deliverables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("accepts", sa.JSON(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_deliverables")),
    )
    with op.batch_alter_table("tier_deliverables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tier_deliverables_tier"), ["tier"], unique=False)

    op.create_table(
        "tier_gates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "planning",
                "alpha",
                "beta",
                "ga",
                "landed",
                "cancelled",
                name="stage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("threshold", sa.Double(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_gates")),
        sa.UniqueConstraint("tier", "stage", "rule", name=op.f("uq_tier_gates_tier")),
    )
    with op.batch_alter_table("tier_gates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tier_gates_tier"), ["tier"], unique=False)

    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("industry_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
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
            ["industry_id"],
            ["facets.id"],
            name=op.f("fk_accounts_industry_id_facets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("external_id", name=op.f("uq_accounts_external_id")),
        sa.UniqueConstraint("name", name=op.f("uq_accounts_name")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "delivered",
                "failed",
                name="deliverystatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name=op.f("fk_webhook_deliveries_webhook_id_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_webhook_deliveries_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_webhook_id"), ["webhook_id"], unique=False
        )

    op.create_table(
        "launches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "planning",
                "alpha",
                "beta",
                "ga",
                "landed",
                "cancelled",
                name="stage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("ga_on", sa.Date(), nullable=True),
        sa.Column(
            "goal",
            sa.Enum(
                "awareness",
                "adoption",
                "conversion",
                "pipeline",
                "upsell",
                name="goal",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("need", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=300), nullable=False),
        sa.Column("benefit", sa.String(length=300), nullable=False),
        sa.Column("alternative", sa.String(length=300), nullable=False),
        sa.Column("differentiator", sa.String(length=500), nullable=False),
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
        sa.CheckConstraint("tier in (1, 2, 3)", name=op.f("ck_launches_known_tier")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_launches_owner_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["items.id"],
            name=op.f("fk_launches_product_id_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_launches")),
        sa.UniqueConstraint("name", name=op.f("uq_launches_name")),
    )
    with op.batch_alter_table("launches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_launches_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_launches_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_launches_stage"), ["stage"], unique=False)

    op.create_table(
        "beta_customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "invited",
                "active",
                "completed",
                "dropped",
                name="betastatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("contact", sa.String(length=200), nullable=False),
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
            name=op.f("fk_beta_customers_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_beta_customers_launch_id_launches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beta_customers")),
        sa.UniqueConstraint("launch_id", "account_id", name=op.f("uq_beta_customers_launch_id")),
    )
    with op.batch_alter_table("beta_customers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_beta_customers_launch_id"), ["launch_id"], unique=False
        )

    op.create_table(
        "beta_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
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
            name=op.f("fk_beta_feedback_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_beta_feedback_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_beta_feedback_launch_id_launches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beta_feedback")),
    )
    with op.batch_alter_table("beta_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_beta_feedback_launch_id"), ["launch_id"], unique=False)

    op.create_table(
        "bom_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("accepts", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "todo", "in_progress", "dropped", name="bomstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("overdue_notified_on", sa.Date(), nullable=True),
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
            ["item_id"], ["items.id"], name=op.f("fk_bom_items_item_id_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_bom_items_launch_id_launches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_bom_items_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bom_items")),
    )
    with op.batch_alter_table("bom_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bom_items_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bom_items_launch_id"), ["launch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bom_items_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "launch_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "health",
            sa.Enum(
                "on_track", "at_risk", "off_track", name="health", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("due_notified_on", sa.Date(), nullable=True),
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
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_launch_checkpoints_launch_id_launches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_launch_checkpoints_reviewer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_launch_checkpoints")),
        sa.UniqueConstraint("launch_id", "day", name=op.f("uq_launch_checkpoints_launch_id")),
    )
    with op.batch_alter_table("launch_checkpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_launch_checkpoints_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_launch_checkpoints_launch_id"), ["launch_id"], unique=False
        )

    op.create_table(
        "launch_features",
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_launch_features_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_launch_features_launch_id_launches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("launch_id", "item_id", name=op.f("pk_launch_features")),
    )
    with op.batch_alter_table("launch_features", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_launch_features_item_id"), ["item_id"], unique=False)

    op.create_table(
        "launch_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("target", sa.Double(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("higher", "lower", name="direction", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("cumulative", sa.Boolean(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "api",
                "csv",
                "computed",
                name="metricsource",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("computation", sa.String(length=40), nullable=True),
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
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_launch_metrics_launch_id_launches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_launch_metrics")),
    )
    with op.batch_alter_table("launch_metrics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_launch_metrics_launch_id"), ["launch_id"], unique=False
        )

    op.create_table(
        "launch_stage_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_stage",
            sa.Enum(
                "planning",
                "alpha",
                "beta",
                "ga",
                "landed",
                "cancelled",
                name="stage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_stage",
            sa.Enum(
                "planning",
                "alpha",
                "beta",
                "ga",
                "landed",
                "cancelled",
                name="stage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("open_findings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_launch_stage_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_launch_stage_changes_launch_id_launches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_launch_stage_changes")),
    )
    with op.batch_alter_table("launch_stage_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_launch_stage_changes_launch_id"), ["launch_id"], unique=False
        )

    op.create_table(
        "launch_teams",
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_launch_teams_launch_id_launches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_launch_teams_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("launch_id", "team_id", name=op.f("pk_launch_teams")),
    )
    with op.batch_alter_table("launch_teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_launch_teams_team_id"), ["team_id"], unique=False)

    op.create_table(
        "launch_checkpoint_results",
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("actual", sa.Double(), nullable=True),
        sa.Column("expected", sa.Double(), nullable=False),
        sa.Column(
            "health",
            sa.Enum(
                "on_track", "at_risk", "off_track", name="health", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"],
            ["launch_checkpoints.id"],
            name=op.f("fk_launch_checkpoint_results_checkpoint_id_launch_checkpoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["metric_id"],
            ["launch_metrics.id"],
            name=op.f("fk_launch_checkpoint_results_metric_id_launch_metrics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "checkpoint_id", "metric_id", name=op.f("pk_launch_checkpoint_results")
        ),
    )
    op.create_table(
        "launch_measurements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "api",
                "csv",
                "computed",
                name="metricsource",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["metric_id"],
            ["launch_metrics.id"],
            name=op.f("fk_launch_measurements_metric_id_launch_metrics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_launch_measurements_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_launch_measurements")),
        sa.UniqueConstraint(
            "metric_id", "measured_on", name=op.f("uq_launch_measurements_metric_id")
        ),
    )

    _seed_tiers()


# The default template per tier: (kind, title, days from the launch date, required, accepts).
DELIVERABLES: dict[int, list[tuple[str, str, int, bool, list[str]]]] = {
    1: [
        ("positioning", "Positioning statement", -60, True, ["positioning"]),
        (
            "messaging",
            "Messaging and value propositions",
            -45,
            True,
            ["value_proposition", "differentiator", "positioning"],
        ),
        ("pricing", "Pricing and packaging", -30, True, ["asset", "handbook"]),
        ("sales_deck", "Sales deck", -21, True, ["solution", "asset"]),
        ("battlecard", "Competitive battlecards", -21, True, ["battlecard"]),
        ("demo", "Demo script and recording", -14, True, ["asset", "handbook"]),
        ("faq", "FAQ for sales and support", -14, True, ["faq"]),
        ("training", "Training and certification", -10, True, []),
        ("customer_story", "Customer story", -7, False, ["story"]),
        ("release_notes", "Release notes", 0, True, ["asset", "handbook"]),
        ("blog_press", "Blog post and press release", 0, False, ["asset"]),
        ("launch_email", "Launch email", 0, False, ["asset"]),
    ],
    2: [
        (
            "messaging",
            "Messaging update",
            -30,
            True,
            ["value_proposition", "differentiator", "positioning"],
        ),
        ("sales_deck", "Sales deck update", -14, False, ["solution", "asset"]),
        ("battlecard", "Battlecard update", -14, False, ["battlecard"]),
        ("faq", "FAQ", -7, True, ["faq"]),
        ("training", "Feature training", -7, False, []),
        ("release_notes", "Release notes", 0, True, ["asset", "handbook"]),
        ("blog_press", "Blog post", 0, False, ["asset"]),
    ],
    3: [
        ("release_notes", "Release notes", 0, True, ["asset", "handbook"]),
        ("faq", "FAQ update", 0, True, ["faq"]),
    ],
}
# The default gates per tier: (stage entered, rule, threshold).
GATES: dict[int, list[tuple[str, str, float | None]]] = {
    1: [
        ("alpha", "positioning", None),
        ("alpha", "differentiator", None),
        ("beta", "messaging", None),
        ("beta", "faq", None),
        ("beta", "beta_customers", 2),
        ("ga", "required_deliverables", None),
        ("ga", "certification", 0.8),
        ("ga", "success_metrics", 2),
        ("landed", "final_review", None),
    ],
    2: [
        ("alpha", "positioning", None),
        ("alpha", "differentiator", None),
        ("beta", "messaging", None),
        ("beta", "faq", None),
        ("beta", "beta_customers", 1),
        ("ga", "required_deliverables", None),
        ("ga", "certification", 0.6),
        ("ga", "success_metrics", 1),
        ("landed", "final_review", None),
    ],
    # A minor update still needs a reason to exist; release notes and FAQ are enough for it.
    3: [
        ("alpha", "differentiator", None),
        ("ga", "required_deliverables", None),
    ],
}


def _seed_tiers() -> None:
    deliverables = sa.table(
        "tier_deliverables",
        sa.column("tier", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("title", sa.String),
        sa.column("offset_days", sa.Integer),
        sa.column("required", sa.Boolean),
        sa.column("accepts", sa.JSON),
    )
    gates = sa.table(
        "tier_gates",
        sa.column("tier", sa.Integer),
        sa.column("stage", sa.String),
        sa.column("rule", sa.String),
        sa.column("threshold", sa.Float),
    )
    op.bulk_insert(
        deliverables,
        [
            {
                "tier": tier,
                "position": n,
                "kind": kind,
                "title": title,
                "offset_days": offset,
                "required": required,
                "accepts": accepts,
            }
            for tier, lines in DELIVERABLES.items()
            for n, (kind, title, offset, required, accepts) in enumerate(lines)
        ],
    )
    op.bulk_insert(
        gates,
        [
            {"tier": tier, "stage": stage, "rule": rule, "threshold": threshold}
            for tier, lines in GATES.items()
            for stage, rule, threshold in lines
        ],
    )


def downgrade() -> None:
    op.drop_table("launch_measurements")
    op.drop_table("launch_checkpoint_results")
    with op.batch_alter_table("launch_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_launch_teams_team_id"))

    op.drop_table("launch_teams")
    with op.batch_alter_table("launch_stage_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_launch_stage_changes_launch_id"))

    op.drop_table("launch_stage_changes")
    with op.batch_alter_table("launch_metrics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_launch_metrics_launch_id"))

    op.drop_table("launch_metrics")
    with op.batch_alter_table("launch_features", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_launch_features_item_id"))

    op.drop_table("launch_features")
    with op.batch_alter_table("launch_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_launch_checkpoints_launch_id"))
        batch_op.drop_index(batch_op.f("ix_launch_checkpoints_due_on"))

    op.drop_table("launch_checkpoints")
    with op.batch_alter_table("bom_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bom_items_owner_id"))
        batch_op.drop_index(batch_op.f("ix_bom_items_launch_id"))
        batch_op.drop_index(batch_op.f("ix_bom_items_item_id"))

    op.drop_table("bom_items")
    with op.batch_alter_table("beta_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beta_feedback_launch_id"))

    op.drop_table("beta_feedback")
    with op.batch_alter_table("beta_customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beta_customers_launch_id"))

    op.drop_table("beta_customers")
    with op.batch_alter_table("launches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_launches_stage"))
        batch_op.drop_index(batch_op.f("ix_launches_product_id"))
        batch_op.drop_index(batch_op.f("ix_launches_owner_id"))

    op.drop_table("launches")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_webhook_id"))
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_status"))
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_next_attempt_at"))

    op.drop_table("webhook_deliveries")
    op.drop_table("accounts")
    op.drop_table("webhooks")
    with op.batch_alter_table("tier_gates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_gates_tier"))

    op.drop_table("tier_gates")
    with op.batch_alter_table("tier_deliverables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_deliverables_tier"))

    op.drop_table("tier_deliverables")
