"""Applying Alembic migrations: the one way Prism's schema is created and evolved."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from prism.db import Database
from prism.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


# Search tables written in raw SQL per dialect (see migration 0003), outside the ORM models.
UNMODELLED = ("search_fts", "search_documents")


def modelled(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's `include_object`: compare only what the ORM models describe."""
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED))


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head", *, secret_key: str | None = None) -> None:
    """Bring the database up to `revision` (the latest by default), in one transaction.
    `secret_key` lets a migration seal what it must keep secret (see 0011, share links)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        config.attributes["secret_key"] = secret_key
        command.upgrade(config, revision)


def prepare_database(settings: Settings) -> Database:
    """The database these settings name, migrated to the latest schema, with the standard
    departments on a brand-new install (`prism init`, `serve`, `demo`, `worker`)."""
    from prism.people.service import seed_departments

    database = Database.from_settings(settings)
    upgrade(database.engine, secret_key=settings.secret_key)
    with database.session_scope() as session:
        seed_departments(session)
    return database


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
