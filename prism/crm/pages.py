"""The CRM import page: upload an export and read its report line by line; keep the column
mappings other exports are read through."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from prism.auth.policy import Action, Principal, require
from prism.crm import service
from prism.crm.formats import FIELDS, FORMATS
from prism.crm.models import Target
from prism.crm.schemas import MappingIn
from prism.csvfile import ENCODINGS, OnError
from prism.i18n import _
from prism.web.deps import AppSettings, DbSession, Now, PageUser
from prism.web.forms import Outcome, Posted, attempt, form_data, parse, posted_file
from prism.web.routing import IdPath, page_router
from prism.web.templating import render

router = page_router()


def _page(
    request: Request,
    session: Session,
    user: Principal,
    form: dict[str, Any],
    *,
    report: service.Report | None = None,
    outcome: Outcome | None = None,
) -> HTMLResponse:
    require(user, Action.MANAGE_ACCOUNTS)
    context = {
        "title": _("CRM import"),
        "form": form,
        "formats": FORMATS,
        "fields": FIELDS,
        "targets": list(Target),
        "mappings": service.list_mappings(session, user),
        "encodings": ENCODINGS,
        "report": report,
        # A refused import lists its bad rows as the error's details.
        "problems": [e for e in outcome.errors if "column" in e] if outcome else [],
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "crm/import.html", context, status_code=status_code)


@router.get("/crm/import", response_class=HTMLResponse)
def import_form(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _page(request, session, user, {"on_error": "reject"})


@router.post("/crm/import", response_class=HTMLResponse)
async def import_file(
    request: Request, session: DbSession, user: PageUser, settings: AppSettings, now: Now
) -> HTMLResponse:
    form = await form_data(request)
    upload = form.pop("file", None)
    raw = await posted_file(request)
    encoding = form.get("encoding", "utf-8")
    outcome = attempt(
        session,
        lambda: service.import_csv(
            session,
            user,
            raw,
            mapping=form.get("mapping") or None,
            encoding=encoding if encoding in ENCODINGS else "utf-8",
            day_first="day_first" in form,
            on_error=OnError.SKIP if form.get("on_error") == "skip" else OnError.REJECT,
            dry_run="dry_run" in form,
            currency=settings.currency,
            now=now,
            file_name=getattr(upload, "filename", "") or "",
        ),
        success="",
    )
    if outcome.error:
        return _page(request, session, user, form, outcome=outcome)
    report: service.Report = outcome.value
    return _page(
        request, session, user, form, report=report, outcome=Outcome(notice=report.summary)
    )


@router.post("/crm/mappings", response_class=HTMLResponse)
def save_mapping(request: Request, session: DbSession, user: PageUser, form: Posted) -> Response:
    target = form.get("target", Target.OPPORTUNITIES.value)
    # Each target's fields are posted as column_<target>_<field>; the chosen target's count.
    prefix = f"column_{target}_"
    columns = {
        name.removeprefix(prefix): value for name, value in form.items() if name.startswith(prefix)
    }
    values = {
        "name": form.get("name", ""),
        "target": target,
        "columns": columns,
        "day_first": "mapping_day_first" in form,
    }
    outcome = attempt(
        session,
        lambda: service.save_mapping(session, user, parse(MappingIn, values)),
        success=_("Mapping saved: choose it when you import an export with these columns."),
    )
    if outcome.error:
        return _page(request, session, user, {"on_error": "reject", **form}, outcome=outcome)
    return RedirectResponse("/crm/import", status_code=303)


@router.post("/crm/mappings/{mapping_id}/delete", response_class=HTMLResponse)
def delete_mapping(
    request: Request, session: DbSession, user: PageUser, mapping_id: IdPath
) -> Response:
    outcome = attempt(
        session, lambda: service.delete_mapping(session, user, mapping_id), success=""
    )
    if outcome.error:
        return _page(request, session, user, {"on_error": "reject"}, outcome=outcome)
    return RedirectResponse("/crm/import", status_code=303)
