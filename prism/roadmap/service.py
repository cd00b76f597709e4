"""Requests to the enablement team: take them in, route them (roadmap, deal help, self-serve),
group roadmap requests into reusable capabilities, and tell requesters what became of them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session, selectinload

from prism.accounts.models import Account
from prism.auth.policy import Action, Principal, can, require
from prism.db import get_or_invalid
from prism.deals.models import Deal, Outcome
from prism.deals.service import account_of
from prism.embeddings import default_embedder, to_bytes
from prism.errors import Invalid, NotFound, check_version
from prism.grouping import centres, naming
from prism.i18n import _
from prism.knowledge.access import may_read
from prism.knowledge.models import Item
from prism.knowledge.service import items_of_kind
from prism.notifications.service import announce_status
from prism.pagination import PageOf, paginate
from prism.people.service import active_person, team_of, teams_by_ids
from prism.roadmap.models import (
    Capability,
    CapabilityStatus,
    EnablementRequest,
    HelpStatus,
    Need,
    Route,
)
from prism.roadmap.rules import DealHelpRule
from prism.roadmap.schemas import CapabilityMergeIn, CapabilityUpdate, HelpIn, RequestIn

REQUEST_DETAIL = (
    selectinload(EnablementRequest.requester),
    selectinload(EnablementRequest.helper),
    selectinload(EnablementRequest.team),
    selectinload(EnablementRequest.product),
    selectinload(EnablementRequest.competitor),
    selectinload(EnablementRequest.deal),
    selectinload(EnablementRequest.account),
    selectinload(EnablementRequest.capability),
)
CAPABILITY_DETAIL = (selectinload(Capability.owner), selectinload(Capability.asset))
# The roadmap's columns, in the order work moves through them.
COLUMNS = (
    CapabilityStatus.PROPOSED,
    CapabilityStatus.PLANNED,
    CapabilityStatus.IN_PROGRESS,
    CapabilityStatus.DELIVERED,
)


def readable_by(actor: Principal) -> ColumnElement[bool]:
    """The requests `actor` may read: the enablement team reads all, others their own."""
    if can(actor, Action.TRIAGE_FEEDBACK):
        return true()
    if actor.id is None:
        return false()
    return EnablementRequest.requester_id == actor.id


def delivered_as(actor: Principal, capability: Capability) -> Item | None:
    """The library item that delivers the capability, if `actor` may open it (a draft stays
    the enablement team's until it is published)."""
    asset = capability.asset
    return asset if asset is not None and may_read(actor, asset) else None


# --- intake -------------------------------------------------------------------------------


def submit(
    session: Session, actor: Principal, data: RequestIn, *, rule: DealHelpRule, today: date
) -> EnablementRequest:
    """Take a request in. Help on a deal is offered by rule (or the toolkit is pointed to); any
    other request joins the closest capability of its kind on the roadmap, or proposes one."""
    require(actor, Action.SUBMIT_FEEDBACK)
    deal, account = _references(session, actor, data)
    vector = default_embedder().embed([data.text])[0]
    request = EnablementRequest(
        **data.model_dump(exclude={"account_id"}),
        account_id=account.id if account else None,
        requester_id=actor.id,
        team_id=team_of(session, actor),
        vector=to_bytes(vector),
        route=Route.ROADMAP,
    )
    if data.need is Need.DEAL_HELP:
        decision = rule.decide(deal, account, data.risk, today=today)
        request.route = Route.DEAL_HELP if decision.offered else Route.SELF_SERVE
        request.route_reason = decision.why
        request.help_status = HelpStatus.OPEN if decision.offered else None
    else:
        request.capability_id = _group(session, data, vector)
        request.route_reason = _joined(session, request.capability_id)
    session.add(request)
    session.flush()
    if request.capability_id is not None:
        _retitle(session, request.capability_id)
    return get_request(session, actor, request.id)


def _references(
    session: Session, actor: Principal, data: RequestIn
) -> tuple[Deal | None, Account | None]:
    for name in ("product", "competitor"):
        ident = getattr(data, f"{name}_id")
        if ident is not None:
            items_of_kind(session, actor, [ident], name, field=f"{name}_id")
    deal = get_or_invalid(session, Deal, data.deal_id, "deal_id", "deal") if data.deal_id else None
    account = (
        get_or_invalid(session, Account, data.account_id, "account_id", "account")
        if data.account_id
        else None
    )
    if data.need is Need.DEAL_HELP and deal is None and account is None:
        raise Invalid.about("deal_id", _("Say which deal (or account) the help is for."))
    if account is None and deal is not None:
        account = account_of(session, deal)
    return deal, account


def _group(session: Session, data: RequestIn, vector: np.ndarray) -> int:
    """The capability a request joins: the closest of its kind not declined, or a new one."""
    placer = centres.Placer(
        session,
        Capability,
        Capability.need == data.need,
        Capability.status != CapabilityStatus.DECLINED,
    )
    joined = placer.join(vector)
    if joined is not None:
        placer.save()
        return joined
    title = naming.name_one(data.text)
    created = Capability(title=title[:200], need=data.need, vector_sum=to_bytes(vector))
    session.add(created)
    session.flush()
    return created.id


def _retitle(session: Session, capability_id: int) -> None:
    """Title a capability nobody named from its requests' most distinctive words."""
    capability = session.get(Capability, capability_id)
    if capability is None or capability.named:
        return
    rows = session.execute(
        select(EnablementRequest.capability_id, EnablementRequest.text).where(
            EnablementRequest.capability_id.is_not(None)
        )
    ).all()
    numbering = {c: n for n, c in enumerate(sorted({r.capability_id for r in rows}))}
    titles = naming.name_groups(
        [r.text for r in rows], np.array([numbering[r.capability_id] for r in rows])
    )
    capability.title = titles[numbering[capability_id]][:200]


def _joined(session: Session, capability_id: int | None) -> str:
    capability = session.get(Capability, capability_id) if capability_id else None
    if capability is None:
        return ""
    if capability.status is CapabilityStatus.DELIVERED:
        return f"Already delivered: “{capability.title}”."
    return f"Grouped with similar requests into “{capability.title}” ({capability.status.label})."


# --- reading ------------------------------------------------------------------------------


def get_request(session: Session, actor: Principal, request_id: int) -> EnablementRequest:
    found = session.scalar(
        select(EnablementRequest)
        .where(EnablementRequest.id == request_id, readable_by(actor))
        .options(*REQUEST_DETAIL)
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise NotFound(_("No request {request_id}.", request_id=request_id))
    return found


def list_requests(
    session: Session,
    actor: Principal,
    *,
    route: Route | None = None,
    capability_id: int | None = None,
    open_help: bool = False,
    mine: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[EnablementRequest]:
    """Requests newest first: the actor's own, or (for the enablement team) everyone's."""
    require(actor, Action.READ_FEEDBACK)
    stmt = select(EnablementRequest).where(readable_by(actor)).options(*REQUEST_DETAIL)
    if mine:
        stmt = stmt.where(EnablementRequest.requester_id == actor.id)
    if route is not None:
        stmt = stmt.where(EnablementRequest.route == route)
    if capability_id is not None:
        stmt = stmt.where(EnablementRequest.capability_id == capability_id)
    if open_help:
        stmt = stmt.where(EnablementRequest.help_status == HelpStatus.OPEN)
    return paginate(
        session, stmt, key=EnablementRequest.id, limit=limit, cursor=cursor, newest_first=True
    )


@dataclass
class Demand:
    """What asks for a capability: how many requests, from whom, on how much open pipeline."""

    requests: int = 0
    requesters: set[int] = field(default_factory=set)
    teams: set[str] = field(default_factory=set)
    deals: dict[int, int] = field(default_factory=dict)

    @property
    def deal_value(self) -> int:
        return sum(self.deals.values())


def demand(session: Session, capability_ids: list[int]) -> dict[int, Demand]:
    rows = session.execute(
        select(
            EnablementRequest.capability_id,
            EnablementRequest.requester_id,
            EnablementRequest.team_id,
            EnablementRequest.deal_id,
            Deal.value,
            Deal.outcome,
        )
        .outerjoin(Deal, Deal.id == EnablementRequest.deal_id)
        .where(EnablementRequest.capability_id.in_(capability_ids))
    ).all()
    teams = {t.id: t.name for t in teams_by_ids(session, [r.team_id for r in rows if r.team_id])}
    found: dict[int, Demand] = defaultdict(Demand)
    for row in rows:
        entry = found[row.capability_id]
        entry.requests += 1
        if row.requester_id is not None:
            entry.requesters.add(row.requester_id)
        if row.team_id in teams:
            entry.teams.add(teams[row.team_id])
        if row.deal_id is not None and row.outcome is Outcome.OPEN:
            entry.deals[row.deal_id] = row.value
    return found


def demand_of(session: Session, capability_id: int) -> Demand:
    return demand(session, [capability_id]).get(capability_id, Demand())


def capabilities(
    session: Session, actor: Principal, *, status: CapabilityStatus | None = None
) -> list[tuple[Capability, Demand]]:
    """The roadmap: every capability with the demand behind it, most asked-for first."""
    require(actor, Action.READ_FEEDBACK)
    stmt = select(Capability).options(*CAPABILITY_DETAIL)
    if status is not None:
        stmt = stmt.where(Capability.status == status)
    found = list(session.scalars(stmt))
    asked = demand(session, [c.id for c in found])
    pairs = [(c, asked.get(c.id, Demand())) for c in found]
    pairs.sort(key=lambda p: (-p[1].requests, -p[1].deal_value, p[0].id))
    return pairs


def get_capability(session: Session, actor: Principal, capability_id: int) -> Capability:
    require(actor, Action.READ_FEEDBACK)
    found = session.scalar(
        select(Capability)
        .where(Capability.id == capability_id)
        .options(*CAPABILITY_DETAIL)
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise NotFound(_("No capability {capability_id}.", capability_id=capability_id))
    return found


# --- curation -----------------------------------------------------------------------------


def update_capability(
    session: Session, actor: Principal, capability_id: int, data: CapabilityUpdate, *, now: datetime
) -> Capability:
    """Rename, plan, deliver or decline a capability; requesters are told of a new status."""
    require(actor, Action.TRIAGE_FEEDBACK)
    capability = get_capability(session, actor, capability_id)
    check_version("capability", data.version, capability.version)
    values = data.model_dump(exclude={"version"}, exclude_unset=True)
    if values.get("owner_id") is not None:
        active_person(session, values["owner_id"], field="owner_id")
    if values.get("asset_id") is not None:
        items_of_kind(session, actor, [values["asset_id"]], None, field="asset_id")
    if values.get("title"):
        capability.named = True
    before = capability.status
    for name, value in values.items():
        if name != "title" or value:
            setattr(capability, name, value)
    session.flush()
    if capability.status is not before:
        _tell_requesters(session, actor, capability, now=now)
    return get_capability(session, actor, capability.id)


def _tell_requesters(
    session: Session, actor: Principal, capability: Capability, *, now: datetime
) -> None:
    requesters = session.scalars(
        select(EnablementRequest.requester_id).where(
            EnablementRequest.capability_id == capability.id
        )
    )
    about = {"id": capability.id, "title": capability.title, "path": f"/roadmap/{capability.id}"}
    event = "roadmap.capability_status_changed"
    announce_status(
        session, requesters, actor=actor, about=("capability", about), status=capability.status,
        note=capability.note, event=event, told_as="requesters_told", now=now,
    )  # fmt: skip


def merge(
    session: Session, actor: Principal, capability_id: int, data: CapabilityMergeIn
) -> Capability:
    """Fold other capabilities into this one; their requests (and requesters) come along."""
    require(actor, Action.TRIAGE_FEEDBACK)
    target = get_capability(session, actor, capability_id)
    centres.fold(
        session,
        Capability,
        EnablementRequest.capability_id,
        EnablementRequest.vector,
        target.id,
        data.capability_ids,
        field="capability_ids",
        what=_("capability"),
    )
    return get_capability(session, actor, target.id)


def move(
    session: Session, actor: Principal, request_id: int, capability_id: int
) -> EnablementRequest:
    """Put a roadmap request under another capability."""
    require(actor, Action.TRIAGE_FEEDBACK)
    request = get_request(session, actor, request_id)
    if request.route is not Route.ROADMAP:
        raise Invalid.about("capability_id", _("Only roadmap requests belong to a capability."))
    target = get_or_invalid(session, Capability, capability_id, "capability_id", "capability")
    old = request.capability_id
    request.capability_id = target.id
    session.flush()
    _recentre(session, [i for i in (old, target.id) if i is not None])
    return get_request(session, actor, request.id)


def set_help(
    session: Session, actor: Principal, request_id: int, data: HelpIn
) -> EnablementRequest:
    """Take on, finish or withdraw help on a deal."""
    request = get_request(session, actor, request_id)
    require(actor, Action.TRIAGE_FEEDBACK)
    if request.route is not Route.DEAL_HELP:
        raise Invalid.about("help_status", _("This request was not offered deal help."))
    check_version("request", data.version, request.version)
    if data.helper_id is not None:
        active_person(session, data.helper_id, field="helper_id")
    request.help_status = data.help_status
    request.helper_id = data.helper_id or request.helper_id or actor.id
    session.flush()
    return get_request(session, actor, request.id)


def _recentre(session: Session, capability_ids: list[int]) -> None:
    centres.recentre(
        session,
        Capability,
        EnablementRequest.capability_id,
        EnablementRequest.vector,
        capability_ids,
    )
