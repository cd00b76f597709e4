"""Share links, the items on them, and every buyer visit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, utcnow
from prism.deals.models import Deal
from prism.knowledge.models import Item
from prism.people.models import User


class ShareLink(Audited, Versioned, Timestamped, Base):
    """A page for one buyer, reached by an unguessable token, that shows only its items."""

    __tablename__ = "share_links"
    __audit_redact__ = frozenset({"token_hash", "token_sealed", "passcode_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    # The token in the buyer's address is looked up by its hash; the seller copies the link
    # again from a copy sealed with the app's secret key (see `prism.shares.tokens`), so the
    # database alone opens no link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_sealed: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(String(2000), default="")
    deal_id: Mapped[int | None] = mapped_column(
        ForeignKey("deals.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    expires_at: Mapped[datetime]
    passcode_hash: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]

    owner: Mapped[User | None] = relationship(lazy="raise")
    deal: Mapped[Deal | None] = relationship(lazy="raise")
    items: Mapped[list[Item]] = relationship(
        secondary="share_link_items", order_by="ShareLinkItem.position", lazy="raise"
    )

    @property
    def has_passcode(self) -> bool:
        return self.passcode_hash is not None

    def audit_label(self) -> str:
        return f"share link: {self.title}"


class ShareLinkItem(Base):
    __tablename__ = "share_link_items"

    link_id: Mapped[int] = mapped_column(
        ForeignKey("share_links.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)


class ShareView(Base):
    """One buyer visit: the page opened, an item read (and for how long) or downloaded."""

    __tablename__ = "share_views"
    __table_args__ = (Index("ix_share_views_link_at", "link_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))  # open, view, download, passcode_failed
    at: Mapped[datetime] = mapped_column(default=utcnow)
    seconds: Mapped[int] = mapped_column(default=0)
    # Hashes (with the secret key) of the visitor's address and browser, and of the address
    # alone: visitors are counted, and guessing throttled, without storing who anyone is.
    visitor: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(String(16), default="", server_default="")

    item: Mapped[Item | None] = relationship(lazy="raise")
