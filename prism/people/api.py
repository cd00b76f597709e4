"""The people API: the signed-in user, users and teams."""

from __future__ import annotations

from fastapi import Request, Response, status

from prism.pagination import Page
from prism.people import service
from prism.people.models import Role
from prism.people.schemas import (
    MeUpdate,
    PasswordIn,
    TeamIn,
    TeamOut,
    TeamUpdate,
    UserIn,
    UserOut,
    UserUpdate,
)
from prism.web.deps import CurrentUser, DbSession, Now, own_change
from prism.web.routing import Cursor, IdPath, IdQuery, Limit, api_router, to_page

router = api_router("people")


@router.get("/me", response_model=UserOut, summary="The signed-in user")
def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.patch("/me", response_model=UserOut, summary="Change your own settings (language)")
def update_me(data: MeUpdate, session: DbSession, user: CurrentUser) -> UserOut:
    return UserOut.model_validate(service.set_own_language(session, user, data.language))


@router.get("/users", response_model=Page[UserOut], summary="List users")
def list_users(
    session: DbSession,
    user: CurrentUser,
    q: str | None = None,
    team_id: IdQuery = None,
    role: Role | None = None,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[UserOut]:
    page = service.list_users(
        session, user, query=q, team_id=team_id, role=role, limit=limit, cursor=cursor
    )
    return to_page(page, UserOut)


@router.post("/users", response_model=UserOut, status_code=201, summary="Create a user")
def create_user(data: UserIn, session: DbSession, user: CurrentUser) -> UserOut:
    return UserOut.model_validate(service.create_user(session, user, data))


@router.get("/users/{user_id}", response_model=UserOut, summary="Read a user")
def get_user(user_id: IdPath, session: DbSession, user: CurrentUser) -> UserOut:
    return UserOut.model_validate(service.get_user(session, user, user_id))


@router.patch("/users/{user_id}", response_model=UserOut, summary="Change a user")
def update_user(
    user_id: IdPath, data: UserUpdate, session: DbSession, user: CurrentUser, now: Now
) -> UserOut:
    return UserOut.model_validate(service.update_user(session, user, user_id, data, now=now))


@router.put(
    "/users/{user_id}/password",
    status_code=204,
    summary="Set a user's password",
    description="Your own needs `current_password` (wrong guesses count towards the sign-in "
    "lockout). Every other browser of theirs is signed out and all their API tokens revoked.",
)
def set_password(
    user_id: IdPath,
    data: PasswordIn,
    request: Request,
    session: DbSession,
    user: CurrentUser,
    now: Now,
) -> Response:
    own = own_change(request, data.current_password) if user_id == user.id else None
    service.set_password(session, user, user_id, data.password, now=now, own=own)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/teams", response_model=Page[TeamOut], summary="List teams")
def list_teams(
    session: DbSession, user: CurrentUser, limit: int = Limit, cursor: str | None = Cursor
) -> Page[TeamOut]:
    return to_page(service.list_teams(session, user, limit=limit, cursor=cursor), TeamOut)


@router.post("/teams", response_model=TeamOut, status_code=201, summary="Create a team")
def create_team(data: TeamIn, session: DbSession, user: CurrentUser) -> TeamOut:
    return TeamOut.model_validate(service.create_team(session, user, data))


@router.get("/teams/{team_id}", response_model=TeamOut, summary="Read a team")
def get_team(team_id: IdPath, session: DbSession, user: CurrentUser) -> TeamOut:
    return TeamOut.model_validate(service.get_team(session, user, team_id))


@router.patch("/teams/{team_id}", response_model=TeamOut, summary="Rename or describe a team")
def update_team(
    team_id: IdPath, data: TeamUpdate, session: DbSession, user: CurrentUser
) -> TeamOut:
    return TeamOut.model_validate(service.update_team(session, user, team_id, data))


@router.delete("/teams/{team_id}", status_code=204, summary="Delete an empty team")
def delete_team(team_id: IdPath, session: DbSession, user: CurrentUser) -> Response:
    service.delete_team(session, user, team_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
