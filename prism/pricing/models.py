"""Price books: per product and currency, the list prices of its editions and add-ons, each in
force from a day on, so a change can be scheduled and every earlier price is kept; and what each
account holds of them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.accounts.models import Account
from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum
from prism.knowledge.models import Item


class Period(StrEnum):
    """What one payment buys: a month, a year, or the thing once."""

    MONTH = "month"
    YEAR = "year"
    ONCE = "once"


class Unit(StrEnum):
    """What a price is counted in."""

    FLAT = "flat"
    SEAT = "seat"
    TRACKED_USER = "tracked_user"
    CONNECTED_SYSTEM = "connected_system"


class Banding(StrEnum):
    """How volume bands apply: every unit at the band the quantity reaches (volume), or each
    band's units at that band's price (graduated)."""

    VOLUME = "volume"
    GRADUATED = "graduated"


class PriceBook(Audited, Versioned, Timestamped, Base):
    """A product's list prices in one currency. Its version moves with every price change, so
    an output that quoted it knows when it is outdated."""

    __tablename__ = "price_books"
    __table_args__ = (UniqueConstraint("product_id", "currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    # List prices reach customers (a pricing sheet, a share link) only from a public book.
    public: Mapped[bool] = mapped_column(default=False)

    product: Mapped[Item] = relationship(lazy="raise")
    prices: Mapped[list[Price]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, back_populates="book"
    )

    def audit_label(self) -> str:
        return f"price book: {self.currency} #{self.product_id}"


class Price(Audited, Timestamped, Base):
    """What an edition or add-on costs per period in the book's currency from a day on, until a
    later price for the same edition and period takes over."""

    __tablename__ = "prices"
    __table_args__ = (UniqueConstraint("book_id", "item_id", "period", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("price_books.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    period: Mapped[Period] = mapped_column(text_enum(Period))
    unit: Mapped[Unit] = mapped_column(text_enum(Unit))
    banding: Mapped[Banding] = mapped_column(text_enum(Banding), default=Banding.VOLUME)
    effective_from: Mapped[date]
    # The launch whose packaging change brought this price. Until that launch passes its GA
    # gate the price is held: in force nowhere (it is dropped if the launch is cancelled).
    launch_id: Mapped[int | None] = mapped_column(
        ForeignKey("launches.id", ondelete="SET NULL"), index=True
    )
    held: Mapped[bool] = mapped_column(default=False)

    book: Mapped[PriceBook] = relationship(lazy="raise", back_populates="prices")
    item: Mapped[Item] = relationship(lazy="raise")
    bands: Mapped[list[PriceBand]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PriceBand.from_units",
    )

    def audit_label(self) -> str:
        return f"price: #{self.item_id} {self.period.value} from {self.effective_from}"


class PlannedMove(Audited, Timestamped, Base):
    """A step of a launch's packaging change: a feature goes into an edition or add-on (with its
    limit there), out of one, or from one to another. The grid changes when the launch passes
    its GA gate, not before."""

    __tablename__ = "planned_moves"
    __table_args__ = (UniqueConstraint("launch_id", "feature_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    launch_id: Mapped[int] = mapped_column(
        ForeignKey("launches.id", ondelete="CASCADE"), index=True
    )
    feature_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    # None on one side: the feature is new to the line-up, or leaves it.
    from_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    to_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    limit: Mapped[str] = mapped_column(String(300), default="")
    applied_at: Mapped[datetime | None]

    feature: Mapped[Item] = relationship(foreign_keys=[feature_id], lazy="raise")
    from_package: Mapped[Item | None] = relationship(foreign_keys=[from_id], lazy="raise")
    to_package: Mapped[Item | None] = relationship(foreign_keys=[to_id], lazy="raise")

    def audit_label(self) -> str:
        return f"planned move: feature #{self.feature_id} of launch #{self.launch_id}"


class PriceBand(Base):
    """From `from_units` units on, each unit (or the whole, for a flat price) costs
    `amount_minor` in the currency's smallest unit: exact money, never a float."""

    __tablename__ = "price_bands"

    price_id: Mapped[int] = mapped_column(
        ForeignKey("prices.id", ondelete="CASCADE"), primary_key=True
    )
    from_units: Mapped[int] = mapped_column(primary_key=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class Holding(Audited, Versioned, Timestamped, Base):
    """What an account has bought: an edition or add-on of a product, how many, and when it
    renews. Imported with the CRM (one row per account and package: a file imported again
    changes nothing)."""

    __tablename__ = "holdings"
    __table_args__ = (UniqueConstraint("account_id", "package_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    renewal_on: Mapped[date | None]

    account: Mapped[Account] = relationship(lazy="raise")
    product: Mapped[Item] = relationship(foreign_keys=[product_id], lazy="raise")
    package: Mapped[Item] = relationship(foreign_keys=[package_id], lazy="raise")

    def audit_label(self) -> str:
        return f"holding: account #{self.account_id} package #{self.package_id}"
