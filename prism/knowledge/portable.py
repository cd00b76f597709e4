"""The whole knowledge core as one JSON document: export it, import it elsewhere, get it back.

Items, facets and link targets are named by their `uid` and people by their email, so the
document means the same thing in another database. Version snapshots are translated the same
way. Files travel inside the document (base64), checked against their SHA-256 on the way in.

Importing is all or nothing: the whole document is checked first and any mistake is reported
with where it is; only then is anything written (in the caller's transaction).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import Field, StringConstraints
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Action, Principal, require
from prism.errors import Conflict, Invalid
from prism.filestore import FileStore
from prism.i18n import _
from prism.knowledge import history, indexing
from prism.knowledge.kinds import (
    KINDS,
    KindName,
    RelationName,
    link_problem,
    products_problem,
)
from prism.knowledge.models import (
    Audience,
    Dimension,
    Facet,
    Item,
    ItemFacet,
    ItemFile,
    ItemLink,
    ItemVersion,
    Status,
)
from prism.knowledge.schemas import Body, Summary, Title, VerifyEvery
from prism.knowledge.service import FULL, validated_fields
from prism.people.models import User
from prism.schemas import Input, Output, read_shape

FORMAT: Final = "prism.knowledge/1"
Uid = Annotated[str, StringConstraints(min_length=1, max_length=36)]
Email = Annotated[str, StringConstraints(max_length=320)]


class FacetDoc(Input):
    uid: Uid
    dimension: Dimension
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class LinkDoc(Input):
    relation: RelationName
    target: Uid = Field(description="The linked item's uid.")


class FileDoc(Input):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    media_type: Annotated[str, StringConstraints(max_length=120)]
    size: Annotated[int, Field(ge=0)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    pages: int | None = None
    text: str = ""
    content: str = Field(description="The file itself, base64.")


class VersionDoc(Input):
    number: Annotated[int, Field(ge=1)]
    note: Annotated[str, StringConstraints(max_length=200)] = ""
    author: Email | None = None
    created_at: datetime
    snapshot: dict[str, Any]


class ItemDoc(Input):
    uid: Uid
    kind: KindName
    title: Title
    summary: Summary = ""
    body: Body = ""
    fields: dict[str, Any] = {}
    status: Status = Status.DRAFT
    audience: Audience = Audience.INTERNAL
    owner: Email | None = None
    verifier: Email | None = None
    verified_at: datetime | None = None
    verify_every_days: VerifyEvery = 90
    review_due_at: datetime | None = None
    published_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    facets: list[Uid] = []
    links: list[LinkDoc] = []
    file: FileDoc | None = None
    versions: list[VersionDoc] = []


class KnowledgeDoc(Input):
    """The knowledge core in one document (`prism export` writes it, `prism import` reads it)."""

    format: Literal["prism.knowledge/1"] = FORMAT
    exported_at: datetime | None = None
    facets: list[FacetDoc] = []
    items: list[ItemDoc] = []


# Item columns the document carries as they are (owners, facets, links and files are translated).
COPIED = (
    "uid",
    "kind",
    "title",
    "summary",
    "body",
    "fields",
    "status",
    "audience",
    "verified_at",
    "verify_every_days",
    "review_due_at",
    "published_at",
    "created_at",
    "updated_at",
)


class ImportReport(Output):
    items_created: int
    items_replaced: int
    facets_created: int
    unknown_people: list[str] = Field(
        description="Emails in the document with no account here; those owners are left empty."
    )


def export_core(
    session: Session, actor: Principal, store: FileStore, *, now: datetime
) -> KnowledgeDoc:
    """Every item, facet, link, version and file, as one document."""
    require(actor, Action.EDIT_CONTENT)
    emails: dict[int, str] = dict(session.execute(select(User.id, User.email)).all())
    facets = list(session.scalars(select(Facet).order_by(Facet.id)))
    facet_uid = {facet.id: facet.uid for facet in facets}
    item_uid: dict[int, str] = dict(session.execute(select(Item.id, Item.uid)).all())
    history: dict[int, list[ItemVersion]] = {}
    for version in session.scalars(select(ItemVersion).order_by(ItemVersion.number)):
        history.setdefault(version.item_id, []).append(version)
    items = session.scalars(
        select(Item)
        .order_by(Item.id)
        .options(selectinload(Item.facets), selectinload(Item.links), selectinload(Item.file))
    )
    docs = [
        ItemDoc(
            **{name: getattr(item, name) for name in COPIED},
            owner=emails.get(item.owner_id or 0),
            verifier=emails.get(item.verifier_id or 0),
            facets=sorted(facet.uid for facet in item.facets),
            links=[
                LinkDoc(relation=relation, target=target)
                for relation, target in sorted(
                    (lk.relation, item_uid[lk.target_id]) for lk in item.links
                )
            ],
            file=_file_doc(item.file, store) if item.file else None,
            versions=[
                VersionDoc(
                    number=v.number,
                    note=v.note,
                    author=emails.get(v.author_id or 0),
                    created_at=v.created_at,
                    snapshot=_portable(v.snapshot, facet_uid.get, item_uid.get, emails.get),
                )
                for v in history.get(item.id, [])
            ],
        )
        for item in items
    ]
    return KnowledgeDoc(
        exported_at=now,
        facets=[FacetDoc(uid=f.uid, dimension=f.dimension, name=f.name) for f in facets],
        items=docs,
    )


def import_core(
    session: Session,
    actor: Principal,
    doc: KnowledgeDoc,
    store: FileStore,
    *,
    now: datetime,
    replace: bool = False,
) -> ImportReport:
    """Load a document into this knowledge core. Items already here (same uid) are a conflict,
    unless `replace`: then they take the document's content, history included."""
    require(actor, Action.IMPORT_CONTENT)
    existing = {
        item.uid: item
        for item in session.scalars(
            select(Item)
            .where(Item.uid.in_([d.uid for d in doc.items]))
            .options(selectinload(Item.file))
        )
    }
    if existing and not replace:
        shown = ", ".join(sorted(existing)[:5])
        raise Conflict(
            _(
                "{len} item(s) in the document are already here ({shown}); import with "
                "replace to overwrite them.",
                len=len(existing),
                shown=shown,
            )
        )
    people = {
        email.lower(): user_id for user_id, email in session.execute(select(User.id, User.email))
    }
    targets, contents = _check(session, doc)

    facet_ids, facets_created = _merge_facets(session, doc.facets)
    unknown: set[str] = set()

    def person(email: str | None) -> int | None:
        if email is None:
            return None
        found = people.get(email.lower())
        if found is None:
            unknown.add(email)
        return found

    rows: dict[str, Item] = {}
    for d in doc.items:
        item = existing.get(d.uid) or Item()
        for name in COPIED:
            setattr(item, name, getattr(d, name))
        item.fields = validated_fields(KINDS[d.kind], d.fields)
        item.owner_id, item.verifier_id = person(d.owner), person(d.verifier)
        stamp = d.updated_at or d.created_at or now
        item.created_at = d.created_at or stamp
        item.updated_at = stamp
        item.review_due_at = d.review_due_at or stamp
        _attach(item, d.file, new=d.uid not in existing)
        session.add(item)
        rows[d.uid] = item
    session.flush()

    ids = {uid: item.id for uid, item in rows.items()} | targets
    item_ids = [item.id for item in rows.values()]
    for table in (ItemFacet, ItemVersion):
        session.execute(delete(table).where(table.item_id.in_(item_ids)))
    session.execute(delete(ItemLink).where(ItemLink.source_id.in_(item_ids)))
    session.add_all(
        ItemFacet(item_id=rows[d.uid].id, facet_id=facet_ids[uid])
        for d in doc.items
        for uid in dict.fromkeys(d.facets)
    )
    session.add_all(
        ItemLink(source_id=rows[d.uid].id, target_id=ids[target], relation=relation)
        for d in doc.items
        for relation, target in dict.fromkeys((lk.relation, lk.target) for lk in d.links)
    )
    session.flush()
    session.expire_all()
    loaded = {
        item.uid: item
        for item in session.scalars(select(Item).where(Item.id.in_(item_ids)).options(*FULL))
    }
    for d in doc.items:
        item = loaded[d.uid]
        if d.versions:
            session.add_all(
                ItemVersion(
                    item_id=item.id,
                    number=v.number,
                    snapshot=_local(v.snapshot, facet_ids.get, ids.get, person),
                    note=v.note,
                    author_id=person(v.author),
                    created_at=v.created_at,
                )
                for v in d.versions
            )
        else:
            # A hand-written document without history: its content becomes version 1.
            history.record(session, actor, item, "Imported", now=item.updated_at)
        # The row's version is the history's last number, as if the edits were made here.
        session.execute(
            update(Item)
            .where(Item.id == item.id)
            .values(
                version=max((v.number for v in d.versions), default=1),
                updated_at=item.updated_at,
            )
        )
    session.flush()
    for data in contents:
        store.put(data)
    items = list(loaded.values())
    for start in range(0, len(items), 256):
        indexing.index_items(session, items[start : start + 256])
    return ImportReport(
        items_created=len(rows) - len(existing),
        items_replaced=len(existing),
        facets_created=facets_created,
        unknown_people=sorted(unknown),
    )


