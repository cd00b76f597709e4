"""training, certifications, surveys and team leads

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

Training modules (audience, linked items, quiz questions), assignments, attempts and their
answers, certifications, live sessions with invitations, product-awareness surveys with their
recipients and responses; a lead for each team.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
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
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_surveys_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["items.id"],
            name=op.f("fk_surveys_product_id_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("title", name=op.f("uq_surveys_title")),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_product_id"), ["product_id"], unique=False)

    op.create_table(
        "survey_recipients",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("responded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_recipients_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_survey_recipients_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_survey_recipients_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "user_id", name=op.f("pk_survey_recipients")),
    )
    with op.batch_alter_table("survey_recipients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_recipients_user_id"), ["user_id"], unique=False)

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_survey_responses_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_survey_responses_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_survey_id"), ["survey_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_survey_responses_team_id"), ["team_id"], unique=False)

    op.create_table(
        "survey_teams",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_teams_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_survey_teams_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "team_id", name=op.f("pk_survey_teams")),
    )
    with op.batch_alter_table("survey_teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_teams_team_id"), ["team_id"], unique=False)

    op.create_table(
        "training_modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "published", "retired", name="modulestatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("launch_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=True),
        sa.Column("certifying", sa.Boolean(), nullable=False),
        sa.Column("valid_months", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
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
        sa.CheckConstraint(
            "max_attempts IS NULL OR max_attempts >= 1",
            name=op.f("ck_training_modules_max_attempts_positive"),
        ),
        sa.CheckConstraint(
            "pass_mark BETWEEN 1 AND 100", name=op.f("ck_training_modules_pass_mark_percent")
        ),
        sa.CheckConstraint(
            "valid_months >= 1", name=op.f("ck_training_modules_valid_months_positive")
        ),
        sa.ForeignKeyConstraint(
            ["launch_id"],
            ["launches.id"],
            name=op.f("fk_training_modules_launch_id_launches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_training_modules_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["items.id"],
            name=op.f("fk_training_modules_product_id_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_modules")),
        sa.UniqueConstraint("title", name=op.f("uq_training_modules_title")),
    )
    with op.batch_alter_table("training_modules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_modules_launch_id"), ["launch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_modules_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_training_modules_status"), ["status"], unique=False)

    op.create_table(
        "live_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=True),
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
            ["host_id"],
            ["users.id"],
            name=op.f("fk_live_sessions_host_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_live_sessions_module_id_training_modules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_sessions")),
    )
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_sessions_module_id"), ["module_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_live_sessions_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "training_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
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
        sa.CheckConstraint(
            "(team_id IS NULL) <> (user_id IS NULL)",
            name=op.f("ck_training_assignments_assigned_to_one"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_training_assignments_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_assignments_module_id_training_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_training_assignments_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_training_assignments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_assignments")),
        sa.UniqueConstraint("module_id", "team_id", name="uq_assignment_team"),
        sa.UniqueConstraint("module_id", "user_id", name="uq_assignment_user"),
    )
    with op.batch_alter_table("training_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_assignments_module_id"), ["module_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_assignments_team_id"), ["team_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_assignments_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "training_module_items",
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_training_module_items_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_module_items_module_id_training_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("module_id", "item_id", name=op.f("pk_training_module_items")),
    )
    with op.batch_alter_table("training_module_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_module_items_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "training_module_teams",
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_module_teams_module_id_training_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_training_module_teams_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("module_id", "team_id", name=op.f("pk_training_module_teams")),
    )
    with op.batch_alter_table("training_module_teams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_module_teams_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "training_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "single",
                "multiple",
                "true_false",
                name="questionkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("correct", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(module_id IS NULL) <> (survey_id IS NULL)",
            name=op.f("ck_training_questions_question_of_module_or_survey"),
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_questions_module_id_training_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["items.id"],
            name=op.f("fk_training_questions_product_id_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_training_questions_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_questions")),
    )
    with op.batch_alter_table("training_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_questions_module_id"), ["module_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_questions_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_questions_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "live_session_invitations",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["live_sessions.id"],
            name=op.f("fk_live_session_invitations_session_id_live_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_live_session_invitations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_live_session_invitations")),
    )
    with op.batch_alter_table("live_session_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_session_invitations_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "training_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
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
            ["assignment_id"],
            ["training_assignments.id"],
            name=op.f("fk_training_attempts_assignment_id_training_assignments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_attempts_module_id_training_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_training_attempts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attempts")),
    )
    with op.batch_alter_table("training_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_attempts_module_id"), ["module_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_training_attempts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "certifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "lapsed", name="certificationstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("score", sa.Double(), nullable=False),
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
            ["attempt_id"],
            ["training_attempts.id"],
            name=op.f("fk_certifications_attempt_id_training_attempts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_certifications_module_id_training_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_certifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
    )
    with op.batch_alter_table("certifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certifications_expires_on"), ["expires_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certifications_module_id"), ["module_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_certifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "training_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("chosen", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(attempt_id IS NULL) <> (response_id IS NULL)",
            name=op.f("ck_training_answers_answer_of_attempt_or_response"),
        ),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["training_attempts.id"],
            name=op.f("fk_training_answers_attempt_id_training_attempts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["training_questions.id"],
            name=op.f("fk_training_answers_question_id_training_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_training_answers_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_answers")),
    )
    with op.batch_alter_table("training_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_answers_attempt_id"), ["attempt_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_answers_question_id"), ["question_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_answers_response_id"), ["response_id"], unique=False
        )

    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_teams_lead_id"), ["lead_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_teams_lead_id_users"),
            "users",
            ["lead_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_teams_lead_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_teams_lead_id"))
        batch_op.drop_column("lead_id")

    with op.batch_alter_table("training_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_answers_response_id"))
        batch_op.drop_index(batch_op.f("ix_training_answers_question_id"))
        batch_op.drop_index(batch_op.f("ix_training_answers_attempt_id"))

    op.drop_table("training_answers")
    with op.batch_alter_table("certifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certifications_user_id"))
        batch_op.drop_index(batch_op.f("ix_certifications_module_id"))
        batch_op.drop_index(batch_op.f("ix_certifications_expires_on"))

    op.drop_table("certifications")
    with op.batch_alter_table("training_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_attempts_user_id"))
        batch_op.drop_index(batch_op.f("ix_training_attempts_module_id"))

    op.drop_table("training_attempts")
    with op.batch_alter_table("live_session_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_session_invitations_user_id"))

    op.drop_table("live_session_invitations")
    with op.batch_alter_table("training_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_questions_survey_id"))
        batch_op.drop_index(batch_op.f("ix_training_questions_product_id"))
        batch_op.drop_index(batch_op.f("ix_training_questions_module_id"))

    op.drop_table("training_questions")
    with op.batch_alter_table("training_module_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_module_teams_team_id"))

    op.drop_table("training_module_teams")
    with op.batch_alter_table("training_module_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_module_items_item_id"))

    op.drop_table("training_module_items")
    with op.batch_alter_table("training_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_assignments_user_id"))
        batch_op.drop_index(batch_op.f("ix_training_assignments_team_id"))
        batch_op.drop_index(batch_op.f("ix_training_assignments_module_id"))

    op.drop_table("training_assignments")
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_sessions_starts_at"))
        batch_op.drop_index(batch_op.f("ix_live_sessions_module_id"))

    op.drop_table("live_sessions")
    with op.batch_alter_table("training_modules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_modules_status"))
        batch_op.drop_index(batch_op.f("ix_training_modules_product_id"))
        batch_op.drop_index(batch_op.f("ix_training_modules_launch_id"))

    op.drop_table("training_modules")
    with op.batch_alter_table("survey_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_teams_team_id"))

    op.drop_table("survey_teams")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_team_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_survey_id"))

    op.drop_table("survey_responses")
    with op.batch_alter_table("survey_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_recipients_user_id"))

    op.drop_table("survey_recipients")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveys_product_id"))

    op.drop_table("surveys")
