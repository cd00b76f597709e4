"""Export and import of the whole knowledge core as one JSON document."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import Database, utcnow
from prism.demo import company, knowledge
from prism.errors import Conflict, Forbidden, Invalid
from prism.filestore import LocalFileStore
from prism.knowledge import history, service
from prism.knowledge.models import Item, ItemVersion
from prism.knowledge.portable import KnowledgeDoc, export_core, import_core
from prism.knowledge.schemas import ItemUpdate
from prism.people.models import User
from prism.search import service as search
from tests.conftest import ROLES, Cast, bearer
from tests.knowledge.factories import make_item

SELLER = "sam.carter@helio.example"


def _comparable(doc: KnowledgeDoc) -> dict[str, Any]:
    plain = doc.model_dump(mode="json")
    plain.pop("exported_at")
    return plain


def test_the_demo_core_round_trips_without_loss(
    session: Session, committed_database: Database, tmp_path: Path
) -> None:
    source_files, target_files = LocalFileStore(tmp_path / "a"), LocalFileStore(tmp_path / "b")
    company.load(session)
    knowledge.load(session, source_files, utcnow())
    exported = export_core(session, SYSTEM, source_files, now=utcnow())
    # What the document must carry to be the whole core: files, history, links, facets, owners.
    assert len(exported.items) > 100 and len(exported.facets) > 15
    assert sum(1 for d in exported.items if d.file) == 3  # datasheet, intro deck, questionnaire
    assert any(len(d.versions) > 1 for d in exported.items)
    assert all(d.owner for d in exported.items if d.kind == "battlecard")
    # Through JSON text, as the file on disk would be.
    document = KnowledgeDoc.model_validate_json(exported.model_dump_json())

    with committed_database.session_scope() as target:
        company.load(target)
        report = import_core(target, SYSTEM, document, target_files, now=utcnow())
        assert report.items_created == len(exported.items)
        assert report.unknown_people == []
    with committed_database.session_scope() as target:
        again = export_core(target, SYSTEM, target_files, now=utcnow())
        assert _comparable(again) == _comparable(exported)
        # The imported core works, not just reads back: search, history and its numbering.
        seller = target.scalar(select(User).where(User.email == SELLER))
        found = search.search(target, seller, "bank audit GuardianDB", now=utcnow())
        assert any(hit.item.kind == "battlecard" for hit in found.hits)
        item = target.scalar(select(Item).where(Item.kind == "battlecard").limit(1))
        assert item is not None
        numbers = [v.number for v in history.versions(target, item.id)]
        assert numbers[0] == item.version


def test_importing_twice_conflicts_unless_replacing(session: Session, tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    product = make_item(session, "product", title="Pulse")
    faq = make_item(session, "faq", title="Does Pulse do SSO?", links=[("product", product.id)])
    doc = export_core(session, SYSTEM, store, now=utcnow())
    with pytest.raises(Conflict, match="already here"):
        import_core(session, SYSTEM, doc, store, now=utcnow())

    # An edit made here is overwritten by the document's copy when replacing; the row keeps its
    # id, so links from items outside the document survive.
    other = make_item(session, "story", title="Acme", links=[("related", faq.id)])
    changed = service.update_item(
        session, SYSTEM, faq.id, ItemUpdate(version=faq.version, title="Changed"), now=utcnow()
    )
    assert changed.version == 3
    report = import_core(session, SYSTEM, doc, store, now=utcnow(), replace=True)
    assert (report.items_created, report.items_replaced) == (0, 2)
    session.expire_all()
    restored = service.get_item(session, SYSTEM, faq.id)
    assert restored.title == "Does Pulse do SSO?"
    assert restored.version == 2
    assert [v.number for v in history.versions(session, faq.id)] == [2, 1]
    assert [(r, i.id) for r, i in service.backlinks(session, SYSTEM, faq.id)] == [
        ("related", other.id)
    ]


def _doc(*items: dict[str, Any], facets: list[dict[str, Any]] | None = None) -> KnowledgeDoc:
    return KnowledgeDoc.model_validate({"facets": facets or [], "items": list(items)})


def test_a_hand_written_document_becomes_version_one(session: Session, tmp_path: Path) -> None:
    doc = _doc(
        {"uid": "p-1", "kind": "product", "title": "Orbit", "owner": "nobody@else.example"},
        {
            "uid": "f-1",
            "kind": "feature",
            "title": "Orbit maps",
            "fields": {"status": "beta"},
            "links": [{"relation": "product", "target": "p-1"}],
            "facets": ["i-1"],
        },
        facets=[{"uid": "i-1", "dimension": "industry", "name": "Aerospace"}],
    )
    report = import_core(session, SYSTEM, doc, LocalFileStore(tmp_path), now=utcnow())
    assert (report.items_created, report.facets_created) == (2, 1)
    assert report.unknown_people == ["nobody@else.example"]
    feature = session.scalar(select(Item).where(Item.uid == "f-1"))
    assert feature is not None and feature.version == 1
    (only,) = history.versions(session, feature.id)
    assert only.note == "Imported" and only.snapshot["links"][0]["title"] == "Orbit"


BAD = [
    ({"uid": "x", "kind": "feature", "title": "No product"}, "exactly one product"),
    ({"uid": "x", "kind": "faq", "title": "Q", "fields": {"audiences": ["martians"]}}, "audiences"),
    (
        {
            "uid": "x",
            "kind": "faq",
            "title": "Q",
            "links": [{"relation": "product", "target": "?"}],
        },
        "no item with uid",
    ),
    ({"uid": "x", "kind": "faq", "title": "Q", "facets": ["nope"]}, "no facet with uid"),
    (
        {
            "uid": "x",
            "kind": "faq",
            "title": "Q",
            "links": [{"relation": "competitor", "target": "good"}],
        },
        "not to a faq",
    ),
    (
        {
            "uid": "x",
            "kind": "asset",
            "title": "File",
            "file": {
                "filename": "a.pdf",
                "media_type": "application/pdf",
                "size": 3,
                "sha256": "0" * 64,
                "content": base64.b64encode(b"abc").decode(),
            },
        },
        "does not match its sha256",
    ),
]


@pytest.mark.parametrize(("item", "message"), BAD)
def test_a_bad_document_writes_nothing(
    session: Session, tmp_path: Path, item: dict[str, Any], message: str
) -> None:
    make_item(session, "product", title="Pulse")
    before = session.scalar(select(func.count()).select_from(Item))
    good = {"uid": "good", "kind": "faq", "title": "A fine question"}
    with pytest.raises(Invalid, match=message) as refused:
        import_core(session, SYSTEM, _doc(good, item), LocalFileStore(tmp_path), now=utcnow())
    # The place is named once, then what is wrong there.
    assert refused.value.message.startswith("items[1].")
    assert refused.value.message.count("items[1]") == 1
    assert session.scalar(select(func.count()).select_from(Item)) == before
    assert not list(tmp_path.iterdir())


def test_repeated_uids_are_refused(session: Session, tmp_path: Path) -> None:
    twice = {"uid": "same", "kind": "faq", "title": "Q"}
    with pytest.raises(Invalid, match="appears 2 times"):
        import_core(session, SYSTEM, _doc(twice, twice), LocalFileStore(tmp_path), now=utcnow())


def test_only_admins_import_and_editors_export(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    store = LocalFileStore(tmp_path)
    with pytest.raises(Forbidden):
        import_core(session, cast.editor, _doc(), store, now=utcnow())
    with pytest.raises(Forbidden):
        export_core(session, cast.seller, store, now=utcnow())


@pytest.mark.parametrize("who", ROLES)
def test_export_and_import_over_http(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    make_item(session, "faq", title="Is there an audit log?", body="Yes.")
    draft = make_item(session, "faq", title="Secret draft", publish=False)
    session.commit()
    headers = bearer(session, cast.all()[who])
    exported = client.get("/api/v1/knowledge/export", headers=headers)
    assert exported.status_code == (200 if who in ("admin", "editor") else 403), exported.text
    doc = {
        "format": "prism.knowledge/1",
        "items": [{"uid": "new-faq", "kind": "faq", "title": "Imported question"}],
    }
    imported = client.post("/api/v1/knowledge/import", json=doc, headers=headers)
    assert imported.status_code == (200 if who == "admin" else 403), imported.text
    if who == "admin":
        assert imported.json()["items_created"] == 1
        titles = [d["title"] for d in exported.json()["items"]]
        assert "Secret draft" in titles and draft.uid in json.dumps(exported.json())


def test_import_over_http_names_the_mistake(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.admin)
    doc = {"items": [{"uid": "f", "kind": "feature", "title": "Lonely feature"}]}
    answer = client.post("/api/v1/knowledge/import", json=doc, headers=headers)
    assert answer.status_code == 422
    assert "items[0].links" in answer.json()["detail"]
    wrong = client.post(
        "/api/v1/knowledge/import", json={"format": "other/9", "items": []}, headers=headers
    )
    assert wrong.status_code == 422
    assert session.scalar(select(func.count()).select_from(ItemVersion)) == 0
