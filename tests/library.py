"""A small library with everything rendering, toolkits and share links must tell apart: what may
reach a buyer (published, customer-shareable) and what must not (internal, draft, battlecards,
stories the customer did not allow us to tell)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.knowledge import facets
from prism.knowledge.models import Dimension, Facet, Item
from prism.knowledge.schemas import FacetIn
from tests.knowledge.factories import make_item

SECRET = "Zanzibar-internal-codename"  # appears only in items a buyer must never see


@dataclass
class Library:
    healthcare: Facet
    retail: Facet
    product: Item
    solution: Item
    public_story: Item
    internal_story: Item
    anonymous_story: Item
    draft_story: Item
    proof: Item
    internal_proof: Item
    competitor: Item
    battlecard: Item
    faq: Item
    security: Item


def make_library(session: Session) -> Library:
    healthcare = facets.create_facet(
        session, SYSTEM, FacetIn(dimension=Dimension.INDUSTRY, name="Healthcare")
    )
    retail = facets.create_facet(
        session, SYSTEM, FacetIn(dimension=Dimension.INDUSTRY, name="Retail")
    )
    product = make_item(
        session,
        "product",
        title="Vault",
        summary="Customer-data governance.",
        audience="customer",
        fields={"handles_customer_data": True},
    )
    about = [("product", product.id)]
    solution = make_item(
        session,
        "solution",
        title="Patient data protection",
        audience="customer",
        summary="Find and protect patient data.",
        links=about,
        facet_ids=[healthcare.id],
        fields={
            "problem": "Patient data is spread across forty systems.",
            "approach": "Agentless discovery maps it in two weeks.",
            "value": "Audits pass without fire drills.",
        },
    )
    on_solution = [*about, ("solution", solution.id)]

    def story(title: str, customer: str, permission: str, audience: str, **more: object) -> Item:
        return make_item(
            session,
            "story",
            title=title,
            audience=audience,
            links=on_solution,
            facet_ids=[healthcare.id],
            fields={
                "customer": customer,
                "challenge": f"{customer} had data everywhere.",
                "solution": "They rolled out Vault.",
                "permission": permission,
                "results": [{"first": "Audit preparation", "second": "-70%"}],
                "quote": "We walked into the audit calm.",
                "quote_by": f"CISO, {customer}",
            },
            **more,
        )

    return Library(
        healthcare=healthcare,
        retail=retail,
        product=product,
        solution=solution,
        public_story=story("Mercy General passes its audit", "Mercy General", "public", "customer"),
        internal_story=story(f"{SECRET} rescue", f"{SECRET} Hospital", "internal", "internal"),
        anonymous_story=story("Riverside Clinic maps its data", "Riverside Clinic", "anonymised", "customer"),
        draft_story=story(f"{SECRET} draft", f"{SECRET} Draft Co", "public", "customer", publish=False),
        proof=make_item(session, "proof_point", title="Audits in days", audience="customer", links=about,
                        fields={"claim": "Audits in days", "evidence": "Across 12 customers",
                                "source_url": "https://example.com/study"}),
        internal_proof=make_item(session, "proof_point", title=f"{SECRET} margin", links=about,
                                 fields={"claim": f"{SECRET} margin is 80%"}),
        competitor=(competitor := make_item(session, "competitor", title="GuardianDB", links=about)),
        battlecard=make_item(session, "battlecard", title="Vault vs GuardianDB", audience="customer",
                             links=[*about, ("competitor", competitor.id)],
                             fields={"why_we_win": ["Agentless"], "pricing_notes": f"{SECRET} discount"}),
        faq=make_item(session, "faq", title="Does Vault need agents?", body="No agents at all.",
                      audience="customer", links=about, fields={"answered_for": ["customers", "sales"]}),
        security=make_item(session, "security", title="Security whitepaper", audience="customer",
                           summary="SOC 2 Type II, HIPAA.", links=about),
    )  # fmt: skip
