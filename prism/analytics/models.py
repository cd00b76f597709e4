"""A usage event: someone used an asset (or searched) and, when it is known, for which deal."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from prism.db import Base, text_enum, utcnow


class Use(StrEnum):
    VIEW = "view"  # a colleague opened the asset's page
    DOWNLOAD = "download"  # a colleague downloaded its file or a rendering of it
    SHARE = "share"  # a seller put it on a share link for a buyer
    BUYER_VIEW = "buyer_view"  # a buyer opened or downloaded it from a share link
    SEARCH = "search"  # a search that found something
    SEARCH_EMPTY = "search_empty"  # a search that found nothing


# The uses that say an asset was in front of a deal.
DEAL_USES = (Use.VIEW, Use.DOWNLOAD, Use.SHARE, Use.BUYER_VIEW)


class UsageEvent(Base):
    """One use. Append-only and not audited: there are millions of them."""

    __tablename__ = "usage_events"
    __table_args__ = (
        # The influence dashboard reads (deal, item, time) from the index alone.
        Index("ix_usage_events_deal_item_at", "deal_id", "item_id", "at"),
        Index("ix_usage_events_item_at", "item_id", "at"),
        Index("ix_usage_events_use_at", "use", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    use: Mapped[Use] = mapped_column(text_enum(Use))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_links.id", ondelete="SET NULL"), index=True
    )
    query: Mapped[str] = mapped_column(String(200), default="")


class DealTouch(Base):
    """The first time an item was in front of a deal (viewed or downloaded for it, shared on
    its link, opened there by the buyer): one row per (item, deal), kept by `usage.write`, so
    influence reads thousands of touches rather than millions of events."""

    __tablename__ = "deal_touches"
    # Influence adds touches up by item reading (item, deal, first touch) from the index alone.
    __table_args__ = (Index("ix_deal_touches_item_deal_first", "item_id", "deal_id", "first_at"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    deal_id: Mapped[int] = mapped_column(
        ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_at: Mapped[datetime]
