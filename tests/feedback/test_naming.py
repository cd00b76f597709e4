"""Theme names a reader understands without opening the theme: a phrase most members say, or
the most typical member's first clause, always in the members' own words and language."""

from __future__ import annotations

import numpy as np

from prism.grouping.naming import name_groups, name_one, trim


def named(*groups: list[str]) -> list[str]:
    texts = [text for group in groups for text in group]
    labels = np.array([n for n, group in enumerate(groups) for _ in group], dtype=np.int64)
    return name_groups(texts, labels)


def test_a_phrase_most_members_say_names_the_theme_as_they_wrote_it() -> None:
    residency = [
        "They need EU data residency before signing.",
        "EU data residency is a hard requirement for the bank",
        "Asked again about EU data residency, Frankfurt region preferred",
        "Can the data stay in Frankfurt?",
    ]
    price = ["The price per seat is too high", "Price per seat is more than they pay today"]
    assert named(residency, price) == ["EU data residency", "Price per seat"]


def test_without_a_shared_phrase_the_typical_member_is_trimmed_to_a_clause() -> None:
    mixed = [
        "Exports of a large DSAR take 20 minutes; they want a progress bar.",
        "Subject access requests export slowly",
        "Exporting a big request takes ages",
    ]
    [name] = named(mixed)
    assert name in {trim(text) for text in mixed}
    assert ";" not in name and "." not in name


def test_chinese_themes_get_chinese_names() -> None:
    chinese = ["客户要求欧盟数据驻留", "欧盟数据驻留是硬性要求", "希望支持欧盟数据驻留。"]
    assert named(chinese) == ["欧盟数据驻留"]
    assert name_one("我们需要单点登录，尽快支持Okta和Azure AD的集成方案以及审计日志导出功能") == (
        "我们需要单点登录"
    )


def test_a_name_is_never_a_lone_word_nor_a_fragment_across_punctuation() -> None:
    okta = ["Okta, please", "Okta login fails", "They use Okta"]
    [name] = named(okta)
    assert name in {trim(text) for text in okta}
    assert trim(
        "  we need   single sign-on with Okta before they can roll Vault out to the team "
    ) == ("We need single sign-on with Okta before they can roll Vault…")
