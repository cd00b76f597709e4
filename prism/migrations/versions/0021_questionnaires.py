"""Questionnaire projects: the buyer's file with where its questions and answers are, the
products it is about, and each question with its answer, source and review state.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "questionnaires",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("file_key", sa.String(length=200), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
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
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_questionnaires_deal_id_deals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_questionnaires_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaires")),
    )
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaires_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "questionnaire_products",
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["items.id"],
            name=op.f("fk_questionnaire_products_product_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaire_products_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "questionnaire_id", "product_id", name=op.f("pk_questionnaire_products")
        ),
    )
    with op.batch_alter_table("questionnaire_products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questionnaire_products_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "questionnaire_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=100), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("section", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("yes_or_no", sa.String(length=5), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_version", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Double(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "drafted",
                "for_expert",
                "accepted",
                "rejected",
                name="questionstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("proposed_id", sa.Integer(), nullable=True),
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
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaire_questions_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_questionnaire_questions_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_id"],
            ["items.id"],
            name=op.f("fk_questionnaire_questions_proposed_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["items.id"],
            name=op.f("fk_questionnaire_questions_source_id_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_questions")),
        sa.UniqueConstraint(
            "questionnaire_id", "position", name=op.f("uq_questionnaire_questions_questionnaire_id")
        ),
    )
    with op.batch_alter_table("questionnaire_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questionnaire_questions_source_id"), ["source_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_questionnaire_questions_assignee_id"), ["assignee_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_questions_assignee_id"))
        batch_op.drop_index(batch_op.f("ix_questionnaire_questions_source_id"))

    op.drop_table("questionnaire_questions")
    with op.batch_alter_table("questionnaire_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_products_product_id"))

    op.drop_table("questionnaire_products")
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaires_deal_id"))

    op.drop_table("questionnaires")
