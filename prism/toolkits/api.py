"""The toolkits API: standard kits per product, kits built for deals, editing a kit's entries,
downloading a kit as a zip, and the rules that add extras."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response, status

from prism.filestore import file_store
from prism.pagination import Page
from prism.toolkits import package, rules, service, tasks
from prism.toolkits.models import Toolkit
from prism.toolkits.schemas import (
    EntryIn,
    EntryMove,
    RuleIn,
    RuleOut,
    RuleUpdate,
    ToolkitOut,
)
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now, WritesOnGet
from prism.web.routing import IdPath, Paged, api_router, attachment

router = api_router("toolkits")
VersionQuery = Annotated[int, Query(ge=1, le=2**31 - 1, description="The version you read.")]


def _out(kit: Toolkit) -> ToolkitOut:
    return ToolkitOut.model_validate(kit)


@router.get("/toolkits", response_model=Page[ToolkitOut], summary="Every toolkit")
def list_kits(session: DbSession, user: CurrentUser, paged: Paged) -> Page[ToolkitOut]:
    return paged.page(service.list_kits(session, user), ToolkitOut)


@router.get("/toolkits/{kit_id}", response_model=ToolkitOut, summary="One toolkit")
def read_kit(kit_id: IdPath, session: DbSession, user: CurrentUser) -> ToolkitOut:
    return _out(service.get_kit(session, user, kit_id))


@router.get(
    "/products/{product_id}/toolkit",
    dependencies=[WritesOnGet],
    response_model=ToolkitOut,
    summary="A product's standard kit (set up from the library on first use)",
)
def standard_kit(
    product_id: IdPath, session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> ToolkitOut:
    kit = service.standard_kit(session, user, product_id, store=file_store(settings), now=now)
    return _out(kit)


@router.post(
    "/deals/{deal_id}/toolkit",
    response_model=ToolkitOut,
    summary="Build (or rebuild) a deal's kit; entries added by hand are kept",
)
def build_deal_kit(
    deal_id: IdPath, session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> ToolkitOut:
    kit = tasks.build_and_prepare(session, user, deal_id, settings=settings, now=now)
    return _out(kit)


@router.post("/toolkits/{kit_id}/entries", response_model=ToolkitOut, summary="Add an item")
def add_entry(
    kit_id: IdPath,
    data: EntryIn,
    version: VersionQuery,
    session: DbSession,
    user: CurrentUser,
    now: Now,
) -> ToolkitOut:
    return _out(service.add_entry(session, user, kit_id, data, version=version, now=now))


@router.patch(
    "/toolkits/{kit_id}/entries/{entry_id}", response_model=ToolkitOut, summary="Move an entry"
)
def move_entry(
    kit_id: IdPath,
    entry_id: IdPath,
    data: EntryMove,
    session: DbSession,
    user: CurrentUser,
    now: Now,
) -> ToolkitOut:
    kit = service.move_entry(
        session, user, kit_id, entry_id, data.position, version=data.version, now=now
    )
    return _out(kit)


@router.delete(
    "/toolkits/{kit_id}/entries/{entry_id}", response_model=ToolkitOut, summary="Remove an entry"
)
def remove_entry(
    kit_id: IdPath,
    entry_id: IdPath,
    version: VersionQuery,
    session: DbSession,
    user: CurrentUser,
    now: Now,
) -> ToolkitOut:
    return _out(service.remove_entry(session, user, kit_id, entry_id, version=version, now=now))


@router.get("/toolkits/{kit_id}/zip", response_class=Response, summary="Download the kit as a zip")
def download_zip(
    kit_id: IdPath, session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> Response:
    name, data = package.kit_zip(session, user, kit_id, store=file_store(settings), now=now)
    return attachment(data, name, "application/zip")


@router.get("/kit-rules", response_model=Page[RuleOut], summary="The rules that add kit extras")
def list_rules(session: DbSession, user: CurrentUser, paged: Paged) -> Page[RuleOut]:
    return paged.page(rules.list_rules(session, user), RuleOut)


@router.post("/kit-rules", response_model=RuleOut, status_code=201, summary="Add a kit rule")
def create_rule(data: RuleIn, session: DbSession, user: CurrentUser) -> RuleOut:
    return RuleOut.model_validate(rules.create_rule(session, user, data))


@router.put("/kit-rules/{rule_id}", response_model=RuleOut, summary="Change a kit rule")
def update_rule(
    rule_id: IdPath, data: RuleUpdate, session: DbSession, user: CurrentUser
) -> RuleOut:
    return RuleOut.model_validate(rules.update_rule(session, user, rule_id, data))


@router.delete("/kit-rules/{rule_id}", status_code=204, summary="Delete a kit rule")
def delete_rule(
    rule_id: IdPath, version: VersionQuery, session: DbSession, user: CurrentUser
) -> Response:
    rules.delete_rule(session, user, rule_id, version=version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
