"""The positioning statement reads as English (or Chinese) a person would write."""

from __future__ import annotations

import pytest

from prism.knowledge.positioning import Parts, statement, with_article


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("customer-data governance platform", "a customer-data governance platform"),
        ("audit tool", "an audit tool"),
        ("SDK for mobile apps", "an SDK for mobile apps"),
        ("CRM add-on", "a CRM add-on"),
        ("unified analytics suite", "a unified analytics suite"),
        ("hourly billing service", "an hourly billing service"),
        ("the only agentless scanner", "the only agentless scanner"),
        ("", ""),
    ],
)
def test_the_category_gets_the_article_english_needs(category: str, expected: str) -> None:
    assert with_article(category) == expected


def test_a_statement_is_two_sentences_with_its_gaps_visible() -> None:
    vault = Parts(
        "Helio Vault",
        "security leaders",
        "must prove where personal data lives",
        "customer-data governance platform",
        "builds a live data map without agents",
    )
    assert statement(vault) == (
        "For security leaders who must prove where personal data lives, Helio Vault is a "
        "customer-data governance platform that builds a live data map without agents. "
        "Unlike [the alternative], we [differentiator]."
    )


def test_a_statement_written_in_chinese_reads_as_chinese() -> None:
    said = statement(
        Parts("Helio Vault", "银行的合规负责人", "需要证明个人数据的位置", "数据治理平台")
    )
    assert said.startswith(
        "对于需要证明个人数据的位置的银行的合规负责人，Helio Vault是一款数据治理平台"
    )
    assert "For " not in said and " is " not in said
