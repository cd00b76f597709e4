"""Rendering as the rest of Prism uses it: render an item, find out whether an output has fallen
behind its sources, re-render it, download it, and keep the brand theme."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Action, Principal, require
from prism.errors import Conflict, Invalid, NotFound, check_version
from prism.filestore import FileStore
from prism.i18n import _, translate
from prism.knowledge import assets, files
from prism.knowledge.access import require_read
from prism.knowledge.audience import customer_problem, customer_title
from prism.knowledge.models import Audience, Item
from prism.knowledge.service import get_item
from prism.people.models import User
from prism.pricing import plans
from prism.pricing import service as pricing
from prism.render import brief as briefs
from prism.render import documents
from prism.render.brand import Look
from prism.render.layouts import LAYOUTS, MEDIA_TYPES, Layout, choose
from prism.render.models import Rendition, Theme
from prism.render.schemas import RenderIn, ThemeIn
from prism.schemas import as_id, parse

LOGO_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Output:
    """A rendition and whether its sources (or the theme) have changed since it was made."""

    rendition: Rendition
    outdated: bool


def house_theme(session: Session) -> Theme:
    """The one theme every output wears: Prism's defaults, not yet saved, until someone edits it
    (so reading it never writes)."""
    theme = session.scalar(select(Theme).order_by(Theme.id).limit(1))
    return theme if theme is not None else Theme.defaults()


def _saved_theme(session: Session) -> Theme:
    theme = house_theme(session)
    if theme.id is None:
        theme.version = None  # the first save numbers it 1
        session.add(theme)
        session.flush()
    return theme


def house_look(session: Session, store: FileStore) -> Look:
    """The house theme as the renderers read it."""
    return look_of(house_theme(session), store)


def look_of(theme: Theme, store: FileStore) -> Look:
    logo = store.get(theme.logo_key) if theme.logo_key else None
    return Look(
        theme.company,
        theme.primary,
        theme.accent,
        theme.ink,
        theme.heading_font,
        theme.body_font,
        logo,
        theme.logo_media_type,
    )


def update_theme(session: Session, actor: Principal, data: ThemeIn, *, version: int) -> Theme:
    """Change the brand; every output rendered before becomes outdated."""
    require(actor, Action.EDIT_CONTENT)
    check_version("theme", version, house_theme(session).version)
    theme = _saved_theme(session)
    for name in ThemeIn.model_fields:
        setattr(theme, name, getattr(data, name))
    session.flush()
    return theme


def set_logo(
    session: Session,
    actor: Principal,
    *,
    filename: str,
    data: bytes,
    version: int,
    store: FileStore,
) -> Theme:
    """Use an uploaded PNG or JPEG as the logo; anything else is refused and nothing is kept."""
    require(actor, Action.EDIT_CONTENT)
    check_version("theme", version, house_theme(session).version)
    theme = _saved_theme(session)
    found = files.inspect(filename, data, max_bytes=LOGO_BYTES)
    if found.format.media_type not in ("image/png", "image/jpeg"):
        raise Invalid.about(
            "file",
            _("A logo must be a PNG or JPEG image, not a {kind}.", kind=found.format.label),
        )
    theme.logo_key, theme.logo_media_type = store.put(data), found.format.media_type
    session.flush()
    return theme


def render(
    session: Session,
    actor: Principal,
    item_id: int,
    data: RenderIn,
    *,
    store: FileStore,
    now: datetime,
) -> Output:
    """The item in the chosen layout and format: the stored output if nothing it drew on has
    changed, otherwise a fresh one (which replaces the outdated file)."""
    plan = _plan(session, actor, item_id, data, now=now)
    if plan.stored is not None:
        return Output(plan.stored, outdated=False)
    made, content = plan.produce(store)
    rendition = plan.existing or Rendition(
        item_id=plan.source.id,
        layout=plan.layout.name,
        format=plan.fmt,
        options=plan.options,
        options_key=_key(plan.options),
    )
    rendition.inputs, rendition.gaps = plan.inputs, made.gaps
    rendition.omitted, rendition.chosen = made.omitted, made.chosen
    rendition.file_key, rendition.size = store.put(content), len(content)
    rendition.filename, rendition.media_type = plan.filename, MEDIA_TYPES[plan.fmt]
    rendition.rendered_at, rendition.rendered_by_id = now, actor.id
    if plan.existing is not None:
        session.flush()
        return Output(rendition, outdated=False)
    try:
        with session.begin_nested():
            session.add(rendition)
    except IntegrityError:
        # Someone rendered the same output at the same moment; theirs is as fresh as this one.
        other = _existing(session, plan.source.id, plan.layout.name, plan.fmt, plan.options)
        assert other is not None
        return Output(other, outdated=False)
    return Output(rendition, outdated=False)


def current_file(
    session: Session,
    actor: Principal,
    item_id: int,
    data: RenderIn,
    *,
    store: FileStore,
    now: datetime,
) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of the output as it would be now: the stored file when
    nothing changed, otherwise rendered afresh and not stored, so a read (a zip, a buyer's
    download) never waits for the write lock."""
    plan = _plan(session, actor, item_id, data, now=now)
    if plan.stored is not None:
        return plan.stored.filename, plan.stored.media_type, store.get(plan.stored.file_key)
    return plan.filename, MEDIA_TYPES[plan.fmt], plan.produce(store)[1]


