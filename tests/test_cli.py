"""The `prism` command: init, users, tokens, demo loading and jobs, on a real data directory."""

from __future__ import annotations

import contextvars
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from prism import cli
from prism.cli import app
from prism.console import terminal_language
from prism.db import make_engine
from prism.demo import company
from prism.demo.answers import retail_rfp
from tests.extract import file_text

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["init", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    return tmp_path / "d"


def invoke(data_dir: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return result.output


def test_init_creates_database_secret_and_departments(data_dir: Path) -> None:
    assert (data_dir / "prism.db").exists()
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    again = runner.invoke(app, ["init", "--data-dir", str(data_dir)])
    assert again.exit_code == 0


def test_user_create_list_set_password_and_token(data_dir: Path) -> None:
    created = invoke(
        data_dir,
        "user",
        "create",
        "--email",
        "Kai@Example.com",
        "--name",
        "Kai",
        "--password",
        "long-enough-1",
        "--role",
        "editor",
        "--team",
        "sales",
    )
    assert "Created kai@example.com (editor)" in created
    listed = invoke(data_dir, "user", "list")
    assert "kai@example.com" in listed and "Sales" in listed
    invoke(
        data_dir,
        "user",
        "set-password",
        "--email",
        "kai@example.com",
        "--password",
        "another-one-2",
    )
    token = invoke(data_dir, "token", "create", "--email", "kai@example.com").strip()
    assert token.startswith("prism_")


def test_bad_input_exits_with_one_clear_line(data_dir: Path) -> None:
    dup = ["user", "create", "--email", "a@b.co", "--name", "A", "--password", "long-enough-1"]
    invoke(data_dir, *dup)
    again = runner.invoke(app, [*dup, "--data-dir", str(data_dir)])
    assert again.exit_code == 1 and "already an account" in again.output
    short = runner.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "c@d.co",
            "--name",
            "C",
            "--password",
            "x",
            "--data-dir",
            str(data_dir),
        ],
    )
    assert short.exit_code == 1 and "password" in short.output and "Traceback" not in short.output
    team = runner.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "e@f.co",
            "--name",
            "E",
            "--password",
            "long-enough-1",
            "--team",
            "Nope",
            "--data-dir",
            str(data_dir),
        ],
    )
    assert team.exit_code == 1 and "No team called Nope" in team.output


