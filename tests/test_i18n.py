"""The interface in Chinese: every sentence goes through the catalog and the Chinese catalog
translates every one of them; a person's choice of language, else their browser's, is spoken;
dates and amounts are written the Chinese way."""

from __future__ import annotations

import ast
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism import i18n
from prism.web.terms import TERMS, collected
from tests.conftest import Cast, bearer
from tests.roadmap.test_api import ask_for_a_battlecard
from tests.web.test_pages import sign_in

ROOT = Path(__file__).parent.parent
TEMPLATES = ROOT / "prism" / "web" / "templates"
CATALOG = ROOT / "prism" / "locale" / "zh" / "LC_MESSAGES" / "messages.po"
PLACE = re.compile(r"\{(\w+)[^{}]*\}")
TAG = re.compile(r"<[^>]+>")


def extracted() -> set[str]:
    """Every sentence the code and the templates put through `_`, `N_` or `ngettext`."""
    method_map = [("prism/**.py", "python"), ("prism/web/templates/**.html", "jinja2")]
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog() -> dict[str, str]:
    with CATALOG.open("rb") as handle:
        entries = read_po(handle)
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (
            m.string if isinstance(m.string, str) else m.string[0]
        )
        for m in entries
        if m.id
    }


def test_the_chinese_catalog_translates_every_sentence_the_code_has() -> None:
    wanted, translated = extracted(), catalog()
    missing = sorted(wanted - translated.keys())
    assert not missing, f"Not in the catalog (run `make messages`, then translate): {missing[:10]}"
    empty = sorted(m for m in wanted if not translated[m])
    assert not empty, f"Not translated in messages.po: {empty[:10]}"


def test_a_translation_keeps_its_sentence_s_places_and_tags() -> None:
    for english, chinese in catalog().items():
        assert set(PLACE.findall(chinese)) == set(PLACE.findall(english)), english
        assert sorted(TAG.findall(chinese)) == sorted(TAG.findall(english)), english


def test_the_list_of_shown_words_matches_the_code() -> None:
    assert set(TERMS) == collected(), "Update prism/web/terms.py (a kind, status or role changed)"


# Text a template shows outside `_()`: what is left between tags once Jinja is taken out.
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_RAW = re.compile(r"<(script|style|pre|code|svg)\b.*?</\1>", re.S)
_SHOWN_ATTRIBUTE = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*[A-Za-z][^"]*)"')
# Words that read the same in both languages.
_SAME = {"Prism", "API", "CSV", "SSO", "MCP", "ARR", "PDF", "GA", "UTC", "OK"}


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_a_template_shows_no_text_that_is_not_in_the_catalog(template: Path) -> None:
    source = _JINJA.sub("§", _RAW.sub("", template.read_text(encoding="utf-8")))
    found = [m.group(1) for m in _SHOWN_ATTRIBUTE.finditer(source)]
    for text in TAG.split(source):
        words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]+", text)
        if [w for w in words if w not in _SAME]:
            found.append(" ".join(text.split()))
    assert not found, f"{template.name} shows untranslated text: {found[:5]}"


_REFUSALS = {"Unauthorized", "Forbidden", "NotFound", "Conflict", "Gone", "PayloadTooLarge",
             "Invalid", "TooManyRequests", "Unavailable", "RetryLater", "PrismError"}  # fmt: skip


