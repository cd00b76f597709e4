"""procrastinate's job queue tables, on PostgreSQL only

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

On PostgreSQL, background jobs are queued with procrastinate, whose schema ships with the pinned
package; on SQLite jobs run in-process and this migration does nothing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    # Straight to the driver: the schema's `%` and `::` must not be read as bind parameters.
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    driver.execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    driver.execute(
        "DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, "
        "procrastinate_jobs, procrastinate_workers CASCADE"
    )
