"""The knowledge API: CRUD for every kind under its plural noun (`/products`, `/battlecards`, …),
and lifecycle, versions and links for any item under `/items/{id}`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Query, Response, UploadFile, status
from fastapi.responses import Response as RawResponse

from prism.analytics.models import Use
from prism.analytics.usage import Event
from prism.filestore import file_store
from prism.knowledge import assets, freshness, history, portable, service
from prism.knowledge import facets as facet_service
from prism.knowledge.kinds import KINDS, Kind
from prism.knowledge.models import Audience, Dimension, Status
from prism.knowledge.portable import ImportReport, KnowledgeDoc
from prism.knowledge.schemas import (
    TYPED_IN,
    TYPED_UPDATE,
    DiffOut,
    FacetIn,
    FacetOut,
    FacetUpdate,
    ItemIn,
    ItemOut,
    ItemRef,
    ItemSummaryOut,
    ItemUpdate,
    LinkIn,
    StaleOut,
    TransitionName,
    VersionOut,
    VersionRef,
)
from prism.pagination import Page
from prism.schemas import Id
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now, Usage
from prism.web.routing import (
    Cursor,
    IdPath,
    IdQuery,
    Limit,
    Paged,
    api_router,
    attachment,
    to_page,
)

router = api_router("knowledge")
VersionQuery = Annotated[int, Query(ge=1, le=2**31 - 1, description="The version you read.")]


def _register(kind: Kind) -> None:
    """The five CRUD routes of one kind, typed with that kind's own fields."""
    path = f"/{kind.plural}"
    typed_in, typed_update = TYPED_IN[kind.name], TYPED_UPDATE[kind.name]

    def list_(
        session: DbSession,
        user: CurrentUser,
        status: Status | None = None,
        audience: Audience | None = None,
        facet_id: IdQuery = None,
        linked_to: IdQuery = None,
        q: Annotated[str | None, Query(max_length=200)] = None,
        limit: int = Limit,
        cursor: str | None = Cursor,
    ) -> Page[ItemSummaryOut]:
        spec = service.ItemFilter(
            kind=kind.name,
            status=status,
            audience=audience,
            facet_ids=[facet_id] if facet_id else [],
            linked_to=[linked_to] if linked_to else [],
            text=q,
        )
        page = service.list_items(session, user, spec, limit=limit, cursor=cursor)
        return to_page(page, ItemSummaryOut)

    def create(data: ItemIn, session: DbSession, user: CurrentUser, now: Now) -> ItemOut:
        return ItemOut.model_validate(service.create_item(session, user, kind.name, data, now=now))

    def read(item_id: IdPath, session: DbSession, user: CurrentUser) -> ItemOut:
        return ItemOut.model_validate(service.get_item(session, user, item_id, kind.name))

    def update(
        item_id: IdPath,
        data: ItemUpdate,
        session: DbSession,
        user: CurrentUser,
        now: Now,
    ) -> ItemOut:
        item = service.update_item(session, user, item_id, data, now=now, kind=kind.name)
        return ItemOut.model_validate(item)

    def remove(
        item_id: IdPath, version: VersionQuery, session: DbSession, user: CurrentUser
    ) -> Response:
        service.delete_item(session, user, item_id, version=version, kind=kind.name)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    # The body's type is this kind's own model, chosen at run time (annotations are strings).
    create.__annotations__["data"] = typed_in
    update.__annotations__["data"] = typed_update
    label = kind.label.lower()
    routes: list[tuple[str, Any, str, str, int, Any]] = [
        (path, list_, "GET", f"List {kind.labels.lower()}", 200, Page[ItemSummaryOut]),
        (f"{path}/{{item_id}}", read, "GET", f"Read a {label}", 200, ItemOut),
        (f"{path}/{{item_id}}", update, "PATCH", f"Change a {label}", 200, ItemOut),
        (f"{path}/{{item_id}}", remove, "DELETE", f"Delete a {label}", 204, None),
    ]
    if kind.name != "asset":  # files arrive through the upload route below
        routes.append((path, create, "POST", f"Create a {label}", 201, ItemOut))
    for route_path, endpoint, method, summary, code, model in routes:
        router.add_api_route(
            route_path,
            endpoint,
            methods=[method],
            status_code=code,
            response_model=model,
            summary=summary,
            operation_id=f"{endpoint.__name__.strip('_')}_{kind.name}",
            tags=[kind.label],
        )


