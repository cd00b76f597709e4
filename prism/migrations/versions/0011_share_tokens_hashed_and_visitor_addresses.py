"""Share-link tokens are kept as a hash (to open the link) and a copy sealed with the app's secret
key (for the seller to copy it again), never as plain text; each buyer visit records a hash of
the address alone, which passcode and rate limits count by.

Links made before this revision are sealed when the secret key is given to the migration
(`prism.migrate.upgrade(..., secret_key=...)`, as `prism serve`, `init` and `demo` do); otherwise
they keep working for the buyer but cannot be shown to the seller again.

Revision ID: 0011
Revises: 0010
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from prism.auth.credentials import seal

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = sa.table(
    "share_links",
    sa.column("id", sa.Integer),
    sa.column("token", sa.String),
    sa.column("token_hash", sa.String),
    sa.column("token_sealed", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("token_sealed", sa.String(length=200), nullable=True))
    key = context.config.attributes.get("secret_key")
    connection = op.get_bind()
    for link_id, token in connection.execute(sa.select(LINKS.c.id, LINKS.c.token)).all():
        sealed = seal(key, token, purpose="share link") if key else None
        hashed = hashlib.sha256(token.encode()).hexdigest()
        connection.execute(
            LINKS.update()
            .where(LINKS.c.id == link_id)
            .values(token_hash=hashed, token_sealed=sealed)
        )
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint("uq_share_links_token", type_="unique")
        batch_op.create_unique_constraint("uq_share_links_token_hash", ["token_hash"])
        batch_op.drop_column("token")
    with op.batch_alter_table("share_views", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("address", sa.String(length=16), nullable=False, server_default="")
        )


def downgrade() -> None:
    # The plain tokens are gone by design: links made since cannot be opened after a downgrade
    # unless their sealed copy is opened with the secret key, which a migration does not do.
    with op.batch_alter_table("share_views", schema=None) as batch_op:
        batch_op.drop_column("address")
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    connection.execute(LINKS.update().values(token=LINKS.c.token_hash))
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.alter_column("token", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint("uq_share_links_token_hash", type_="unique")
        batch_op.create_unique_constraint("uq_share_links_token", ["token"])
        batch_op.drop_column("token_sealed")
        batch_op.drop_column("token_hash")
