"""Launch pages: the board by stage, the calendar, a new launch, one launch with its bill of
materials, gate, metrics, checkpoints and beta programme, and the tier configuration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import zip_longest
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.accounts import icp
from prism.auth.policy import Action, Principal, can, require
from prism.db import utcnow
from prism.errors import Invalid
from prism.feedback.models import Kind as FeedbackKind
from prism.i18n import _
from prism.knowledge.access import may_read
from prism.knowledge.kinds import KINDS
from prism.knowledge.models import Item
from prism.knowledge.service import choices
from prism.launches import beta, bom, metrics, packaging, reminders, service, tiers
from prism.launches.brief import positioning
from prism.launches.gates import RULES
from prism.launches.models import (
    ROAD,
    BetaStatus,
    BomStatus,
    Direction,
    Goal,
    Launch,
    MetricSource,
    Stage,
)
from prism.launches.schemas import (
    BetaCustomerIn,
    BetaFeedbackIn,
    BetaStatusIn,
    BomItemIn,
    BomItemUpdate,
    LaunchIn,
    LaunchUpdate,
    MeasurementIn,
    MetricIn,
    MoveIn,
    ReviewIn,
    TierIn,
)
from prism.people import service as people_service
from prism.people.models import Team, User
from prism.pricing import service as pricing
from prism.pricing.pages import price_form
from prism.pricing.schemas import MoveIn as PackagingMoveIn
from prism.pricing.schemas import PriceIn
from prism.render.charts import Marker, interactive_line
from prism.schemas import as_id
from prism.training import readiness as training_readiness
from prism.training import service as training
from prism.web.deps import DbSession, Now, PageUser
from prism.web.forms import Outcome, Posted, attempt, form_with_lists, parse, posted_file
from prism.web.routing import IdPath, page_router
from prism.web.templating import render, settle

router = page_router()
LISTS = ("feature_ids", "team_ids")
POSITIONING = ("target", "need", "category", "benefit", "alternative", "differentiator")
CALENDAR_MONTHS = 6


def _choices(session: Session, user: Principal) -> dict[str, Any]:
    def items(kind: str) -> list[Item]:
        return choices(session, user, kind)

    return {
        "products": items("product"),
        "features": items("feature"),
        "teams": list(session.scalars(select(Team).order_by(Team.name))),
        "people": people_service.active_people(session),
        "goals": list(Goal),
        "tier_numbers": (1, 2, 3),
    }


@router.get("/launches", response_class=HTMLResponse)
def board(request: Request, session: DbSession, user: PageUser, now: Now) -> HTMLResponse:
    today = now.date()
    context = {
        "title": _("Launches"),
        "columns": service.board(session, user),
        "road": ROAD,
        "mine": reminders.attention(session, user, today=today),
        "everyone": (
            reminders.attention(session, user, today=today, everyone=True)
            if service.may_run(user)
            else []
        ),
        "today": today,
    }
    return render(request, "launches/board.html", context)


def _new_page(
    request: Request, session: Session, user: Principal, form: dict[str, Any], outcome: Outcome
) -> HTMLResponse:
    require(user, Action.RUN_LAUNCHES)
    context = {"title": _("New launch"), "form": form, **_choices(session, user), **outcome.context}
    return render(request, "launches/new.html", context, status_code=outcome.status_code)


@router.get("/launches/new", response_class=HTMLResponse)
def new(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _new_page(request, session, user, {"tier": "1"}, Outcome())


@router.post("/launches/new", response_class=HTMLResponse)
async def create(request: Request, session: DbSession, user: PageUser, now: Now) -> Response:
    data = await form_with_lists(request, *LISTS)
    outcome = attempt(
        session,
        lambda: service.create_launch(session, user, parse(LaunchIn, data), today=now.date()),
        success=_("Launch created."),
    )
    if outcome.error:
        return _new_page(request, session, user, data, outcome)
    return RedirectResponse(f"/launches/{outcome.value.id}", status_code=303)


@router.get("/launches/calendar", response_class=HTMLResponse)
def calendar(
    request: Request, session: DbSession, user: PageUser, now: Now, start: date | None = None
) -> HTMLResponse:
    first = (start or now.date()).replace(day=1)
    months = [_add_months(first, n) for n in range(CALENDAR_MONTHS)]
    end = _add_months(first, CALENDAR_MONTHS) - timedelta(days=1)
    events = service.calendar(session, user, start=first, end=end)
    rows: dict[int, dict[str, Any]] = {}
    span = (end - first).days + 1
    for event in events:
        row = rows.setdefault(
            event.launch_id,
            {"name": event.launch, "id": event.launch_id, "tier": event.tier, "events": []},
        )
        row["events"].append({**vars(event), "left": (event.on - first).days / span * 100})
    context = {
        "title": _("Launch calendar"),
        "months": months,
        "rows": list(rows.values()),
        "events": events,
        "previous": _add_months(first, -CALENDAR_MONTHS),
        "next": _add_months(first, CALENDAR_MONTHS),
        "today_left": (now.date() - first).days / span * 100,
        "end": end,
    }
    return render(request, "launches/calendar.html", context)


def _add_months(day: date, count: int) -> date:
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _tiers_page(
    request: Request, session: Session, user: Principal, outcome: Outcome
) -> HTMLResponse:
    context = {
        "title": _("Launch tiers"),
        "configs": [tiers.read_tier(session, user, t) for t in (1, 2, 3)],
        "rules": RULES,
        "gate_stages": [Stage.ALPHA, Stage.BETA, Stage.GA, Stage.LANDED],
        "may_configure": can(user, Action.CONFIGURE_TIERS),
        "kinds": KINDS,
        **outcome.context,
    }
    return render(request, "launches/tiers.html", context, status_code=outcome.status_code)


@router.get("/launches/tiers", response_class=HTMLResponse)
def tier_settings(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _tiers_page(request, session, user, Outcome())


@router.post("/launches/tiers/{tier}", response_class=HTMLResponse)
async def save_tier(request: Request, session: DbSession, user: PageUser, tier: int) -> Response:
    form = await request.form()
    outcome = attempt(
        session,
        lambda: tiers.replace_tier(session, user, tier, parse(TierIn, _tier_form(form))),
        success=_(
            "Tier {tier} saved; it applies to launches created or checked from now on.", tier=tier
        ),
    )
    return settle(
        request, outcome, "/launches/tiers", lambda: _tiers_page(request, session, user, outcome)
    )


def _tier_form(form: Any) -> dict[str, Any]:
    """Rows of the tier form: deliverable lines (blank ones ignored) and ticked gate rules."""
    rows = zip_longest(
        *(form.getlist(name) for name in ("kind", "title", "offset_days", "accepts")),
        fillvalue="",
    )
    required = set(form.getlist("required"))
    deliverables = [
        {
            "kind": kind.strip(),
            "title": title.strip(),
            "offset_days": offset or 0,
            "required": str(n) in required,
            "accepts": [k.strip() for k in accepts.split(",") if k.strip()],
        }
        for n, (kind, title, offset, accepts) in enumerate(rows)
        if kind.strip() or title.strip()
    ]
    gates = []
    for ticked in form.getlist("gate"):
        stage, _unused, rule = ticked.partition(":")
        threshold = form.get(f"threshold:{ticked}") or None
        gates.append({"stage": stage, "rule": rule, "threshold": threshold})
    return {"deliverables": deliverables, "gates": gates}


def _launch_page(
    request: Request,
    session: Session,
    user: Principal,
    launch_id: int,
    today: date,
    outcome: Outcome,
) -> HTMLResponse:
    launch = service.get_launch(session, user, launch_id)
    may_run = service.may_run(user)
    context = {
        "title": launch.name,
        "launch": launch,
        "positioning": positioning(launch),
        "road": ROAD,
        "passed": set(ROAD[: ROAD.index(launch.stage)]) if launch.stage in ROAD else set(),
        "next": service.next_stage(launch),
        "report": service.check_gate(session, user, launch.id, today=today),
        "history": service.history(session, user, launch.id),
        "today": today,
        "may_run": may_run,
        "may_override": can(user, Action.OVERRIDE_GATES),
        "may_log_feedback": can(user, Action.SUBMIT_FEEDBACK),
        "feedback_kinds": list(FeedbackKind),
        "mine": {i.id for i in launch.bom if bom.may_update(user, i)},
        "readable": {i.item_id for i in launch.bom if i.item and may_read(user, i.item)},
        "candidates": bom.candidates(session, user, launch),
        "statuses": list(BomStatus),
        "beta_statuses": list(BetaStatus),
        "sources": [s for s in MetricSource if s is not MetricSource.API],
        "directions": list(Direction),
        "computations": metrics.COMPUTATIONS,
        "customers": beta.customers(session, user, launch),
        "seeds": icp.seed_customers(session, user, launch, today=today) if may_run else [],
        "feedback": beta.feedback(session, user, launch),
        "certified": training_readiness.certified(session, launch, today),
        "modules": training.list_modules(session, user, launch_id=launch.id, limit=20).items,
        "may_train": training.may_manage(user),
        **_metrics_context(session, user, launch, today),
        **_packaging_context(session, user, launch, today),
        **(_choices(session, user) if may_run else {}),
        **outcome.context,
    }
    return render(request, "launches/launch.html", context, status_code=outcome.status_code)


def _metrics_context(
    session: Session, user: Principal, launch: Launch, today: date
) -> dict[str, Any]:
    card = metrics.scorecard(session, user, launch)
    start = launch.ga_on or launch.target_date
    end = max(start + timedelta(days=metrics.LAST_DAY + 5), today)
    markers = [Marker(p.due_on, _("{day}d", day=p.day)) for p, _unused in card.checkpoints]
    charts = {
        m.id: interactive_line(
            [(v.measured_on, v.value) for v in card.history[m.id]],
            title=_("{name} over time against its target", name=m.name),
            start=start - timedelta(days=5),
            end=end,
            target=m.target,
            markers=markers,
        )
        for m in card.metrics
    }
    return {
        "metrics": card.metrics,
        "measurements": card.history,
        "charts": charts,
        "checkpoints": card.checkpoints,
    }


def _packaging_context(
    session: Session, user: Principal, launch: Launch, today: date
) -> dict[str, Any]:
    """The launch's packaging change, what GA needs for it, and what planning one offers."""
    change = packaging.change(session, launch)
    may_plan = (
        launch.product_id is not None
        and launch.stage in packaging.CHANGEABLE
        and can(user, Action.RUN_LAUNCHES)
        and can(user, Action.MANAGE_PRICING)
    )
    now = datetime.combine(today, utcnow().timetz())
    context: dict[str, Any] = {
        "change": change,
        "requirements": packaging.requirements(session, launch, change, now=now),
        "meaning": None if change.empty else packaging.meaning(session, user, launch, change),
        "may_plan": may_plan,
        **price_form(),
    }
    if may_plan and launch.product_id is not None:
        grid = pricing.packaging(session, user, launch.product_id)
        context |= {
            "line_up": [*grid.editions, *grid.add_ons],
            "line_features": grid.features,
            "line_books": pricing.books(session, user, launch.product_id),
        }
    return context