for _kind in KINDS.values():
    _register(_kind)


@router.post("/assets", response_model=ItemOut, status_code=201, summary="Upload a file")
async def upload_file(
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    now: Now,
    file: Annotated[UploadFile, File(description="PDF, PPTX, DOCX, XLSX or an image.")],
    title: Annotated[str, Form(max_length=300)] = "",
    summary: Annotated[str, Form(max_length=1000)] = "",
    audience: Annotated[Audience, Form()] = Audience.INTERNAL,
) -> ItemOut:
    item = assets.upload_posted(
        session,
        user,
        settings,
        filename=file.filename or "upload",
        data=await file.read(),
        title=title,
        summary=summary,
        audience=audience,
        now=now,
    )
    return ItemOut.model_validate(item)


@router.get("/assets/{item_id}/content", summary="Download a file", response_class=RawResponse)
def download_file(
    item_id: IdPath,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    usage: Usage,
    now: Now,
    deal_id: IdQuery = None,
) -> RawResponse:
    stored, data = assets.download(session, user, item_id, file_store(settings))
    usage.add(Event(Use.DOWNLOAD, item_id=item_id, deal_id=deal_id, user_id=user.id, at=now))
    return attachment(data, stored.filename, stored.media_type)


@router.get("/items/{item_id}", response_model=ItemOut, summary="Read any item")
def read_item(item_id: IdPath, session: DbSession, user: CurrentUser) -> ItemOut:
    return ItemOut.model_validate(service.get_item(session, user, item_id))


@router.post(
    "/items/{item_id}/transitions/{name}",
    response_model=ItemOut,
    summary="Move an item along its lifecycle (submit, publish, request_changes, archive, reopen)",
)
def transition(
    item_id: IdPath,
    name: TransitionName,
    data: VersionRef,
    session: DbSession,
    user: CurrentUser,
    now: Now,
) -> ItemOut:
    item = service.transition(
        session, user, item_id, name, version=data.version, now=now, note=data.note
    )
    return ItemOut.model_validate(item)


@router.post("/items/{item_id}/verify", response_model=ItemOut, summary="Verify an item")
def verify(
    item_id: IdPath, data: VersionRef, session: DbSession, user: CurrentUser, now: Now
) -> ItemOut:
    item = service.verify(session, user, item_id, version=data.version, now=now)
    return ItemOut.model_validate(item)


