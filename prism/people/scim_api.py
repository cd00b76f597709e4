"""SCIM 2.0 endpoints under /scim/v2, for the identity provider's provisioning client, with an
admin's API token as the bearer token. Answers and errors are SCIM's own
(`application/scim+json`, `urn:ietf:params:scim:api:messages:2.0:Error`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from prism.people import scim
from prism.people.models import Role
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now, PublicBase
from prism.web.routing import OneTripRoute


class ScimResponse(JSONResponse):
    media_type = "application/scim+json"


class ScimError(BaseModel):
    """SCIM's error message (RFC 7644, 3.12)."""

    schemas: list[str]
    status: str
    detail: str
    scimType: str | None = None  # noqa: N815 (SCIM's own name)


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ScimError, "description": description}
    for status, description in (
        (400, "The request is not valid SCIM (scimType says how)"),
        (401, "No valid bearer token"),
        (403, "The token's owner may not provision people"),
        (404, "No such user or group"),
        (409, "Someone already has this userName (scimType uniqueness)"),
    )
}
router = APIRouter(
    prefix="/scim/v2",
    tags=["scim"],
    route_class=OneTripRoute,
    default_response_class=ScimResponse,
    responses=ERRORS,
)
Resource = Annotated[dict[str, Any], Body(description="A SCIM resource or PatchOp message.")]
Filter = Annotated[str | None, Query(alias="filter", max_length=500)]
Start = Annotated[int, Query(alias="startIndex", ge=1, le=2**31)]
Count = Annotated[int, Query(ge=0, le=10_000)]


def answer(body: dict[str, Any], status: int = 200) -> ScimResponse:
    return ScimResponse(body, status_code=status)


@router.get("/ServiceProviderConfig", summary="What this SCIM server supports")
def service_provider_config(user: CurrentUser) -> ScimResponse:
    return answer(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": scim.MAX_COUNT},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [
                {
                    "type": "oauthbearertoken",
                    "name": "Prism API token",
                    "description": "An admin's API token with the write scope.",
                }
            ],
        }
    )


@router.get("/ResourceTypes", summary="The resource types: User and Group")
def resource_types(user: CurrentUser) -> ScimResponse:
    types = [
        {"id": "User", "name": "User", "endpoint": "/Users", "schema": scim.USER},
        {"id": "Group", "name": "Group", "endpoint": "/Groups", "schema": scim.GROUP},
    ]
    resources = [
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], **t} for t in types
    ]
    return answer(scim.Listed(len(resources), 1, resources).body())


@router.get("/Users", summary='List or find people (filter `userName eq "…"`)')
def list_users(
    session: DbSession,
    user: CurrentUser,
    base: PublicBase,
    filter_: Filter = None,
    start: Start = 1,
    count: Count = 100,
) -> ScimResponse:
    listed = scim.list_users(session, user, filter_=filter_, start=start, count=count, base=base)
    return answer(listed.body())


@router.post("/Users", summary="Provision a person", status_code=201)
def create_user(
    session: DbSession, user: CurrentUser, base: PublicBase, settings: AppSettings, body: Resource
) -> ScimResponse:
    made = scim.create_user(session, user, body, default_role=Role(settings.oidc_default_role))
    return answer(scim.user_resource(made, base), 201)


@router.get("/Users/{user_id}", summary="Read a person")
def get_user(session: DbSession, user: CurrentUser, base: PublicBase, user_id: str) -> ScimResponse:
    return answer(scim.user_resource(scim.get_user(session, user, user_id), base))


@router.put("/Users/{user_id}", summary="Replace a person")
def replace_user(
    session: DbSession, user: CurrentUser, base: PublicBase, now: Now, user_id: str, body: Resource
) -> ScimResponse:
    changed = scim.replace_user(session, user, user_id, body, now=now)
    return answer(scim.user_resource(changed, base))


@router.patch("/Users/{user_id}", summary="Change a person (active=false deactivates)")
def patch_user(
    session: DbSession, user: CurrentUser, base: PublicBase, now: Now, user_id: str, body: Resource
) -> ScimResponse:
    changed = scim.patch_user(session, user, user_id, body, now=now)
    return answer(scim.user_resource(changed, base))


@router.delete(
    "/Users/{user_id}",
    summary="Deprovision a person (deactivated, not deleted)",
    status_code=204,
)
def delete_user(session: DbSession, user: CurrentUser, now: Now, user_id: str) -> Response:
    scim.deactivate_user(session, user, user_id, now=now)
    return Response(status_code=204)


@router.get("/Groups", summary="List or find groups, Prism's teams")
def list_groups(
    session: DbSession,
    user: CurrentUser,
    base: PublicBase,
    filter_: Filter = None,
    start: Start = 1,
    count: Count = 100,
    excluded: Annotated[str, Query(alias="excludedAttributes", max_length=200)] = "",
) -> ScimResponse:
    members = "members" not in excluded.lower()
    listed = scim.list_groups(
        session, user, filter_=filter_, start=start, count=count, base=base, members=members
    )
    return answer(listed.body())


@router.post("/Groups", summary="Create a group (a team)", status_code=201)
def create_group(
    session: DbSession, user: CurrentUser, base: PublicBase, now: Now, body: Resource
) -> ScimResponse:
    team = scim.create_group(session, user, body, now=now)
    return answer(scim.group_resource(session, team, base), 201)


@router.get("/Groups/{group_id}", summary="Read a group")
def get_group(
    session: DbSession, user: CurrentUser, base: PublicBase, group_id: str
) -> ScimResponse:
    return answer(scim.group_resource(session, scim.get_group(session, user, group_id), base))


@router.put("/Groups/{group_id}", summary="Replace a group")
def replace_group(
    session: DbSession, user: CurrentUser, base: PublicBase, now: Now, group_id: str, body: Resource
) -> ScimResponse:
    team = scim.replace_group(session, user, group_id, body, now=now)
    return answer(scim.group_resource(session, team, base))


@router.patch("/Groups/{group_id}", summary="Change a group's name or members")
def patch_group(
    session: DbSession, user: CurrentUser, base: PublicBase, now: Now, group_id: str, body: Resource
) -> ScimResponse:
    team = scim.patch_group(session, user, group_id, body, now=now)
    return answer(scim.group_resource(session, team, base))


@router.delete(
    "/Groups/{group_id}",
    summary="Remove a group; its people leave the team",
    status_code=204,
)
def delete_group(session: DbSession, user: CurrentUser, now: Now, group_id: str) -> Response:
    scim.delete_group(session, user, group_id, now=now)
    return Response(status_code=204)
