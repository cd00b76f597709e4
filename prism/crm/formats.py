"""What Prism reads from a CRM export, and how Salesforce and HubSpot name it.

A field is Prism's name for one value (an opportunity's amount); an export names it with a
column. Salesforce report exports and HubSpot exports are recognised by their columns; any other
export is read through a saved mapping of field → column.
"""

from __future__ import annotations

from dataclasses import dataclass

from prism.crm.models import Target
from prism.deals.models import Outcome, Stage


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False


FIELDS: dict[Target, tuple[Field, ...]] = {
    Target.OPPORTUNITIES: (
        Field("external_id", "CRM id", required=True),
        Field("name", "Opportunity name", required=True),
        Field("stage", "Stage", required=True),
        Field("account", "Account name"),
        Field("account_external_id", "Account's CRM id"),
        Field("amount", "Amount"),
        Field("currency", "Currency"),
        Field("close_on", "Close date"),
        Field("outcome", "Outcome (open, won, lost)"),
        Field("products", "Products (separated by ;)"),
        Field("competitors", "Competitors (separated by ;)"),
        Field("loss_reason", "Loss reason"),
        Field("owner", "Owner (name or email)"),
    ),
    Target.ACCOUNTS: (
        Field("external_id", "CRM id", required=True),
        Field("name", "Account name", required=True),
        Field("industry", "Industry"),
        Field("segment", "Segment"),
        Field("region", "Region"),
        Field("employees", "Employees"),
        Field("arr", "ARR"),
        Field("renewal_on", "Renewal date"),
        Field("health", "Health score (0 to 100)"),
        Field("reference", "Reference status"),
    ),
}


def field_names(target: Target) -> list[str]:
    return [f.name for f in FIELDS[target]]


@dataclass(frozen=True)
class Format:
    """A CRM's export, known by the columns it always has."""

    name: str
    target: Target
    signature: frozenset[str]
    # Each field's column, or the columns it goes by (the first the file has is read).
    columns: dict[str, tuple[str, ...]]

    def resolve(self, header: list[str]) -> dict[str, str]:
        """Field → the column of `header` that holds it."""
        present = {h.lower(): h for h in header}
        found = {}
        for name, candidates in self.columns.items():
            column = next((present[c.lower()] for c in candidates if c.lower() in present), None)
            if column is not None:
                found[name] = column
        return found


FORMATS: tuple[Format, ...] = (
    Format(
        "Salesforce opportunities",
        Target.OPPORTUNITIES,
        frozenset({"Opportunity ID", "Opportunity Name", "Stage"}),
        {
            "external_id": ("Opportunity ID",),
            "name": ("Opportunity Name",),
            "stage": ("Stage",),
            "account": ("Account Name",),
            "account_external_id": ("Account ID",),
            "amount": ("Amount", "Amount (converted)"),
            "currency": ("Opportunity Currency", "Amount Currency", "Currency"),
            "close_on": ("Close Date",),
            "products": ("Product Name", "Products"),
            "competitors": ("Competitors", "Main Competitor(s)", "Competitor"),
            "loss_reason": ("Loss Reason", "Closed Lost Reason"),
            "owner": ("Opportunity Owner", "Owner Email", "Owner"),
        },
    ),
    Format(
        "HubSpot deals",
        Target.OPPORTUNITIES,
        frozenset({"Record ID", "Deal Name", "Deal Stage"}),
        {
            "external_id": ("Record ID",),
            "name": ("Deal Name",),
            "stage": ("Deal Stage",),
            "account": ("Associated Company", "Company name", "Associated Company (Primary)"),
            "account_external_id": ("Associated Company IDs", "Company ID"),
            "amount": ("Amount",),
            "currency": ("Currency", "Deal currency code"),
            "close_on": ("Close Date",),
            "products": ("Products", "Product"),
            "competitors": ("Competitors", "Competitor"),
            "loss_reason": ("Closed Lost Reason",),
            "owner": ("Deal owner", "Deal Owner"),
        },
    ),
    Format(
        "Salesforce accounts",
        Target.ACCOUNTS,
        frozenset({"Account ID", "Account Name"}),
        {
            "external_id": ("Account ID",),
            "name": ("Account Name",),
            "industry": ("Industry",),
            "segment": ("Segment", "Account Segment", "Type"),
            "region": ("Region", "Billing Country", "Billing State/Province"),
            "employees": ("Employees",),
            "arr": ("ARR", "Annual Recurring Revenue"),
            "renewal_on": ("Renewal Date", "Contract End Date"),
            "health": ("Health Score", "Health"),
            "reference": ("Reference Status", "Reference"),
        },
    ),
    Format(
        "HubSpot companies",
        Target.ACCOUNTS,
        frozenset({"Record ID", "Company name"}),
        {
            "external_id": ("Record ID",),
            "name": ("Company name",),
            "industry": ("Industry",),
            "segment": ("Segment", "Type"),
            "region": ("Region", "Country/Region", "Country"),
            "employees": ("Number of Employees",),
            "arr": ("ARR", "Annual recurring revenue"),
            "renewal_on": ("Renewal date", "Contract end date"),
            "health": ("Health score", "Health"),
            "reference": ("Reference status", "Reference"),
        },
    ),
)


def detect(header: list[str]) -> Format | None:
    """The export `header` is from, if Prism knows it (opportunities before accounts: a
    Salesforce opportunity report has the account's columns too)."""
    present = {h.lower() for h in header}
    return next(
        (f for f in FORMATS if {c.lower() for c in f.signature} <= present),
        None,
    )


# CRM stage names (Salesforce's defaults and HubSpot's internal and shown names) → Prism's.
STAGES: dict[str, tuple[Stage, Outcome]] = {
    **dict.fromkeys(
        (
            "prospecting",
            "qualification",
            "needs analysis",
            "discovery",
            "appointmentscheduled",
            "appointment scheduled",
            "new",
            "lead",
        ),
        (Stage.DISCOVERY, Outcome.OPEN),
    ),
    **dict.fromkeys(
        (
            "value proposition",
            "id. decision makers",
            "perception analysis",
            "evaluation",
            "qualifiedtobuy",
            "qualified to buy",
            "demo",
            "technical evaluation",
        ),
        (Stage.EVALUATION, Outcome.OPEN),
    ),
    **dict.fromkeys(
        (
            "proposal/price quote",
            "proposal",
            "presentationscheduled",
            "presentation scheduled",
            "decisionmakerboughtin",
            "decision maker bought-in",
            "quote",
        ),
        (Stage.PROPOSAL, Outcome.OPEN),
    ),
    **dict.fromkeys(
        ("negotiation/review", "negotiation", "contractsent", "contract sent", "commit"),
        (Stage.NEGOTIATION, Outcome.OPEN),
    ),
    **dict.fromkeys(
        ("closed won", "closedwon", "won", "closed - won"), (Stage.CLOSED, Outcome.WON)
    ),
    **dict.fromkeys(
        ("closed lost", "closedlost", "lost", "closed - lost"), (Stage.CLOSED, Outcome.LOST)
    ),
}


def stage_named(text: str) -> tuple[Stage, Outcome] | None:
    return STAGES.get(" ".join(text.lower().split()))
