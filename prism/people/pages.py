"""People pages: the directory, your account, and the admin screens for users and teams."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from prism.auth.policy import Action, require
from prism.errors import PrismError
from prism.people import service
from prism.people.models import Role
from prism.people.schemas import PasswordIn, TeamIn, TeamUpdate, UserIn, UserUpdate
from prism.web.deps import DbSession, PageUser
from prism.web.forms import Posted, parse
from prism.web.routing import page_router
from prism.web.templating import render

router = page_router()


@router.get("/people", response_class=HTMLResponse)
def directory(request: Request, session: DbSession, user: PageUser, q: str = "") -> HTMLResponse:
    people = service.list_users(session, user, query=q or None, limit=200)
    teams = {t.id: t.name for t in service.all_teams(session, user)}
    return render(
        request,
        "people/directory.html",
        {"title": "People", "people": people, "teams": teams, "q": q},
    )


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, user: PageUser) -> HTMLResponse:
    return render(request, "people/account.html", {"title": "Your account"})


@router.post("/account/password", response_class=HTMLResponse)
def change_own_password(
    request: Request, session: DbSession, user: PageUser, form: Posted
) -> Response:
    try:
        data = parse(PasswordIn, form)
        service.set_password(
            session, user, user.id, data.password, current_password=data.current_password
        )
    except PrismError as exc:
        return render(
            request,
            "people/account.html",
            {"title": "Your account", "error": exc.message},
            status_code=exc.status,
        )
    return render(
        request, "people/account.html", {"title": "Your account", "notice": "Password changed."}
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users(
    request: Request, session: DbSession, user: PageUser, cursor: str | None = None
) -> HTMLResponse:
    return _users_page(request, session, user, cursor=cursor)


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(request: Request, session: DbSession, user: PageUser, form: Posted) -> Response:
    try:
        created = service.create_user(session, user, parse(UserIn, form))
    except PrismError as exc:
        session.rollback()
        return _users_page(
            request, session, user, error=exc.message, form=form, status_code=exc.status
        )
    return RedirectResponse(f"/admin/users/{created.id}?created=1", status_code=303)


def _users_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    *,
    cursor: str | None = None,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    require(user, Action.MANAGE_USERS)
    context = {
        "title": "Users",
        "page": service.list_users(session, user, limit=50, cursor=cursor),
        "teams": service.all_teams(session, user),
        "roles": list(Role),
        "error": error,
        "form": form or {},
    }
    return render(request, "people/users.html", context, status_code=status_code)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def edit_user(
    request: Request, session: DbSession, user: PageUser, user_id: int, created: int = 0
) -> HTMLResponse:
    return _user_page(
        request, session, user, user_id, notice="Account created." if created else None
    )


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def update_user(
    request: Request, session: DbSession, user: PageUser, user_id: int, form: Posted
) -> HTMLResponse:
    fields = {**form, "is_active": form.get("is_active") == "on", "team_id": form.get("team_id")}
    try:
        service.update_user(session, user, user_id, parse(UserUpdate, fields))
    except PrismError as exc:
        session.rollback()
        return _user_page(
            request, session, user, user_id, error=exc.message, status_code=exc.status
        )
    return _user_page(request, session, user, user_id, notice="Saved.")


@router.post("/admin/users/{user_id}/password", response_class=HTMLResponse)
def reset_password(
    request: Request, session: DbSession, user: PageUser, user_id: int, form: Posted
) -> HTMLResponse:
    try:
        service.set_password(session, user, user_id, parse(PasswordIn, form).password)
    except PrismError as exc:
        session.rollback()
        return _user_page(
            request, session, user, user_id, error=exc.message, status_code=exc.status
        )
    return _user_page(request, session, user, user_id, notice="Password set.")


def _user_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    user_id: int,
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    require(user, Action.MANAGE_USERS)
    context = {
        "title": "Edit user",
        "person": service.get_user(session, user, user_id),
        "teams": service.all_teams(session, user),
        "roles": list(Role),
        "notice": notice,
        "error": error,
    }
    return render(request, "people/user.html", context, status_code=status_code)


@router.get("/admin/teams", response_class=HTMLResponse)
def teams(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _teams_page(request, session, user)


@router.post("/admin/teams", response_class=HTMLResponse)
def create_team(request: Request, session: DbSession, user: PageUser, form: Posted) -> Response:
    return _team_action(
        request,
        session,
        user,
        lambda: service.create_team(session, user, parse(TeamIn, form)),
        "Team added.",
    )


@router.post("/admin/teams/{team_id}", response_class=HTMLResponse)
def update_team(
    request: Request, session: DbSession, user: PageUser, team_id: int, form: Posted
) -> Response:
    return _team_action(
        request,
        session,
        user,
        lambda: service.update_team(session, user, team_id, parse(TeamUpdate, form)),
        "Team saved.",
    )


@router.post("/admin/teams/{team_id}/delete", response_class=HTMLResponse)
def delete_team(request: Request, session: DbSession, user: PageUser, team_id: int) -> Response:
    return _team_action(
        request, session, user, lambda: service.delete_team(session, user, team_id), "Team deleted."
    )


def _team_action(
    request: Request, session: DbSession, user: PageUser, action: Any, notice: str
) -> HTMLResponse:
    try:
        action()
    except PrismError as exc:
        session.rollback()
        return _teams_page(request, session, user, error=exc.message, status_code=exc.status)
    return _teams_page(request, session, user, notice=notice)


def _teams_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    require(user, Action.MANAGE_TEAMS)
    teams = service.all_teams(session, user)
    counts = service.member_counts(session)
    context = {"title": "Teams", "teams": teams, "counts": counts, "notice": notice, "error": error}
    return render(request, "people/teams.html", context, status_code=status_code)
