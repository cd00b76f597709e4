"""A person's account at the company's identity provider: the issuer and subject (`iss`, `sub`)
of their ID tokens, so a later sign-in finds them even after their email changed there.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("sso_subject", sa.String(500), nullable=True))
        users.create_index("ix_users_sso_subject", ["sso_subject"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.drop_index("ix_users_sso_subject")
        users.drop_column("sso_subject")
