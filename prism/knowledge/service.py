"""The knowledge core: create, change, link, publish and retire items of every kind."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process
from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Action, Principal, can, require
from prism.errors import Conflict, Invalid, NotFound, check_version
from prism.i18n import N_, _, term
from prism.knowledge import history, indexing
from prism.knowledge.access import may_edit, may_read, readable_by, require_edit, require_read
from prism.knowledge.kinds import KINDS, Kind, kind_word, link_problem, products_problem
from prism.knowledge.models import Audience, Facet, Item, ItemFacet, ItemFile, ItemLink, Status
from prism.knowledge.schemas import ItemIn, ItemUpdate, LinkIn
from prism.pagination import PageOf, paginate
from prism.people.models import User
from prism.schemas import as_id
from prism.search import index
from prism.validation import field_errors, summary

FULL = (
    selectinload(Item.owner),
    selectinload(Item.verifier),
    selectinload(Item.facets),
    selectinload(Item.links).selectinload(ItemLink.target),
    selectinload(Item.file),
)


def kind_named(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(_("There is no kind of item called {name}.", name=name))
    return kind


@dataclass(frozen=True)
class ItemFilter:
    """What a library list is narrowed to; every part is optional."""

    kind: str | None = None
    kinds: Sequence[str] = ()
    status: Status | None = None
    audience: Audience | None = None
    facet_ids: Sequence[int] = ()
    linked_to: Sequence[int] = ()
    owner_id: int | None = None
    text: str | None = None


def filtered(stmt: Select[Any], actor: Principal, spec: ItemFilter) -> Select[Any]:
    """`stmt` over items narrowed to what `actor` may read and `spec` asks for."""
    stmt = stmt.where(readable_by(actor))
    if spec.kind:
        stmt = stmt.where(Item.kind == spec.kind)
    if spec.kinds:
        stmt = stmt.where(Item.kind.in_(spec.kinds))
    if spec.status:
        stmt = stmt.where(Item.status == spec.status)
    if spec.audience:
        stmt = stmt.where(Item.audience == spec.audience)
    if spec.owner_id:
        stmt = stmt.where(Item.owner_id == spec.owner_id)
    for facet_id in spec.facet_ids:
        tagged = select(ItemFacet.item_id).where(ItemFacet.facet_id == facet_id)
        stmt = stmt.where(Item.id.in_(tagged))
    for target_id in spec.linked_to:
        stmt = stmt.where(or_(Item.id == target_id, Item.id.in_(_linked_with(target_id))))
    if spec.text:
        stmt = stmt.where(func.lower(Item.title).contains(spec.text.strip().lower()))
    return stmt


def _linked_with(item_id: int) -> Select[tuple[int]]:
    outgoing = select(ItemLink.source_id).where(ItemLink.target_id == item_id)
    incoming = select(ItemLink.target_id).where(ItemLink.source_id == item_id)
    return outgoing.union(incoming)  # type: ignore[return-value]


def list_items(
    session: Session,
    actor: Principal,
    spec: ItemFilter,
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[Item]:
    """Items `actor` may read, newest first, narrowed by `spec`."""
    require(actor, Action.READ_PUBLISHED)
    stmt = filtered(select(Item), actor, spec)
    return paginate(session, stmt, key=Item.id, limit=limit, cursor=cursor, newest_first=True)


def items_of_kind(
    session: Session, actor: Principal, ids: Sequence[int], kind: str | None, *, field: str
) -> list[Item]:
    """The items `ids`, in order and once each, if each is a `kind` (any, for None) that
    `actor` may read; otherwise `Invalid` about `field`, naming the first that is not."""
    stmt = select(Item).where(Item.id.in_(ids), readable_by(actor))
    if kind is not None:
        stmt = stmt.where(Item.kind == kind)
    found = {i.id: i for i in session.scalars(stmt)}
    missing = next((i for i in ids if i not in found), None)
    if missing is not None:
        raise Invalid.about(
            field,
            _(
                "No {replace} {missing}.",
                replace=kind_word(kind),
                missing=missing,
            ),
        )
    return [found[i] for i in dict.fromkeys(ids)]


def choices(session: Session, actor: Principal, kind: str | None) -> list[Item]:
    """The items of `kind` (any, for None) `actor` may read, for a form's picker."""
    return list_items(session, actor, ItemFilter(kind=kind), limit=200).items


