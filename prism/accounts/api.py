"""The accounts API: the customer companies launches and deals refer to, the ideal customer
profile, each account's fit to it, and the accounts it proposes."""

from __future__ import annotations

from fastapi import Query

from prism.accounts import icp, service
from prism.accounts.models import Account
from prism.accounts.schemas import (
    AccountFitOut,
    AccountOut,
    AccountUpdate,
    ChurnIn,
    IdealProfileOut,
    IdealProfileSave,
    ReasonOut,
)
from prism.feedback.schemas import FeedbackOut
from prism.launches.service import get_launch
from prism.pagination import Page
from prism.web.deps import CurrentUser, DbSession, Now
from prism.web.routing import Cursor, IdPath, Limit, Paged, api_router, to_page

router = api_router("accounts")


def fit_out(fit: icp.Fit) -> AccountFitOut:
    return AccountFitOut(
        account=AccountOut.model_validate(fit.account),
        score=fit.score,
        reasons=[
            ReasonOut(criterion=r.criterion, matched=r.matched, text=r.text) for r in fit.reasons
        ],
    )


@router.get("/accounts", response_model=Page[AccountOut], summary="Accounts")
def list_accounts(
    session: DbSession,
    user: CurrentUser,
    q: str | None = Query(None, max_length=200, description="Part of the name."),
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[AccountOut]:
    return to_page(
        service.list_accounts(session, user, text=q, limit=limit, cursor=cursor), AccountOut
    )


@router.get(
    "/ideal-customer-profile", response_model=IdealProfileOut, summary="The ideal customer profile"
)
def get_profile(session: DbSession, user: CurrentUser) -> IdealProfileOut:
    found, version = icp.profile(session, user)
    return IdealProfileOut(**found.model_dump(), version=version)


@router.put("/ideal-customer-profile", response_model=IdealProfileOut, summary="Change the profile")
def save_profile(data: IdealProfileSave, session: DbSession, user: CurrentUser) -> IdealProfileOut:
    """Send the whole profile with the `version` you read; an empty list leaves that criterion
    out of the fit."""
    found, version = icp.save_profile(session, user, data)
    return IdealProfileOut(**found.model_dump(), version=version)


@router.get(
    "/ideal-customer-profile/fits", response_model=Page[AccountFitOut], summary="Accounts by fit"
)
def best_fits(session: DbSession, user: CurrentUser, now: Now, paged: Paged) -> Page[AccountFitOut]:
    """Current accounts by their fit to the profile, best first, each with its reasons."""
    return paged.page(icp.fits(session, user, today=now.date()), AccountFitOut, fit_out)


@router.get(
    "/ideal-customer-profile/reference-candidates",
    response_model=Page[AccountFitOut],
    summary="Customers to ask for a story or a reference call",
)
def reference_candidates(
    session: DbSession, user: CurrentUser, now: Now, paged: Paged
) -> Page[AccountFitOut]:
    """Best fit first."""
    found = icp.reference_candidates(session, user, today=now.date(), limit=None)
    return paged.page(found, AccountFitOut, fit_out)


@router.get(
    "/launches/{launch_id}/seed-customers",
    response_model=Page[AccountFitOut],
    tags=["launches"],
    summary="Accounts to invite to the launch's beta",
)
def seed_customers(
    launch_id: IdPath, session: DbSession, user: CurrentUser, now: Now, paged: Paged
) -> Page[AccountFitOut]:
    """Best fit first."""
    launch = get_launch(session, user, launch_id)
    found = icp.seed_customers(session, user, launch, today=now.date(), limit=None)
    return paged.page(found, AccountFitOut, fit_out)


@router.get(
    "/accounts/{account_id}", response_model=AccountFitOut, summary="An account and its fit"
)
def get_account(
    account_id: IdPath, session: DbSession, user: CurrentUser, now: Now
) -> AccountFitOut:
    return fit_out(icp.fit_of(session, user, account_id, today=now.date()))


@router.patch("/accounts/{account_id}", response_model=AccountOut, summary="Change an account")
def update_account(
    account_id: IdPath, data: AccountUpdate, session: DbSession, user: CurrentUser
) -> AccountOut:
    account: Account = icp.update_account(session, user, account_id, data)
    return AccountOut.model_validate(account)


@router.post(
    "/accounts/{account_id}/churn",
    response_model=FeedbackOut,
    status_code=201,
    summary="Record that an account left, and why",
)
def record_churn(
    account_id: IdPath, data: ChurnIn, session: DbSession, user: CurrentUser, now: Now
) -> FeedbackOut:
    """The reason becomes a feedback item on the account and joins the themes."""
    item = service.record_churn(session, user, account_id, data, today=now.date())
    return FeedbackOut.model_validate(item)