def _told_in_english(node: ast.expr) -> bool:
    """A sentence written straight into the code (a literal or an f-string with words of its
    own, rich's [markup] aside), not through `_`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search("[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        own = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return bool(re.search("[A-Za-z]{2}", re.sub(r"\[/?[a-z ]+\]", "", own)))
    return False


# Checks for developers and operators, not people: a saved index that does not fit, a naive
# datetime, a setting (settings are read before anyone's language is known).
_NOT_FOR_PEOPLE = ("db.py", "vectors.py", "settings.py")


def _said_in_python(path: Path) -> list[ast.expr]:
    """What a module says to a person: refusals, notices, page and chart titles, a validator's
    complaint, a `…_problem` or `…_refusal` function's answer, a notification, and what a
    command prints."""
    said: list[ast.expr] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            owner = getattr(getattr(func, "value", None), "id", None)
            if name in _REFUSALS and node.args:
                said.append(node.args[0])
            if name == "about" and len(node.args) > 1:
                said.append(node.args[1])
            if name in ("print", "status", "add_task") and owner in ("console", "err", "bar"):
                said += node.args[:1]
            said += [kw.value for kw in node.keywords if kw.arg == "success"]
            if path.name == "pages.py":  # a chart's or a section's title
                said += [kw.value for kw in node.keywords if kw.arg == "title"]
            if name in ("notify", "announce"):
                said += [kw.value for kw in node.keywords if kw.arg in ("subject", "body")]
        raised = node.exc if isinstance(node, ast.Raise) else None
        if (
            isinstance(raised, ast.Call)
            and raised.args
            and getattr(raised.func, "id", None) == "ValueError"
            and path.name not in _NOT_FOR_PEOPLE
        ):
            said.append(raised.args[0])
        if isinstance(node, ast.FunctionDef) and node.name.endswith(("_problem", "_refusal")):
            said += [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value]
        if isinstance(node, ast.JoinedStr):  # `_` inside an f-string is never extracted
            said += [ast.JoinedStr(values=[ast.Constant("a sentence hidden in an f-string")],
                                   lineno=c.lineno) for c in ast.walk(node)
                     if isinstance(c, ast.Call) and getattr(c.func, "id", None) == "_"]  # fmt: skip
        if isinstance(node, ast.Dict) and path.name == "pages.py":
            said += [v for k, v in zip(node.keys, node.values, strict=True)
                     if isinstance(k, ast.Constant) and k.value == "title"]  # fmt: skip
    return said


def test_every_refusal_notice_and_page_title_goes_through_the_catalog() -> None:
    """What Prism says to a person in Python — a refusal's message, a form's notice, a page's
    title, a validator's complaint, a notification, a command's output — is written through
    `_`, so it reaches the catalog and the reader's language."""
    found = []
    for path in sorted((ROOT / "prism").rglob("*.py")):
        if "migrations" in path.parts or path.name in ("i18n.py", "errors.py"):
            continue
        said = _said_in_python(path)
        found += [f"{path.relative_to(ROOT)}:{n.lineno}" for n in said if _told_in_english(n)]
    assert not found, f"Written in English, not through _(): {found[:10]}"


def test_the_browser_s_language_is_spoken_until_the_person_chooses_one(
    client: TestClient, session: Session, cast: Cast
) -> None:
    chinese = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    assert 'lang="zh-CN"' in client.get("/login", headers=chinese).text
    assert "登录 Prism" in client.get("/login", headers=chinese).text
    english = client.get("/login", headers={"Accept-Language": "fr, en;q=0.5"}).text
    assert 'lang="en"' in english and "Sign in to Prism" in english

    headers = bearer(session, cast.seller)
    chose = client.patch("/api/v1/me", json={"language": "zh"}, headers=headers)
    assert chose.status_code == 200 and chose.json()["language"] == "zh"
    refused = client.get("/api/v1/items/999999", headers=headers)
    assert refused.json()["title"] == "未找到" and refused.json()["detail"] == "没有条目 999999。"
    sign_in(client, cast.seller.email)
    home = client.get("/", headers={"Accept-Language": "en"}).text
    assert 'lang="zh-CN"' in home and "以下是今天需要您处理的事项。" in home
    back = client.patch("/api/v1/me", json={"language": None}, headers=headers)
    assert back.status_code == 200, back.text
    assert back.json()["language"] is None
    assert "Not found" in client.get("/api/v1/items/999999", headers=headers).text
    bad = client.patch("/api/v1/me", json={"language": "fr"}, headers=headers)
    assert bad.status_code == 422


