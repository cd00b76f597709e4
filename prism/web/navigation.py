"""The main navigation, grouped by capability; each capability adds its entry here."""

from __future__ import annotations

from dataclasses import dataclass

from prism.auth.policy import Action, Principal, can


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    action: Action
    admin: bool = False


NAV: tuple[NavItem, ...] = (
    NavItem("Home", "/", Action.READ_PUBLISHED),
    NavItem("Library", "/library", Action.READ_PUBLISHED),
    NavItem("Search", "/search", Action.READ_PUBLISHED),
    NavItem("Content health", "/library/health", Action.EDIT_CONTENT),
    NavItem("Launches", "/launches", Action.READ_LAUNCHES),
    NavItem("Training", "/training", Action.READ_PUBLISHED),
    NavItem("Feedback", "/feedback", Action.READ_FEEDBACK),
    NavItem("Win/loss", "/win-loss", Action.READ_FEEDBACK),
    NavItem("Dashboards", "/analytics", Action.READ_ANALYTICS),
    NavItem("Accounts", "/accounts", Action.READ_ACCOUNTS),
    NavItem("Enablement roadmap", "/roadmap", Action.READ_FEEDBACK),
    NavItem("Notifications", "/notifications", Action.READ_PUBLISHED),
    NavItem("Deals", "/deals", Action.BUILD_KITS),
    NavItem("Toolkits", "/toolkits", Action.BUILD_KITS),
    NavItem("Share links", "/shares", Action.SHARE_WITH_BUYERS),
    NavItem("Brand", "/brand", Action.EDIT_CONTENT),
    NavItem("People", "/people", Action.READ_DIRECTORY),
    NavItem("Users", "/admin/users", Action.MANAGE_USERS, admin=True),
    NavItem("Teams", "/admin/teams", Action.MANAGE_TEAMS, admin=True),
    NavItem("API tokens", "/admin/tokens", Action.MANAGE_ALL_TOKENS, admin=True),
    NavItem("Jobs", "/admin/jobs", Action.READ_JOBS, admin=True),
    NavItem("Webhooks", "/admin/webhooks", Action.MANAGE_WEBHOOKS, admin=True),
    NavItem("Audit log", "/admin/audit", Action.READ_AUDIT, admin=True),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    current: bool
    admin: bool


def navigation_for(user: Principal | None, path: str) -> list[NavLink]:
    """The entries `user` may open, with the one for `path` marked current."""
    if user is None:
        return []
    return [
        NavLink(item.label, item.href, _is_current(item.href, path), item.admin)
        for item in NAV
        if can(user, item.action)
    ]


def _is_current(href: str, path: str) -> bool:
    return path == href if href == "/" else path.startswith(href)