def _check(session: Session, doc: KnowledgeDoc) -> tuple[dict[str, int], list[bytes]]:
    """Every mistake in the document, raised together before anything is written. Returns the
    ids of link targets already in this database (not in the document) and the decoded files."""
    errors: list[dict[str, str]] = []
    contents: list[bytes] = []

    def fail(where: str, message: str) -> None:
        errors.append({"field": where, "message": message})

    for name, uids in (
        ("facets", [f.uid for f in doc.facets]),
        ("items", [d.uid for d in doc.items]),
    ):
        for uid, count in Counter(uids).items():
            if count > 1:
                fail(name, f"uid {uid} appears {count} times")
    facet_uids = {f.uid for f in doc.facets} | set(
        session.scalars(
            select(Facet.uid).where(Facet.uid.in_({u for d in doc.items for u in d.facets}))
        )
    )
    kinds: dict[str, str] = {d.uid: d.kind for d in doc.items}
    outside = {lk.target for d in doc.items for lk in d.links} - kinds.keys()
    here = {
        uid: (item_id, kind)
        for item_id, uid, kind in session.execute(
            select(Item.id, Item.uid, Item.kind).where(Item.uid.in_(outside))
        )
    }
    kinds |= {uid: kind for uid, (_unused, kind) in here.items()}
    for i, d in enumerate(doc.items):
        at = f"items[{i}]"
        try:
            validated_fields(KINDS[d.kind], d.fields)
        except Invalid as exc:
            for error in exc.errors or [{"field": "fields", "message": exc.message}]:
                fail(f"{at}.{error['field']}", error["message"])
        for uid in d.facets:
            if uid not in facet_uids:
                fail(f"{at}.facets", f"no facet with uid {uid}")
        for j, lk in enumerate(d.links):
            target_kind = kinds.get(lk.target)
            if target_kind is None:
                fail(f"{at}.links[{j}]", f"no item with uid {lk.target}")
            else:
                problem = link_problem(lk.relation, target_kind, to_itself=lk.target == d.uid)
                if problem:
                    fail(f"{at}.links[{j}]", problem)
        problem = products_problem(
            d.kind, len({lk.target for lk in d.links if lk.relation == "product"})
        )
        if problem:
            fail(f"{at}.links", problem)
        numbers = [v.number for v in d.versions]
        if len(set(numbers)) != len(numbers):
            fail(f"{at}.versions", "version numbers repeat")
        if d.file is not None:
            try:
                contents.append(_decoded(d.file))
            except Invalid as exc:
                fail(f"{at}.file", exc.message)
    if errors:
        first = errors[0]
        said = (
            _(
                "{field}: {message} (and {more} more)",
                field=first["field"],
                message=first["message"],
                more=len(errors) - 1,
            )
            if len(errors) > 1
            else _("{field}: {message}", field=first["field"], message=first["message"])
        )
        raise Invalid(said, errors=errors)
    return {uid: item_id for uid, (item_id, _unused) in here.items()}, contents


