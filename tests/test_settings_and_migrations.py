"""Settings validation and the migrations that build every database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from prism.db import Base, make_engine
from prism.migrate import downgrade, modelled, upgrade
from prism.settings import Settings, SettingsError, load_settings


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).prepare().secret_key
    assert len(first) > 40
    assert Settings(data_dir=tmp_path).prepare().secret_key == first
    assert Settings(data_dir=tmp_path, secret_key="given").prepare().secret_key == "given"


def test_database_defaults_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'prism.db').resolve()}"
    assert settings.jobs_in_process
    pg = Settings(data_dir=tmp_path, database_url="postgresql://u@h/db")
    assert pg.resolved_database_url == "postgresql+psycopg://u@h/db" and not pg.jobs_in_process


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("database_url", "mysql://x", "PRISM_DATABASE_URL"),
        ("base_url", "ftp://x", "PRISM_BASE_URL"),
        ("max_upload_mb", 0, "PRISM_MAX_UPLOAD_MB"),
        ("no_such_setting", 1, "PRISM_NO_SUCH_SETTING"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(name: str, value: object, named: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(**{name: value})
    message = str(caught.value)
    assert message.startswith(named + ":") and "\n" not in message


def test_other_prism_environment_variables_do_not_break_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRISM_TEST_DATABASE_URL", "postgresql://elsewhere/db")
    assert load_settings().database_url == ""


def test_migrations_build_every_table_and_come_down_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_models_match_the_migrations(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": modelled})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], "a model changed without a migration; run alembic revision --autogenerate"


def test_0012_gives_each_theme_the_signal_most_of_its_items_carry(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    upgrade(engine, "0011")
    rows = [  # theme 1: mostly praise; theme 2: losses for want of a feature weigh a request
        (1, "praise", None),
        (1, "praise", None),
        (1, "feature_request", None),
        (2, "loss_reason", "missing_feature"),
        (2, "loss_reason", "missing_feature"),
        (3, "loss_reason", "timing"),
    ]
    with engine.begin() as connection:
        for theme_id in (1, 2, 3):
            connection.execute(
                text(
                    "INSERT INTO feedback_themes (id, label, named, curated, pinned, status, "
                    "status_note, version, created_at, updated_at) VALUES (:id, 'a', 0, 0, 0, "
                    "'new', '', 1, '2026-01-01', '2026-01-01')"
                ),
                {"id": theme_id},
            )
        for theme_id, kind, reason in rows:
            connection.execute(
                text(
                    "INSERT INTO feedback_items (text, kind, reason, origin, said_on, theme_id, "
                    "placed, vector, created_at, updated_at) VALUES ('x', :kind, :reason, 'api', "
                    "'2026-01-01', :theme, 0, x'00', '2026-01-01', '2026-01-01')"
                ),
                {"kind": kind, "reason": reason, "theme": theme_id},
            )
    upgrade(engine)
    with engine.connect() as connection:
        found = dict(connection.execute(text("SELECT id, signal FROM feedback_themes")).all())
    assert found == {1: "praise", 2: "request", 3: "loss"}
    engine.dispose()
