"""Chinese in search: a question is split into words (jieba), so its words are found in any
order; before the sentence model reads Chinese it is glossed into English (CC-CEDICT), so a
Chinese question finds the English item that answers it and the reverse."""

from __future__ import annotations

from sqlalchemy.orm import Session

from prism import chinese
from prism.db import utcnow
from prism.search import service
from prism.search.text import query_terms
from tests.conftest import Cast
from tests.knowledge.factories import make_item


def test_a_gloss_puts_chinese_into_english_and_leaves_the_rest() -> None:
    assert chinese.gloss("Who holds the keys?") == "Who holds the keys?"
    glossed = chinese.gloss("Vault 加密密钥由谁掌管？")
    assert glossed.startswith("Vault ") and glossed.endswith("?")
    assert "key" in glossed and "encrypt" in glossed and not chinese.has_han(glossed)
    assert "的" not in chinese.gloss("银行的数据") and "bank" in chinese.gloss("银行的数据")


def test_a_chinese_question_is_its_words_without_grammar_words() -> None:
    terms = query_terms("Vault 支持哪些数据驻留区域？")
    assert terms.words == ("vault",)
    assert terms.phrases == ("支持", "数据", "驻留", "区域")
    assert query_terms("数据").phrases == ("数据",)
    assert query_terms("的").phrases == ("的",)  # nothing but a grammar word: kept as typed
    assert query_terms("データ").phrases == ("データ",)  # Japanese is not split


def test_chinese_words_are_found_in_any_order(session: Session, cast: Cast) -> None:
    item = make_item(session, "faq", title="数据驻留区域", body="Vault 支持欧盟和美国两个区域。")
    found = service.search(
        session, cast.seller, "Vault 支持哪些区域的数据驻留", mode="keyword", now=utcnow()
    )
    assert [hit.item.id for hit in found.hits] == [item.id]
    assert "<mark>区域</mark>" in str(found.hits[0].highlight)


def test_a_chinese_question_finds_the_english_answer_and_the_reverse(
    session: Session, cast: Cast
) -> None:
    keys = make_item(session, "faq", title="Who holds the encryption keys?",
                     body="You can bring your own keys through AWS KMS.")  # fmt: skip
    make_item(session, "faq", title="Is there a free plan?", body="Yes, up to five flows.")
    passwords = make_item(session, "faq", title="会话回放会记录密码吗？",
                          body="不会。输入内容默认被遮盖。")  # fmt: skip
    make_item(session, "faq", title="Flow 能连接哪些系统？", body="超过 120 个连接器。")
    zh_en = service.search(session, cast.seller, "谁来管理加密密钥", mode="semantic", now=utcnow())
    assert zh_en.hits[0].item.id == keys.id
    en_zh = service.search(
        session, cast.seller, "are passwords recorded in session replay", mode="semantic",
        now=utcnow(),
    )  # fmt: skip
    assert en_zh.hits[0].item.id == passwords.id
    by_keyword = service.search(
        session, cast.seller, "encryption keys", mode="keyword", now=utcnow()
    )
    assert [hit.item.id for hit in by_keyword.hits] == [keys.id]
    english_words_of_chinese = service.search(
        session, cast.seller, "recorded passwords", mode="keyword", now=utcnow()
    )
    assert passwords.id in [hit.item.id for hit in english_words_of_chinese.hits]