def test_the_account_page_changes_the_language_and_says_so_in_it(
    client: TestClient, session: Session, cast: Cast
) -> None:
    from tests.web.test_pages import csrf_from

    sign_in(client, cast.editor.email)
    page = client.get("/account")
    saved = client.post(
        "/account/language", data={"language": "zh", "csrf_token": csrf_from(page.text)}
    )
    assert saved.status_code == 200 and "语言已保存。" in saved.text
    assert "您的账号" in client.get("/account").text
    session.refresh(cast.editor)
    assert cast.editor.language == "zh"


def test_a_chinese_page_has_no_english_sentence_left(
    client: TestClient, session: Session, cast: Cast
) -> None:
    """Every page a seller opens, in Chinese: no sentence of the catalog is left in English,
    and no badge (a status, a due date) says a word of English but the stage names."""
    from tests.library import make_library
    from tests.shares.test_shares import share
    from tests.training.factories import assign, make_module

    share(session, make_library(session), cast.seller)
    assign(session, make_module(session), user_ids=[cast.seller.id], due_in=-2)  # overdue
    assign(session, make_module(session), user_ids=[cast.seller.id], due_in=5)
    session.commit()
    sentences = [m for m in catalog() if len(m.split()) >= 3 and "{" not in m and "<" not in m]
    sign_in(client, cast.seller.email)
    headers = {"Accept-Language": "zh"}
    badges = 0
    for path in ("/", "/library", "/search?q=vault", "/deals", "/toolkits", "/shares",
                 "/feedback", "/feedback/new", "/training", "/notifications", "/account",
                 "/account/tokens", "/launches", "/roadmap", "/people"):  # fmt: skip
        text = client.get(path, headers=headers).text
        left = [s for s in sentences if s in text]
        assert not left, f"{path} still says in English: {left[:3]}"
        said = re.findall(r'<span class="badge[^"]*"[^>]*>([^<]*)</span>', text)
        badges += len(said)
        english = [b for b in said if set(re.findall("[A-Za-z]{3,}", b)) - {"Alpha", "Beta", "FAQ"}]
        assert not english, f"{path} has badges in English: {english[:3]}"
    assert badges >= 4  # the overdue and the due training, the open link, …


def test_amounts_and_dates_are_written_the_reader_s_way() -> None:
    with i18n.speaking("zh"):
        assert i18n.short_money(1_250_000) == "125万"
        assert i18n.short_money(320_000_000) == "3.2亿"
        assert i18n.short_money(8_000) == "8000"
        assert i18n.short_money(16_900_000) == "1690万"  # not "1.69e+03万"
        assert i18n.when(date(2026, 12, 7)) == "2026年12月7日"
        assert i18n.when(datetime(2026, 12, 7, 9, 5), "%d %b %Y %H:%M") == "2026年12月7日 09:05"
        assert i18n.format_number(1_250_000) == "1,250,000"
        assert i18n.ngettext("{count} visitor", "{count} visitors", 3) == "3 位访客"
    assert i18n.short_money(1_250_000) == "1.25M" and i18n.short_money(420_000) == "420k"
    assert i18n.short_money(2_500_000_000) == "2.5B" and i18n.short_money(999_000_000) == "999M"
    assert i18n.when(date(2026, 12, 7)) == "07 Dec 2026"
    assert i18n.ngettext("{count} visitor", "{count} visitors", 1) == "1 visitor"


