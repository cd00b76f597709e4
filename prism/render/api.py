"""The rendering API: render an item, list and re-render its outputs, download them, and keep
the brand theme."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, UploadFile
from fastapi.responses import Response

from prism.filestore import file_store
from prism.pagination import Page
from prism.render import service
from prism.render.schemas import RenderIn, RenditionOut, ThemeOut, ThemeUpdate
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now
from prism.web.routing import IdPath, Paged, api_router, attachment

router = api_router("rendering")


def rendition_out(output: service.Output) -> RenditionOut:
    out = RenditionOut.model_validate(output.rendition)
    return out.model_copy(
        update={
            "outdated": output.outdated,
            "download_url": f"/api/v1/renditions/{output.rendition.id}/content",
        }
    )


@router.post(
    "/items/{item_id}/renditions",
    response_model=RenditionOut,
    summary="Render an item as a deck, talk, whitepaper, one-pager, battlecard or FAQ sheet",
)
def render_item(
    item_id: IdPath,
    data: RenderIn,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    now: Now,
) -> RenditionOut:
    output = service.render(session, user, item_id, data, store=file_store(settings), now=now)
    return rendition_out(output)


@router.get(
    "/items/{item_id}/renditions",
    response_model=Page[RenditionOut],
    summary="An item's rendered outputs, each saying whether it is outdated",
)
def list_renditions(
    item_id: IdPath, session: DbSession, user: CurrentUser, now: Now, paged: Paged
) -> Page[RenditionOut]:
    found = service.outputs_of(session, user, item_id, now=now)
    return paged.page(found, RenditionOut, rendition_out)


@router.get("/renditions/{rendition_id}", response_model=RenditionOut, summary="One output")
def read_rendition(
    rendition_id: IdPath, session: DbSession, user: CurrentUser, now: Now
) -> RenditionOut:
    rendition = service.get_rendition(session, user, rendition_id)
    return rendition_out(
        service.Output(rendition, service.is_outdated(session, rendition, now=now))
    )


@router.post(
    "/renditions/{rendition_id}/rerender",
    response_model=RenditionOut,
    summary="Render an output again from its sources as they are now",
)
def rerender(
    rendition_id: IdPath, session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> RenditionOut:
    output = service.rerender(session, user, rendition_id, store=file_store(settings), now=now)
    return rendition_out(output)


@router.get(
    "/renditions/{rendition_id}/content", response_class=Response, summary="Download an output"
)
def download(
    rendition_id: IdPath, session: DbSession, user: CurrentUser, settings: AppSettings
) -> Response:
    rendition, data = service.download(session, user, rendition_id, file_store(settings))
    return attachment(data, rendition.filename, rendition.media_type)


@router.get("/theme", response_model=ThemeOut, summary="The brand theme every output wears")
def read_theme(session: DbSession, user: CurrentUser) -> ThemeOut:
    return ThemeOut.model_validate(service.house_theme(session))


@router.put("/theme", response_model=ThemeOut, summary="Change the brand theme (editors)")
def update_theme(data: ThemeUpdate, session: DbSession, user: CurrentUser) -> ThemeOut:
    theme = service.update_theme(session, user, data, version=data.version)
    return ThemeOut.model_validate(theme)


@router.put("/theme/logo", response_model=ThemeOut, summary="Upload the logo (PNG or JPEG)")
async def upload_logo(
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    file: Annotated[UploadFile, File(description="A PNG or JPEG image, at most 2 MiB.")],
    version: Annotated[int, Form(ge=0, le=2**31 - 1)],
) -> ThemeOut:
    theme = service.set_logo(
        session,
        user,
        filename=file.filename or "logo",
        data=await file.read(),
        version=version,
        store=file_store(settings),
    )
    return ThemeOut.model_validate(theme)