def get_item(session: Session, actor: Principal, item_id: int, kind: str | None = None) -> Item:
    """One item with its owner, facets, links and file loaded, if `actor` may read it."""
    require(actor, Action.READ_PUBLISHED)
    item = session.scalar(select(Item).where(Item.id == item_id).options(*FULL))
    if item is None or (kind is not None and item.kind != kind):
        raise NotFound(
            _(
                "No {replace} {item_id}.",
                replace=kind_word(kind),
                item_id=item_id,
            )
        )
    require_read(actor, item)
    return item


# How alike a typed name must be to a stored title (0–100, rapidfuzz's WRatio, which forgives
# case, word order, a small typo and a name given in part) to be taken for it.
NAME_MATCH = 85


def find_item(session: Session, actor: Principal, kind: str, name_or_id: str) -> Item:
    """The `kind` item that `name_or_id` names — its id, or its title typed loosely — if
    `actor` may read it; `NotFound` listing the titles they may read otherwise."""
    require(actor, Action.READ_PUBLISHED)
    name = name_or_id.strip()
    if (item_id := as_id(name)) is not None:
        return get_item(session, actor, item_id, kind)
    stmt = select(Item.id, Item.title).where(Item.kind == kind, readable_by(actor))
    titles: dict[int, str] = dict(session.execute(stmt).all())
    best = process.extractOne(
        name.casefold(),
        {item_id: title.casefold() for item_id, title in titles.items()},
        scorer=fuzz.WRatio,
        score_cutoff=NAME_MATCH,
    )
    if best is None:
        known = ", ".join(sorted(titles.values())) or "none"
        raise NotFound(
            _(
                "No {replace} called {name!r}. Known: {known}.",
                replace=kind_word(kind),
                name=name,
                known=known,
            )
        )
    return get_item(session, actor, best[2], kind)


def create_item(
    session: Session,
    actor: Principal,
    kind: str,
    data: ItemIn,
    *,
    now: datetime,
    file: ItemFile | None = None,
) -> Item:
    """A new draft of `kind`, owned by its author unless an editor names another owner."""
    require(actor, Action.PROPOSE_CONTENT)
    spec = kind_named(kind)
    owner_id = data.owner_id if data.owner_id and _may_assign(actor) else actor.id
    item = Item(
        uid=str(uuid.uuid4()),
        kind=kind,
        title=data.title,
        summary=data.summary,
        body=data.body,
        audience=data.audience,
        verify_every_days=data.verify_every_days,
        owner_id=_existing_user(session, owner_id),
        fields=validated_fields(spec, _plain(data.fields)),
        status=Status.DRAFT,
        review_due_at=now + timedelta(days=data.verify_every_days),
        file=file,
    )
    session.add(item)
    session.flush()
    _set_facets(session, item, data.facet_ids)
    _set_links(session, actor, item, data.links)
    return _saved(session, actor, item, "Created", now=now, touch=False)


def update_item(
    session: Session,
    actor: Principal,
    item_id: int,
    data: ItemUpdate,
    *,
    now: datetime,
    note: str = "Edited",
    kind: str | None = None,
) -> Item:
    """Change an item as of `data.version`; an edit against an older copy is refused (409)."""
    item = _for_edit(session, actor, item_id, data.version, kind)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "fields"})
    for name in ("title", "summary", "body", "audience", "verify_every_days"):
        if changes.get(name) is not None:
            setattr(item, name, changes[name])
    if changes.get("owner_id") is not None:
        require(actor, Action.EDIT_CONTENT)
        item.owner_id = _existing_user(session, changes["owner_id"])
    if data.fields is not None:
        merged = {**item.fields, **_plain(data.fields, only_set=True)}
        item.fields = validated_fields(kind_named(item.kind), merged)
    if data.facet_ids is not None:
        _set_facets(session, item, data.facet_ids)
    if data.links is not None:
        _set_links(session, actor, item, data.links)
    schedule_review(item, now)
    return _saved(session, actor, item, note, now=now)


