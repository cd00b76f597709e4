"""Pricing and packaging: price books per product and currency, prices in force from a day on
with their unit, period and volume bands, and the bands' amounts in exact minor units. Editions
and add-ons are items (kinds `edition` and `add_on`) and need no table of their own.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "price_books",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
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
            ["product_id"],
            ["items.id"],
            name=op.f("fk_price_books_product_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_books")),
        sa.UniqueConstraint("product_id", "currency", name=op.f("uq_price_books_product_id")),
    )
    op.create_table(
        "prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "period",
            sa.Enum("month", "year", "once", name="period", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "unit",
            sa.Enum(
                "flat",
                "seat",
                "tracked_user",
                "connected_system",
                name="unit",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "banding",
            sa.Enum("volume", "graduated", name="banding", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("effective_from", sa.Date(), nullable=False),
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
            ["book_id"],
            ["price_books.id"],
            name=op.f("fk_prices_book_id_price_books"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_prices_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prices")),
        sa.UniqueConstraint(
            "book_id", "item_id", "period", "effective_from", name=op.f("uq_prices_book_id")
        ),
    )
    with op.batch_alter_table("prices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prices_item_id"), ["item_id"], unique=False)

    op.create_table(
        "price_bands",
        sa.Column("price_id", sa.Integer(), nullable=False),
        sa.Column("from_units", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["price_id"],
            ["prices.id"],
            name=op.f("fk_price_bands_price_id_prices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("price_id", "from_units", name=op.f("pk_price_bands")),
    )


def downgrade() -> None:
    op.drop_table("price_bands")
    with op.batch_alter_table("prices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prices_item_id"))

    op.drop_table("prices")
    op.drop_table("price_books")
