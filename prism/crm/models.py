"""A saved column mapping: how one CRM's export names the fields Prism reads."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum


class Target(StrEnum):
    """What the rows of an export are."""

    OPPORTUNITIES = "opportunities"
    ACCOUNTS = "accounts"


class CrmMapping(Audited, Versioned, Timestamped, Base):
    """Prism's field → the export's column, for an export that is neither Salesforce's nor
    HubSpot's (or one whose columns were renamed)."""

    __tablename__ = "crm_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    target: Mapped[Target] = mapped_column(text_enum(Target))
    columns: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    day_first: Mapped[bool] = mapped_column(default=False)

    def audit_label(self) -> str:
        return f"CRM mapping: {self.name}"
