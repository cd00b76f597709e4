"""API shapes for requests to the enablement team and the enablement roadmap."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from prism.roadmap.models import CapabilityStatus, HelpStatus, Need, Risk, Route
from prism.schemas import (
    AccountRef,
    DealRef,
    Id,
    Input,
    Name,
    Note,
    Output,
    PersonRef,
    Ref,
    Said,
    TeamRef,
)


class RequestIn(Input):
    """What the front office needs from the enablement team."""

    need: Need
    text: Said
    product_id: Id | None = None
    competitor_id: Id | None = None
    deal_id: Id | None = Field(default=None, description="For help on a deal: which deal.")
    account_id: Id | None = None
    risk: Risk = Field(
        default=Risk.NONE, description="The customer asks for a refund or may leave."
    )


class CapabilityRef(Output):
    id: int
    title: str
    status: CapabilityStatus


class RequestOut(Output):
    id: int
    need: Need
    text: str
    requester: PersonRef | None
    team: TeamRef | None
    product: Ref | None
    competitor: Ref | None
    deal: DealRef | None
    account: AccountRef | None
    risk: Risk
    route: Route
    route_reason: str
    help_status: HelpStatus | None
    helper: PersonRef | None
    capability: CapabilityRef | None
    created_at: datetime


class CapabilityOut(Output):
    id: int
    title: str
    need: Need
    status: CapabilityStatus
    note: str
    target_on: date | None
    owner: PersonRef | None
    asset: Ref | None
    version: int
    requests: int
    requesters: int
    teams: list[str]
    deal_value: int = Field(description="The value of the open deals the requests name.")


class CapabilityUpdate(Input):
    version: Id
    title: Name | None = None
    status: CapabilityStatus | None = None
    note: Note | None = None
    target_on: date | None = None
    owner_id: Id | None = None
    asset_id: Id | None = Field(default=None, description="The library item that delivers it.")


class CapabilityMergeIn(Input):
    capability_ids: Annotated[list[Id], Field(min_length=1, max_length=50)]


class RequestMoveIn(Input):
    capability_id: Id


class HelpIn(Input):
    version: Id
    help_status: HelpStatus
    helper_id: Id | None = None
