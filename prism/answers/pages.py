"""The questionnaire page: paste a buyer's questions, choose the products, and read a draft for
each from the approved answer library with its source — or see that it needs an expert."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from prism.answers import drafting
from prism.auth.policy import Principal
from prism.i18n import _
from prism.knowledge.service import choices
from prism.schemas import as_id
from prism.web.deps import DbSession, Now, PageUser
from prism.web.forms import form_with_lists
from prism.web.routing import page_router
from prism.web.templating import render

router = page_router()
MOST = 500  # questions drafted at once, as the API takes them


def _page(
    request: Request,
    session: Session,
    user: Principal,
    *,
    text: str = "",
    chosen: list[int] | None = None,
    made: list[drafting.Draft] | None = None,
    error: str = "",
) -> HTMLResponse:
    products = sorted(choices(session, user, "product"), key=lambda p: p.title.casefold())
    drafted = [d for d in made or [] if not d.for_expert]
    context: dict[str, Any] = {
        "title": _("Questionnaire answers"),
        "products": products,
        "chosen": chosen or [],
        "text": text,
        "drafts": made,
        "drafted": len(drafted),
        "threshold": drafting.DRAFT_AT,
        "error": error,
    }
    return render(request, "answers/draft.html", context, status_code=422 if error else 200)


@router.get("/answers", response_class=HTMLResponse)
def answers_page(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _page(request, session, user)


@router.post("/answers", response_class=HTMLResponse)
async def draft_answers(
    request: Request, session: DbSession, user: PageUser, now: Now
) -> HTMLResponse:
    form = await form_with_lists(request, "product_id")
    text = str(form.get("questions", ""))
    known = {p.id for p in choices(session, user, "product")}
    chosen = [i for i in (as_id(str(v)) for v in form["product_id"]) if i in known]
    questions = [line.strip() for line in text.splitlines() if line.strip()]
    if not questions:
        return _page(request, session, user, text=text, chosen=chosen,
                     error=_("Paste the buyer's questions, one per line."))  # fmt: skip
    if len(questions) > MOST:
        error = _("At most {most} questions at a time.", most=MOST)
        return _page(request, session, user, text=text, chosen=chosen, error=error)
    drafter = drafting.Drafter(session, user, now=now)
    made = [drafter.draft(q, product_ids=chosen) for q in questions]
    return _page(request, session, user, text=text, chosen=chosen, made=made)
