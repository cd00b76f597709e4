"""Feedback settings (the granularity a person chose for the themes), and a feedback theme gathers
one signal (request, bug, pricing, competitor intel, praise, win or loss reason): a `signal`
column, set for existing themes from the signal most of their items carry (a loss or churn for
want of a feature, or on price, counts as a request or as pricing). Items of another signal
still in such a theme move on the next re-clustering, unless a person holds the theme (named,
pinned, curated or decided it): then they stay where the person left them.

Revision ID: 0012
Revises: 0011
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The kinds' signals as this revision knows them (the models may grow more later).
SIGNALS = {
    "feature_request": "request",
    "usability": "request",
    "bug": "bug",
    "pricing": "pricing",
    "competitor_intel": "competitor",
    "praise": "praise",
    "win_reason": "win",
    "loss_reason": "loss",
    "churn_reason": "loss",
}
# Losses for want of something in the product weigh that need.
LOSS_SIGNALS = {
    "missing_feature": "request",
    "product_fit": "request",
    "integration": "request",
    "security": "request",
    "ease_of_use": "request",
    "price": "pricing",
    "budget": "pricing",
}
THEMES = sa.table("feedback_themes", sa.column("id", sa.Integer), sa.column("signal", sa.String))
ITEMS = sa.table(
    "feedback_items",
    sa.column("theme_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("reason", sa.String),
)


def _signal(kind: str, reason: str | None) -> str:
    if kind in ("loss_reason", "churn_reason") and reason in LOSS_SIGNALS:
        return LOSS_SIGNALS[reason]
    return SIGNALS.get(kind, "request")


def _stamped(name: str) -> sa.Column[datetime]:
    now = sa.text("(CURRENT_TIMESTAMP)")
    return sa.Column(name, sa.DateTime(timezone=True), server_default=now, nullable=False)


def upgrade() -> None:
    op.create_table(
        "feedback_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("granularity", sa.Integer(), nullable=False),
        sa.Column("join_at", sa.Float(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        *(_stamped(name) for name in ("created_at", "updated_at")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_settings")),
    )
    with op.batch_alter_table("feedback_themes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signal", sa.String(length=20), nullable=False, server_default="request")
        )
        batch_op.create_index("ix_feedback_themes_signal", ["signal"], unique=False)
    connection = op.get_bind()
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    query = (
        sa.select(ITEMS.c.theme_id, ITEMS.c.kind, ITEMS.c.reason, sa.func.count())
        .where(ITEMS.c.theme_id.is_not(None))
        .group_by(ITEMS.c.theme_id, ITEMS.c.kind, ITEMS.c.reason)
    )
    for theme_id, kind, reason, count in connection.execute(query):
        counts[theme_id][_signal(kind, reason)] += count
    for theme_id, signals in counts.items():
        signal = signals.most_common(1)[0][0]
        if signal != "request":
            connection.execute(THEMES.update().where(THEMES.c.id == theme_id).values(signal=signal))


def downgrade() -> None:
    op.drop_table("feedback_settings")
    with op.batch_alter_table("feedback_themes", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_themes_signal")
        batch_op.drop_column("signal")