def output_file(
    session: Session,
    actor: Principal,
    item_id: int,
    data: RenderIn,
    *,
    store: FileStore,
    now: datetime,
    keep: bool,
) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of an output: with `keep`, stored for the next time (the
    background job); without, only read (`current_file`)."""
    if not keep:
        return current_file(session, actor, item_id, data, store=store, now=now)
    made = render(session, actor, item_id, data, store=store, now=now).rendition
    return made.filename, made.media_type, store.get(made.file_key)


# The layout an item is handed over in (a kit's zip, a buyer's download); other kinds go as a
# plain sheet of their own text, files as they were uploaded.
HANDOUT_LAYOUT = {
    "product": "one_pager",
    "solution": "one_pager",
    "story": "one_pager",
    "battlecard": "battlecard",
}


def item_file(
    session: Session,
    actor: Principal,
    item: Item,
    *,
    store: FileStore,
    now: datetime,
    keep: bool = False,
    internal: bool = False,
) -> tuple[str, str, bytes]:
    """(file name, media type, bytes): an item as one file someone can open; for customers
    unless `internal`, so an item that may not reach them is refused with the reason."""
    problem = None if internal else customer_problem(item)
    if problem is not None:
        raise Conflict(problem)
    if item.kind == "asset":
        stored, data = assets.download(session, actor, item.id, store)
        return stored.filename, stored.media_type, data
    layout = HANDOUT_LAYOUT.get(item.kind)
    if layout is not None:
        audience = "internal" if internal and LAYOUTS[layout].external else None
        wanted = RenderIn(format="pdf", layout=layout, audience=audience)
        return output_file(session, actor, item.id, wanted, store=store, now=now, keep=keep)
    sheet = briefs.Brief(
        title=item.title,
        subtitle=item.summary,
        kind_label=item.kind.replace("_", " "),
        audience=Audience.INTERNAL if internal else Audience.CUSTOMER,
    )
    content = documents.pdf("item_sheet", sheet, house_look(session, store), item.body)
    return f"{slug(item.title, 'item')}.pdf", MEDIA_TYPES["pdf"], content


@dataclass(frozen=True)
class _Plan:
    """What rendering an output needs, read before anything is produced or written."""

    source: Item
    layout: Layout
    options: dict[str, Any]
    fmt: str
    theme: Theme
    gathered: briefs.Gathered
    inputs: dict[str, int]
    existing: Rendition | None
    seller: briefs.Contact | None = None

    @property
    def stored(self) -> Rendition | None:
        """The stored output, when nothing it was made from has changed since."""
        return self.existing if self.existing and self.existing.inputs == self.inputs else None

    @property
    def external(self) -> bool:
        return for_customers(self.layout, self.options)

    @property
    def filename(self) -> str:
        title = customer_title(self.source) if self.external else self.source.title
        words = [title, self.layout.label, self.options.get("customer", "")]
        words += [] if self.external else ["internal"]
        return f"{slug(' '.join(w for w in words if w), 'output')}.{self.fmt}"

    def produce(self, store: FileStore) -> tuple[briefs.Brief, bytes]:
        made = briefs.build(self.gathered, self.options, external=self.external, seller=self.seller)
        look = look_of(self.theme, store)
        return made, self.layout.producers[self.fmt](made, look, self.source.body)


def _plan(
    session: Session, actor: Principal, item_id: int, data: RenderIn, *, now: datetime
) -> _Plan:
    source = get_item(session, actor, item_id)
    layout = _layout(source.kind, data.format, data.layout)
    options = data.options()
    _check_audience(source, layout, data)
    theme = house_theme(session)
    preview = _preview(session, options)
    if preview is not None:
        _check_preview(session, source, preview)
    gathered = briefs.gather(
        session, source, external=for_customers(layout, options), now=now, preview=preview
    )
    existing = _existing(session, source.id, layout.name, data.format, options)
    inputs = _inputs(gathered, theme)
    seller = _seller(session, data.seller_id)
    return _Plan(source, layout, options, data.format, theme, gathered, inputs, existing, seller)


def _seller(session: Session, user_id: int | None) -> briefs.Contact | None:
    """The person who signs an output, as the customer will read their name and contact."""
    if user_id is None:
        return None
    user = session.scalar(select(User).where(User.id == user_id).options(selectinload(User.team)))
    if user is None or not user.is_active:
        raise Invalid.about(
            "seller_id", _("No active person {user_id} to sign this output.", user_id=user_id)
        )
    return briefs.Contact(user.name, user.email, user.team.name if user.team else "")


def for_customers(layout: Layout, options: dict[str, Any]) -> bool:
    """Is an output of `layout` rendered with `options` meant for customers?"""
    return layout.external and options.get("audience") != "internal"


def _check_audience(source: Item, layout: Layout, data: RenderIn) -> None:
    """A customer output is made only from a source that may reach customers."""
    if data.audience == "customer" and not layout.external:
        raise Invalid.about(
            "audience",
            _(
                "A {layout} is for our own team: render it for internal use.",
                layout=translate(layout.label).lower(),
            ),
        )
    problem = customer_problem(source) if for_customers(layout, data.options()) else None
    if problem is not None:
        message = _(
            "A {layout} goes to customers, and {problem} Render it for internal use instead, "
            "or ask an editor to make it customer-shareable.",
            layout=translate(layout.label).lower(),
            problem=problem,
        )
        raise Conflict(message, errors=[{"field": "audience", "message": message}])


def again(rendition: Rendition) -> RenderIn:
    """The request that made `rendition`, to make it again."""
    return RenderIn(format=rendition.format, layout=rendition.layout, **rendition.options)


def rerender(
    session: Session, actor: Principal, rendition_id: int, *, store: FileStore, now: datetime
) -> Output:
    """Render an output again from its sources as they are now."""
    rendition = get_rendition(session, actor, rendition_id)
    return render(session, actor, rendition.item_id, again(rendition), store=store, now=now)


def get_rendition(session: Session, actor: Principal, rendition_id: int) -> Rendition:
    """A rendition, if `actor` may read the item it was rendered from."""
    rendition = session.scalar(
        select(Rendition)
        .where(Rendition.id == rendition_id)
        .options(selectinload(Rendition.item), selectinload(Rendition.rendered_by))
    )
    if rendition is None:
        raise NotFound(_("No rendered output {rendition_id}.", rendition_id=rendition_id))
    try:
        require_read(actor, rendition.item)
    except NotFound:
        raise NotFound(_("No rendered output {rendition_id}.", rendition_id=rendition_id)) from None
    return rendition


def outputs_of(session: Session, actor: Principal, item_id: int, *, now: datetime) -> list[Output]:
    """Every output rendered from an item, each saying whether it is outdated."""
    source = get_item(session, actor, item_id)
    rows = session.scalars(
        select(Rendition)
        .where(Rendition.item_id == source.id)
        .options(selectinload(Rendition.rendered_by), selectinload(Rendition.item))
        .order_by(Rendition.layout, Rendition.format, Rendition.id)
    )
    return [Output(r, is_outdated(session, r, now=now)) for r in rows]


def previews(session: Session, item_id: int, launch_id: int, *, now: datetime) -> list[Output]:
    """The customer pricing sheets of a product rendered for a launch's packaging change,
    newest first, each saying whether it is outdated."""
    rows = session.scalars(
        select(Rendition)
        .where(Rendition.item_id == item_id, Rendition.layout == "pricing_sheet")
        .order_by(Rendition.rendered_at.desc())
    )
    return [
        Output(r, is_outdated(session, r, now=now))
        for r in rows
        if r.options.get("launch_id") == launch_id and r.options.get("audience") != "internal"
    ]


def is_outdated(session: Session, rendition: Rendition, *, now: datetime) -> bool:
    """Has the source, anything it drew on, a claim's freshness or the theme changed since this
    was rendered?"""
    layout = LAYOUTS[rendition.layout]
    source = session.get(Item, rendition.item_id)
    assert source is not None  # renditions go with their item (ON DELETE CASCADE)
    external = for_customers(layout, rendition.options)
    preview = _preview(session, rendition.options)
    gathered = briefs.gather(session, source, external=external, now=now, preview=preview)
    return _inputs(gathered, house_theme(session)) != rendition.inputs


def _check_preview(session: Session, source: Item, preview: plans.Plan) -> None:
    """A preview shows a packaging change of the product it is rendered from."""
    if preview.empty:
        raise Invalid.about(
            "launch_id",
            _(
                "The launch {launch} carries no packaging change to preview.",
                launch=pricing.launch_name(session, preview.launch_id),
            ),
        )
    if source.id not in preview.products():
        raise Invalid.about(
            "launch_id",
            _(
                "The launch {launch} changes another product's packaging than “{title}”.",
                launch=pricing.launch_name(session, preview.launch_id),
                title=source.title,
            ),
        )


def _preview(session: Session, options: dict[str, Any]) -> plans.Plan | None:
    """The packaging change an output previews, if it was rendered for a launch."""
    launch_id = options.get("launch_id")
    return plans.planned(session, int(launch_id)) if launch_id else None


def download(
    session: Session, actor: Principal, rendition_id: int, store: FileStore
) -> tuple[Rendition, bytes]:
    rendition = get_rendition(session, actor, rendition_id)
    return rendition, store.get(rendition.file_key)


# What the command line renders by kind: every kind some layout is made from.
SOURCE_KINDS = sorted(set().union(*(layout.kinds for layout in LAYOUTS.values())))


def render_source(
    session: Session,
    actor: Principal,
    source: str,
    *,
    fmt: str,
    layout: str | None = None,
    choices: dict[str, str] | None = None,
    store: FileStore,
    now: datetime,
) -> Output:
    """Render `kind:ID` (`solution:12`, `battlecard:3`, …, or `faqs:PRODUCT_ID` for the product's
    FAQ sheet), as the command line names it, with `choices` (customer, industry, against,
    audience, language) as `RenderIn` takes them; empty ones are left out."""
    kind, _unused, ident = source.partition(":")
    item_id = as_id(ident)
    if kind not in (*SOURCE_KINDS, "faqs") or item_id is None:
        raise Invalid.about(
            "source",
            _(
                "Name what to render as kind:ID, kind one of {kinds} or faqs.",
                kinds=", ".join(SOURCE_KINDS),
            ),
        )
    item = get_item(session, actor, item_id, "product" if kind == "faqs" else kind)
    wanted = {
        "format": fmt,
        "layout": "faq_sheet" if kind == "faqs" else layout,
        **{name: value for name, value in (choices or {}).items() if value},
    }
    return render(session, actor, item.id, parse(RenderIn, wanted), store=store, now=now)


def rerender_outdated(
    session: Session, actor: Principal, *, store: FileStore, now: datetime
) -> int:
    """Render again every output whose sources or theme changed; how many were made. A customer
    output whose source may no longer reach customers, or a preview of a packaging change since
    dropped, is left as it is (outdated), not made."""
    stale = [r.id for r in session.scalars(select(Rendition)) if is_outdated(session, r, now=now)]
    made = 0
    for rendition_id in stale:
        try:
            with session.begin_nested():
                rerender(session, actor, rendition_id, store=store, now=now)
        except (Conflict, Invalid):  # no longer allowed, or a preview of a dropped change
            continue
        made += 1
    return made


def _layout(kind: str, fmt: str, layout: str | None) -> Layout:
    chosen = choose(kind, fmt, layout)
    if isinstance(chosen, str):
        raise Invalid(
            chosen, errors=[{"field": "layout" if layout else "format", "message": chosen}]
        )
    return chosen


# The renderers' own version: when layouts or what may reach a customer change, outputs made
# before are outdated and are made again.
RENDERER = 3


def _inputs(gathered: briefs.Gathered, theme: Theme) -> dict[str, int]:
    return gathered.depends_on | {"theme": theme.version or 0, "renderer": RENDERER}


def _existing(
    session: Session, item_id: int, layout: str, fmt: str, options: dict[str, Any]
) -> Rendition | None:
    return session.scalar(
        select(Rendition).where(
            Rendition.item_id == item_id,
            Rendition.layout == layout,
            Rendition.format == fmt,
            Rendition.options_key == _key(options),
        )
    )


def _key(options: dict[str, Any]) -> str:
    return json.dumps(options, sort_keys=True, ensure_ascii=False)[:400]


def slug(text: str, fallback: str) -> str:
    """`text` as a file name: words joined by hyphens, lower case, any script kept."""
    return re.sub(r"\W+", "-", text).strip("-").lower()[:120] or fallback
