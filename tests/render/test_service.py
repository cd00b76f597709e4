"""Rendering from the library: customer-facing outputs draw only on what may reach a customer,
outputs know when their sources changed, and the brand theme is the editors' to change."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import Database, utcnow
from prism.errors import Conflict, Forbidden, Invalid, NotFound
from prism.filestore import LocalFileStore
from prism.knowledge import service as knowledge
from prism.knowledge.models import Item
from prism.knowledge.schemas import ItemIn, ItemUpdate
from prism.render import documents, service
from prism.render.brand import DEFAULT_LOOK
from prism.render.brief import Brief
from prism.render.schemas import RenderIn, ThemeIn
from tests.conftest import ROLES, Cast, bearer
from tests.extract import pptx_text
from tests.library import SECRET, make_library


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


def deck_text(store: LocalFileStore, output: service.Output) -> str:
    return pptx_text(store.get(output.rendition.file_key))


def test_a_customer_deck_draws_only_on_customer_shareable_published_items(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    wanted = RenderIn(format="pptx", customer="St. Mary's", industry="Healthcare")
    output = service.render(session, SYSTEM, lib.solution.id, wanted, store=store, now=utcnow())
    text = deck_text(store, output)
    assert "Patient data is spread across forty systems" in text
    assert "Mercy General" in text and "Audits in days" in text
    assert "Prepared for St. Mary's" in text
    assert SECRET not in text  # internal story, internal proof, draft story
    assert "Riverside Clinic" not in text  # anonymised story keeps its name out


def test_whitepaper_pdf_cites_its_sources_and_leaks_nothing(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    output = service.render(session, SYSTEM, lib.solution.id, RenderIn(format="pdf"), store=store,
                            now=utcnow())  # fmt: skip
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(store.get(output.rendition.file_key))).pages
    )
    assert output.rendition.layout == "whitepaper"
    assert "https://example.com/study" in text
    assert SECRET not in text


def test_the_internal_battlecard_uses_internal_knowledge_but_not_drafts(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    output = service.render(session, SYSTEM, lib.battlecard.id, RenderIn(format="html"), store=store,
                            now=utcnow())  # fmt: skip
    page = store.get(output.rendition.file_key).decode()
    assert "INTERNAL" in page and "GuardianDB" in page
    assert f"{SECRET} discount" in page  # its own pricing notes: it is for staff
    assert f"{SECRET} draft" not in page


def test_an_output_becomes_outdated_when_a_source_or_the_theme_changes(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    first = service.render(
        session, SYSTEM, lib.solution.id, RenderIn(format="pptx"), store=store, now=utcnow()
    )
    again = service.render(
        session, SYSTEM, lib.solution.id, RenderIn(format="pptx"), store=store, now=utcnow()
    )
    assert again.rendition.id == first.rendition.id
    assert [
        o.outdated for o in service.outputs_of(session, SYSTEM, lib.solution.id, now=utcnow())
    ] == [False]

    story = knowledge.update_item(session, SYSTEM, lib.public_story.id, ItemUpdate(
        version=lib.public_story.version, fields={**lib.public_story.fields, "customer": "Mercy Health"}),
        now=utcnow())  # fmt: skip
    assert story.fields["customer"] == "Mercy Health"
    assert [
        o.outdated for o in service.outputs_of(session, SYSTEM, lib.solution.id, now=utcnow())
    ] == [True]
    old_key = first.rendition.file_key
    fresh = service.rerender(session, SYSTEM, first.rendition.id, store=store, now=utcnow())
    assert fresh.rendition.id == first.rendition.id and fresh.rendition.file_key != old_key
    assert "Mercy Health" in deck_text(store, fresh)
    assert not service.is_outdated(session, fresh.rendition, now=utcnow())

    theme = service.house_theme(session)
    service.update_theme(
        session, SYSTEM, ThemeIn(company="Helio", primary="#000000"), version=theme.version
    )
    assert service.is_outdated(session, fresh.rendition, now=utcnow())


def test_an_item_with_missing_fields_renders_with_its_gaps_listed(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    bare = knowledge.create_item(session, SYSTEM, "solution", _bare(), now=utcnow())
    for fmt in ("pptx", "pdf", "docx", "html"):
        wanted = RenderIn(format=fmt, audience="internal")  # a draft: previewed by our team
        output = service.render(session, SYSTEM, bare.id, wanted, store=store, now=utcnow())
        assert "the problem it solves" in output.rendition.gaps
    assert lib.solution.id != bare.id


def _bare() -> ItemIn:
    return ItemIn(title="Bare")


def _a_pdf() -> bytes:
    return documents.pdf(
        "item_sheet", Brief(title="Not a logo", subtitle="", kind_label="file"), DEFAULT_LOOK
    )


def test_unknown_layouts_and_kinds_that_cannot_render_are_refused(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    with pytest.raises(Invalid, match="battlecard is made from a battlecard"):
        service.render(session, SYSTEM, lib.solution.id, RenderIn(format="pdf", layout="battlecard"),
                       store=store, now=utcnow())  # fmt: skip
    with pytest.raises(Invalid, match="renders as pptx"):
        service.render(session, SYSTEM, lib.solution.id, RenderIn(format="pdf", layout="talk"),
                       store=store, now=utcnow())  # fmt: skip
    with pytest.raises(Invalid, match="does not render as pptx"):
        service.render(
            session, SYSTEM, lib.faq.id, RenderIn(format="pptx"), store=store, now=utcnow()
        )


def test_drafts_render_only_for_those_who_may_read_them(
    session: Session, store: LocalFileStore, cast: Cast
) -> None:
    lib = make_library(session)
    with pytest.raises(NotFound):
        service.render(session, cast.seller, lib.draft_story.id, RenderIn(format="pdf"), store=store,
                       now=utcnow())  # fmt: skip
    with pytest.raises(Conflict, match="is draft: only published items can be shared"):
        service.render(session, cast.editor, lib.draft_story.id, RenderIn(format="pdf"), store=store,
                       now=utcnow())  # fmt: skip
    preview = RenderIn(format="pdf", audience="internal")
    made = service.render(session, cast.editor, lib.draft_story.id, preview, store=store,
                          now=utcnow())  # fmt: skip
    assert made.rendition.filename.endswith("-internal.pdf")
    with pytest.raises(NotFound):
        service.get_rendition(session, cast.seller, made.rendition.id)
    assert service.render(session, cast.pm, lib.solution.id, RenderIn(format="html"), store=store,
                          now=utcnow()).rendition.id  # fmt: skip


def test_a_logo_must_be_an_image(session: Session, store: LocalFileStore, cast: Cast) -> None:
    theme = service.house_theme(session)
    with pytest.raises(Invalid, match="PNG or JPEG"):
        service.set_logo(session, cast.editor, filename="logo.pdf", data=_a_pdf(),
                         version=theme.version, store=store)  # fmt: skip
    with pytest.raises(Forbidden):
        service.update_theme(session, cast.seller, ThemeIn(), version=theme.version)


@pytest.mark.parametrize("who", ROLES)
def test_api_render_list_download_and_rerender(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    lib = make_library(session)
    headers = bearer(session, getattr(cast, who))
    made = client.post(
        f"/api/v1/items/{lib.solution.id}/renditions", json={"format": "docx"}, headers=headers
    )
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["layout"] == "whitepaper" and body["outdated"] is False
    got = client.get(body["download_url"], headers=headers)
    assert got.status_code == 200 and got.content.startswith(b"PK")
    assert "attachment" in got.headers["content-disposition"]
    listed = client.get(f"/api/v1/items/{lib.solution.id}/renditions", headers=headers).json()
    listed = listed["items"]
    assert [r["id"] for r in listed] == [body["id"]]
    again = client.post(f"/api/v1/renditions/{body['id']}/rerender", headers=headers)
    assert again.status_code == 200


@pytest.mark.parametrize("who", ROLES)
def test_api_a_customer_output_of_an_internal_item_is_refused_and_an_internal_one_made(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    lib = make_library(session)
    headers = bearer(session, getattr(cast, who))
    url = f"/api/v1/items/{lib.internal_story.id}/renditions"
    refused = client.post(url, json={"format": "pdf"}, headers=headers)
    assert refused.status_code == 409, refused.text
    assert "is internal-only" in refused.json()["detail"]
    assert refused.json()["errors"][0]["field"] == "audience"
    made = client.post(url, json={"format": "pdf", "audience": "internal"}, headers=headers)
    assert made.status_code == 200, made.text
    assert made.json()["options"] == {"audience": "internal"}
    assert made.json()["filename"].endswith("-internal.pdf")
    battle = client.post(f"/api/v1/items/{lib.battlecard.id}/renditions",
                         json={"format": "pdf", "audience": "customer"}, headers=headers)  # fmt: skip
    assert battle.status_code == 422 and "for our own team" in battle.json()["detail"]
    deck = client.post(f"/api/v1/items/{lib.solution.id}/renditions", headers=headers,
                       json={"format": "pptx", "industry": "Healthcare", "seller_id": cast.seller.id})  # fmt: skip
    assert deck.status_code == 200, deck.text
    assert deck.json()["chosen"][0] == "Mercy General: same industry (Healthcare)"
    assert any("Zanzibar-internal-codename" in why for why in deck.json()["omitted"])


def test_api_refuses_an_unknown_format_and_reports_a_bad_layout(
    client: TestClient, session: Session, cast: Cast
) -> None:
    lib = make_library(session)
    headers = bearer(session, cast.seller)
    bad = client.post(
        f"/api/v1/items/{lib.solution.id}/renditions", json={"format": "xlsx"}, headers=headers
    )
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(
        "application/problem+json"
    )
    wrong = client.post(
        f"/api/v1/items/{lib.faq.id}/renditions", json={"format": "pptx"}, headers=headers
    )
    assert wrong.status_code == 422 and "does not render" in wrong.json()["detail"]


@pytest.mark.parametrize("who", ROLES)
def test_only_editors_and_admins_change_the_theme(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    headers = bearer(session, getattr(cast, who))
    theme = client.get("/api/v1/theme", headers=headers).json()
    changed = client.put("/api/v1/theme", headers=headers, json={"version": theme["version"], "company": "Helio",
                                                                 "primary": "#112233"})  # fmt: skip
    assert changed.status_code == (200 if who in ("admin", "editor") else 403)
    if who in ("admin", "editor"):
        stale = client.put("/api/v1/theme", headers=headers, json={"version": theme["version"]})
        assert stale.status_code == 409


def test_a_claim_that_goes_stale_is_left_out_and_the_output_falls_behind(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    now = utcnow()
    first = service.render(
        session, SYSTEM, lib.solution.id, RenderIn(format="pptx"), store=store, now=now
    )
    assert "Audits in days" in deck_text(store, first)
    later = now + timedelta(days=lib.proof.verify_every_days + 1)
    assert not service.is_outdated(session, first.rendition, now=now)
    assert service.is_outdated(session, first.rendition, now=later)
    again = service.rerender(session, SYSTEM, first.rendition.id, store=store, now=later)
    assert "Audits in days" not in deck_text(store, again)
    assert "a fresh proof point (“Audits in days” is stale)" in again.rendition.gaps


def test_two_people_rendering_the_same_output_at_once_share_one(
    committed_database: Database, store: LocalFileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with committed_database.session_scope() as session:
        solution_id = make_library(session).solution.id
    wanted = RenderIn(format="html")
    with committed_database.session_scope() as first:
        made = service.render(first, SYSTEM, solution_id, wanted, store=store, now=utcnow())
    # The second person looked before the first had committed, so they saw no output yet.
    monkeypatch.setattr(service, "_existing", _nothing_the_first_time(service._existing))
    with committed_database.session_scope() as second:
        shared = service.render(second, SYSTEM, solution_id, wanted, store=store, now=utcnow())
    assert shared.rendition.id == made.rendition.id


def _nothing_the_first_time(existing: Any) -> Any:
    calls = []

    def looked(*args: Any) -> Any:
        calls.append(args)
        return None if len(calls) == 1 else existing(*args)

    return looked


def test_refreshing_outdated_outputs_skips_one_whose_source_is_no_longer_for_customers(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    kept = service.render(session, SYSTEM, lib.solution.id, RenderIn(format="pdf"), store=store,
                          now=utcnow())  # fmt: skip
    other = service.render(session, SYSTEM, lib.product.id, RenderIn(format="pdf"), store=store,
                           now=utcnow())  # fmt: skip
    solution = session.get(Item, lib.solution.id)
    assert solution is not None
    knowledge.update_item(session, SYSTEM, solution.id,
                          ItemUpdate(version=solution.version, audience="internal"), now=utcnow())  # fmt: skip
    assert service.rerender_outdated(session, SYSTEM, store=store, now=utcnow()) == 1
    assert service.is_outdated(session, kept.rendition, now=utcnow())  # left as it was
    assert not service.is_outdated(session, other.rendition, now=utcnow())
