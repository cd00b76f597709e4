"""Drafting answers: the right source with its version, never another product's answer or one
a customer may not read, nothing below the threshold, and Yes/No only from the source."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from prism.answers import drafting
from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Forbidden
from tests.answers.library import make_library
from tests.conftest import ROLES, Cast


def test_a_question_gets_the_closest_answer_with_its_source_and_version(
    session: Session,
) -> None:
    lib = make_library(session)
    drafter = drafting.Drafter(session, SYSTEM, now=utcnow())
    made = drafter.draft("Can our staff log in with SAML through our identity provider?")
    assert made.chosen is not None and not made.for_expert
    assert made.chosen.item.id == lib.sso.id and made.chosen.version == lib.sso.version
    assert made.chosen.text == "Yes: SAML 2.0 and OIDC."  # the short answer fits a cell
    assert made.chosen.long_text.startswith("Yes. SAML 2.0")
    assert made.chosen.yes_or_no == "yes"
    assert made.chosen.confidence >= drafting.DRAFT_AT


def test_another_products_answer_is_never_drafted(session: Session) -> None:
    lib = make_library(session)
    drafter = drafting.Drafter(session, SYSTEM, now=utcnow())
    question = "Are passwords recorded in session replays?"
    for_pulse = drafter.draft(question, product_ids=[lib.pulse.id])
    assert for_pulse.chosen is not None and for_pulse.chosen.item.id == lib.replay.id
    assert for_pulse.chosen.yes_or_no == ""  # the source does not say yes or no in its field
    for_vault = drafter.draft(question, product_ids=[lib.vault.id])
    assert all(c.item.id != lib.replay.id for c in for_vault.candidates)
    assert for_vault.for_expert
    # An answer for the whole company fits every product's questionnaire.
    sso = drafter.draft("Do you support SAML single sign-on?", product_ids=[lib.vault.id])
    assert sso.chosen is not None and sso.chosen.item.id == lib.sso.id


def test_only_published_customer_shareable_answers_are_drafted(session: Session) -> None:
    lib = make_library(session)
    drafter = drafting.Drafter(session, SYSTEM, now=utcnow())
    keys = drafter.draft("Who holds the encryption keys?", product_ids=[lib.vault.id])
    pentest = drafter.draft("Do you run penetration tests?")
    never = {lib.keys_internal.id, lib.pentest_draft.id}
    assert not never & {c.item.id for c in keys.candidates + pentest.candidates}
    assert keys.for_expert and pentest.for_expert


def test_a_question_the_library_does_not_answer_is_left_for_an_expert(session: Session) -> None:
    make_library(session)
    drafter = drafting.Drafter(session, SYSTEM, now=utcnow())
    for question in ("Do you hold FedRAMP authorization?", "Describe your office building's "
                     "physical security.", "   "):  # fmt: skip
        made = drafter.draft(question)
        assert made.chosen is None and made.for_expert, question
        assert all(c.confidence < drafting.DRAFT_AT for c in made.candidates)


def test_a_chinese_question_finds_the_english_answer_first(session: Session) -> None:
    lib = make_library(session)
    made = drafting.draft(session, SYSTEM, "Vault 通过 SOC 2 Type II 认证了吗？",
                          product_ids=[lib.vault.id], now=utcnow())  # fmt: skip
    assert made.candidates and made.candidates[0].item.id == lib.soc2.id


def test_every_role_drafts_from_what_it_may_read(session: Session, cast: Cast) -> None:
    lib = make_library(session)
    for who in ROLES:
        actor = getattr(cast, who)
        made = drafting.Drafter(session, actor, now=utcnow()).draft("Do you support SAML?")
        assert made.chosen is not None and made.chosen.item.id == lib.sso.id, who
    with pytest.raises(Forbidden):
        drafting.Drafter(session, cast.outsider, now=utcnow())


def test_an_acronym_shares_the_words_it_spells_out_both_ways() -> None:
    question = drafting.Spelled.of("Do you help us answer data subject access requests?")
    answer = drafting.Spelled.of("Yes. DSAR automation finds a person's data across systems.")
    assert answer.matching(question) == drafting._words("data subject access requests")
    spelled = drafting.Spelled.of("Is multi-factor authentication required for your staff?")
    assert spelled.matching(drafting.Spelled.of("Does your workforce use MFA?")) == {"mfa"}
    # Two-letter acronyms and numbers stand for too much to be matched.
    assert not drafting.Spelled.of("Hosted in the EU.").matching(drafting.Spelled.of("every user"))
    assert drafting.Spelled.of("ISO 27001 and SOC 2").acronyms == {"iso", "soc"}


def test_a_clear_lead_makes_an_answer_surer_and_a_tie_less_sure() -> None:
    assert drafting.sureness([0.5, 0.3]) == [0.6, 0.2]
    assert drafting.sureness([0.5, 0.5]) == [0.5, 0.5]
    assert drafting.sureness([0.4]) == [0.6]  # alone: it leads nothing, as against zero
    assert drafting.sureness([0.9, 0.1]) == [1.0, 0.0]  # held between 0 and 1


def test_a_chinese_answer_is_not_drafted_into_an_english_questionnaire(session: Session) -> None:
    lib = make_library(session)
    from tests.knowledge.factories import make_item

    chinese = make_item(session, "faq", title="你们支持单点登录吗？", body="支持 SAML 2.0。",
                        audience="customer", fields={"answered_for": ["customers"]})  # fmt: skip
    drafter = drafting.Drafter(session, SYSTEM, now=utcnow())
    english = drafter.draft("Do you support single sign-on?")
    assert chinese.id not in {c.item.id for c in english.candidates}
    assert english.chosen is not None and english.chosen.item.id == lib.sso.id
    asked_in_chinese = drafter.draft("是否支持单点登录？")
    assert chinese.id in {c.item.id for c in asked_in_chinese.candidates}
