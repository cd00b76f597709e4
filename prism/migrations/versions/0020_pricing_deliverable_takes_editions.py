"""The "Pricing and packaging" deliverable of a launch takes the product's editions and add-ons
(the typed packaging) as well as an uploaded asset or handbook.

Tier templates change, and so do the deliverables of existing launches that still take only
what the template used to; a deliverable someone has reconfigured is left as it is.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ["asset", "handbook"]
AFTER = ["asset", "handbook", "edition", "add_on"]


def _swap(old: list[str], new: list[str]) -> None:
    bind = op.get_bind()
    for name in ("tier_deliverables", "bom_items"):
        rows = sa.table(
            name, sa.column("id", sa.Integer), sa.column("kind"), sa.column("accepts", sa.JSON)
        )
        found = bind.execute(sa.select(rows.c.id, rows.c.accepts).where(rows.c.kind == "pricing"))
        for row_id in [i for i, accepts in found if accepts == old]:
            bind.execute(sa.update(rows).where(rows.c.id == row_id).values(accepts=new))


def upgrade() -> None:
    _swap(BEFORE, AFTER)


def downgrade() -> None:
    _swap(AFTER, BEFORE)
