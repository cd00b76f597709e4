"""Rendering pages: the outputs panel on an item's page (render, re-render, download) and the
brand theme."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from prism.analytics.models import Use
from prism.analytics.usage import Event
from prism.auth.policy import Action, require
from prism.filestore import file_store
from prism.i18n import _
from prism.knowledge import facets
from prism.knowledge.models import Dimension
from prism.knowledge.service import get_item
from prism.render import service
from prism.render.brand import FONTS
from prism.render.layouts import LAYOUTS, offered
from prism.render.schemas import RenderIn, ThemeUpdate
from prism.web.deps import AppSettings, DbSession, Now, PageUser, Usage
from prism.web.forms import Outcome, Posted, attempt, parse
from prism.web.routing import IdPath, IdQuery, attachment, page_router
from prism.web.templating import render, settle

router = page_router()


def _outputs(
    request: Request,
    session: DbSession,
    user: PageUser,
    item_id: int,
    outcome: Outcome,
    now: datetime,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    item_kind = get_item(session, user, item_id).kind
    context = {
        "item_id": item_id,
        "typed": typed if outcome.error else {},
        "outputs": service.outputs_of(session, user, item_id, now=now),
        "choices": offered(item_kind),
        "layouts": LAYOUTS,
        "industries": facets.list_facets(session, user, Dimension.INDUSTRY),
        **outcome.context,
    }
    return render(request, "render/_outputs.html", context, status_code=outcome.status_code)


@router.get("/library/{item_id}/outputs", response_class=HTMLResponse)
def outputs(
    request: Request, session: DbSession, user: PageUser, now: Now, item_id: IdPath
) -> HTMLResponse:
    return _outputs(request, session, user, item_id, Outcome(), now)


@router.post("/library/{item_id}/outputs", response_class=HTMLResponse)
def render_output(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    now: Now,
    item_id: IdPath,
    form: Posted,
) -> HTMLResponse:
    typed = {k: str(v) for k, v in form.items()}
    layout, _unused, fmt = str(form.pop("choice", "")).partition(":")
    store = file_store(settings)

    def act() -> object:
        data = parse(RenderIn, {**form, "layout": layout or None, "format": fmt})
        return service.render(session, user, item_id, data, store=store, now=now)

    outcome = attempt(session, act, success=_("Rendered."))
    return _outputs(request, session, user, item_id, outcome, now, typed)


@router.post("/outputs/{rendition_id}/rerender", response_class=HTMLResponse)
def rerender(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    now: Now,
    rendition_id: IdPath,
) -> HTMLResponse:
    item_id = service.get_rendition(session, user, rendition_id).item_id
    store = file_store(settings)
    outcome = attempt(
        session,
        lambda: service.rerender(session, user, rendition_id, store=store, now=now),
        success=_("Rendered again from the current sources."),
    )
    return _outputs(request, session, user, item_id, outcome, now)


@router.get("/outputs/{rendition_id}/download")
def download(
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    usage: Usage,
    now: Now,
    rendition_id: IdPath,
    deal: IdQuery = None,
) -> Response:
    rendition, data = service.download(session, user, rendition_id, file_store(settings))
    usage.add(Event(Use.DOWNLOAD, item_id=rendition.item_id, deal_id=deal, user_id=user.id, at=now))
    return attachment(data, rendition.filename, rendition.media_type)


def _brand_page(
    request: Request, session: DbSession, user: PageUser, outcome: Outcome
) -> HTMLResponse:
    require(user, Action.EDIT_CONTENT)
    context = {
        "title": _("Brand"),
        "theme": service.house_theme(session),
        "fonts": list(FONTS),
        **outcome.context,
    }
    return render(request, "render/brand.html", context, status_code=outcome.status_code)


@router.get("/brand", response_class=HTMLResponse)
def brand(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _brand_page(request, session, user, Outcome())


@router.post("/brand", response_class=HTMLResponse)
def save_brand(request: Request, session: DbSession, user: PageUser, form: Posted) -> Response:
    def act() -> object:
        data = parse(ThemeUpdate, form)
        return service.update_theme(session, user, data, version=data.version)

    outcome = attempt(session, act, success=_("Saved. Outputs rendered before are now outdated."))
    return settle(request, outcome, "/brand", lambda: _brand_page(request, session, user, outcome))


@router.post("/brand/logo", response_class=HTMLResponse)
async def upload_logo(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    file: Annotated[UploadFile, File()],
    version: Annotated[int, Form()],
) -> Response:
    data, name = await file.read(), file.filename or "logo"
    outcome = attempt(
        session,
        lambda: service.set_logo(
            session, user, filename=name, data=data, version=version, store=file_store(settings)
        ),
        success=_("Logo saved."),
    )
    return settle(request, outcome, "/brand", lambda: _brand_page(request, session, user, outcome))


@router.get("/brand/logo")
def logo(session: DbSession, user: PageUser, settings: AppSettings) -> Response:
    theme = service.house_theme(session)
    if not theme.logo_key:
        return RedirectResponse("/static/favicon.svg")
    return Response(file_store(settings).get(theme.logo_key), media_type=theme.logo_media_type)
