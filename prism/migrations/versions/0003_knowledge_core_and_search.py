"""knowledge core and search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Items of every kind with facets, typed links, versions and files; the search index: an FTS5
table on SQLite or a tsvector table with a GIN index on PostgreSQL, embeddings, the vocabulary
for typo correction, and the log of queries that found nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column(
            "dimension",
            sa.Enum(
                "industry",
                "scenario",
                "function",
                "region",
                name="dimension",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facets")),
        sa.UniqueConstraint("dimension", "name", name=op.f("uq_facets_dimension")),
        sa.UniqueConstraint("uid", name=op.f("uq_facets_uid")),
    )
    op.create_table(
        "search_misses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_misses")),
        sa.UniqueConstraint("query", name=op.f("uq_search_misses_query")),
    )
    with op.batch_alter_table("search_misses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_misses_last_at"), ["last_at"], unique=False)

    op.create_table(
        "search_terms",
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_terms")),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "in_review",
                "published",
                "archived",
                name="status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "audience",
            sa.Enum(
                "internal", "partner", "customer", name="audience", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verifier_id", sa.Integer(), nullable=True),
        sa.Column("verify_every_days", sa.Integer(), nullable=False),
        sa.Column("review_due_at", sa.DateTime(timezone=True), nullable=False),
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
            ["owner_id"], ["users.id"], name=op.f("fk_items_owner_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["verifier_id"],
            ["users.id"],
            name=op.f("fk_items_verifier_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("uid", name=op.f("uq_items_uid")),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_kind_status", ["kind", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_items_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_items_review_due_at"), ["review_due_at"], unique=False)

    op.create_table(
        "item_embeddings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_item_embeddings_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_embeddings")),
        sa.UniqueConstraint("item_id", name=op.f("uq_item_embeddings_item_id")),
    )
    op.create_table(
        "item_facets",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("facet_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facet_id"],
            ["facets.id"],
            name=op.f("fk_item_facets_facet_id_facets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_facets_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", "facet_id", name=op.f("pk_item_facets")),
    )
    with op.batch_alter_table("item_facets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_facets_facet_id"), ["facet_id"], unique=False)

    op.create_table(
        "item_files",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_files_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_files")),
    )
    op.create_table(
        "item_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["items.id"],
            name=op.f("fk_item_links_source_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["items.id"],
            name=op.f("fk_item_links_target_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_links")),
        sa.UniqueConstraint(
            "source_id", "target_id", "relation", name=op.f("uq_item_links_source_id")
        ),
    )
    with op.batch_alter_table("item_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_links_target_id"), ["target_id"], unique=False)

    op.create_table(
        "item_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_item_versions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_item_versions_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_versions")),
        sa.UniqueConstraint("item_id", "number", name=op.f("uq_item_versions_item_id")),
    )
    _create_keyword_index()


def _create_keyword_index() -> None:
    # Dialect-specific, so kept out of the ORM models; prism.search.index writes to it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE search_documents ("
            "item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE, "
            "document TSVECTOR NOT NULL)"
        )
        op.execute(
            "CREATE INDEX ix_search_documents_document ON search_documents USING GIN (document)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE search_documents")
    else:
        op.execute("DROP TABLE search_fts")
    op.drop_table("item_versions")
    with op.batch_alter_table("item_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_links_target_id"))

    op.drop_table("item_links")
    op.drop_table("item_files")
    with op.batch_alter_table("item_facets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_facets_facet_id"))

    op.drop_table("item_facets")
    op.drop_table("item_embeddings")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_items_review_due_at"))
        batch_op.drop_index(batch_op.f("ix_items_owner_id"))
        batch_op.drop_index("ix_items_kind_status")

    op.drop_table("items")
    op.drop_table("search_terms")
    with op.batch_alter_table("search_misses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_misses_last_at"))

    op.drop_table("search_misses")
    op.drop_table("facets")