def _decoded(file: FileDoc) -> bytes:
    try:
        data = base64.b64decode(file.content, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("the content is not base64")) from None
    if hashlib.sha256(data).hexdigest() != file.sha256 or len(data) != file.size:
        raise Invalid(_("the content does not match its sha256 and size"))
    return data


def _merge_facets(session: Session, facets: list[FacetDoc]) -> tuple[dict[str, int], int]:
    """Facet uid → id here: the same uid, else the same list and name, else a new facet."""
    by_uid = {f.uid: f for f in session.scalars(select(Facet))}
    by_name = {(f.dimension, f.name.lower()): f for f in by_uid.values()}
    ids: dict[str, int] = {uid: f.id for uid, f in by_uid.items()}
    created = 0
    for doc in facets:
        found = by_uid.get(doc.uid) or by_name.get((doc.dimension, doc.name.lower()))
        if found is None:
            found = Facet(uid=doc.uid, dimension=doc.dimension, name=doc.name)
            session.add(found)
            session.flush()
            by_name[(doc.dimension, doc.name.lower())] = found
            created += 1
        ids[doc.uid] = found.id
    return ids, created


def _attach(item: Item, file: FileDoc | None, *, new: bool) -> None:
    """Give the item the document's file (metadata here; the bytes go to the file store)."""
    if file is None:
        if not new:
            item.file = None
        return
    values = file.model_dump(exclude={"content"})
    if not new and item.file is not None:
        for name, value in values.items():
            setattr(item.file, name, value)
    else:
        item.file = ItemFile(**values)