def restore_version(
    session: Session, actor: Principal, item_id: int, number: int, *, version: int, now: datetime
) -> Item:
    """Bring back an earlier version's content as a new version; facets and links that no
    longer exist are left out. The lifecycle status stays where it is."""
    item = get_item(session, actor, item_id)
    old = history.get_version(session, item_id, number).snapshot
    facet_ids = set(
        session.scalars(select(Facet.id).where(Facet.id.in_([f["id"] for f in old["facets"]])))
    )
    target_ids = {lk["target_id"] for lk in old["links"]}
    alive = {
        t.id
        for t in session.scalars(select(Item).where(Item.id.in_(target_ids)))
        if may_read(actor, t)
    }
    data = ItemUpdate(
        version=version,
        title=old["title"],
        summary=old["summary"],
        body=old["body"],
        audience=old["audience"],
        verify_every_days=old["verify_every_days"],
        facet_ids=sorted(facet_ids),
        links=[
            LinkIn(relation=lk["relation"], target_id=lk["target_id"])
            for lk in old["links"]
            if lk["target_id"] in alive
        ],
        fields=old["fields"],
    )
    return update_item(session, actor, item.id, data, now=now, note=f"Restored version {number}")


def delete_item(
    session: Session, actor: Principal, item_id: int, *, version: int, kind: str | None = None
) -> None:
    """Remove an item for good (editors); archiving keeps it, this does not."""
    require(actor, Action.EDIT_CONTENT)
    item = get_item(session, actor, item_id, kind)
    _check_version(item, version)
    index.remove(session, item.id)
    session.delete(item)
    session.flush()


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[Status]
    target: Status
    action: Action


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit",
            N_("Submit for review"),
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            Action.PROPOSE_CONTENT,
        ),
        Transition(
            "publish",
            N_("Publish"),
            frozenset({Status.DRAFT, Status.IN_REVIEW}),
            Status.PUBLISHED,
            Action.PUBLISH_CONTENT,
        ),
        Transition(
            "request_changes",
            N_("Send back to draft"),
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            Action.PUBLISH_CONTENT,
        ),
        Transition(
            "archive",
            N_("Archive"),
            frozenset({Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED}),
            Status.ARCHIVED,
            Action.PUBLISH_CONTENT,
        ),
        Transition(
            "reopen",
            N_("Reopen as a draft"),
            frozenset({Status.PUBLISHED, Status.ARCHIVED}),
            Status.DRAFT,
            Action.PUBLISH_CONTENT,
        ),
    )
}


def transitions_for(actor: Principal, item: Item) -> list[Transition]:
    """The lifecycle steps `actor` may take on `item` now, for buttons and the API."""
    return [
        t
        for t in TRANSITIONS.values()
        if item.status in t.sources and can(actor, t.action) and may_edit(actor, item)
    ]


def transition(
    session: Session,
    actor: Principal,
    item_id: int,
    name: str,
    *,
    version: int,
    now: datetime,
    note: str = "",
) -> Item:
    """Move an item along its lifecycle: draft → in review → published → archived."""
    step = TRANSITIONS.get(name)
    if step is None:
        raise NotFound(_("There is no lifecycle step called {name}.", name=name))
    item = get_item(session, actor, item_id)
    require_edit(actor, item)
    require(actor, step.action)
    _check_version(item, version)
    if item.status not in step.sources:
        raise Conflict(
            _(
                "“{step}” is not possible while the item is {replace}.",
                step=_(step.label),
                replace=term(item.status.value),
            )
        )
    item.status = step.target
    if step.target == Status.PUBLISHED:
        item.published_at = now
    return _saved(session, actor, item, note or step.label, now=now)