def test_the_command_line_speaks_the_terminal_s_language(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Help, output and errors in Chinese when the terminal asks for it (run in a context of
    its own, as `prism` runs in a process of its own)."""
    from typer import rich_utils

    from prism.console import _FRAME

    monkeypatch.setenv("PRISM_LANGUAGE", "zh")
    for name in _FRAME:  # typer keeps the help screens' frame in its module: put it back after
        monkeypatch.setattr(rich_utils, name, getattr(rich_utils, name))

    def run(*args: str) -> tuple[int, str]:
        with pytest.raises(SystemExit) as ended:
            cli.command()(args=[*args], prog_name="prism")
        said = capsys.readouterr()
        return int(ended.value.code or 0), said.out + said.err

    def chinese(*args: str) -> tuple[int, str]:
        return contextvars.copy_context().run(run, *args)

    code, helped = chinese("--help")
    assert code == 0 and "产品赋能中心" in helped and "the product enablement hub" not in helped
    code, helped = chinese("user", "create", "--help")
    assert "创建用户账号" in helped and "登录邮箱" in helped and "Sign-in email" not in helped
    person = ["user", "create", "--email", "li@b.co", "--name", "李", "--data-dir", str(data_dir)]
    code, said = chinese(*person, "--password", "long-enough-1", "--role", "editor")
    assert code == 0 and "已创建 li@b.co（编辑）" in said, said
    code, said = chinese(*person, "--password", "long-enough-1")
    assert code == 1 and "错误：" in said and "Error" not in said
    code, said = chinese(*person, "--password", "x")
    assert code == 1 and "至少应有 8 个字符" in said, said
    english = runner.invoke(app, ["user", "list", "--data-dir", str(data_dir)])
    assert "email" in english.output and "邮箱" not in english.output  # this context: English


def test_the_terminal_s_language_is_read_as_gettext_reads_it() -> None:
    assert terminal_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert terminal_language({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert terminal_language({"LC_MESSAGES": "zh_TW", "LANG": "en_US"}) == "zh"
    assert terminal_language({"PRISM_LANGUAGE": "en", "LANG": "zh_CN.UTF-8"}) == "en"
    assert terminal_language({"PRISM_LANGUAGE": "fr", "LANG": "de_DE"}) == "en"
    assert terminal_language({}) == "en"


def test_a_bad_setting_stops_with_the_setting_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRISM_MAX_UPLOAD_MB", "lots")
    result = runner.invoke(app, ["init", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "PRISM_MAX_UPLOAD_MB" in result.output and "Traceback" not in result.output


def test_demo_loads_once(data_dir: Path) -> None:
    first = invoke(data_dir, "demo", "--no-serve")
    assert (
        f"{len(company.PEOPLE)} new of {len(company.PEOPLE)} people" in first
        and company.ADMIN_EMAIL in first
        and company.PASSWORD in first
    )
    assert f"0 new of {len(company.PEOPLE)} people" in invoke(data_dir, "demo", "--no-serve")
    listed = invoke(data_dir, "user", "list")
    assert all(email in listed for _, email, _, _ in company.PEOPLE)
    # The demo's overdue sellers show in the readiness export.
    out = data_dir / "readiness.csv"
    invoke(data_dir, "training", "readiness", "--by", "person", "--out", str(out))
    lines = {line.split(",")[0]: line.split(",") for line in out.read_text().splitlines()}
    assert lines["Mia Novak"][4] == "1" and lines["Jordan Lee"][5] == "1"
    assert "Sales" in invoke(data_dir, "training", "readiness")
    wrong = runner.invoke(
        app, ["training", "readiness", "--by", "office", "--data-dir", str(data_dir)]
    )
    assert wrong.exit_code == 2 and "person or team" in wrong.output
    # Launches: the list, a gate's report (exit 1 when something blocks), the brief.
    assert "Pulse AI insights" in invoke(data_dir, "launch", "list")
    gate = runner.invoke(app, ["launch", "check", "Pulse AI insights", "--data-dir", str(data_dir)])
    assert gate.exit_code in (0, 1) and "Pulse AI insights" in gate.output
    assert ("✗" in gate.output) == (gate.exit_code == 1)
    brief = data_dir / "brief.md"
    invoke(data_dir, "launch", "brief", "Pulse AI insights", "--out", str(brief))
    assert brief.read_text().startswith("# ") and "Pulse AI insights" in brief.read_text()
    stage = ["launch", "check", "Pulse AI insights", "--to", "orbit", "--data-dir", str(data_dir)]
    bad = runner.invoke(app, stage)
    assert bad.exit_code == 1 and "No stage 'orbit'" in bad.output
    # A packaging change: held, with what GA still needs (exit 1) and what it means.
    change = ["launch", "packaging", "Pulse 2027 packaging", "--data-dir", str(data_dir)]
    held = runner.invoke(app, change)
    assert held.exit_code == 1, held.output
    assert "held until the GA gate passes" in held.output and "✗ Sellers are trained" in held.output
    assert "Session replay moves from Pulse Business to Pulse Enterprise" in held.output
    assert "Acme Retail" in held.output
    # Pricing: the grid, and the price books as a spreadsheet that imports back unchanged.
    shown = invoke(data_dir, "pricing", "show", "helio pulse")
    assert "Pulse Enterprise" in shown and "In no edition or add-on: AI insights" in shown
    prices = data_dir / "prices.csv"
    invoke(data_dir, "pricing", "export", str(prices))
    rows = prices.read_text().splitlines()
    assert "Helio Flow,Flow Business,USD,year,flat,volume," in "\n".join(rows)
    again = invoke(data_dir, "pricing", "import", str(prices))
    assert f"{len(rows) - 1} rows read: 0 prices added, 0 scheduled prices replaced" in again
    prices.write_text(
        "\n".join([*rows, "Helio Flow,Flow Starter,USD,year,flat,,2031-01-01,1,1.999,"])
    )
    wrong = runner.invoke(app, ["pricing", "import", str(prices), "--data-dir", str(data_dir)])
    assert wrong.exit_code == 1 and f"line {len(rows) + 1}, amount" in wrong.output
    # A questionnaire's answers from the library: drafted with the source, or left for an
    # expert (exit 1).
    asked = data_dir / "questions.txt"
    asked.write_text("Can our users sign in with SAML?\nDo you hold FedRAMP authorization?\n")
    drafts = ["answers", "draft", "--file", str(asked), "--product", "Helio Vault"]
    drafted = runner.invoke(app, [*drafts, "--data-dir", str(data_dir)], terminal_width=200)
    assert drafted.exit_code == 1, drafted.output
    assert "Do you support single sign-on?" in drafted.output and "For an expert" in drafted.output
    assert "1 of 2 drafted; 1 left for an expert." in drafted.output
    nothing = runner.invoke(app, ["answers", "draft", "--data-dir", str(data_dir)])
    assert nothing.exit_code == 1 and "Give the questions" in nothing.output
    # The buyer's own file, filled with drafts offline: the demo's RFP asked in paragraphs.
    rfp, filled = data_dir / "rfp.docx", data_dir / "rfp answered.docx"
    rfp.write_bytes(retail_rfp())
    fill = ["answers", "fill", str(rfp), "--out", str(filled), "--product", "Helio Pulse"]
    done = runner.invoke(app, [*fill, "--data-dir", str(data_dir)], terminal_width=200)
    assert done.exit_code == 1 and "left for an expert." in done.output, done.output
    assert "Written to" in done.output and "Yes, for iOS, Android and React Native." in file_text(
        "docx", filled.read_bytes())  # fmt: skip
    (data_dir / "rfp.pdf").write_bytes(b"%PDF-1.4")
    refused = runner.invoke(app, ["answers", "fill", str(data_dir / "rfp.pdf"), "--out",
                                  str(filled), "--data-dir", str(data_dir)])  # fmt: skip
    assert refused.exit_code != 0 and "XLSX, DOCX or CSV" in refused.output


def test_jobs_run_reports_the_outcome(data_dir: Path) -> None:
    assert "auth.forget_expired_sessions" in invoke(data_dir, "jobs", "list")
    assert "succeeded: Forgot 0 expired" in invoke(
        data_dir, "jobs", "run", "auth.forget_expired_sessions"
    )
    unknown = runner.invoke(app, ["jobs", "run", "no.such.job", "--data-dir", str(data_dir)])
    assert unknown.exit_code == 1 and "no job called" in unknown.output


def test_worker_is_for_postgresql_only(data_dir: Path) -> None:
    result = runner.invoke(app, ["worker", "--data-dir", str(data_dir)])
    assert result.exit_code == 2 and "no worker is needed" in result.output


def test_renamed_departments_are_not_brought_back(data_dir: Path) -> None:
    from prism.db import Database
    from prism.people.models import Team

    database = Database.from_url(f"sqlite:///{data_dir / 'prism.db'}")
    with database.session_scope() as session:
        product = session.query(Team).filter_by(name="Product").one()
        product.name = "Product Management"
    database.dispose()
    invoke(data_dir, "init")
    listed = invoke(
        data_dir,
        "user",
        "create",
        "--email",
        "p@m.co",
        "--name",
        "P",
        "--password",
        "long-enough-1",
        "--team",
        "product management",
    )
    assert "Created p@m.co" in listed
    again = runner.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "q@m.co",
            "--name",
            "Q",
            "--password",
            "long-enough-1",
            "--team",
            "Product",
            "--data-dir",
            str(data_dir),
        ],
    )
    assert again.exit_code == 1 and "No team called Product" in again.output


def test_export_import_and_reindex(data_dir: Path, tmp_path: Path) -> None:
    invoke(data_dir, "demo", "--no-serve")
    exported = tmp_path / "core.json"
    invoke(data_dir, "export", str(exported))
    doc = json.loads(exported.read_text())
    assert doc["format"] == "prism.knowledge/1" and len(doc["items"]) > 100

    other = tmp_path / "other"
    invoke(other, "init")
    imported = invoke(other, "import", str(exported))
    assert f"{len(doc['items'])} items created" in imported
    assert "No account here for" in imported  # the other directory has none of Helio's people
    again = runner.invoke(app, ["import", str(exported), "--data-dir", str(other)])
    assert again.exit_code == 1 and "already here" in again.output
    assert "0 items created" in invoke(other, "import", str(exported), "--replace")
    assert "Reindexed" in invoke(other, "reindex")

    exported.write_text('{"items": [{"uid": "x"}]}')
    broken = runner.invoke(app, ["import", str(exported), "--data-dir", str(other)])
    assert broken.exit_code == 1 and "items.0.kind" in broken.output


def test_render_writes_files_and_refreshes_outdated_outputs(data_dir: Path, tmp_path: Path) -> None:
    invoke(data_dir, "demo", "--no-serve")
    engine = make_engine(f"sqlite:///{data_dir / 'prism.db'}")
    with engine.connect() as c:
        solution = c.execute(
            text("SELECT id FROM items WHERE title = 'Patient data protection'")
        ).scalar()
        vault = c.execute(text("SELECT id FROM items WHERE title = 'Helio Vault'")).scalar()
        chinese = c.execute(
            text("SELECT id FROM items WHERE title = '面向银行的数据合规方案'")
        ).scalar()
    engine.dispose()
    deck = tmp_path / "deck.pptx"
    wrote = invoke(
        data_dir,
        "render",
        f"solution:{solution}",
        "--format",
        "pptx",
        "--out",
        str(deck),
        "--customer",
        "Lakeview",
    )
    assert f"Wrote {deck}" in wrote and deck.read_bytes().startswith(b"PK")
    faqs = tmp_path / "faqs.pdf"
    told = invoke(data_dir, "render", f"faqs:{vault}", "--format", "pdf", "--out", str(faqs))
    assert faqs.read_bytes().startswith(b"%PDF")
    assert "left out for the customer: “Does Vault support data residency in APAC?”" in told
    refused = runner.invoke(app, ["render", f"solution:{chinese}", "--format", "pptx",
                                  "--data-dir", str(data_dir)])  # fmt: skip
    assert refused.exit_code == 1 and "internal-only" in refused.output
    internal = tmp_path / "zh.pptx"
    invoke(data_dir, "render", f"solution:{chinese}", "--format", "pptx", "--audience", "internal",
           "--industry", "Financial services", "--out", str(internal))  # fmt: skip
    assert internal.read_bytes().startswith(b"PK")
    assert "Rendered 0 outdated outputs" in invoke(data_dir, "render", "outdated")
    bad = runner.invoke(
        app, ["render", f"solution:{solution}", "--format", "xlsx", "--data-dir", str(data_dir)]
    )
    assert bad.exit_code == 1 and "format" in bad.output
    wrong = runner.invoke(app, ["render", f"battlecard:{solution}", "--data-dir", str(data_dir)])
    assert wrong.exit_code == 1 and f"No battlecard {solution}" in wrong.output


def test_import_crm_reports_every_bad_line_and_imports_the_good_rows_when_told(
    data_dir: Path, tmp_path: Path
) -> None:
    export = tmp_path / "opportunities.csv"
    export.write_text(
        "\ufeffOpportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date\n"
        '006X1,Hooli renewal,Hooli,"$12,000",Closed Won,11/03/2026\n'
        "006X2,Pied Piper,Pied Piper,lots,Negotiation/Review,someday\n",
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["import", "crm", str(export), "--data-dir", str(data_dir)])
    assert refused.exit_code == 1
    assert "nothing was imported" in refused.output and "line 3, Amount" in refused.output
    tried = invoke(data_dir, "import", "crm", str(export), "--dry-run", "--skip-bad-rows")
    assert "1 opportunities would be created" in tried
    done = invoke(data_dir, "import", "crm", str(export), "--skip-bad-rows")
    assert "1 opportunities were created" in done and "line 3, Close Date" in done
    again = invoke(data_dir, "import", "crm", str(export), "--skip-bad-rows")
    assert "0 opportunities were created, 0 updated, 1 unchanged" in again
    unknown = runner.invoke(
        app, ["import", "crm", str(export), "--mapping", "Nope", "--data-dir", str(data_dir)]
    )
    assert unknown.exit_code == 1 and "Nope" in unknown.output
