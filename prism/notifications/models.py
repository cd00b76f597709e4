"""An in-app notice to one person: something they contributed to has moved.

Its subject and body are kept as the code writes them (`“{title}” is now {status}`), with the
values of their places beside them, and said in the language of whoever reads them; a stored
word among the values (a status) is translated too. Notices written before that keep their
English text and no places."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from prism.db import Base, utcnow
from prism.i18n import _, term, translate, when


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    subject_form: Mapped[str] = mapped_column("subject", String(300))
    body_form: Mapped[str] = mapped_column("body", String(2000), default="")
    places: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    @property
    def subject(self) -> str:
        return said(self.subject_form, self.places)

    @property
    def body(self) -> str:
        return said(self.body_form, self.places)


def word(value: str) -> dict[str, str]:
    """A stored word (a status) as a notice's place keeps it, to be said in the reader's
    language."""
    return {"word": value}


def day(value: date) -> dict[str, str]:
    """A day as a notice's place keeps it, to be written as the reader's language writes days."""
    return {"day": value.isoformat()}


def said(form: str, places: dict[str, Any]) -> str:
    """A notice's sentence in the current language, its places filled."""
    if not form:
        return ""
    if not places:
        return translate(form)
    values = {name: _value(value) for name, value in places.items()}
    return _(form, **values)


def _value(value: Any) -> Any:
    if isinstance(value, dict) and "day" in value:
        return when(date.fromisoformat(value["day"]))
    return term(value["word"]) if isinstance(value, dict) else value
