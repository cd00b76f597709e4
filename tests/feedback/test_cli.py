"""`prism feedback …` on a real data directory: cluster a file offline, import an export (all
or nothing, or the good rows), re-cluster, write the digest."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from prism.cli import app
from tests.test_cli import data_dir, invoke

runner = CliRunner()
__all__ = ["data_dir"]
EXPORT = (
    "id,body,team\n"
    "1,We need Okta single sign-on before rollout,Sales\n"
    "2,Okta SSO support is still missing,Customer Success\n"
    "3,The price per seat is too high,Sales\n"
    "4,Asked again for SAML single sign-on with Okta,Helpdesk\n"
)


def test_cluster_writes_one_line_per_row_in_order(tmp_path: Path) -> None:
    source = tmp_path / "tickets.csv"
    source.write_text('body\nOkta SSO please\n""\nSingle sign-on with Okta\nToo pricey\n')
    out = tmp_path / "themes.csv"
    done = runner.invoke(
        app, ["feedback", "cluster", str(source), "--text-column", "body", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(out.open()))
    assert [r["row"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[1]["theme_id"] == "" and rows[0]["theme_id"] == rows[2]["theme_id"]
    assert rows[3]["theme_id"] not in ("", rows[0]["theme_id"])
    broadest = runner.invoke(app, ["feedback", "cluster", str(source), "--text-column", "body",
                                   "--out", str(out), "--granularity", "-3"])  # fmt: skip
    assert broadest.exit_code == 0, broadest.output
    assert len({r["theme_id"] for r in csv.DictReader(out.open())} - {""}) <= 2
    missing = runner.invoke(
        app, ["feedback", "cluster", str(source), "--text-column", "text", "--out", str(out)]
    )
    assert missing.exit_code == 1 and "No column 'text'" in missing.output


def test_import_recluster_and_digest(data_dir: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(EXPORT)
    options = ["feedback", "import", str(export), "--text-column", "body"]
    options += ["--team-column", "team", "--id-column", "id"]
    refused = runner.invoke(app, [*options, "--data-dir", str(data_dir)])
    assert refused.exit_code == 1
    assert "1 of 4 rows have problems" in refused.output and "no team 'Helpdesk'" in refused.output
    done = invoke(data_dir, *options, "--skip-bad-rows")
    assert "3 of 4 rows imported; 1 with problems." in done
    again = invoke(data_dir, *options, "--skip-bad-rows")
    assert "0 of 4 rows imported; 3 already imported; 1 with problems." in again
    assert "themes before" in invoke(data_dir, "feedback", "recluster")
    assert "(granularity +1)" in invoke(data_dir, "feedback", "recluster", "--granularity", "1")
    assert "(granularity +1)" in invoke(data_dir, "feedback", "recluster")  # kept
    wide = runner.invoke(
        app, ["feedback", "recluster", "--granularity", "7", "--data-dir", str(data_dir)]
    )
    assert wide.exit_code == 2 and "granularity" in wide.output
    digest = tmp_path / "digest.md"
    assert "Wrote" in invoke(data_dir, "feedback", "digest", "--out", str(digest))
    assert digest.read_text().startswith("# Product digest") and "Okta" in digest.read_text()
    pdf = tmp_path / "digest.pdf"
    invoke(data_dir, "feedback", "digest", "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    unknown = runner.invoke(
        app,
        ["feedback", "digest", "--out", str(pdf), "--product", "Nope", "--data-dir", str(data_dir)],
    )
    assert unknown.exit_code == 1 and "No product called Nope" in unknown.output
