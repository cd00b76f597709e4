"""The audience invariant as a property: for any item graph in which internal items, internal
fields and stories the customer has not cleared carry planted words, no customer output, in any
layout and format, holds one of those words. Either the output leaves them out, or (when its
own source may not reach a customer) it is refused with the reason."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Conflict
from prism.filestore import LocalFileStore
from prism.knowledge.models import Item
from prism.render import service
from prism.render.layouts import LAYOUTS
from prism.render.schemas import RenderIn
from tests.extract import file_text
from tests.knowledge.factories import make_item

MARK = "Qzleak"  # every planted word starts with it; nothing safe ever does

# Ways an item may hold something a customer must never read.
LEAKS = (
    "internal",  # the whole item is for our team
    "partner",  # partners may read it, customers may not
    "draft",  # not published
    "uncleared_story",  # a story the customer has not let us tell
    "anonymised_story",  # a story told without its customer's name
    "early_feature",  # a feature in alpha or beta
    "team_answer",  # an FAQ answered for our team
    "persona_objections",  # a persona's objections are internal
    "battlecard",  # never for buyers, even marked customer-shareable
    "discount_guidance",  # an edition's approvers and floor are the deal desk's
    "safe",  # nothing planted
)
NEIGHBOURS = (
    "feature",
    "persona",
    "positioning",
    "value_proposition",
    "differentiator",
    "proof_point",
    "story",
    "faq",
    "solution",
    "edition",
)


@dataclass(frozen=True)
class Planted:
    kind: str
    leak: str


def _plantable(kind: str) -> list[str]:
    special = {
        "story": ["uncleared_story", "anonymised_story"],
        "feature": ["early_feature"],
        "faq": ["team_answer"],
        "persona": ["persona_objections"],
        "edition": ["discount_guidance"],
    }
    return ["internal", "partner", "draft", "safe", *special.get(kind, [])]


neighbour = st.sampled_from(NEIGHBOURS).flatmap(
    lambda kind: st.sampled_from(_plantable(kind)).map(lambda leak: Planted(kind, leak))
)
graphs = st.tuples(
    st.sampled_from(["product", "solution", "story"]),
    st.sampled_from(["safe", "internal", "draft", "anonymised_story"]),
    st.lists(neighbour, min_size=3, max_size=10) | st.just([Planted("battlecard", "battlecard")]),
)


class Planter:
    """Makes the graph's items, planting a fresh marked word wherever a customer must not look."""

    def __init__(self, session: Session) -> None:
        self.session, self.counter = session, itertools.count()

    def word(self) -> str:
        return f"{MARK}{next(self.counter):04d}"

    def item(self, kind: str, leak: str, links: list[tuple[str, int]]) -> Item:
        secret = self.word()
        hidden = leak not in ("safe", "persona_objections", "anonymised_story", "discount_guidance")
        title = f"{secret} {kind}" if hidden else f"Safe {kind} {next(self.counter)}"
        data: dict[str, Any] = {
            "title": title,
            "summary": f"About {secret}." if hidden else "A safe summary.",
            "body": f"Body of {secret}." if hidden else "A safe body.",
            "audience": {"internal": "internal", "partner": "partner"}.get(leak, "customer"),
            "fields": self.fields(kind, leak, secret),
        }
        if kind in ("feature", "positioning", "edition"):
            links = [lk for lk in links if lk[0] == "product"][:1]
        return make_item(self.session, kind, publish=leak != "draft", links=links, **data)

    def fields(self, kind: str, leak: str, secret: str) -> dict[str, Any]:
        hidden = leak not in ("safe", "persona_objections", "anonymised_story", "discount_guidance")
        said = secret if hidden else "safe"
        if kind == "story":
            # An anonymised story may be told, but never with its customer's name in it.
            name = f"{secret} Corp" if hidden or leak == "anonymised_story" else "Safe Corp"
            permission = {"uncleared_story": "internal", "anonymised_story": "anonymised"}
            return {
                "customer": name,
                "challenge": f"{name} had data everywhere.",
                "solution": f"{name} rolled out Vault.",
                "results": [{"first": "Audit preparation", "second": f"-70% at {said}"}],
                "quote": f"At {name} we are calm now.",
                "quote_by": f"CISO, {name}",
                "permission": permission.get(leak, "public"),
            }
        if kind == "feature":
            return {"status": "alpha" if leak == "early_feature" else "ga"}
        if kind == "faq":
            readers = ["sales"] if leak == "team_answer" else ["customers", "sales"]
            return {"answered_for": readers}
        if kind == "persona":
            return {"pains": [f"Pain of {said}"], "objections": [f"{secret} objection"]}
        if kind == "battlecard":
            return {"why_we_win": [secret], "objections": [{"first": secret, "second": secret}],
                    "pricing_notes": f"{secret} discount"}  # fmt: skip
        if kind == "edition":
            approver = f"{secret} deal desk"  # internal whatever the edition's audience
            return {"for_whom": f"Teams of {said}", "floor_discount_percent": 40,
                    "discount_bands": [{"up_to_percent": 15, "approver": approver}]}  # fmt: skip
        if kind == "proof_point":
            return {"claim": f"Claim {said}", "evidence": f"Evidence {said}"}
        if kind == "positioning":
            return {"need": f"need {said}", "category": f"category {said}"}
        if kind == "solution":
            return {"problem": f"Problem {said}", "approach": f"Approach {said}"}
        return {}


def _source(planter: Planter, kind: str, leak: str) -> tuple[Item, Item]:
    """The source to render and the product it is about (a product is about itself)."""
    product = planter.item("product", leak if kind == "product" else "safe", [])
    if kind == "product":
        return product, product
    return planter.item(kind, leak, [("product", product.id)]), product


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=graphs)
def test_no_customer_output_holds_a_planted_word(
    session: Session, store: LocalFileStore, graph: tuple[str, str, list[Planted]]
) -> None:
    kind, source_leak, planted = graph
    savepoint = session.begin_nested()
    try:
        planter = Planter(session)
        source, product = _source(planter, kind, source_leak)
        around = [("product", product.id)]
        if source.kind != "product":
            around.append(("related", source.id))
        for p in planted:
            planter.item(p.kind, p.leak, around)
        cleared = source_leak in ("safe", "anonymised_story")  # an anonymised story may be told
        _every_customer_output_is_clean(session, store, source, refused=not cleared)
    finally:
        savepoint.rollback()


def _every_customer_output_is_clean(
    session: Session, store: LocalFileStore, source: Item, *, refused: bool
) -> None:
    for layout in LAYOUTS.values():
        if source.kind not in layout.kinds or not layout.external:
            continue
        for fmt in layout.formats:
            wanted = RenderIn(format=fmt, layout=layout.name, customer="Acme", industry="Retail")
            if refused:
                with pytest.raises(Conflict, match="goes to customers"):
                    service.render(session, SYSTEM, source.id, wanted, store=store, now=utcnow())
                continue
            made = service.render(session, SYSTEM, source.id, wanted, store=store, now=utcnow())
            text = file_text(fmt, store.get(made.rendition.file_key))
            assert MARK.lower() not in text.lower(), (layout.name, fmt, _around(text))
            assert MARK.lower() not in made.rendition.filename.lower()


def _around(text: str) -> str:
    at = text.lower().index(MARK.lower())
    return text[max(at - 80, 0) : at + 40]