@dataclass(frozen=True)
class OnLaunch:
    """A form posted on a launch's page: who, when, and on which launch."""

    request: Request
    session: Session
    user: User
    now: datetime
    launch_id: int

    @property
    def today(self) -> date:
        return self.now.date()

    def act(self, action: Callable[[Launch], object], success: str) -> Response:
        """Run the form's action on the launch, then back to the launch's page with what came
        of it (redirected there after success, so a refresh repeats nothing)."""
        outcome = attempt(
            self.session,
            lambda: action(service.get_launch(self.session, self.user, self.launch_id)),
            success=success,
        )
        return settle(
            self.request,
            outcome,
            f"/launches/{self.launch_id}",
            lambda: _launch_page(
                self.request, self.session, self.user, self.launch_id, self.today, outcome
            ),
        )


def _on_launch(
    request: Request, session: DbSession, user: PageUser, now: Now, launch_id: IdPath
) -> OnLaunch:
    return OnLaunch(request, session, user, now, launch_id)


Here = Annotated[OnLaunch, Depends(_on_launch)]


@router.get("/launches/{launch_id}", response_class=HTMLResponse)
def launch_page(here: Here) -> HTMLResponse:
    return _launch_page(
        here.request, here.session, here.user, here.launch_id, here.today, Outcome()
    )


