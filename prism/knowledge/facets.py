"""The taxonomy: editable lists of industries, scenarios, business functions and regions."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import Action, Principal, require
from prism.db import get_or_404
from prism.errors import Conflict, check_version
from prism.i18n import _
from prism.knowledge import indexing
from prism.knowledge.models import Dimension, Facet, Item, ItemFacet
from prism.knowledge.schemas import FacetIn, FacetUpdate
from prism.knowledge.service import FULL


def list_facets(
    session: Session, actor: Principal, dimension: Dimension | None = None
) -> list[Facet]:
    """Every facet value (of one list when `dimension` is given), by list then name."""
    require(actor, Action.READ_PUBLISHED)
    stmt = select(Facet).order_by(Facet.dimension, Facet.name)
    if dimension is not None:
        stmt = stmt.where(Facet.dimension == dimension)
    return list(session.scalars(stmt))


def create_facet(session: Session, actor: Principal, data: FacetIn) -> Facet:
    require(actor, Action.EDIT_CONTENT)
    _ensure_free(session, data.dimension, data.name)
    facet = Facet(uid=str(uuid.uuid4()), dimension=data.dimension, name=data.name)
    session.add(facet)
    session.flush()
    return facet


def rename_facet(session: Session, actor: Principal, facet_id: int, data: FacetUpdate) -> Facet:
    require(actor, Action.EDIT_CONTENT)
    facet = get_or_404(session, Facet, facet_id, "facet")
    check_version("facet", data.version, facet.version)
    if data.name != facet.name:
        _ensure_free(session, facet.dimension, data.name)
        facet.name = data.name
        session.flush()
        _reindex_tagged(session, facet_id)
    return facet


def delete_facet(session: Session, actor: Principal, facet_id: int) -> None:
    """Remove a value from its list; items tagged with it simply lose the tag."""
    require(actor, Action.EDIT_CONTENT)
    facet = get_or_404(session, Facet, facet_id, "facet")
    tagged = list(session.scalars(select(ItemFacet.item_id).where(ItemFacet.facet_id == facet_id)))
    session.delete(facet)
    session.flush()
    _reindex(session, tagged)


def _reindex_tagged(session: Session, facet_id: int) -> None:
    _reindex(
        session,
        list(session.scalars(select(ItemFacet.item_id).where(ItemFacet.facet_id == facet_id))),
    )


def _reindex(session: Session, item_ids: list[int]) -> None:
    # Facet names are part of an item's searchable text; their meaning (embedding) is not.
    stmt = select(Item).where(Item.id.in_(item_ids)).options(*FULL)
    items = list(session.scalars(stmt.execution_options(populate_existing=True)))
    indexing.index_items(session, items, embed=False)


def _ensure_free(session: Session, dimension: Dimension, name: str) -> None:
    taken = select(Facet.id).where(Facet.dimension == dimension, Facet.name == name)
    if session.scalar(taken) is not None:
        raise Conflict(
            _("The {dimension} list already has {name}.", dimension=dimension.value, name=name)
        )
