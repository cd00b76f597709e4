"""SCIM 2.0 provisioning, replaying the request sequences Okta and Microsoft Entra ID send (from
their published SCIM guides): look a person up, create them, read, update, deactivate (which
signs them out and revokes their tokens), and keep groups as teams; answers and errors in
SCIM's own format."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.audit.models import AuditEvent
from prism.auth.models import ApiToken
from prism.people.models import Role, Team, User
from tests.conftest import ROLES, Cast, bearer

SCIM = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
def admin(session: Session, cast: Cast) -> dict[str, str]:
    headers = bearer(session, cast.admin)
    session.commit()
    return {**headers, "Content-Type": SCIM}


def scim(client: TestClient, method: str, path: str, headers: dict[str, str], body: Any = None):  # type: ignore[no-untyped-def]
    answer = client.request(method, "/scim/v2" + path, headers=headers, json=body)
    if answer.status_code != 204:
        assert answer.headers["content-type"].startswith(SCIM), answer.text
    return answer


def test_okta_provisions_updates_and_deactivates_a_person(
    client: TestClient, session: Session, admin: dict[str, str]
) -> None:
    # 1. Is the person there already?
    found = scim(
        client,
        "GET",
        '/Users?filter=userName eq "dana.lee@helio.example"&startIndex=1&count=100',
        admin,
    )
    assert found.status_code == 200
    assert found.json() == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 0,
        "startIndex": 1,
        "itemsPerPage": 0,
        "Resources": [],
    }
    # 2. Create them, as Okta sends it.
    created = scim(client, "POST", "/Users", admin, {
        "schemas": [USER],
        "userName": "dana.lee@helio.example",
        "name": {"givenName": "Dana", "familyName": "Lee"},
        "emails": [{"primary": True, "value": "dana.lee@helio.example", "type": "work"}],
        "displayName": "Dana Lee",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mCcdaXWpA",
        "active": True,
    })  # fmt: skip
    assert created.status_code == 201, created.text
    person = created.json()
    assert (person["userName"], person["displayName"], person["active"]) == (
        "dana.lee@helio.example", "Dana Lee", True,
    )  # fmt: skip
    assert person["meta"]["location"].endswith(f"/scim/v2/Users/{person['id']}")
    dana = session.get(User, int(person["id"]))
    assert dana is not None and dana.role == Role.VIEWER  # the default role
    # The same person again is a uniqueness error.
    again = scim(
        client, "POST", "/Users", admin, {"schemas": [USER], "userName": "dana.lee@helio.example"}
    )
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"
    assert again.json()["schemas"] == [ERROR]
    # 3. Read, then replace (Okta's PUT), then PATCH without a path.
    assert scim(client, "GET", f"/Users/{person['id']}", admin).json()["id"] == person["id"]
    replaced = scim(client, "PUT", f"/Users/{person['id']}", admin, {
        **person, "name": {"givenName": "Dana", "familyName": "Lee-Park"}, "displayName": "Dana Lee-Park",
    })  # fmt: skip
    assert replaced.json()["displayName"] == "Dana Lee-Park"
    dana_token = bearer(session, session.get(User, int(person["id"])))  # type: ignore[arg-type]
    session.commit()
    assert client.get("/api/v1/me", headers=dana_token).status_code == 200
    off = scim(client, "PATCH", f"/Users/{person['id']}", admin, {
        "schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}],
    })  # fmt: skip
    assert off.status_code == 200 and off.json()["active"] is False
    # Deactivated: signed out, tokens revoked, at the next request.
    assert client.get("/api/v1/me", headers=dana_token).status_code == 401
    session.expire_all()
    assert all(
        t.revoked_at
        for t in session.scalars(select(ApiToken).where(ApiToken.user_id == int(person["id"])))
    )
    notes = [
        e.note
        for e in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "scim_provision")
            .order_by(AuditEvent.id)  # no order is promised without one (PostgreSQL)
        )
    ]
    assert notes == ["created by SCIM", "replaced by SCIM", "patched by SCIM"]


def test_entra_id_sequence_with_its_own_casing_and_strings(
    client: TestClient, session: Session, admin: dict[str, str]
) -> None:
    created = scim(client, "POST", "/Users", admin, {
        "schemas": [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@helio.example",
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": "Test_User_fd0ea19b@helio.example"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
        "roles": [],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"},
    })  # fmt: skip
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    # Entra looks people up by userName, case as it likes.
    found = scim(
        client,
        "GET",
        '/Users?filter=userName eq "test_user_ab6490ee-1e48-479e-a20b-2d77186b5dd1@helio.example"',
        admin,
    )
    assert found.json()["totalResults"] == 1
    changed = scim(client, "PATCH", f"/Users/{user_id}", admin, {
        "schemas": [PATCH],
        "Operations": [
            {"op": "Replace", "path": "displayName", "value": "Ryan Leenay"},
            {"op": "Add", "path": 'emails[type eq "work"].value', "value": "ryan.leenay@helio.example"},
            {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"},
        ],
    })  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert (changed.json()["displayName"], changed.json()["userName"]) == (
        "Ryan Leenay", "ryan.leenay@helio.example",
    )  # fmt: skip
    off = scim(client, "PATCH", f"/Users/{user_id}", admin, {
        "schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
    })  # fmt: skip
    assert off.json()["active"] is False
    on = scim(client, "PATCH", f"/Users/{user_id}", admin, {
        "schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "True"}],
    })  # fmt: skip
    assert on.json()["active"] is True
    # DELETE deprovisions: the person is kept, deactivated.
    assert scim(client, "DELETE", f"/Users/{user_id}", admin).status_code == 204
    kept = session.get(User, int(user_id))
    session.refresh(kept)  # type: ignore[arg-type]
    assert kept is not None and not kept.is_active


def test_groups_are_teams_with_members_added_and_removed_both_ways(
    client: TestClient, session: Session, admin: dict[str, str], cast: Cast
) -> None:
    seller, csm = str(cast.seller.id), str(cast.csm.id)
    made = scim(client, "POST", "/Groups", admin, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "Field Enablement",
        "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        "members": [],
    })  # fmt: skip
    assert made.status_code == 201, made.text
    group = made.json()["id"]
    found = scim(
        client,
        "GET",
        '/Groups?filter=displayName eq "Field Enablement"&excludedAttributes=members',
        admin,
    )
    assert found.json()["totalResults"] == 1 and "members" not in found.json()["Resources"][0]
    # Entra adds with a path and a list; Okta removes with a filtered path.
    scim(client, "PATCH", f"/Groups/{group}", admin, {
        "schemas": [PATCH], "Operations": [{"op": "Add", "path": "members", "value": [{"value": seller}, {"value": csm}]}],
    })  # fmt: skip
    members = {m["value"] for m in scim(client, "GET", f"/Groups/{group}", admin).json()["members"]}
    assert members == {seller, csm}
    scim(client, "PATCH", f"/Groups/{group}", admin, {
        "schemas": [PATCH], "Operations": [{"op": "remove", "path": f'members[value eq "{seller}"]'}],
    })  # fmt: skip
    scim(client, "PATCH", f"/Groups/{group}", admin, {
        "schemas": [PATCH], "Operations": [{"op": "Remove", "path": "members", "value": [{"value": csm}]}],
    })  # fmt: skip
    assert scim(client, "GET", f"/Groups/{group}", admin).json()["members"] == []
    renamed = scim(client, "PATCH", f"/Groups/{group}", admin, {
        "schemas": [PATCH], "Operations": [{"op": "replace", "value": {"id": group, "displayName": "Field Readiness"}}],
    })  # fmt: skip
    assert renamed.json()["displayName"] == "Field Readiness"
    scim(client, "PATCH", f"/Groups/{group}", admin, {
        "schemas": [PATCH], "Operations": [{"op": "add", "path": "members", "value": [{"value": seller}]}],
    })  # fmt: skip
    assert scim(client, "DELETE", f"/Groups/{group}", admin).status_code == 204
    session.expire_all()
    assert session.get(Team, int(group)) is None
    assert session.get(User, cast.seller.id).team_id is None  # type: ignore[union-attr]


def test_errors_are_scim_errors(client: TestClient, admin: dict[str, str], cast: Cast) -> None:
    missing = scim(client, "GET", "/Users/999999", admin)
    assert missing.status_code == 404 and missing.json()["schemas"] == [ERROR]
    assert missing.json()["status"] == "404"
    # Digits that are not 0–9 (str.isdigit takes "²"; int() refuses it) and ids too large
    # for the column are no one, not a crash (found by the schema fuzzer).
    for odd_id in ("%C2%B2", "%D9%A3", "99999999999999999999"):
        for method in ("GET", "DELETE"):
            assert scim(client, method, f"/Users/{odd_id}", admin).status_code == 404, odd_id
    odd = scim(client, "GET", '/Users?filter=title co "x"', admin)
    assert odd.status_code == 400 and odd.json()["scimType"] == "invalidFilter"
    bad = scim(
        client,
        "PATCH",
        f"/Users/{cast.seller.id}",
        admin,
        {"schemas": [PATCH], "Operations": [{"op": "move"}]},
    )
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidValue"
    themselves = scim(client, "PATCH", f"/Users/{cast.admin.id}", admin, {
        "schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}],
    })  # fmt: skip
    assert themselves.status_code == 409 and "scimType" not in themselves.json()
    team = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Sales"}
    twice = scim(client, "POST", "/Groups", admin, team)
    assert twice.status_code == 409 and twice.json()["scimType"] == "uniqueness"
    anonymous = client.get("/scim/v2/Users")
    assert anonymous.status_code == 401 and anonymous.json()["schemas"] == [ERROR]


@pytest.mark.parametrize("who", ROLES)
def test_only_admins_provision(client: TestClient, session: Session, cast: Cast, who: str) -> None:
    headers = bearer(session, cast.all()[who])
    session.commit()
    listed = client.get("/scim/v2/Users", headers=headers)
    made = client.post(
        "/scim/v2/Users",
        headers=headers,
        json={"schemas": [USER], "userName": f"new.{who}@helio.example"},
    )
    if who == "admin":
        assert listed.status_code == 200 and made.status_code == 201
    else:
        assert listed.status_code == made.status_code == 403
        assert made.json()["schemas"] == [ERROR]
