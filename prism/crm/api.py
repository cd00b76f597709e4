"""The CRM API: import an export (Salesforce, HubSpot, or any CSV through a saved mapping),
upsert records from a live sync, and keep the column mappings."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Response, UploadFile

from prism.crm import service
from prism.crm.formats import FIELDS
from prism.crm.models import Target
from prism.crm.schemas import CrmReportOut, FieldOut, MappingIn, MappingOut, MappingUpdate, SyncIn
from prism.csvfile import Encoding, OnError
from prism.pagination import Page
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now
from prism.web.routing import IdPath, Paged, api_router

router = api_router("crm")


@router.post("/crm/import", response_model=CrmReportOut, summary="Import a CRM export (CSV)")
async def import_export(
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    now: Now,
    file: Annotated[UploadFile, File(description="A Salesforce or HubSpot export, or any CSV.")],
    mapping: Annotated[
        str | None, Form(max_length=100, description="A saved mapping's name, for other CSVs.")
    ] = None,
    encoding: Annotated[Encoding, Form()] = "utf-8",
    day_first: Annotated[bool, Form(description="Slashed dates are DD/MM/YYYY.")] = False,
    on_error: Annotated[
        OnError,
        Form(description="reject: import nothing if any row is bad; skip: import the rest."),
    ] = OnError.REJECT,
    dry_run: Annotated[bool, Form(description="Check every row, import nothing.")] = False,
) -> CrmReportOut:
    """Salesforce opportunity and account reports and HubSpot deal and company exports are
    recognised by their columns. Rows are matched to what Prism has by their CRM id, so
    importing the same file twice changes nothing. With `on_error=reject` one bad row imports
    nothing (422, every problem with its line); with `skip` the good rows are imported and the
    bad ones reported."""
    report = service.import_csv(
        session,
        user,
        await file.read(),
        mapping=mapping or None,
        encoding=encoding,
        day_first=day_first,
        on_error=on_error,
        dry_run=dry_run,
        currency=settings.currency,
        now=now,
        file_name=file.filename or "",
    )
    return CrmReportOut.model_validate(report)


@router.post(
    "/crm/{target}/upsert", response_model=CrmReportOut, summary="Upsert records from a live sync"
)
def upsert(
    target: Target,
    data: SyncIn,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    now: Now,
) -> CrmReportOut:
    """Up to 1,000 records by Prism's field names (see `/crm/fields`), each created or updated
    by its `external_id`; a record sent again unchanged changes nothing."""
    report = service.upsert(
        session,
        user,
        target,
        data.records,
        on_error=data.on_error,
        dry_run=data.dry_run,
        currency=settings.currency,
        now=now,
    )
    return CrmReportOut.model_validate(report)


@router.get("/crm/fields/{target}", response_model=Page[FieldOut], summary="The fields Prism reads")
def fields(target: Target, user: CurrentUser, paged: Paged) -> Page[FieldOut]:
    return paged.page(FIELDS[target], FieldOut)


@router.get("/crm/mappings", response_model=Page[MappingOut], summary="Saved column mappings")
def list_mappings(session: DbSession, user: CurrentUser, paged: Paged) -> Page[MappingOut]:
    return paged.page(service.list_mappings(session, user), MappingOut)


@router.post(
    "/crm/mappings", response_model=MappingOut, status_code=201, summary="Save a column mapping"
)
def save_mapping(data: MappingIn, session: DbSession, user: CurrentUser) -> MappingOut:
    return MappingOut.model_validate(service.save_mapping(session, user, data))


@router.get("/crm/mappings/{mapping_id}", response_model=MappingOut, summary="A column mapping")
def get_mapping(mapping_id: IdPath, session: DbSession, user: CurrentUser) -> MappingOut:
    return MappingOut.model_validate(service.get_mapping(session, user, mapping_id))


@router.patch(
    "/crm/mappings/{mapping_id}", response_model=MappingOut, summary="Change a column mapping"
)
def update_mapping(
    mapping_id: IdPath, data: MappingUpdate, session: DbSession, user: CurrentUser
) -> MappingOut:
    return MappingOut.model_validate(service.update_mapping(session, user, mapping_id, data))


@router.delete(
    "/crm/mappings/{mapping_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a column mapping",
)
def delete_mapping(mapping_id: IdPath, session: DbSession, user: CurrentUser) -> Response:
    service.delete_mapping(session, user, mapping_id)
    return Response(status_code=204)
