"""Keyword candidates: every term first, then any term; permissions hold at every step."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from prism.db import utcnow
from prism.knowledge.service import ItemFilter
from prism.search import service
from prism.search.text import query_terms
from tests.conftest import Cast
from tests.knowledge.factories import make_item


def test_items_with_every_term_come_first_then_any_term(
    session: Session, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    both = make_item(session, "faq", title="Residency audit checklist")
    one = make_item(session, "faq", title="Residency rules by region")
    other = make_item(session, "faq", title="Audit evidence export")
    terms = query_terms("residency audit")

    monkeypatch.setattr(service, "CANDIDATES", 1)
    assert service.keyword_ids(session, cast.seller, terms, ItemFilter()) == [both.id]
    # Too few with every term: widened to any term, the item with both still first.
    monkeypatch.setattr(service, "CANDIDATES", 3)
    found = service.keyword_ids(session, cast.seller, terms, ItemFilter())
    assert found[0] == both.id and set(found) == {both.id, one.id, other.id}


def test_hidden_best_matches_do_not_crowd_out_visible_ones(
    session: Session, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The index's single best match is a draft the seller may not read; with a pool of one,
    # the search must look past it rather than answer nothing.
    make_item(session, "faq", title="Tokenisation tokenisation tokenisation", publish=False)
    visible = make_item(session, "faq", title="Tokenisation in staging")
    monkeypatch.setattr(service, "POOL", 1)
    terms = query_terms("tokenisation")
    assert service.keyword_ids(session, cast.seller, terms, ItemFilter()) == [visible.id]
    assert len(service.keyword_ids(session, cast.editor, terms, ItemFilter())) == 2


def test_a_correct_word_in_another_form_is_not_corrected_and_snippets_read_as_text(
    session: Session, cast: Cast
) -> None:
    make_item(
        session,
        "handbook",
        title="Retention handbook",
        body="## Overview\n\nEvery patient record is **recorded** twice, in [Vault](https://x.example).",
    )
    found = service.search(session, cast.seller, "records", mode="keyword", now=utcnow())
    assert found.corrections == {}
    [hit] = found.hits
    assert "##" not in hit.highlight and "**" not in hit.highlight and "](" not in hit.highlight
    assert "<mark>recorded</mark> twice, in Vault" in hit.highlight
    typo = service.search(session, cast.seller, "recrod", mode="keyword", now=utcnow())
    assert typo.corrections == {"recrod": "record"}
