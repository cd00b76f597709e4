"""A small answer library for drafting tests: two products, answers of each, answers for the
whole company, and answers that must never be drafted (internal, for our team, unpublished)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from prism.knowledge.models import Item
from tests.knowledge.factories import make_item

SHARED = {"answered_for": ["sales", "customers"]}


@dataclass
class Library:
    vault: Item
    pulse: Item
    sso: Item
    soc2: Item
    replay: Item
    keys_internal: Item
    pentest_draft: Item


def make_library(session: Session) -> Library:
    vault = make_item(session, "product", title="Vault", audience="customer")
    pulse = make_item(session, "product", title="Pulse", audience="customer")

    def answer(title: str, body: str, *, product: Item | None = None, **fields: object) -> Item:
        links = [("product", product.id)] if product else []
        return make_item(session, "faq", title=title, body=body, links=links,
                         audience="customer", fields={**SHARED, **fields})  # fmt: skip

    sso = answer("Do you support single sign-on?", "Yes. SAML 2.0 and OpenID Connect, with Okta "
                 "and Azure AD.", asked_as=["Do you support SAML?"],
                 short_answer="Yes: SAML 2.0 and OIDC.", yes_or_no="yes")  # fmt: skip
    soc2 = answer("Is Vault SOC 2 Type II certified?", "Yes. The report is shared under NDA.",
                  product=vault, yes_or_no="yes")  # fmt: skip
    replay = answer("Does session replay capture passwords?", "No. Inputs are masked by "
                    "default.", product=pulse)  # fmt: skip
    keys_internal = make_item(
        session, "faq", title="Who holds the encryption keys?", body="Customers, through KMS.",
        links=[("product", vault.id)], audience="internal", fields=SHARED,
    )  # fmt: skip
    pentest_draft = make_item(
        session, "faq", title="Do you run penetration tests?", body="Yes, every year.",
        audience="customer", fields=SHARED, publish=False,
    )  # fmt: skip
    return Library(vault, pulse, sso, soc2, replay, keys_internal, pentest_draft)
