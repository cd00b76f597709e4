"""What an AI assistant may ask Prism, answered from the same services as the API, as the
person whose token it holds: the same permissions, the same audience rules, nothing more.

Each answer takes a session and a principal and returns an API shape (or a compact one made
for a model to read); `prism.assistant.server` turns them into MCP tools and resources."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from sqlalchemy.orm import Session

from prism.auth.policy import Principal
from prism.deals import service as deals
from prism.feedback import service as feedback
from prism.feedback.models import Origin
from prism.feedback.schemas import FeedbackIn, FeedbackOut
from prism.knowledge import service as knowledge
from prism.knowledge.kinds import KindName
from prism.knowledge.schemas import ItemOut
from prism.knowledge.service import ItemFilter
from prism.launches import service as launches
from prism.launches.api import detail
from prism.launches.schemas import LaunchDetailOut
from prism.schemas import Output
from prism.search import service as search_service
from prism.settings import Settings
from prism.toolkits import service as toolkits
from prism.toolkits import tasks as kit_tasks
from prism.toolkits.schemas import ToolkitOut

ITEM_URI = "prism://items/{item_id}"


class HitOut(Output):
    """One search result, short enough for a model to read many of."""

    id: int
    kind: str
    title: str
    summary: str
    status: str
    audience: str
    snippet: str = Field(description="Where the words were found, as plain text.")
    uri: str = Field(description="The item as an MCP resource.")
    url: str = Field(description="The item's page in Prism, to cite.")


class SearchAnswer(Output):
    query: str
    total: int
    corrections: dict[str, str]
    hits: list[HitOut]


class BattlecardsAnswer(Output):
    competitor: ItemOut
    battlecards: list[ItemOut]
    url: str


class KitAnswer(Output):
    deal_id: int
    deal: str
    customer: str
    built_now: bool = Field(description="True when this call built the kit.")
    kit: ToolkitOut
    url: str


def search(
    session: Session,
    actor: Principal,
    query: str,
    *,
    kind: KindName | None,
    limit: int,
    base: str,
    now: datetime,
) -> SearchAnswer:
    results = search_service.search(
        session, actor, query, ItemFilter(kind=kind), limit=limit, now=now
    )
    return SearchAnswer(
        query=results.query,
        total=results.total,
        corrections=results.corrections,
        hits=[
            HitOut(
                id=hit.item.id,
                kind=hit.item.kind,
                title=hit.item.title,
                summary=hit.item.summary,
                status=hit.item.status.value,
                audience=hit.item.audience.value,
                snippet=hit.highlight.striptags(),
                uri=ITEM_URI.format(item_id=hit.item.id),
                url=f"{base}/library/{hit.item.id}",
            )
            for hit in results.hits
        ],
    )


def item(session: Session, actor: Principal, item_id: int) -> ItemOut:
    return ItemOut.model_validate(knowledge.get_item(session, actor, item_id))


def item_as_markdown(session: Session, actor: Principal, item_id: int) -> str:
    """The item as a reader sees it on its page: title, summary, body, then its own fields."""
    found = knowledge.get_item(session, actor, item_id)
    lines = [f"# {found.title}", "", f"*{found.kind.replace('_', ' ')} · {found.status.value}*"]
    if found.summary:
        lines += ["", found.summary]
    if found.body:
        lines += ["", found.body]
    for name, value in (found.fields or {}).items():
        if value in (None, "", [], {}):
            continue
        lines += ["", f"## {name.replace('_', ' ').capitalize()}", "", _plain(value)]
    return "\n".join(lines) + "\n"


def _plain(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(f"- {_plain(v)}" for v in value)
    if isinstance(value, dict):
        return " — ".join(str(v) for v in value.values() if v not in (None, ""))
    return str(value)


def battlecards_for(
    session: Session, actor: Principal, competitor: str, *, base: str
) -> BattlecardsAnswer:
    """The competitor `competitor` names (an id, or its name typed loosely) and the battlecards
    about it that `actor` may read."""
    rival = knowledge.find_item(session, actor, "competitor", competitor)
    cards = [
        knowledge.get_item(session, actor, source.id)
        for relation, source in knowledge.backlinks(session, actor, rival.id)
        if source.kind == "battlecard" and relation == "competitor"
    ]
    return BattlecardsAnswer(
        competitor=ItemOut.model_validate(rival),
        battlecards=[ItemOut.model_validate(card) for card in cards],
        url=f"{base}/library/{rival.id}",
    )


def deal_kit(session: Session, actor: Principal, deal: str, *, base: str) -> KitAnswer | int:
    """The kit of the deal `deal` names (an id, or its name or customer typed loosely); the
    deal's id when it has none yet."""
    found = deals.find_deal(session, actor, deal)
    kit = toolkits.kit_of_deal(session, found.id)
    if kit is None:
        return found.id
    return _kit_answer(session, actor, found.id, kit.id, built_now=False, base=base)


def build_deal_kit(
    session: Session,
    actor: Principal,
    deal_id: int,
    *,
    settings: Settings,
    base: str,
    now: datetime,
) -> KitAnswer:
    kit = kit_tasks.build_and_prepare(session, actor, deal_id, settings=settings, now=now)
    return _kit_answer(session, actor, deal_id, kit.id, built_now=True, base=base)


def _kit_answer(
    session: Session, actor: Principal, deal_id: int, kit_id: int, *, built_now: bool, base: str
) -> KitAnswer:
    deal = deals.get_deal(session, actor, deal_id)
    return KitAnswer(
        deal_id=deal.id,
        deal=deal.name,
        customer=deal.customer,
        built_now=built_now,
        kit=ToolkitOut.model_validate(toolkits.get_kit(session, actor, kit_id)),
        url=f"{base}/toolkits/{kit_id}",
    )


def submit_feedback(
    session: Session, actor: Principal, data: FeedbackIn, *, now: datetime
) -> FeedbackOut:
    item_ = feedback.submit(session, actor, data, origin=Origin.ASSISTANT, today=now.date())
    return FeedbackOut.model_validate(item_)


def launch_status(
    session: Session, actor: Principal, launch: str, *, now: datetime
) -> LaunchDetailOut:
    found = launches.find_launch(session, actor, launch.strip())
    return detail(session, actor, found, now.date())
