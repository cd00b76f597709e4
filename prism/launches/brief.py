"""The launch brief: one page the whole company reads, as markdown and as a branded PDF."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from prism.auth.policy import Principal
from prism.filestore import FileStore
from prism.knowledge.access import may_read
from prism.knowledge.positioning import Parts, statement
from prism.launches import beta, metrics, packaging, service
from prism.launches.models import Launch, Stage
from prism.pricing.plans import Plan
from prism.render import documents
from prism.render.brief import Brief
from prism.render.service import house_look


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "-"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = [header, ["---"] * len(header), *[[_cell(c) for c in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def subtitle(launch: Launch) -> str:
    product = launch.product.title if launch.product else "no product"
    when = launch.ga_on or launch.target_date
    dated = "went GA" if launch.ga_on else "launch date"
    return (
        f"Tier {launch.tier} · {product} · {launch.stage.label} · {dated} {when:%d %B %Y} · "
        f"goal: {launch.goal.value}"
    )


def positioning(launch: Launch) -> str:
    """The positioning statement as a sentence, with gaps shown as gaps."""
    return statement(
        Parts(
            launch.product.title if launch.product else "",
            launch.target,
            launch.need,
            launch.category,
            launch.benefit,
            launch.alternative,
            launch.differentiator,
        )
    )


def sections(session: Session, actor: Principal, launch: Launch, *, today: date) -> str:
    """The brief's body in markdown (everything below the title)."""
    out = [f"**Owner:** {launch.owner.name if launch.owner else 'nobody yet'}"]
    if launch.features:
        out.append("**Features:** " + ", ".join(f.title for f in launch.features))
    if launch.teams:
        out.append("**Teams to ready:** " + ", ".join(t.name for t in launch.teams))
    if launch.summary:
        out += ["## What is launching", launch.summary]
    out += ["## Positioning", f"> {positioning(launch)}"]
    rows = []
    for item in launch.bom:
        state = "done" if item.done else item.status.value.replace("_", " ")
        if item.item is not None and may_read(actor, item.item):
            state += f": {item.item.title}"
        owner = item.owner.name if item.owner else "-"
        rows.append([item.title, owner, f"{item.due_on(launch.target_date):%d %b %Y}", state])
    out += ["## Bill of materials", _table(["Deliverable", "Owner", "Due", "State"], rows)]
    report = service.check_gate(session, actor, launch.id, today=today)
    if report is not None:
        out += [f"## Readiness for {report.stage.label}", report.summary()]
        out += [
            f"- **{f.label}** ({f.state.value.replace('_', ' ')}): {f.detail}"
            for f in report.findings
        ]
    card = metrics.scorecard(session, actor, launch)
    if card.metrics:
        rows = [[m.name, m.target_text, m.source.value] for m in card.metrics]
        out += ["## Success metrics", _table(["Metric", "Target", "Source"], rows)]
    if card.checkpoints:
        rows = [
            [
                f"{p.day} days",
                f"{p.due_on:%d %b %Y}",
                p.health.value.replace("_", " ") if p.health else "not reviewed",
                p.note,
            ]
            for p, _ in card.checkpoints
        ]
        out += ["## Checkpoints", _table(["Review", "Due", "Health", "Note"], rows)]
    change = packaging.change(session, launch)
    if not change.empty:
        out += _packaging(session, actor, launch, change)
    customers = beta.customers(session, actor, launch)
    if customers:
        out += ["## Beta customers"] + [f"- {c.account.name} ({c.status.value})" for c in customers]
    return "\n\n".join(out) + "\n"


def _packaging(session: Session, actor: Principal, launch: Launch, change: Plan) -> list[str]:
    """The packaging change, and what it means for each team that talks to customers."""
    said = packaging.meaning(session, actor, launch, change)
    if change.applied:
        state = "Made when the launch went GA."
    elif launch.stage is Stage.CANCELLED:
        state = "Dropped: the launch was cancelled, so none of it was made."
    else:
        state = "Held until the GA gate passes."
    blocks = ["## Packaging change", state, "\n".join(f"- {line}" for line in said.changes)]
    for team, lines in (
        ("For sales", said.sales),
        ("For customer success", said.success),
        ("For support", said.support),
    ):
        if lines:
            blocks += [f"### {team}", "\n".join(f"- {line}" for line in lines)]
    return blocks


def markdown(session: Session, actor: Principal, launch: Launch, *, today: date) -> str:
    body = sections(session, actor, launch, today=today)
    return f"# {launch.name}\n\n_{subtitle(launch)}_\n\n{body}"


def pdf(
    session: Session, actor: Principal, launch: Launch, *, store: FileStore, today: date
) -> bytes:
    """The brief as a PDF in the house look."""
    page = Brief(title=launch.name, subtitle=subtitle(launch), kind_label="Launch brief")
    body = sections(session, actor, launch, today=today)
    return documents.pdf("item_sheet", page, house_look(session, store), body)
