"""Toolkits: the standard kit per product, deal kits (standard for small fast deals, assembled
for the rest with reasons, rule extras and past-deal results), editing, the zip, and who may do
what."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.deals import service as deals
from prism.deals.schemas import DealIn, DealUpdate
from prism.errors import Conflict, Forbidden, Invalid, NotFound
from prism.filestore import LocalFileStore
from prism.jobs.models import Job
from prism.knowledge import service as knowledge
from prism.pricing.models import Holding
from prism.render.models import Rendition
from prism.settings import Settings
from prism.toolkits import assemble, package, rules, service, tasks
from prism.toolkits.models import Toolkit
from prism.toolkits.schemas import EntryIn, RuleIn, RuleWhen
from tests.conftest import ROLES, Cast, bearer
from tests.extract import file_text
from tests.feedback.factories import make_account
from tests.knowledge.factories import make_item
from tests.library import SECRET, Library, make_library
from tests.pricing.factories import make_line

SMALL = assemble.SmallDeal()


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


def make_deal(session: Session, lib: Library, actor=SYSTEM, **overrides: object):  # type: ignore[no-untyped-def]
    data = {"name": "Records", "customer": "St. Mary's Health", "industry_id": lib.healthcare.id,
            "value": 250_000, "cycle_days": 120, "product_ids": [lib.product.id],
            "competitor_ids": [lib.competitor.id], **overrides}  # fmt: skip
    return deals.create_deal(session, actor, DealIn(**data), currency="USD", now=utcnow())


def security_rule(session: Session, lib: Library) -> None:
    rules.create_rule(session, SYSTEM, RuleIn(
        name="Security pack", reason="Security and compliance pack",
        when=RuleWhen(industries=["Healthcare", "Government"], customer_data=False),
        item_ids=[lib.security.id]))  # fmt: skip


def titles(kit: Toolkit) -> list[str]:
    return [e.item.title if e.item else e.rendition.layout for e in kit.entries]  # type: ignore[union-attr]


def reason_of(kit: Toolkit, title: str) -> str:
    return next(e.reason for e in kit.entries if e.item is not None and e.item.title == title)


def test_the_standard_kit_is_plug_and_play(session: Session, store: LocalFileStore) -> None:
    lib = make_library(session)
    # A file called a pricing sheet is not taken for one: the sheet is made from the editions.
    make_item(session, "asset", title="Vault pricing sheet", audience="customer",
              links=[("product", lib.product.id)])  # fmt: skip
    make_item(session, "edition", title="Vault Team", audience="customer",
              links=[("product", lib.product.id)])  # fmt: skip
    kit = service.standard_kit(session, SYSTEM, lib.product.id, store=store, now=utcnow())
    assert titles(kit) == ["sales_deck", "Patient data protection", "Mercy General passes its audit",
                           "Riverside Clinic maps its data", "faq_sheet", "pricing_sheet"]  # fmt: skip
    assert (
        service.standard_kit(session, SYSTEM, lib.product.id, store=store, now=utcnow()).id
        == kit.id
    )


def test_a_small_fast_deal_gets_the_standard_kit(session: Session, store: LocalFileStore) -> None:
    lib = make_library(session)
    deal = make_deal(session, lib, value=30_000, cycle_days=20)
    kit = assemble.build_for_deal(session, SYSTEM, deal.id, small=SMALL, store=store, now=utcnow())
    assert "standard kit" in kit.note and "40,000 USD" in kit.note
    assert "sales_deck" in titles(kit) and "faq_sheet" in titles(kit)


@pytest.mark.parametrize(("value", "cycle"), [(40_000, 20), (30_000, 30), (250_000, 120)])
def test_a_large_or_slow_deal_gets_an_assembled_kit_with_reasons(
    session: Session, store: LocalFileStore, value: int, cycle: int
) -> None:
    lib = make_library(session)
    security_rule(session, lib)
    deal = make_deal(session, lib, value=value, cycle_days=cycle)
    kit = assemble.build_for_deal(session, SYSTEM, deal.id, small=SMALL, store=store, now=utcnow())
    assert "Assembled for this deal" in kit.note
    assert (
        kit.entries[0].rendition is not None
        and kit.entries[0].rendition.options["customer"] == "St. Mary's Health"
    )
    assert "its story: Mercy General: same industry (Healthcare)" in kit.entries[0].reason
    assert reason_of(kit, "Patient data protection") == "about Vault; matches Healthcare"
    assert "against GuardianDB" in reason_of(kit, "Vault vs GuardianDB")
    assert (
        reason_of(kit, "Security whitepaper")
        == "Security and compliance pack (industry is Healthcare)"
    )
    assert all(e.reason for e in kit.entries)
    assert "A proof_point" not in titles(kit)


def test_kit_rules_match_on_customer_data_or_value_and_all_means_all(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    rules.create_rule(session, SYSTEM, RuleIn(name="Data", reason="Data pack",
                      when=RuleWhen(customer_data=True, min_value=500_000, match="all"),
                      item_ids=[lib.security.id]))  # fmt: skip
    retail = make_deal(session, lib, industry_id=lib.retail.id)
    kit = assemble.build_for_deal(
        session, SYSTEM, retail.id, small=SMALL, store=store, now=utcnow()
    )
    assert "Security whitepaper" not in titles(kit)
    big = make_deal(session, lib, industry_id=lib.retail.id, value=600_000)
    kit = assemble.build_for_deal(session, SYSTEM, big.id, small=SMALL, store=store, now=utcnow())
    assert (
        reason_of(kit, "Security whitepaper")
        == "Data pack (Vault handles customer data; value of 600,000 USD)"
    )


def test_an_expansion_rule_offers_the_edition_above_what_the_account_holds(
    session: Session, store: LocalFileStore
) -> None:
    line = make_line(session)
    rules.create_rule(session, SYSTEM, RuleIn(name="Expansions", reason="Expansions",
                      when=RuleWhen(expansion=True)))  # fmt: skip
    account = make_account(session, name="Acme Retail")
    new = deals.create_deal(session, SYSTEM, DealIn(name="Acme new", customer="Acme Retail",
                            product_ids=[line.product.id]), currency="USD", now=utcnow())  # fmt: skip
    kit = assemble.build_for_deal(session, SYSTEM, new.id, small=SMALL, store=store, now=utcnow())
    assert "Business" not in titles(kit)  # it holds nothing yet: not an expansion

    session.add(Holding(account_id=account.id, product_id=line.product.id,
                        package_id=line.team.id, quantity=20))  # fmt: skip
    more = deals.create_deal(session, SYSTEM, DealIn(name="Acme more", customer="Acme Retail",
                             product_ids=[line.product.id]), currency="USD", now=utcnow())  # fmt: skip
    kit = assemble.build_for_deal(session, SYSTEM, more.id, small=SMALL, store=store, now=utcnow())
    assert reason_of(kit, "Business") == "Expansions (the account already holds Team)"


def test_past_deals_lift_what_helped_win(session: Session, store: LocalFileStore) -> None:
    lib = make_library(session)
    for outcome in ("won", "won", "won"):
        deal = make_deal(session, lib, industry_id=lib.retail.id)
        kit = assemble.build_for_deal(
            session, SYSTEM, deal.id, small=SMALL, store=store, now=utcnow()
        )
        story = next(
            e for e in kit.entries if e.item and e.item.title == "Riverside Clinic maps its data"
        )
        service.remove_entry(session, SYSTEM, kit.id, story.id, version=kit.version, now=utcnow())
        deals.update_deal(
            session,
            SYSTEM,
            deal.id,
            DealUpdate(version=deal.version, outcome=outcome),
            now=utcnow(),
        )
    fresh = make_deal(session, lib, industry_id=lib.retail.id)
    kit = assemble.build_for_deal(session, SYSTEM, fresh.id, small=SMALL, store=store, now=utcnow())
    stories = [
        t
        for t in titles(kit)
        if t in ("Mercy General passes its audit", "Riverside Clinic maps its data")
    ]
    assert stories[0] == "Mercy General passes its audit"
    assert "in 3 won of 3 closed deals" in reason_of(kit, "Mercy General passes its audit")


def test_the_seller_adds_removes_reorders_and_keeps_choices_on_rebuild(
    session: Session, store: LocalFileStore, cast: Cast
) -> None:
    lib = make_library(session)
    deal = make_deal(session, lib, actor=cast.seller)
    kit = assemble.build_for_deal(
        session, cast.seller, deal.id, small=SMALL, store=store, now=utcnow()
    )
    handbook = make_item(session, "handbook", title="Vault rollout handbook", audience="customer")
    kit = service.add_entry(session, cast.seller, kit.id, EntryIn(item_id=handbook.id, reason="They asked", position=1),
                            version=kit.version, now=utcnow())  # fmt: skip
    assert titles(kit)[0] == "Vault rollout handbook" and kit.entries[0].reason == "They asked"
    with pytest.raises(Conflict, match="already in this kit"):
        service.add_entry(
            session,
            cast.seller,
            kit.id,
            EntryIn(item_id=handbook.id),
            version=kit.version,
            now=utcnow(),
        )
    with pytest.raises(NotFound):  # a seller cannot even see someone else's draft
        service.add_entry(
            session,
            cast.seller,
            kit.id,
            EntryIn(item_id=lib.draft_story.id),
            version=kit.version,
            now=utcnow(),
        )
    with pytest.raises(Conflict, match="not published"):
        service.add_entry(session, cast.editor, kit.id, EntryIn(item_id=lib.draft_story.id), version=kit.version,
                          now=utcnow())  # fmt: skip
    last = kit.entries[-1]
    kit = service.move_entry(
        session, cast.seller, kit.id, last.id, 2, version=kit.version, now=utcnow()
    )
    assert kit.entries[1].id == last.id and [e.position for e in kit.entries] == list(
        range(1, len(kit.entries) + 1)
    )
    with pytest.raises(Conflict, match="changed by someone else"):
        service.move_entry(
            session, cast.seller, kit.id, last.id, 1, version=kit.version - 1, now=utcnow()
        )
    kit = service.remove_entry(
        session, cast.seller, kit.id, last.id, version=kit.version, now=utcnow()
    )
    assert last.id not in [e.id for e in kit.entries]
    rebuilt = assemble.build_for_deal(
        session, cast.seller, deal.id, small=SMALL, store=store, now=utcnow()
    )
    assert rebuilt.id == kit.id and "Vault rollout handbook" in titles(rebuilt)


def test_only_the_owner_or_an_editor_changes_a_deal_kit(
    session: Session, store: LocalFileStore, cast: Cast
) -> None:
    lib = make_library(session)
    deal = make_deal(session, lib, actor=cast.seller)
    kit = assemble.build_for_deal(
        session, cast.seller, deal.id, small=SMALL, store=store, now=utcnow()
    )
    with pytest.raises(Forbidden, match="owner"):
        service.remove_entry(
            session, cast.csm, kit.id, kit.entries[0].id, version=kit.version, now=utcnow()
        )
    with pytest.raises(Forbidden):
        assemble.build_for_deal(session, cast.csm, deal.id, small=SMALL, store=store, now=utcnow())
    with pytest.raises(Forbidden):
        service.get_kit(session, cast.pm, kit.id)
    service.remove_entry(
        session, cast.editor, kit.id, kit.entries[0].id, version=kit.version, now=utcnow()
    )
    standard = service.standard_kit(session, cast.seller, lib.product.id, store=store, now=utcnow())
    with pytest.raises(Forbidden):
        service.remove_entry(session, cast.seller, standard.id, standard.entries[0].id, version=standard.version,
                             now=utcnow())  # fmt: skip


def test_the_zip_holds_every_entry_in_order_and_leaves_out_what_was_unpublished(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    security_rule(session, lib)
    deal = make_deal(session, lib)
    kit = assemble.build_for_deal(session, SYSTEM, deal.id, small=SMALL, store=store, now=utcnow())
    knowledge.transition(session, SYSTEM, lib.public_story.id, "archive", version=lib.public_story.version,
                         now=utcnow())  # fmt: skip
    name, data = package.kit_zip(session, SYSTEM, kit.id, store=store, now=utcnow())
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert name.endswith(".zip") and names[0] == "CONTENTS.txt"
    assert names[1].startswith("customer/01-") and names[1].endswith(".pptx")
    assert any(n.endswith("faqs.pdf") for n in names)
    contents = archive.read("CONTENTS.txt").decode()
    assert "Mercy General passes its audit: left out, no longer published" in contents
    assert "Security and compliance pack (industry is Healthcare)" in contents
    for n in names[1:]:
        assert archive.read(n)[:4] in (b"PK\x03\x04", b"%PDF") or n.endswith(".txt")
    assert all(info.external_attr >> 16 == 0o100644 for info in archive.infolist())


def test_the_zip_keeps_internal_material_apart_from_what_the_buyer_may_get(
    session: Session, store: LocalFileStore
) -> None:
    lib = make_library(session)
    deal = make_deal(session, lib)
    kit = assemble.build_for_deal(session, SYSTEM, deal.id, small=SMALL, store=store, now=utcnow())
    assert any(e.item_id == lib.internal_story.id for e in kit.entries)
    archive = zipfile.ZipFile(io.BytesIO(package.kit_zip(session, SYSTEM, kit.id, store=store,
                                                         now=utcnow())[1]))  # fmt: skip
    customer = [n for n in archive.namelist() if n.startswith("customer/")]
    internal = [n for n in archive.namelist() if n.startswith("internal/")]
    assert "internal/READ-ME-FIRST-INTERNAL.txt" in internal
    assert any("vault-vs-guardiandb" in n for n in internal)  # the battlecard
    assert any(SECRET.lower() in n for n in internal)  # the story the customer has not cleared
    for name in customer:
        assert SECRET not in file_text(name, archive.read(name))
    assert "INTERNAL" in file_text(internal[-1], archive.read(internal[-1]))
    assert "do not send to the buyer" in archive.read("CONTENTS.txt").decode()


def test_rules_need_a_condition_and_an_editor(session: Session, cast: Cast) -> None:
    lib = make_library(session)
    with pytest.raises(Forbidden):
        rules.create_rule(session, cast.seller, RuleIn(name="x", reason="y", when=RuleWhen(customer_data=True),
                                                       item_ids=[lib.security.id]))  # fmt: skip
    with pytest.raises(Invalid, match="needs a condition"):
        rules.create_rule(
            session,
            cast.editor,
            RuleIn(name="x", reason="y", when=RuleWhen(), item_ids=[lib.security.id]),
        )
    with pytest.raises(Invalid, match="No item"):
        rules.create_rule(session, cast.editor, RuleIn(name="x", reason="y", when=RuleWhen(customer_data=True),
                                                       item_ids=[999_999]))  # fmt: skip


def test_deals_are_checked(session: Session, cast: Cast) -> None:
    lib = make_library(session)
    with pytest.raises(Invalid, match="No product"):
        make_deal(session, lib, actor=cast.seller, product_ids=[lib.solution.id])
    with pytest.raises(Invalid, match="No industry"):
        make_deal(session, lib, actor=cast.seller, industry_id=999_999)
    with pytest.raises(Forbidden):
        make_deal(session, lib, actor=cast.pm)
    deal = make_deal(session, lib, actor=cast.seller)
    assert deal.currency == "USD" and {i.kind for i in deal.focus} == {"product", "competitor"}
    closed = deals.update_deal(session, cast.seller, deal.id, DealUpdate(version=deal.version, outcome="lost"),
                               now=utcnow())  # fmt: skip
    assert closed.closed_at is not None and closed.stage.value == "closed"
    with pytest.raises(NotFound):
        deals.get_deal(session, cast.seller, 999_999)


@pytest.mark.parametrize("who", ROLES)
def test_api_journey_for_each_role(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    lib = make_library(session)
    security_rule(session, lib)
    headers = bearer(session, getattr(cast, who))
    made = client.post("/api/v1/deals", headers=headers, json={
        "name": "Records", "customer": "St. Mary's", "industry_id": lib.healthcare.id, "value": 90_000,
        "cycle_days": 60, "product_ids": [lib.product.id]})  # fmt: skip
    if who == "pm":
        assert made.status_code == 403
        assert (
            client.get(f"/api/v1/products/{lib.product.id}/toolkit", headers=headers).status_code
            == 403
        )
        return
    assert made.status_code == 201, made.text
    kit = client.post(f"/api/v1/deals/{made.json()['id']}/toolkit", headers=headers)
    assert kit.status_code == 200, kit.text
    body = kit.json()
    assert any(e["reason"].startswith("Security and compliance pack") for e in body["entries"])
    moved = client.patch(f"/api/v1/toolkits/{body['id']}/entries/{body['entries'][-1]['id']}", headers=headers,
                         json={"version": body["version"], "position": 1})  # fmt: skip
    assert (
        moved.status_code == 200 and moved.json()["entries"][0]["id"] == body["entries"][-1]["id"]
    )
    archive = client.get(f"/api/v1/toolkits/{body['id']}/zip", headers=headers)
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    rule = client.post("/api/v1/kit-rules", headers=headers, json={
        "name": "Gov", "reason": "Public sector pack", "when": {"industries": ["Government"]},
        "item_ids": [lib.security.id]})  # fmt: skip
    assert rule.status_code == (201 if who in ("admin", "editor") else 403)


def test_building_a_kit_queues_its_files_and_the_job_renders_them_ahead(
    client: TestClient, session: Session, cast: Cast, settings: Settings
) -> None:
    store = LocalFileStore(settings.files_dir)
    lib = make_library(session)
    deal = make_deal(session, lib, actor=cast.seller)
    built = client.post(f"/api/v1/deals/{deal.id}/toolkit", headers=bearer(session, cast.seller))
    assert built.status_code == 200
    queued = session.scalars(select(Job).where(Job.name == tasks.PREPARE)).one()
    assert queued.args["kit_id"] == built.json()["id"] and queued.created_by_id == cast.seller.id

    kit = service.get_kit(session, SYSTEM, built.json()["id"])
    before = session.scalar(select(func.count()).select_from(Rendition))
    steps: list[tuple[int, int]] = []
    count = package.prepare(
        session, kit.id, store=store, now=utcnow(), made=lambda *step: steps.append(step)
    )
    one_pagers = session.scalars(
        select(Rendition.item_id).where(Rendition.layout == "one_pager")
    ).all()
    assert count == len(kit.entries) and steps[-1] == (count, count)
    assert {lib.solution.id, lib.public_story.id} <= set(one_pagers)
    assert session.scalar(select(func.count()).select_from(Rendition)) > before


def test_a_product_not_cleared_for_customers_gets_a_standard_kit_marked_internal(
    session: Session, store: LocalFileStore
) -> None:
    product = make_item(session, "product", title="Nimbus", audience="internal")
    kit = service.standard_kit(session, SYSTEM, product.id, store=store, now=utcnow())
    decks = [e.rendition for e in kit.entries if e.rendition is not None]
    assert decks and all(r.options == {"audience": "internal"} for r in decks)


def test_deal_kits_are_found_by_title_page_after_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    from prism.toolkits.models import KitKind

    session.add_all(Toolkit(kind=KitKind.DEAL, title=f"Acme rollout {n:02d}") for n in range(52))
    session.add(Toolkit(kind=KitKind.DEAL, title="Northwind renewal"))
    session.commit()
    headers = bearer(session, cast.seller)
    first = client.get("/toolkits", params={"q": "acme"}, headers=headers).text
    kits = first.split('data-testid="deal-kits"')[1]
    assert "50 shown of 52" in kits and "Northwind" not in kits
    # The page's own filter is not the header's search box (that holds only a search's words).
    assert 'placeholder="Search Prism" value=""' in first
    link = kits.split('href="?cursor=', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    rest = client.get(f"/toolkits?cursor={link}", headers=headers).text
    assert "2 shown of 52" in rest and "Acme rollout" in rest
    assert "show them all" in client.get("/toolkits?q=zzz", headers=headers).text