def _file_doc(file: ItemFile, store: FileStore) -> FileDoc:
    return read_shape(FileDoc, file, content=base64.b64encode(store.get(file.sha256)).decode())


Lookup = Callable[[Any], Any]


def _portable(snap: dict[str, Any], facet: Lookup, item: Lookup, email: Lookup) -> dict[str, Any]:
    """A version snapshot with this database's ids replaced by uids and emails."""
    out = {k: v for k, v in snap.items() if k not in ("owner_id", "facets", "links")}
    out["owner_email"] = email(snap.get("owner_id"))
    out["facets"] = [{"uid": facet(f["id"]), "label": f["label"]} for f in snap.get("facets", [])]
    out["links"] = [
        {"relation": lk["relation"], "target_uid": item(lk["target_id"]), "title": lk["title"]}
        for lk in snap.get("links", [])
    ]
    return out


def _local(snap: dict[str, Any], facet: Lookup, item: Lookup, person: Lookup) -> dict[str, Any]:
    """The reverse of `_portable`: uids and emails back to this database's ids."""
    out = {k: v for k, v in snap.items() if k not in ("owner_email", "facets", "links")}
    out["owner_id"] = person(snap.get("owner_email"))
    out["facets"] = [
        {"id": facet(f.get("uid")), "label": f.get("label", "")} for f in snap.get("facets", [])
    ]
    out["links"] = [
        {
            "relation": lk.get("relation"),
            "target_id": item(lk.get("target_uid")),
            "title": lk.get("title", ""),
        }
        for lk in snap.get("links", [])
    ]
    return out
