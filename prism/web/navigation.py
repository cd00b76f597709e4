"""The main navigation, grouped by the job people come to do; each capability adds its entry
here, with an icon from the vendored Tabler set (`static/vendor/tabler-icons/sprite.svg`)."""

from __future__ import annotations

from dataclasses import dataclass

from prism.auth.policy import Action, Principal, can
from prism.i18n import N_, _


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
            NavItem(N_("Home"), "/", Action.READ_PUBLISHED, "home"),
            NavItem(N_("Library"), "/library", Action.READ_PUBLISHED, "books"),
            NavItem(N_("Notifications"), "/notifications", Action.READ_PUBLISHED, "bell"),
            NavItem(N_("People"), "/people", Action.READ_DIRECTORY, "users"),
        ),
    ),
    NavGroup(
        N_("Sell"),
        (
            NavItem(N_("Deals"), "/deals", Action.BUILD_KITS, "briefcase"),
            NavItem(N_("Toolkits"), "/toolkits", Action.BUILD_KITS, "package"),
            NavItem(N_("Share links"), "/shares", Action.SHARE_WITH_BUYERS, "share"),
            NavItem(N_("Accounts"), "/accounts", Action.READ_ACCOUNTS, "building"),
            NavItem(N_("Pricing"), "/pricing", Action.READ_PUBLISHED, "receipt"),
            NavItem(N_("Questionnaires"), "/answers", Action.READ_PUBLISHED, "list-check"),
        ),
    ),
    NavGroup(
        N_("Launch"),
        (
            NavItem(N_("Launches"), "/launches", Action.READ_LAUNCHES, "rocket"),
            NavItem(
                N_("Content health"), "/library/health", Action.EDIT_CONTENT, "heart-rate-monitor"
            ),
            NavItem(N_("Brand"), "/brand", Action.EDIT_CONTENT, "palette"),
        ),
    ),
    NavGroup(
        N_("Learn"),
        (
            NavItem(N_("Training"), "/training", Action.READ_PUBLISHED, "school"),
            NavItem(N_("Enablement roadmap"), "/roadmap", Action.READ_FEEDBACK, "route"),
        ),
    ),
    NavGroup(
        N_("Listen"),
        (
            NavItem(N_("Feedback"), "/feedback", Action.READ_FEEDBACK, "message-2"),
            NavItem(N_("Win/loss"), "/win-loss", Action.READ_FEEDBACK, "trophy"),
        ),
    ),
    NavGroup(
        N_("Measure"),
        (NavItem(N_("Dashboards"), "/analytics", Action.READ_ANALYTICS, "chart-bar"),),
    ),
    NavGroup(
        N_("Admin"),
        (
            NavItem(N_("Users"), "/admin/users", Action.MANAGE_USERS, "user-cog"),
            NavItem(N_("Teams"), "/admin/teams", Action.MANAGE_TEAMS, "users-group"),
            NavItem(N_("API tokens"), "/admin/tokens", Action.MANAGE_ALL_TOKENS, "key"),
            NavItem(N_("Jobs"), "/admin/jobs", Action.READ_JOBS, "list-check"),
            NavItem(N_("Webhooks"), "/admin/webhooks", Action.MANAGE_WEBHOOKS, "webhook"),
            NavItem(N_("Audit log"), "/admin/audit", Action.READ_AUDIT, "history"),
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
        (item.href for _group, items in allowed for item in items if _under(item.href, path)),
        key=len,
        default=None,
    )
    return [
        NavSection(
            None if group.heading is None else _(group.heading),
            [NavLink(_(i.label), i.href, i.icon, i.href == current) for i in items],
        )
        for group, items in allowed
        if items
    ]


def _under(href: str, path: str) -> bool:
    return path == href if href == "/" else path == href or path.startswith(href + "/")