@router.post("/launches/{launch_id}", response_class=HTMLResponse)
async def update(here: Here) -> Response:
    form = await here.request.form()
    if form.get("part") == "positioning":
        # Every part is sent, empty ones too, so a part can be cleared.
        data: dict[str, Any] = {k: form.get(k, "") for k in POSITIONING}
        data["version"] = form.get("version")
    else:
        data = await form_with_lists(here.request, *LISTS)
    data.pop("part", None)
    return here.act(
        lambda launch: service.update_launch(
            here.session, here.user, launch.id, parse(LaunchUpdate, data), today=here.today
        ),
        "Launch saved.",
    )


@router.post("/launches/{launch_id}/move", response_class=HTMLResponse)
async def move(here: Here, form: Posted) -> Response:
    return here.act(
        lambda launch: service.move(
            here.session, here.user, launch.id, parse(MoveIn, form), now=here.now
        ),
        "Stage changed.",
    )


@router.post("/launches/{launch_id}/bom", response_class=HTMLResponse)
async def add_deliverable(here: Here, form: Posted) -> Response:
    if "accepts" in form:
        form["accepts"] = [k.strip() for k in str(form["accepts"]).split(",") if k.strip()]
    return here.act(
        lambda launch: bom.add_item(here.session, here.user, launch, parse(BomItemIn, form)),
        "Deliverable added.",
    )


