"""People pages: the directory, your account, and the admin screens for users and teams."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from prism import i18n
from prism.auth.policy import Action, require
from prism.i18n import _
from prism.people import service
from prism.people.models import Role, User
from prism.people.schemas import MeUpdate, PasswordIn, TeamIn, TeamUpdate, UserIn, UserUpdate
from prism.web.deps import DbSession, Now, PageUser, own_change
from prism.web.forms import Outcome, Posted, attempt, parse
from prism.web.routing import IdPath, page_router
from prism.web.templating import render, settle

router = page_router()


@router.get("/people", response_class=HTMLResponse)
def directory(request: Request, session: DbSession, user: PageUser, q: str = "") -> HTMLResponse:
    people = service.list_users(session, user, query=q or None, limit=200)
    teams = {t.id: t.name for t in service.all_teams(session, user)}
    context = {"title": _("People"), "people": people, "teams": teams, "q": q}
    return render(request, "people/directory.html", context)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, user: PageUser) -> HTMLResponse:
    return _account_page(request, Outcome(), user)


@router.post("/account/password", response_class=HTMLResponse)
def change_own_password(
    request: Request, session: DbSession, user: PageUser, now: Now, form: Posted
) -> Response:
    def change() -> None:
        data = parse(PasswordIn, form)
        own = own_change(request, data.current_password)
        service.set_password(session, user, user.id, data.password, now=now, own=own)

    outcome = attempt(session, change, success=_("Password changed."))
    return settle(request, outcome, "/account", lambda: _account_page(request, outcome, user))


@router.post("/account/language", response_class=HTMLResponse)
def change_own_language(
    request: Request, session: DbSession, user: PageUser, form: Posted
) -> Response:
    def change() -> None:
        chosen = str(form.get("language") or "") or None
        data = parse(MeUpdate, {"language": chosen})
        service.set_own_language(session, user, data.language)
        i18n.speak(data.language or i18n.negotiate(request.headers.get("accept-language", "")))

    outcome = attempt(session, change, success=lambda: _("Language saved."))
    return settle(request, outcome, "/account", lambda: _account_page(request, outcome, user))


def _account_page(request: Request, outcome: Outcome, user: User) -> HTMLResponse:
    context = {
        "title": _("Your account"),
        "languages": i18n.LANGUAGES,
        "user_language": user.language,
        **outcome.context,
    }
    return render(request, "people/account.html", context, status_code=outcome.status_code)


@router.get("/admin/users", response_class=HTMLResponse)
def users(
    request: Request, session: DbSession, user: PageUser, cursor: str | None = None
) -> HTMLResponse:
    return _users_page(request, session, user, Outcome(), cursor=cursor)


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(request: Request, session: DbSession, user: PageUser, form: Posted) -> Response:
    outcome = attempt(
        session,
        lambda: service.create_user(session, user, parse(UserIn, form)),
        success=_("Account created."),
    )
    if outcome.error:
        return _users_page(request, session, user, outcome, form=form)
    return RedirectResponse(f"/admin/users/{outcome.value.id}?created=1", status_code=303)


def _users_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    outcome: Outcome,
    *,
    cursor: str | None = None,
    form: dict[str, object] | None = None,
) -> HTMLResponse:
    require(user, Action.MANAGE_USERS)
    context = {
        "title": _("Users"),
        "page": service.list_users(session, user, limit=50, cursor=cursor),
        "teams": service.all_teams(session, user),
        "roles": list(Role),
        "form": form or {},
        **outcome.context,
    }
    return render(request, "people/users.html", context, status_code=outcome.status_code)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def edit_user(
    request: Request, session: DbSession, user: PageUser, user_id: IdPath, created: int = 0
) -> HTMLResponse:
    outcome = Outcome(notice="Account created.") if created else Outcome()
    return _user_page(request, session, user, user_id, outcome)


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def update_user(
    request: Request, session: DbSession, user: PageUser, now: Now, user_id: IdPath, form: Posted
) -> Response:
    # An unticked checkbox is not posted at all, and "no team" is an empty choice.
    fields = {**form, "is_active": form.get("is_active") == "on", "team_id": form.get("team_id")}
    outcome = attempt(
        session,
        lambda: service.update_user(session, user, user_id, parse(UserUpdate, fields), now=now),
        success=_("Saved."),
    )
    return settle(
        request,
        outcome,
        f"/admin/users/{user_id}",
        lambda: _user_page(request, session, user, user_id, outcome),
    )


@router.post("/admin/users/{user_id}/password", response_class=HTMLResponse)
def reset_password(
    request: Request, session: DbSession, user: PageUser, now: Now, user_id: IdPath, form: Posted
) -> Response:
    outcome = attempt(
        session,
        lambda: service.set_password(
            session, user, user_id, parse(PasswordIn, form).password, now=now
        ),
        success=_("Password set."),
    )
    return settle(
        request,
        outcome,
        f"/admin/users/{user_id}",
        lambda: _user_page(request, session, user, user_id, outcome),
    )


def _user_page(
    request: Request, session: DbSession, user: PageUser, user_id: int, outcome: Outcome
) -> HTMLResponse:
    require(user, Action.MANAGE_USERS)
    context = {
        "title": _("Edit user"),
        "person": service.get_user(session, user, user_id),
        "teams": service.all_teams(session, user),
        "roles": list(Role),
        **outcome.context,
    }
    return render(request, "people/user.html", context, status_code=outcome.status_code)


@router.get("/admin/teams", response_class=HTMLResponse)
def teams(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _teams_page(request, session, user, Outcome())


@router.post("/admin/teams", response_class=HTMLResponse)
def create_team(request: Request, session: DbSession, user: PageUser, form: Posted) -> Response:
    outcome = attempt(
        session,
        lambda: service.create_team(session, user, parse(TeamIn, form)),
        success=_("Team added."),
    )
    return settle(
        request, outcome, "/admin/teams", lambda: _teams_page(request, session, user, outcome)
    )


@router.post("/admin/teams/{team_id}", response_class=HTMLResponse)
def update_team(
    request: Request, session: DbSession, user: PageUser, team_id: IdPath, form: Posted
) -> Response:
    outcome = attempt(
        session,
        # An empty lead choice means "no lead", not "unchanged".
        lambda: service.update_team(
            session, user, team_id, parse(TeamUpdate, {"lead_id": None, **form})
        ),
        success=_("Team saved."),
    )
    return settle(
        request, outcome, "/admin/teams", lambda: _teams_page(request, session, user, outcome)
    )


@router.post("/admin/teams/{team_id}/delete", response_class=HTMLResponse)
def delete_team(request: Request, session: DbSession, user: PageUser, team_id: IdPath) -> Response:
    outcome = attempt(
        session, lambda: service.delete_team(session, user, team_id), success=_("Team deleted.")
    )
    return settle(
        request, outcome, "/admin/teams", lambda: _teams_page(request, session, user, outcome)
    )


def _teams_page(
    request: Request, session: DbSession, user: PageUser, outcome: Outcome
) -> HTMLResponse:
    require(user, Action.MANAGE_TEAMS)
    context = {
        "title": _("Teams"),
        "teams": service.all_teams(session, user),
        "counts": service.member_counts(session),
        "people": service.active_people(session),
        **outcome.context,
    }
    return render(request, "people/teams.html", context, status_code=outcome.status_code)
