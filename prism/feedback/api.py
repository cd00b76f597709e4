"""The feedback API: submit items (one by one, or a CSV file) with similar ones suggested, read
themes with their weight, curate them (rename, pin, merge, split, move items, re-cluster), move
them through their status, and the product digest (JSON, markdown, PDF). Reasons for won, lost
and churned come in through `/deals/{id}/close` and `/accounts/{id}/churn`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import File, Form, Query, Response, UploadFile

from prism.csvfile import Encoding, OnError
from prism.feedback import digest, imports, service, themes
from prism.feedback.models import FeedbackItem, FeedbackTheme, Kind, Origin, Signal, ThemeStatus
from prism.feedback.schemas import (
    DigestEntry,
    FeedbackIn,
    FeedbackOut,
    FeedbackThemeOut,
    FeedbackThemeUpdate,
    ImportMapping,
    ImportReportOut,
    Match,
    MergeIn,
    MoveIn,
    ReclusterIn,
    ReclusterOut,
    SimilarOut,
    SplitIn,
    StatusIn,
    ThemeDetailOut,
    ThemeMatch,
)
from prism.feedback.weights import Weight
from prism.filestore import file_store
from prism.pagination import Page
from prism.schemas import MAX_ID, parse
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now
from prism.web.routing import (
    Cursor,
    IdPath,
    IdQuery,
    Limit,
    Paged,
    api_router,
    attachment,
    to_page,
)

router = api_router("feedback")

ProductFilter = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only what is about this product counts.")
]
SinceFilter = Annotated[date | None, Query(description="Only what was said on or after this day.")]


def item_out(item: FeedbackItem) -> FeedbackOut:
    return FeedbackOut.model_validate(item)


@router.post("/feedback", response_model=FeedbackOut, status_code=201, summary="Submit feedback")
def submit(data: FeedbackIn, session: DbSession, user: CurrentUser, now: Now) -> FeedbackOut:
    """The item joins the closest theme, or starts one when none is close enough."""
    return item_out(service.submit(session, user, data, origin=Origin.API, today=now.date()))


@router.get("/feedback", response_model=Page[FeedbackOut], summary="Feedback items")
def list_items(
    session: DbSession,
    user: CurrentUser,
    theme_id: IdQuery = None,
    kind: Kind | None = None,
    mine: bool = Query(False, description="Only the items I submitted."),
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[FeedbackOut]:
    page = service.list_items(
        session,
        user,
        theme_id=theme_id,
        kind=kind,
        submitter_id=user.id if mine else None,
        limit=limit,
        cursor=cursor,
    )
    return to_page(page, FeedbackOut)


@router.post("/feedback/import", response_model=ImportReportOut, summary="Import a CSV file")
async def import_csv(
    session: DbSession,
    user: CurrentUser,
    now: Now,
    file: Annotated[UploadFile, File(description="A CSV file with a header row.")],
    text: Annotated[str, Form(description="The column holding what was said.")],
    kind: Annotated[Kind, Form(description="The kind of rows that do not say theirs.")] = (
        Kind.FEATURE_REQUEST
    ),
    kind_column: Annotated[str | None, Form()] = None,
    account_column: Annotated[str | None, Form(description="Account name or CRM id.")] = None,
    deal_column: Annotated[str | None, Form(description="Deal name or number.")] = None,
    team_column: Annotated[str | None, Form(description="The source team's name.")] = None,
    product_column: Annotated[str | None, Form()] = None,
    competitor_column: Annotated[str | None, Form()] = None,
    said_on_column: Annotated[str | None, Form()] = None,
    id_column: Annotated[str | None, Form(description="The export's own row id.")] = None,
    day_first: Annotated[bool, Form(description="Slashed dates are DD/MM/YYYY.")] = False,
    encoding: Annotated[Encoding, Form()] = "utf-8",
    on_error: Annotated[
        OnError,
        Form(description="reject: import nothing if any row is bad; skip: import the rest."),
    ] = OnError.REJECT,
    dry_run: Annotated[bool, Form(description="Check every row, import nothing.")] = False,
) -> ImportReportOut:
    """Every row is checked first; a bad row is reported with its line and column. With
    `on_error=reject` (the default) one bad row imports nothing (422, every problem listed);
    with `skip` the good rows are imported and the bad ones reported. Rows imported before
    (same id column value, or the same text, kind, date, account and deal) are skipped."""
    mapping = parse(
        ImportMapping,
        {
            "text": text,
            "kind": kind,
            "kind_column": kind_column,
            "account_column": account_column,
            "deal_column": deal_column,
            "team_column": team_column,
            "product_column": product_column,
            "competitor_column": competitor_column,
            "said_on_column": said_on_column,
            "id_column": id_column,
            "day_first": day_first,
            "encoding": encoding,
        },
    )
    report = imports.import_csv(
        session,
        user,
        await file.read(),
        mapping,
        on_error=on_error,
        dry_run=dry_run,
        today=now.date(),
    )
    return ImportReportOut.model_validate(report)


@router.get("/feedback/similar", response_model=SimilarOut, summary="Similar themes and items")
def similar(
    session: DbSession,
    user: CurrentUser,
    text: str = Query(..., max_length=5000, description="What is being typed."),
    limit: int = Query(5, ge=1, le=20),
) -> SimilarOut:
    """As the submitter types: themes and items that already say this, to add weight to."""
    found = service.similar(session, user, text, limit=limit)
    return SimilarOut(
        themes=[
            ThemeMatch(id=t.id, label=t.label, status=t.status, items=n, similarity=round(s, 3))
            for t, n, s in found.themes
        ],
        items=[Match(id=i.id, text=i.text, similarity=round(s, 3)) for i, s in found.items],
    )


@router.get("/feedback/items/{item_id}", response_model=FeedbackOut, summary="One item")
def read_item(item_id: IdPath, session: DbSession, user: CurrentUser) -> FeedbackOut:
    return item_out(service.get_item(session, user, item_id))


@router.post("/feedback/items/{item_id}/move", response_model=FeedbackOut, summary="Move an item")
def move_item(item_id: IdPath, data: MoveIn, session: DbSession, user: CurrentUser) -> FeedbackOut:
    """Put the item in another theme by hand; re-clustering leaves it there."""
    themes.move(session, user, item_id, data.theme_id)
    return item_out(service.get_item(session, user, item_id))


@router.get("/feedback/themes", response_model=Page[FeedbackThemeOut], summary="Themes")
def list_themes(
    session: DbSession,
    user: CurrentUser,
    paged: Paged,
    status: ThemeStatus | None = None,
    signal: Annotated[Signal | None, Query(description="Only themes of this signal.")] = None,
    product_id: ProductFilter = None,
    since: SinceFilter = None,
    sort: str = Query("impact", pattern="^(impact|items|recent)$"),
    q: Annotated[str, Query(max_length=200, description="Words the theme's label holds.")] = "",
) -> Page[FeedbackThemeOut]:
    """Every theme with its weight: pinned first, then by revenue impact."""
    pairs = themes.list_themes(
        session,
        user,
        status=status,
        signal=signal,
        product_id=product_id,
        since=since,
        sort=sort,
        q=q,
    )
    return paged.page(pairs, FeedbackThemeOut, lambda p: FeedbackThemeOut.of(p[0], weight=p[1]))


@router.get("/feedback/themes/{theme_id}", response_model=ThemeDetailOut, summary="One theme")
def read_theme(theme_id: IdPath, session: DbSession, user: CurrentUser) -> ThemeDetailOut:
    return detail_out(session, themes.get_theme(session, user, theme_id))


def detail_out(session: DbSession, theme: FeedbackTheme) -> ThemeDetailOut:
    found = service.theme_detail(session, theme)
    return ThemeDetailOut.of(theme, found)


@router.patch(
    "/feedback/themes/{theme_id}", response_model=ThemeDetailOut, summary="Rename or pin a theme"
)
def update_theme(
    theme_id: IdPath, data: FeedbackThemeUpdate, session: DbSession, user: CurrentUser
) -> ThemeDetailOut:
    return detail_out(session, themes.update_theme(session, user, theme_id, data))


@router.post(
    "/feedback/themes/{theme_id}/status",
    response_model=ThemeDetailOut,
    summary="Move a theme to another status",
)
def set_status(
    theme_id: IdPath, data: StatusIn, session: DbSession, user: CurrentUser, now: Now
) -> ThemeDetailOut:
    """Everyone who contributed an item is told, in the app and by the
    `feedback.theme_status_changed` webhook."""
    return detail_out(session, themes.set_status(session, user, theme_id, data, now=now))


@router.post(
    "/feedback/themes/{theme_id}/merge",
    response_model=ThemeDetailOut,
    summary="Merge other themes into this one",
)
def merge(theme_id: IdPath, data: MergeIn, session: DbSession, user: CurrentUser) -> ThemeDetailOut:
    return detail_out(session, themes.merge(session, user, theme_id, data))


@router.post(
    "/feedback/themes/{theme_id}/split",
    response_model=ThemeDetailOut,
    status_code=201,
    summary="Split items out into a new theme",
)
def split(theme_id: IdPath, data: SplitIn, session: DbSession, user: CurrentUser) -> ThemeDetailOut:
    """Answers the new theme."""
    return detail_out(session, themes.split(session, user, theme_id, data))


@router.post("/feedback/recluster", response_model=ReclusterOut, summary="Re-cluster the themes")
def recluster(
    session: DbSession, user: CurrentUser, data: ReclusterIn | None = None
) -> ReclusterOut:
    """Items people placed, and the themes they hold, stay as they are. Each signal (requests,
    bugs, praise, ...) is clustered on its own."""
    chosen = data.granularity if data else None
    return ReclusterOut.model_validate(themes.recluster(session, user, granularity=chosen))


@router.get("/feedback/digest", response_model=Page[DigestEntry], summary="The product digest")
def read_digest(
    session: DbSession,
    user: CurrentUser,
    paged: Paged,
    product_id: ProductFilter = None,
    since: SinceFilter = None,
) -> Page[DigestEntry]:
    """The undecided themes that ask something of product, heaviest revenue impact first, each
    with its most typical items."""
    pairs = digest.ranked(session, user, product_id=product_id, since=since)

    def entry(pair: tuple[FeedbackTheme, Weight]) -> DigestEntry:
        line = digest.line_of(session, pair)
        return DigestEntry(
            theme=FeedbackThemeOut.of(line.theme, weight=line.weight),
            evidence=[item_out(i) for i in line.evidence],
        )

    return paged.page(pairs, DigestEntry, entry)


@router.get(
    "/feedback/digest.md",
    summary="The product digest as markdown",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}}}},
)
def digest_markdown(
    session: DbSession,
    user: CurrentUser,
    now: Now,
    product_id: ProductFilter = None,
    since: SinceFilter = None,
) -> Response:
    found = digest.digest(session, user, product_id=product_id, since=since)
    text = digest.markdown(found, today=now.date())
    return attachment(text.encode(), f"{found.title}.md", "text/markdown; charset=utf-8")


@router.get(
    "/feedback/digest.pdf",
    summary="The product digest as a PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def digest_pdf(
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    now: Now,
    product_id: ProductFilter = None,
    since: SinceFilter = None,
) -> Response:
    found = digest.digest(session, user, product_id=product_id, since=since)
    data = digest.pdf(session, found, store=file_store(settings), today=now.date())
    return attachment(data, f"{found.title}.pdf", "application/pdf")