def test_a_browser_s_languages_are_weighed() -> None:
    assert i18n.negotiate("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert i18n.negotiate("en-GB,en;q=0.9,zh;q=0.8") == "en"
    assert i18n.negotiate("fr;q=1, zh-TW;q=0.5") == "zh"
    assert i18n.negotiate("de") == "en" and i18n.negotiate("") == "en"
    assert i18n.negotiate("zh;q=oops, en;q=0.1") == "en"


def test_a_refused_value_is_explained_in_the_reader_s_language(
    client: TestClient, session: Session, cast: Cast
) -> None:
    """Pydantic's complaints and Prism's own checks, in the problem's detail and its field
    errors: Chinese for a Chinese reader, pydantic's English as it was for an English one."""
    headers = bearer(session, cast.admin)
    bad = {"name": "", "url": "https://chat.example/h", "events": ["no.such"], "format": "slack"}
    chinese = client.post(
        "/api/v1/webhooks", json=bad, headers={**headers, "Accept-Language": "zh"}
    )
    assert chinese.status_code == 422
    problem = chinese.json()
    said = {e["field"]: e["message"] for e in problem["errors"]}
    assert said["name"] == "至少应有 1 个字符"
    assert said["events"].startswith("没有事件 no.such；可用的事件有 ")
    assert problem["title"] == "输入无效"
    assert problem["detail"] == "name：至少应有 1 个字符（另有 1 个问题）"
    english = client.post("/api/v1/webhooks", json=bad, headers=headers).json()
    said = {e["field"]: e["message"] for e in english["errors"]}
    assert said["name"] == "String should have at least 1 character"
    assert said["events"].startswith("no event no.such; events are ")  # no "Value error, "
    assert english["detail"] == "name: String should have at least 1 character (and 1 more problem)"
    broken = client.post(
        "/api/v1/webhooks", content=b"{", headers={**headers, "Accept-Language": "zh",
                                                    "Content-Type": "application/json"},
    )  # fmt: skip
    assert broken.json()["errors"] == [
        {"field": "body", "message": "不是有效的 JSON", "type": "json_invalid"}
    ]


def test_every_kind_of_complaint_has_a_chinese_sentence_with_its_places() -> None:
    from prism.validation import _SAID, said_wrong

    for kind, sentence in _SAID.items():
        context = dict.fromkeys(PLACE.findall(sentence), 3)
        with i18n.speaking("zh"):
            text = said_wrong({"type": kind, "msg": "English", "ctx": context})
        assert text != sentence and not re.search(
            "[A-Za-z]{4}", re.sub(r"\b(JSON|URL|UUID|YYYY-MM-DD)\b", "", text)
        ), kind
    with i18n.speaking("zh"):
        assert said_wrong({"type": "something_new", "msg": "Input is odd"}) == "不是有效的值"
        assert (
            said_wrong({"type": "enum", "ctx": {"expected": "'a' or 'b'"}})
            == "应为以下之一：'a', 'b'"
        )


def test_a_notice_is_said_in_the_language_of_whoever_reads_it(
    client: TestClient, session: Session, cast: Cast
) -> None:
    """The editor works in English and moves a capability; the seller who asked for it reads
    the notice in Chinese, the status word too, and the editor's note as written."""
    seller = bearer(session, cast.seller)
    made = ask_for_a_battlecard(client, seller)
    editor = {**bearer(session, cast.editor), "Accept-Language": "en"}
    capability = client.get(f"/api/v1/roadmap/{made['capability']['id']}", headers=editor).json()
    moved = client.patch(
        f"/api/v1/roadmap/{capability['id']}",
        json={"version": capability["version"], "status": "in_progress", "note": "Writing it now"},
        headers=editor,
    )
    assert moved.status_code == 200, moved.text
    client.patch("/api/v1/me", json={"language": "zh"}, headers=seller)
    [told] = client.get("/api/v1/notifications", headers=seller).json()["items"]
    assert told["subject"] == f"“{capability['title']}”现在的状态是：进行中"
    assert told["body"] == "Writing it now"
    client.patch("/api/v1/me", json={"language": "en"}, headers=seller)
    [told] = client.get("/api/v1/notifications", headers=seller).json()["items"]
    assert told["subject"] == f"“{capability['title']}” is now in progress"
    sign_in(client, cast.seller.email)
    page = client.get("/notifications", headers={"Accept-Language": "zh"}).text
    assert "is now in progress" in page  # the person chose English, whatever the browser says