def verify(
    session: Session, actor: Principal, item_id: int, *, version: int, now: datetime
) -> Item:
    """Confirm an item is still true today: it is fresh for another verify-every period."""
    require(actor, Action.EDIT_CONTENT)
    item = get_item(session, actor, item_id)
    _check_version(item, version)
    item.verified_at = now
    item.verifier_id = actor.id
    schedule_review(item, now)
    return _saved(session, actor, item, "Verified", now=now)


def schedule_review(item: Item, now: datetime) -> None:
    """When the item next needs a look: verify-every days after it was last verified (or, never
    verified, after its creation)."""
    start = item.verified_at or item.created_at or now
    item.review_due_at = start + timedelta(days=item.verify_every_days)


def add_link(
    session: Session, actor: Principal, item_id: int, link: LinkIn, *, version: int, now: datetime
) -> Item:
    """Link an item to another; the link is part of the item's next version."""
    item = _for_edit(session, actor, item_id, version)
    current = [LinkIn(relation=lk.relation, target_id=lk.target_id) for lk in item.links]
    if any(lk == link for lk in current):
        raise Conflict(_("These items are already linked that way."))
    _set_links(session, actor, item, [*current, link])
    return _saved(session, actor, item, "Linked", now=now)


def remove_link(
    session: Session, actor: Principal, item_id: int, link_id: int, *, version: int, now: datetime
) -> Item:
    item = _for_edit(session, actor, item_id, version)
    kept = [lk for lk in item.links if lk.id != link_id]
    if len(kept) == len(item.links):
        raise NotFound(_("Item {item_id} has no link {link_id}.", item_id=item_id, link_id=link_id))
    relinked = [LinkIn(relation=lk.relation, target_id=lk.target_id) for lk in kept]
    _set_links(session, actor, item, relinked)
    return _saved(session, actor, item, "Unlinked", now=now)


def backlinks(session: Session, actor: Principal, item_id: int) -> list[tuple[str, Item]]:
    """Items that link to this one and that `actor` may read, with the relation they use."""
    rows = session.execute(
        select(ItemLink.relation, Item)
        .join(Item, Item.id == ItemLink.source_id)
        .where(ItemLink.target_id == item_id, readable_by(actor))
        .order_by(ItemLink.relation, Item.title)
    )
    return [(relation, source) for relation, source in rows]


def validated_fields(kind: Kind, raw: dict[str, Any]) -> dict[str, Any]:
    """The kind's own fields, checked and normalised; a mistake names the field."""
    try:
        return kind.fields.model_validate(raw).model_dump(mode="json")
    except ValidationError as exc:
        errors = field_errors(exc.errors(), under=("fields",))
        raise Invalid(summary(errors), errors=errors) from None


def _plain(fields: dict[str, Any] | BaseModel, *, only_set: bool = False) -> dict[str, Any]:
    if isinstance(fields, BaseModel):
        return fields.model_dump(mode="json", exclude_unset=only_set)
    return dict(fields)


def _may_assign(actor: Principal) -> bool:
    return can(actor, Action.EDIT_CONTENT)


def _existing_user(session: Session, user_id: int | None) -> int | None:
    if user_id is not None and session.get(User, user_id) is None:
        raise Invalid(
            _("No user {user_id}.", user_id=user_id),
            errors=[{"field": "owner_id", "message": "unknown"}],
        )
    return user_id


