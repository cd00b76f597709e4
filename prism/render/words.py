"""The fixed words of rendered outputs (headings, labels, next steps) in each language an output
can be written in, and how an output's language is chosen: the one its content is written in,
unless the request names one."""

from __future__ import annotations

from collections.abc import Iterable

from prism.cjk import CJK
from prism.i18n import Language

ZH: dict[str, str] = {
    "The challenge": "挑战",
    "The problem": "问题",
    "What we hear": "我们听到的",
    "Our approach": "我们的方法",
    "The approach": "方法",
    "Our solution": "我们的方案",
    "How it works": "工作方式",
    "Capabilities": "核心能力",
    "Why it matters": "价值所在",
    "The value": "价值",
    "Why {company}": "为什么选择 {company}",
    "Why us": "为什么选择我们",
    "Proof": "证据",
    "The evidence": "证据",
    "References": "参考资料",
    "Executive summary": "摘要",
    "Contents": "目录",
    "Customer story": "客户案例",
    "Challenge": "挑战",
    "What they did": "方案",
    "Results": "成果",
    "Next steps": "下一步",
    "Questions?": "有问题吗？",
    "Your contact": "您的联系人",
    "Prepared for {customer}": "为 {customer} 准备",
    "Presented by {name}": "主讲：{name}",
    "Whitepaper": "白皮书",
    "Frequently asked questions": "常见问题",
    "{title}: questions and answers": "{title}：常见问题解答",
    "What changes": "带来的改变",
    "How {product} compares": "{product} 的不同之处",
    "The usual way": "通常的做法",
    "With {product}": "使用 {product}",
    "Agree the outcomes that matter and how we will measure them": "确定关键成果及衡量方式",
    "Talk to {customer} about their results": "与 {customer} 交流他们的成果",
    "Scope a pilot with your team": "与您的团队规划试点",
    "Review security and compliance documents": "审阅安全与合规文档",
    "To come: {what}": "待补充：{what}",
    "No published sources yet.": "尚无已发布的来源。",
    "internal measurement": "内部测量",
    "Pricing": "价格",
    "Price": "价格",
    "Add-ons": "附加包",
    "Editions and prices": "版本与价格",
    "Includes": "包含",
    "Contact us": "请联系我们",
    "{product}: editions and pricing": "{product}：版本与价格",
    "List prices in {currency}, before taxes, in force on {day}.": (
        "目录价以 {currency} 计，不含税，{day} 起生效。"
    ),
    "Prices are quoted for each customer: ask your contact.": (
        "价格按客户单独报价：请咨询您的联系人。"
    ),
    "Scheduled price changes": "已排期的调价",
    "Discount guidance": "折扣指引",
    "product": "产品",
    "solution": "解决方案",
    "story": "客户案例",
}


def say(text: str, language: Language, **values: str) -> str:
    """`text` in `language`, with its {placeholders} filled."""
    chosen = ZH.get(text, text) if language == "zh" else text
    return chosen.format(**values) if values else chosen


def language_of(texts: Iterable[str]) -> Language:
    """Chinese when most of the letters in `texts` are Chinese characters, else English."""
    joined = "".join(texts)
    chinese = len(CJK.findall(joined))
    latin = sum(1 for ch in joined if ch.isascii() and ch.isalpha())
    return "zh" if chinese and chinese * 2 >= latin / 3 else "en"