@router.post("/launches/{launch_id}/bom/{bom_id}", response_class=HTMLResponse)
async def update_deliverable(here: Here, form: Posted, bom_id: IdPath) -> Response:
    if form.get("item_id") == "none":
        form.pop("item_id")
        form["unlink"] = True
    return here.act(
        lambda launch: bom.update_item(
            here.session, here.user, launch, bom_id, parse(BomItemUpdate, form)
        ),
        "Deliverable saved.",
    )


@router.post("/launches/{launch_id}/metrics", response_class=HTMLResponse)
async def define_metric(here: Here, form: Posted) -> Response:
    form["cumulative"] = "cumulative" in form
    if form.get("source") != MetricSource.COMPUTED.value:
        form.pop("computation", None)
    return here.act(
        lambda launch: metrics.define(here.session, here.user, launch, parse(MetricIn, form)),
        "Metric defined.",
    )


@router.post("/launches/{launch_id}/metrics/{metric_id}/value", response_class=HTMLResponse)
async def record_value(here: Here, form: Posted, metric_id: IdPath) -> Response:
    def record(launch: Launch) -> object:
        metric = metrics.get_metric(here.session, launch, metric_id)
        value = parse(MeasurementIn, form)
        return metrics.record(here.session, here.user, metric, value, source=MetricSource.MANUAL)

    return here.act(record, "Value recorded.")


@router.post("/launches/{launch_id}/metrics/{metric_id}/csv", response_class=HTMLResponse)
async def import_values(here: Here, metric_id: IdPath) -> Response:
    raw = await posted_file(here.request)

    def load(launch: Launch) -> int:
        metric = metrics.get_metric(here.session, launch, metric_id)
        return metrics.import_csv(here.session, here.user, metric, raw)

    return here.act(load, "Values imported.")