def _set_facets(session: Session, item: Item, facet_ids: Sequence[int]) -> None:
    wanted = set(facet_ids)
    found = list(session.scalars(select(Facet).where(Facet.id.in_(wanted)))) if wanted else []
    missing = wanted - {facet.id for facet in found}
    if missing:
        raise Invalid(
            _("No facet {min}.", min=min(missing)),
            errors=[{"field": "facet_ids", "message": "unknown"}],
        )
    session.execute(delete(ItemFacet).where(ItemFacet.item_id == item.id))
    session.add_all(ItemFacet(item_id=item.id, facet_id=facet.id) for facet in found)
    session.flush()
    session.expire(item, ["facets"])


def _set_links(session: Session, actor: Principal, item: Item, links: Sequence[LinkIn]) -> None:
    unique = list(dict.fromkeys((lk.relation, lk.target_id) for lk in links))
    targets = {
        t.id: t
        for t in session.scalars(select(Item).where(Item.id.in_({t for _unused, t in unique})))
    }
    for relation, target_id in unique:
        _check_link(actor, item, relation, targets.get(target_id), target_id)
    problem = products_problem(item.kind, len({t for r, t in unique if r == "product"}))
    if problem:
        raise Invalid(problem, errors=[{"field": "links", "message": problem}])
    session.execute(delete(ItemLink).where(ItemLink.source_id == item.id))
    session.add_all(
        ItemLink(source_id=item.id, target_id=target_id, relation=relation)
        for relation, target_id in unique
    )
    session.flush()
    session.expire(item, ["links"])


def _check_link(
    actor: Principal, item: Item, relation: str, target: Item | None, target_id: int
) -> None:
    if target is None or not may_read(actor, target):
        raise Invalid(
            _("No item {target_id} to link to.", target_id=target_id), errors=[{"field": "links"}]
        )
    problem = link_problem(relation, target.kind, to_itself=target.id == item.id)
    if problem:
        raise Invalid(problem, errors=[{"field": "links", "message": problem}])


def of_product(product_id: int, *kinds: str) -> Select[Any]:
    """The items of `kinds` that belong to the product `product_id`."""
    linked = select(ItemLink.source_id).where(
        ItemLink.relation == "product", ItemLink.target_id == product_id
    )
    return select(Item).where(Item.kind.in_(kinds), Item.id.in_(linked))


def _check_package(session: Session, item: Item) -> None:
    """An edition or add-on carries only its own product's features, and an add-on goes only
    with its own product's editions."""
    if item.kind not in ("edition", "add_on"):
        return
    product_id = next(lk.target_id for lk in item.links if lk.relation == "product")
    for name, kind in (("features", "feature"), ("available_with", "edition")):
        wanted = [x["feature"] if isinstance(x, dict) else x for x in item.fields.get(name, [])]
        if not wanted:
            continue
        known = set(session.scalars(of_product(product_id, kind).with_only_columns(Item.uid)))
        stray = next((uid for uid in wanted if uid not in known), None)
        if stray is not None:
            problem = _(
                "{uid} is not a {kind} of this item's product.", uid=stray, kind=kind_word(kind)
            )
            raise Invalid(problem, errors=[{"field": f"fields.{name}", "message": problem}])


def _for_edit(
    session: Session, actor: Principal, item_id: int, version: int, kind: str | None = None
) -> Item:
    """The item, if `actor` may change it and has read its current version."""
    item = get_item(session, actor, item_id, kind)
    require_edit(actor, item)
    _check_version(item, version)
    return item


def _check_version(item: Item, version: int) -> None:
    check_version(item.kind.replace("_", " "), version, item.version)


def _saved(
    session: Session, actor: Principal, item: Item, note: str, *, now: datetime, touch: bool = True
) -> Item:
    # Touching the row makes every change (links and facets too) bump the item's version once,
    # so an item's version number and its history's numbering stay the same.
    if touch:
        item.updated_at = now
    session.flush()
    loaded = session.scalar(
        select(Item)
        .where(Item.id == item.id)
        .options(*FULL)
        .execution_options(populate_existing=True)
    )
    assert loaded is not None
    _check_package(session, loaded)
    history.record(session, actor, loaded, note, now=now)
    indexing.index_items(session, [loaded])
    return loaded
