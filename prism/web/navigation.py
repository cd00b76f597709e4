"""The main navigation, grouped by the job people come to do; each capability adds its entry
here, with an icon from the vendored Tabler set (`static/vendor/tabler-icons/sprite.svg`)."""

from __future__ import annotations

from dataclasses import dataclass

from prism.auth.policy import Action, Principal, can


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    action: Action
    icon: str


@dataclass(frozen=True)
class NavGroup:
    """A job: its heading (None for the everyday entries at the top) and its entries."""

    heading: str | None
    items: tuple[NavItem, ...]


NAV: tuple[NavGroup, ...] = (
    NavGroup(
        None,
        (
            NavItem("Home", "/", Action.READ_PUBLISHED, "home"),
            NavItem("Library", "/library", Action.READ_PUBLISHED, "books"),
            NavItem("Notifications", "/notifications", Action.READ_PUBLISHED, "bell"),
            NavItem("People", "/people", Action.READ_DIRECTORY, "users"),
        ),
    ),
    NavGroup(
        "Sell",
        (
            NavItem("Deals", "/deals", Action.BUILD_KITS, "briefcase"),
            NavItem("Toolkits", "/toolkits", Action.BUILD_KITS, "package"),
            NavItem("Share links", "/shares", Action.SHARE_WITH_BUYERS, "share"),
            NavItem("Accounts", "/accounts", Action.READ_ACCOUNTS, "building"),
        ),
    ),
    NavGroup(
        "Launch",
        (
            NavItem("Launches", "/launches", Action.READ_LAUNCHES, "rocket"),
            NavItem("Content health", "/library/health", Action.EDIT_CONTENT, "heart-rate-monitor"),
            NavItem("Brand", "/brand", Action.EDIT_CONTENT, "palette"),
        ),
    ),
    NavGroup(
        "Learn",
        (
            NavItem("Training", "/training", Action.READ_PUBLISHED, "school"),
            NavItem("Enablement roadmap", "/roadmap", Action.READ_FEEDBACK, "route"),
        ),
    ),
    NavGroup(
        "Listen",
        (
            NavItem("Feedback", "/feedback", Action.READ_FEEDBACK, "message-2"),
            NavItem("Win/loss", "/win-loss", Action.READ_FEEDBACK, "trophy"),
        ),
    ),
    NavGroup("Measure", (NavItem("Dashboards", "/analytics", Action.READ_ANALYTICS, "chart-bar"),)),
    NavGroup(
        "Admin",
        (
            NavItem("Users", "/admin/users", Action.MANAGE_USERS, "user-cog"),
            NavItem("Teams", "/admin/teams", Action.MANAGE_TEAMS, "users-group"),
            NavItem("API tokens", "/admin/tokens", Action.MANAGE_ALL_TOKENS, "key"),
            NavItem("Jobs", "/admin/jobs", Action.READ_JOBS, "list-check"),
            NavItem("Webhooks", "/admin/webhooks", Action.MANAGE_WEBHOOKS, "webhook"),
            NavItem("Audit log", "/admin/audit", Action.READ_AUDIT, "history"),
        ),
    ),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    icon: str
    current: bool


@dataclass(frozen=True)
class NavSection:
    heading: str | None
    links: list[NavLink]


def navigation_for(user: Principal | None, path: str) -> list[NavSection]:
    """The groups with the entries `user` may open (a group with none is left out), the one
    for `path` marked current: the longest entry `path` falls under, so /library/health is
    Content health, not Library."""
    if user is None:
        return []
    allowed = [(group, [item for item in group.items if can(user, item.action)]) for group in NAV]
    current = max(
        (item.href for _, items in allowed for item in items if _under(item.href, path)),
        key=len,
        default=None,
    )
    return [
        NavSection(
            group.heading,
            [NavLink(i.label, i.href, i.icon, i.href == current) for i in items],
        )
        for group, items in allowed
        if items
    ]


def _under(href: str, path: str) -> bool:
    return path == href if href == "/" else path == href or path.startswith(href + "/")