@router.post("/launches/{launch_id}/metrics/{metric_id}/remove", response_class=HTMLResponse)
def remove_metric(here: Here, metric_id: IdPath) -> Response:
    return here.act(
        lambda launch: metrics.remove(here.session, here.user, launch, metric_id),
        "Metric removed.",
    )


@router.post("/launches/{launch_id}/measure", response_class=HTMLResponse)
def measure(here: Here) -> Response:
    return here.act(
        lambda launch: metrics.measure_now(here.session, here.user, launch, today=here.today),
        "Computed metrics measured.",
    )


@router.post("/launches/{launch_id}/checkpoints/{checkpoint_id}", response_class=HTMLResponse)
async def review(here: Here, form: Posted, checkpoint_id: IdPath) -> Response:
    return here.act(
        lambda launch: metrics.review(
            here.session, here.user, launch, checkpoint_id, parse(ReviewIn, form), now=here.now
        ),
        "Checkpoint reviewed.",
    )


@router.post("/launches/{launch_id}/beta", response_class=HTMLResponse)
async def add_beta(here: Here, form: Posted) -> Response:
    return here.act(
        lambda launch: beta.add_customer(
            here.session, here.user, launch, parse(BetaCustomerIn, form)
        ),
        "Beta customer added.",
    )


@router.post("/launches/{launch_id}/beta/{customer_id}", response_class=HTMLResponse)
async def beta_status(here: Here, form: Posted, customer_id: IdPath) -> Response:
    return here.act(
        lambda launch: beta.set_status(
            here.session, here.user, launch, customer_id, parse(BetaStatusIn, form).status
        ),
        "Beta customer updated.",
    )


@router.post("/launches/{launch_id}/feedback", response_class=HTMLResponse)
async def add_feedback(here: Here, form: Posted) -> Response:
    return here.act(
        lambda launch: beta.add_feedback(
            here.session, here.user, launch, parse(BetaFeedbackIn, form)
        ),
        "Feedback logged.",
    )


@router.post("/launches/{launch_id}/packaging/moves", response_class=HTMLResponse)
async def plan_move(here: Here, form: Posted) -> Response:
    for end in ("from_id", "to_id"):
        if not form.get(end):
            form.pop(end, None)
    return here.act(
        lambda launch: packaging.add_move(
            here.session, here.user, launch, parse(PackagingMoveIn, form), now=here.now
        ),
        _("Move planned."),
    )


@router.post("/launches/{launch_id}/packaging/moves/{move_id}/remove", response_class=HTMLResponse)
def drop_move(here: Here, move_id: IdPath) -> Response:
    return here.act(
        lambda launch: packaging.drop_move(here.session, here.user, launch, move_id),
        _("Move taken back."),
    )


@router.post("/launches/{launch_id}/packaging/prices", response_class=HTMLResponse)
async def plan_price(here: Here, form: Posted) -> Response:
    amount = form.pop("amount", "")
    form["bands"] = [{"from_units": 1, "amount": amount}]
    book_id = as_id(str(form.pop("book_id", "")))

    def act(launch: Launch) -> object:
        if book_id is None:
            raise Invalid.about("book_id", _("Choose the price book."))
        data = parse(PriceIn, form)
        return packaging.add_price(here.session, here.user, launch, book_id, data, today=here.today)

    return here.act(act, _("Price planned; it is held until the launch goes GA."))


@router.post(
    "/launches/{launch_id}/packaging/prices/{price_id}/remove", response_class=HTMLResponse
)
def drop_price(here: Here, price_id: IdPath) -> Response:
    return here.act(
        lambda launch: packaging.drop_price(
            here.session, here.user, launch, price_id, today=here.today
        ),
        _("Held price taken back."),
    )
