"""Groups kept as the sum of their members' embeddings (feedback themes, the enablement
roadmap's capabilities: any table with an id and a `vector_sum`). A new member is compared with
every group's centre and joins the closest (its sum grows) or starts a group of its own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast

import numpy as np
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from prism.embeddings import Vectors, default_embedder, from_bytes, to_bytes
from prism.errors import Invalid
from prism.grouping import clustering
from prism.i18n import _


class Group(Protocol):
    """A mapped table of groups: each row's id and the sum of its members' vectors."""

    @property
    def id(self) -> int: ...

    @property
    def vector_sum(self) -> bytes | None: ...


Grouped = type[Group]
Column = InstrumentedAttribute


def _columns(model: Grouped) -> tuple[Column[int], Column[bytes | None]]:
    """The group table's id and sum columns (the protocol speaks of its rows)."""
    return cast(Column[int], model.id), cast(Column[bytes | None], model.vector_sum)


def sum_of(raw: bytes | None) -> Vectors:
    """A stored sum as a writable vector (zeros for a group with no members left)."""
    if raw is None:
        return np.zeros(default_embedder().dimensions, dtype=np.float32)
    return from_bytes(raw).copy()


def unit_rows(matrix: np.ndarray) -> Vectors:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1, norms)).astype(np.float32)


def centres(
    session: Session, model: Grouped, *where: ColumnElement[bool]
) -> tuple[list[int], Vectors]:
    """The groups' ids and their unit-length centres, in the same order."""
    rows = session.execute(select(*_columns(model)).where(*where)).all()
    if not rows:
        return [], np.zeros((0, default_embedder().dimensions), dtype=np.float32)
    return [int(r.id) for r in rows], unit_rows(np.stack([sum_of(r.vector_sum) for r in rows]))


class Placer:
    """Places new members among the groups (those matching `where`): each joins the closest
    group close enough, whose centre moves towards it. The centres are read once and written
    back by `save`, so a batch of thousands costs one read and one write per group touched."""

    def __init__(
        self,
        session: Session,
        model: Grouped,
        *where: ColumnElement[bool],
        threshold: float = clustering.JOIN,
    ) -> None:
        self.session, self.model, self.threshold = session, model, threshold
        rows = session.execute(select(*_columns(model)).where(*where)).all()
        self.ids = [int(r.id) for r in rows]
        self.sums = [sum_of(r.vector_sum) for r in rows]
        self.moved: set[int] = set()

    def join(self, vector: Vectors) -> int | None:
        """The group `vector` joins (cosine `threshold` or more to its centre), or None."""
        if not self.ids:
            return None
        found = clustering.place(vector, np.stack(self.sums))
        if found.index is None or not found.joins(self.threshold):
            return None
        self.sums[found.index] = self.sums[found.index] + vector
        self.moved.add(found.index)
        return self.ids[found.index]

    def started(self, group_id: int, vector: Vectors) -> None:
        """A group the caller created for `vector`: later members may join it."""
        self.ids.append(group_id)
        self.sums.append(vector.copy())

    def save(self) -> None:
        """Write the moved centres (a plain UPDATE: a moving centre is not an edit, so the
        group's version, which guards people's edits, stays)."""
        for index in sorted(self.moved):
            self.session.execute(
                update(self.model)
                .where(_columns(self.model)[0] == self.ids[index])
                .values(vector_sum=to_bytes(self.sums[index]))
                .execution_options(synchronize_session="evaluate")
            )
        self.moved.clear()


def fold(
    session: Session,
    model: Grouped,
    member_group: InstrumentedAttribute[int | None],
    member_vector: InstrumentedAttribute[bytes],
    target_id: int,
    source_ids: Sequence[int],
    *,
    field: str,
    what: str,
) -> None:
    """Move every member of the groups `source_ids` into `target_id`, delete those groups and
    recompute the target's centre; `Invalid` about `field` for itself or a missing group."""
    if target_id in source_ids:
        raise Invalid.about(field, _("A {what} cannot be merged into itself.", what=what))
    ident = _columns(model)[0]
    sources = list(session.scalars(select(model).where(ident.in_(source_ids))))
    found = set(session.scalars(select(ident).where(ident.in_(source_ids))))
    missing = next((i for i in source_ids if i not in found), None)
    if missing is not None:
        raise Invalid.about(field, _("No {what} {missing}.", what=what, missing=missing))
    session.execute(
        update(member_group.class_)
        .where(member_group.in_(list(found)))
        .values({member_group: target_id})
        .execution_options(synchronize_session="evaluate")
    )
    for source in sources:
        session.delete(source)  # through the session, so the audit log records it
    session.flush()
    recentre(session, model, member_group, member_vector, [target_id])


def recentre(
    session: Session,
    model: Grouped,
    member_group: InstrumentedAttribute[int | None],
    member_vector: InstrumentedAttribute[bytes],
    group_ids: Sequence[int],
) -> None:
    """Recompute the groups' sums from their members (after members moved in or out)."""
    sums: dict[int, Vectors] = {}
    for group_id, raw in session.execute(
        select(member_group, member_vector).where(member_group.in_(group_ids))
    ):
        if group_id is not None:
            vector = from_bytes(raw)
            sums[group_id] = sums[group_id] + vector if group_id in sums else vector.copy()
    for group_id in group_ids:
        session.execute(
            update(model)
            .where(_columns(model)[0] == group_id)
            .values(vector_sum=to_bytes(sums[group_id]) if group_id in sums else None)
            .execution_options(synchronize_session="evaluate")
        )