@router.get("/items/{item_id}/versions", response_model=Page[VersionOut], summary="History")
def versions(
    item_id: IdPath, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[VersionOut]:
    service.get_item(session, user, item_id)
    return paged.page(history.versions(session, item_id), VersionOut)


@router.get(
    "/items/{item_id}/versions/{number}/diff",
    response_model=DiffOut,
    summary="What changed between two versions",
)
def diff(
    item_id: IdPath,
    number: IdPath,
    session: DbSession,
    user: CurrentUser,
    against: IdQuery = None,
) -> DiffOut:
    item = service.get_item(session, user, item_id)
    older = against or max(number - 1, 1)
    changes = history.diff(
        item.kind,
        history.get_version(session, item_id, older).snapshot,
        history.get_version(session, item_id, number).snapshot,
    )
    return DiffOut(
        item_id=item_id,
        from_version=older,
        to_version=number,
        changes=[vars(change) for change in changes],
    )


@router.post(
    "/items/{item_id}/versions/{number}/restore",
    response_model=ItemOut,
    summary="Restore an earlier version as the newest",
)
def restore(
    item_id: IdPath,
    number: IdPath,
    data: VersionRef,
    session: DbSession,
    user: CurrentUser,
    now: Now,
) -> ItemOut:
    item = service.restore_version(session, user, item_id, number, version=data.version, now=now)
    return ItemOut.model_validate(item)


class LinkChange(LinkIn):
    version: Id


@router.post("/items/{item_id}/links", response_model=ItemOut, summary="Link to another item")
def add_link(
    item_id: IdPath, data: LinkChange, session: DbSession, user: CurrentUser, now: Now
) -> ItemOut:
    link = LinkIn(relation=data.relation, target_id=data.target_id)
    item = service.add_link(session, user, item_id, link, version=data.version, now=now)
    return ItemOut.model_validate(item)


@router.delete("/items/{item_id}/links/{link_id}", response_model=ItemOut, summary="Unlink")
def remove_link(
    item_id: IdPath,
    link_id: IdPath,
    version: VersionQuery,
    session: DbSession,
    user: CurrentUser,
    now: Now,
) -> ItemOut:
    item = service.remove_link(session, user, item_id, link_id, version=version, now=now)
    return ItemOut.model_validate(item)


@router.get("/items/{item_id}/backlinks", response_model=Page[ItemRef], summary="Linked from")
def backlinks(
    item_id: IdPath, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[ItemRef]:
    service.get_item(session, user, item_id)
    return paged.page([source for _, source in service.backlinks(session, user, item_id)], ItemRef)


@router.get("/content-health", response_model=Page[StaleOut], summary="Stale items and why")
def content_health(session: DbSession, user: CurrentUser, now: Now, paged: Paged) -> Page[StaleOut]:
    found = [
        StaleOut(
            item=ItemRef.model_validate(entry.item),
            review_due_at=entry.item.review_due_at,
            reasons=entry.reasons,
        )
        for entry in freshness.health_queue(session, user, now)
    ]
    return paged.page(found, StaleOut)


@router.get("/facets", response_model=Page[FacetOut], summary="The taxonomy lists")
def list_facets(
    session: DbSession, user: CurrentUser, paged: Paged, dimension: Dimension | None = None
) -> Page[FacetOut]:
    return paged.page(facet_service.list_facets(session, user, dimension), FacetOut)


@router.post("/facets", response_model=FacetOut, status_code=201, summary="Add a facet value")
def create_facet(data: FacetIn, session: DbSession, user: CurrentUser) -> FacetOut:
    return FacetOut.model_validate(facet_service.create_facet(session, user, data))


@router.patch("/facets/{facet_id}", response_model=FacetOut, summary="Rename a facet value")
def rename_facet(
    facet_id: IdPath, data: FacetUpdate, session: DbSession, user: CurrentUser
) -> FacetOut:
    return FacetOut.model_validate(facet_service.rename_facet(session, user, facet_id, data))


@router.delete("/facets/{facet_id}", status_code=204, summary="Remove a facet value")
def delete_facet(facet_id: IdPath, session: DbSession, user: CurrentUser) -> Response:
    facet_service.delete_facet(session, user, facet_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/knowledge/export", response_model=KnowledgeDoc, summary="Export everything")
def export_knowledge(
    session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> KnowledgeDoc:
    """The whole knowledge core (items, facets, links, versions, files) as one document."""
    return portable.export_core(session, user, file_store(settings), now=now)


@router.post("/knowledge/import", response_model=ImportReport, summary="Import a document")
def import_knowledge(
    doc: KnowledgeDoc,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    now: Now,
    replace: Annotated[
        bool, Query(description="Overwrite items whose uid is already here.")
    ] = False,
) -> ImportReport:
    """Load an exported document; all of it or, on any mistake, none of it."""
    return portable.import_core(session, user, doc, file_store(settings), now=now, replace=replace)
