"""Reading HTML form posts; pages validate them with `prism.schemas.parse`, like the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from prism.schemas import parse
from prism.web.deps import CSRF_FIELD

__all__ = ["Posted", "form_data", "parse"]


async def form_data(request: Request) -> dict[str, Any]:
    """The posted fields, without the CSRF token and with empty optional fields left out."""
    form = await request.form()
    return {k: v for k, v in form.items() if k != CSRF_FIELD and v != ""}


Posted = Annotated[dict[str, Any], Depends(form_data)]
