"""The launches API: launches and their bills of materials, gates, stage moves, metrics,
checkpoints, beta programme, brief, tier configuration and what is late."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, File, Path, Query, Response, UploadFile, status
from sqlalchemy.orm import Session

from prism.auth.policy import Principal
from prism.filestore import file_store
from prism.knowledge.access import may_read
from prism.knowledge.models import Item
from prism.launches import beta, bom, brief, metrics, packaging, reminders, service, tiers
from prism.launches.gates import GateReport
from prism.launches.models import BomItem, Launch, MetricSource, Stage
from prism.launches.schemas import (
    AttentionOut,
    BetaCustomerIn,
    BetaCustomerOut,
    BetaFeedbackIn,
    BetaFeedbackOut,
    BetaStatusIn,
    BomItemIn,
    BomItemOut,
    BomItemUpdate,
    CalendarEventOut,
    CheckpointOut,
    DeliverableOut,
    GateOut,
    GateReportOut,
    LaunchDetailOut,
    LaunchIn,
    LaunchOut,
    LaunchUpdate,
    MeaningOut,
    MeasurementIn,
    MeasurementOut,
    MetricIn,
    MetricOut,
    MoveIn,
    PackagingOut,
    PlannedMoveOut,
    PlannedPriceIn,
    RequirementOut,
    ResultOut,
    ReviewIn,
    StageChangeOut,
    TierIn,
    TierOut,
)
from prism.launches.service import LaunchFilter
from prism.pagination import Page
from prism.pricing.api import price_out
from prism.pricing.schemas import MoveIn as PackagingMoveIn
from prism.pricing.schemas import PriceIn
from prism.schemas import Ref
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now
from prism.web.routing import Cursor, IdPath, Limit, Paged, api_router, attachment, to_page

router = api_router("launches")
Tier = Annotated[int, Query(ge=1, le=3)]
TierPath = Annotated[int, Path(ge=1, le=3, description="The tier: 1, 2 or 3.")]


def _path_launch(launch_id: IdPath, session: DbSession, user: CurrentUser) -> Launch:
    """The launch the path names, if the caller may see it (404 otherwise)."""
    return service.get_launch(session, user, launch_id)


PathLaunch = Annotated[Launch, Depends(_path_launch)]


def bom_out(item: BomItem, launch: Launch, actor: Principal) -> BomItemOut:
    """A deliverable as the reader may see it: a linked draft they may not read stays unnamed."""
    linked = item.item
    return BomItemOut.of(
        item,
        due_on=item.due_on(launch.target_date),
        item=None if linked is None else Ref(id=linked.id, title=_title(actor, linked)),
    )


def _title(actor: Principal, item: Item) -> str:
    return item.title if may_read(actor, item) else "(a draft you cannot open)"


def report_out(report: GateReport | None) -> GateReportOut | None:
    if report is None:
        return None
    return GateReportOut.of(report, summary=report.summary())


def detail(session: Session, actor: Principal, launch: Launch, today: date) -> LaunchDetailOut:
    head = LaunchOut.model_validate(launch)
    return LaunchDetailOut(
        **head.model_dump(),
        bom=[bom_out(i, launch, actor) for i in launch.bom],
        next_gate=report_out(service.check_gate(session, actor, launch.id, today=today)),
    )


@router.get("/launches", response_model=Page[LaunchOut], summary="Launches, newest first")
def list_launches(
    session: DbSession,
    user: CurrentUser,
    stage: Stage | None = None,
    tier: Tier | None = None,
    mine: bool = False,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[LaunchOut]:
    spec = LaunchFilter(stage=stage, tier=tier, owner_id=user.id if mine else None)
    return to_page(
        service.list_launches(session, user, spec, limit=limit, cursor=cursor), LaunchOut
    )


@router.post(
    "/launches",
    response_model=LaunchDetailOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a launch (its bill of materials comes from the tier's template)",
)
def create_launch(
    data: LaunchIn, session: DbSession, user: CurrentUser, now: Now
) -> LaunchDetailOut:
    launch = service.create_launch(session, user, data, today=now.date())
    return detail(session, user, launch, now.date())


@router.get(
    "/launch-attention",
    response_model=Page[AttentionOut],
    summary="Overdue deliverables and due checkpoints: the reader's own, or everyone's",
)
def attention(
    session: DbSession, user: CurrentUser, now: Now, paged: Paged, everyone: bool = False
) -> Page[AttentionOut]:
    late = reminders.attention(session, user, today=now.date(), everyone=everyone)
    return paged.page(late, AttentionOut)


@router.get("/launches/{launch_id}", response_model=LaunchDetailOut, summary="One launch")
def read_launch(
    launch: PathLaunch, session: DbSession, user: CurrentUser, now: Now
) -> LaunchDetailOut:
    return detail(session, user, launch, now.date())


@router.patch("/launches/{launch_id}", response_model=LaunchDetailOut, summary="Change a launch")
def update_launch(
    launch_id: IdPath, data: LaunchUpdate, session: DbSession, user: CurrentUser, now: Now
) -> LaunchDetailOut:
    launch = service.update_launch(session, user, launch_id, data, today=now.date())
    return detail(session, user, launch, now.date())


@router.get(
    "/launches/{launch_id}/gate",
    response_model=GateReportOut | None,
    summary="The readiness gate report for the next stage (or `to`)",
)
def gate(
    launch_id: IdPath, session: DbSession, user: CurrentUser, now: Now, to: Stage | None = None
) -> GateReportOut | None:
    return report_out(service.check_gate(session, user, launch_id, to=to, today=now.date()))


@router.post(
    "/launches/{launch_id}/move",
    response_model=LaunchDetailOut,
    summary="Move to the next stage (or cancel); a failed gate answers 409 with its blockers",
)
def move(
    launch_id: IdPath, data: MoveIn, session: DbSession, user: CurrentUser, now: Now
) -> LaunchDetailOut:
    launch = service.move(session, user, launch_id, data, now=now)
    return detail(session, user, launch, now.date())


@router.get(
    "/launches/{launch_id}/history",
    response_model=Page[StageChangeOut],
    summary="Stage changes, oldest first",
)
def history(
    launch_id: IdPath, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[StageChangeOut]:
    return paged.page(service.history(session, user, launch_id), StageChangeOut)


@router.post(
    "/launches/{launch_id}/bom",
    response_model=BomItemOut,
    status_code=status.HTTP_201_CREATED,
    summary="Add a deliverable",
)
def add_deliverable(
    launch: PathLaunch, data: BomItemIn, session: DbSession, user: CurrentUser
) -> BomItemOut:
    return bom_out(bom.add_item(session, user, launch, data), launch, user)


@router.patch(
    "/launches/{launch_id}/bom/{bom_id}",
    response_model=BomItemOut,
    summary="Change a deliverable: owner, due date, status, linked asset",
)
def update_deliverable(
    launch: PathLaunch, bom_id: IdPath, data: BomItemUpdate, session: DbSession, user: CurrentUser
) -> BomItemOut:
    return bom_out(bom.update_item(session, user, launch, bom_id, data), launch, user)


def packaging_out(
    session: Session, actor: Principal, launch: Launch, now: datetime
) -> PackagingOut:
    change = packaging.change(session, launch)
    said = packaging.meaning(session, actor, launch, change)
    return PackagingOut(
        moves=[
            PlannedMoveOut.of(
                m,
                feature=Ref(id=m.feature.id, title=m.feature.title),
                from_package=_ref(m.from_package),
                to_package=_ref(m.to_package),
            )
            for m in change.moves
        ],
        prices=[price_out(p, p.book.currency) for p in change.prices],
        applied=change.applied,
        requirements=[
            RequirementOut.model_validate(r, from_attributes=True)
            for r in packaging.requirements(session, launch, change, now=now)
        ],
        meaning=MeaningOut.model_validate(said, from_attributes=True),
    )


def _ref(item: Item | None) -> Ref | None:
    return None if item is None else Ref(id=item.id, title=item.title)


@router.get(
    "/launches/{launch_id}/packaging",
    response_model=PackagingOut,
    summary="The launch's packaging change: moves, held prices, what GA needs, what it means",
)
def read_packaging(
    launch: PathLaunch, session: DbSession, user: CurrentUser, now: Now
) -> PackagingOut:
    return packaging_out(session, user, launch, now)


@router.post(
    "/launches/{launch_id}/packaging/moves",
    response_model=PackagingOut,
    status_code=status.HTTP_201_CREATED,
    summary="Plan a feature's move into, out of or between editions and add-ons",
)
def plan_move(
    launch: PathLaunch, data: PackagingMoveIn, session: DbSession, user: CurrentUser, now: Now
) -> PackagingOut:
    packaging.add_move(session, user, launch, data, now=now)
    return packaging_out(session, user, launch, now)


@router.delete(
    "/launches/{launch_id}/packaging/moves/{move_id}",
    status_code=204,
    summary="Take a planned move back",
)
def drop_move(
    launch: PathLaunch, move_id: IdPath, session: DbSession, user: CurrentUser
) -> Response:
    packaging.drop_move(session, user, launch, move_id)
    return Response(status_code=204)


@router.post(
    "/launches/{launch_id}/packaging/prices",
    response_model=PackagingOut,
    status_code=status.HTTP_201_CREATED,
    summary="Plan a new price, held in its book until the launch goes GA",
)
def plan_price(
    launch: PathLaunch, data: PlannedPriceIn, session: DbSession, user: CurrentUser, now: Now
) -> PackagingOut:
    price = PriceIn.model_validate(data.model_dump(exclude={"book_id"}))
    packaging.add_price(session, user, launch, data.book_id, price, today=now.date())
    return packaging_out(session, user, launch, now)


@router.delete(
    "/launches/{launch_id}/packaging/prices/{price_id}",
    status_code=204,
    summary="Take a held price back",
)
def drop_price(
    launch: PathLaunch, price_id: IdPath, session: DbSession, user: CurrentUser, now: Now
) -> Response:
    packaging.drop_price(session, user, launch, price_id, today=now.date())
    return Response(status_code=204)


@router.get(
    "/launches/{launch_id}/metrics", response_model=Page[MetricOut], summary="Success metrics"
)
def list_metrics(
    launch: PathLaunch, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[MetricOut]:
    return paged.page(metrics.list_metrics(session, user, launch), MetricOut)


@router.post(
    "/launches/{launch_id}/metrics",
    response_model=MetricOut,
    status_code=status.HTTP_201_CREATED,
    summary="Define a success metric with its target",
)
def define_metric(
    launch: PathLaunch, data: MetricIn, session: DbSession, user: CurrentUser
) -> MetricOut:
    return MetricOut.model_validate(metrics.define(session, user, launch, data))


@router.delete(
    "/launches/{launch_id}/metrics/{metric_id}", status_code=204, summary="Remove a metric"
)
def remove_metric(
    launch: PathLaunch, metric_id: IdPath, session: DbSession, user: CurrentUser
) -> Response:
    metrics.remove(session, user, launch, metric_id)
    return Response(status_code=204)


@router.get(
    "/launches/{launch_id}/metrics/{metric_id}/measurements",
    response_model=Page[MeasurementOut],
    summary="A metric's measurements, oldest first",
)
def list_measurements(
    launch: PathLaunch, metric_id: IdPath, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[MeasurementOut]:
    metric = metrics.get_metric(session, launch, metric_id)
    return paged.page(metrics.measurements(session, [metric.id])[metric.id], MeasurementOut)


@router.post(
    "/launches/{launch_id}/metrics/{metric_id}/measurements",
    response_model=MeasurementOut,
    status_code=status.HTTP_201_CREATED,
    summary="Push a measurement (a later value for the same day replaces it)",
)
def push_measurement(
    launch: PathLaunch,
    metric_id: IdPath,
    data: MeasurementIn,
    session: DbSession,
    user: CurrentUser,
) -> MeasurementOut:
    metric = metrics.get_metric(session, launch, metric_id)
    found = metrics.record(session, user, metric, data, source=MetricSource.API)
    return MeasurementOut.model_validate(found)


@router.post(
    "/launches/{launch_id}/metrics/{metric_id}/measurements.csv",
    summary="Import measurements from a CSV with date and value columns (all rows or none)",
)
async def import_measurements(
    launch: PathLaunch,
    metric_id: IdPath,
    session: DbSession,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="CSV with a date,value header.")],
) -> dict[str, int]:
    metric = metrics.get_metric(session, launch, metric_id)
    return {"imported": metrics.import_csv(session, user, metric, await file.read())}


@router.post(
    "/launches/{launch_id}/measure",
    summary="Measure the computed metrics now",
)
def measure_now(
    launch: PathLaunch, session: DbSession, user: CurrentUser, now: Now
) -> dict[str, int]:
    return {"measured": metrics.measure_now(session, user, launch, today=now.date())}


def checkpoint_out(session: Session, actor: Principal, launch: Launch) -> list[CheckpointOut]:
    return [
        CheckpointOut.of(point, results=[ResultOut(**vars(r)) for r in results])
        for point, results in metrics.scorecard(session, actor, launch).checkpoints
    ]


@router.get(
    "/launches/{launch_id}/checkpoints",
    response_model=Page[CheckpointOut],
    summary="The 30/60/90-day checkpoints with actual against target",
)
def list_checkpoints(
    launch: PathLaunch, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[CheckpointOut]:
    return paged.page(checkpoint_out(session, user, launch), CheckpointOut)


@router.post(
    "/launches/{launch_id}/checkpoints/{checkpoint_id}/review",
    response_model=list[CheckpointOut],
    summary="Review a due checkpoint with a note (its results are frozen)",
)
def review_checkpoint(
    launch: PathLaunch,
    checkpoint_id: IdPath,
    data: ReviewIn,
    session: DbSession,
    user: CurrentUser,
    now: Now,
) -> list[CheckpointOut]:
    metrics.review(session, user, launch, checkpoint_id, data, now=now)
    return checkpoint_out(session, user, launch)


@router.get(
    "/launches/{launch_id}/beta-customers",
    response_model=Page[BetaCustomerOut],
    summary="The beta programme's accounts",
)
def list_beta(
    launch: PathLaunch, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[BetaCustomerOut]:
    return paged.page(beta.customers(session, user, launch), BetaCustomerOut)


@router.post(
    "/launches/{launch_id}/beta-customers",
    response_model=BetaCustomerOut,
    status_code=status.HTTP_201_CREATED,
    summary="Enrol an account in the beta (a new name creates the account)",
)
def add_beta(
    launch: PathLaunch, data: BetaCustomerIn, session: DbSession, user: CurrentUser
) -> BetaCustomerOut:
    return BetaCustomerOut.model_validate(beta.add_customer(session, user, launch, data))


@router.patch(
    "/launches/{launch_id}/beta-customers/{customer_id}",
    response_model=BetaCustomerOut,
    summary="Change a beta customer's status",
)
def update_beta(
    launch: PathLaunch,
    customer_id: IdPath,
    data: BetaStatusIn,
    session: DbSession,
    user: CurrentUser,
) -> BetaCustomerOut:
    return BetaCustomerOut.model_validate(
        beta.set_status(session, user, launch, customer_id, data.status)
    )


@router.get(
    "/launches/{launch_id}/beta-feedback",
    response_model=Page[BetaFeedbackOut],
    summary="What beta customers said, newest first",
)
def list_feedback(
    launch: PathLaunch, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[BetaFeedbackOut]:
    return paged.page(beta.feedback(session, user, launch), BetaFeedbackOut)


@router.post(
    "/launches/{launch_id}/beta-feedback",
    response_model=BetaFeedbackOut,
    status_code=status.HTTP_201_CREATED,
    summary="Log what a beta customer said (tagged with the launch)",
)
def add_feedback(
    launch: PathLaunch, data: BetaFeedbackIn, session: DbSession, user: CurrentUser
) -> BetaFeedbackOut:
    return BetaFeedbackOut.model_validate(beta.add_feedback(session, user, launch, data))


@router.get(
    "/launches/{launch_id}/brief.md",
    summary="The launch brief as markdown",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}}}},
)
def brief_markdown(launch: PathLaunch, session: DbSession, user: CurrentUser, now: Now) -> Response:
    text = brief.markdown(session, user, launch, today=now.date())
    return attachment(text.encode(), f"{launch.name} brief.md", "text/markdown; charset=utf-8")


@router.get(
    "/launches/{launch_id}/brief.pdf",
    summary="The launch brief as a PDF in the house look",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def brief_pdf(
    launch: PathLaunch, session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> Response:
    data = brief.pdf(session, user, launch, store=file_store(settings), today=now.date())
    return attachment(data, f"{launch.name} brief.pdf", "application/pdf")


@router.get(
    "/launch-calendar",
    response_model=Page[CalendarEventOut],
    summary="Launch dates, GA days and checkpoints in a period",
)
def calendar(
    session: DbSession,
    user: CurrentUser,
    now: Now,
    paged: Paged,
    start: date | None = None,
    days: Annotated[int, Query(ge=1, le=730)] = 180,
) -> Page[CalendarEventOut]:
    first = start or now.date().replace(day=1)
    events = service.calendar(session, user, start=first, end=first + timedelta(days=days))
    return paged.page(events, CalendarEventOut)


def tier_out(config: tiers.TierConfig) -> TierOut:
    return TierOut(
        tier=config.tier,
        deliverables=[DeliverableOut.model_validate(d) for d in config.deliverables],
        gates=[GateOut.model_validate(g) for g in config.gates],
    )


@router.get("/launch-tiers/{tier}", response_model=TierOut, summary="A tier's template and gates")
def read_tier(tier: TierPath, session: DbSession, user: CurrentUser) -> TierOut:
    return tier_out(tiers.read_tier(session, user, tier))


@router.put(
    "/launch-tiers/{tier}",
    response_model=TierOut,
    summary="Replace a tier's template and gates (administrators)",
)
def replace_tier(tier: TierPath, data: TierIn, session: DbSession, user: CurrentUser) -> TierOut:
    return tier_out(tiers.replace_tier(session, user, tier, data))
