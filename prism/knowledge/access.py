"""Who may see and change which knowledge: the one place the library, search and every later
consumer (toolkits, share links) ask. What may reach a customer is `audience`'s to say.

Everyone signed in reads published items. Editors and admins read and change everything.
Contributors propose: they write their own drafts, change them until published, and submit them
for review; they never see other people's drafts. Archived items stay readable to editors only.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from prism.auth.policy import Action, Principal, can, require
from prism.errors import Forbidden, NotFound
from prism.i18n import _
from prism.knowledge.kinds import kind_word
from prism.knowledge.models import Item, Status

_OPEN = (Status.DRAFT, Status.IN_REVIEW)


def readable_by(actor: Principal) -> ColumnElement[bool]:
    """A filter on `Item` that keeps what `actor` may read."""
    if can(actor, Action.READ_DRAFTS):
        return true()
    if not can(actor, Action.READ_PUBLISHED):
        return false()
    visible = Item.status == Status.PUBLISHED
    if actor.id is not None and can(actor, Action.PROPOSE_CONTENT):
        visible = visible | ((Item.owner_id == actor.id) & Item.status.in_(_OPEN))
    return visible


def may_read(actor: Principal, item: Item) -> bool:
    if can(actor, Action.READ_DRAFTS):
        return True
    if not can(actor, Action.READ_PUBLISHED):
        return False
    return item.status == Status.PUBLISHED or _own_open(actor, item)


def require_read(actor: Principal, item: Item) -> None:
    """Refuse as if the item did not exist, so drafts do not leak even their existence."""
    if not may_read(actor, item):
        raise NotFound(_("No {replace} {id}.", replace=kind_word(item.kind), id=item.id))


def may_edit(actor: Principal, item: Item) -> bool:
    return can(actor, Action.EDIT_CONTENT) or (
        can(actor, Action.PROPOSE_CONTENT) and _own_open(actor, item)
    )


def require_edit(actor: Principal, item: Item) -> None:
    require_read(actor, item)
    if may_edit(actor, item):
        return
    if can(actor, Action.PROPOSE_CONTENT):
        raise Forbidden(
            _(
                "Contributors change only their own drafts and items in review; ask an "
                "editor to change this one."
            )
        )
    require(actor, Action.EDIT_CONTENT)


def _own_open(actor: Principal, item: Item) -> bool:
    return actor.id is not None and item.owner_id == actor.id and item.status in _OPEN
