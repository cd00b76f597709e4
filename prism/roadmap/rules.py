"""Who gets help on a deal. The enablement team's time goes where it changes an outcome: large
deals, deals stuck late in the cycle, renewals at risk and customers asking for their money back
or about to leave. Everyone else is pointed to the self-serve toolkit, which answers most deals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from prism.accounts.models import Account
from prism.deals.models import Deal, Outcome, Stage
from prism.i18n import short_money
from prism.roadmap.models import Risk
from prism.settings import Settings

LATE_STAGES = frozenset({Stage.PROPOSAL, Stage.NEGOTIATION})


@dataclass(frozen=True)
class Decision:
    offered: bool
    why: str


@dataclass(frozen=True)
class DealHelpRule:
    value: int = 100_000
    stuck_days: int = 30
    renewal_days: int = 90
    low_health: int = 50

    @classmethod
    def from_settings(cls, settings: Settings) -> DealHelpRule:
        return cls(
            settings.deal_help_value,
            settings.deal_stuck_days,
            settings.renewal_window_days,
            settings.low_health,
        )

    def decide(
        self, deal: Deal | None, account: Account | None, risk: Risk, *, today: date
    ) -> Decision:
        """Help is offered when any rule holds; the answer says which (or why none does)."""
        reasons = [
            *self._deal_reasons(deal, today),
            *self._account_reasons(account, today),
            *([f"the customer is at risk of a {risk.value}"] if risk is not Risk.NONE else []),
        ]
        if reasons:
            return Decision(True, "Deal help offered: " + "; ".join(reasons) + ".")
        return Decision(False, self.explain())

    def explain(self) -> str:
        return (
            f"Deal help is kept for deals of {short_money(self.value)} or more, deals stuck in "
            f"proposal or negotiation for {self.stuck_days} days, renewals within "
            f"{self.renewal_days} days on accounts with health under {self.low_health}, and "
            "customers asking for a refund or about to leave. This one is none of these: the "
            "self-serve toolkit has the deck, battlecards and answers it needs."
        )

    def _deal_reasons(self, deal: Deal | None, today: date) -> list[str]:
        if deal is None or deal.outcome is not Outcome.OPEN:
            return []
        found = []
        if deal.value >= self.value:
            found.append(f"the deal is {short_money(deal.value)} {deal.currency}")
        idle = (today - deal.updated_at.date()).days
        if deal.stage in LATE_STAGES and idle >= self.stuck_days:
            found.append(f"it has been in {deal.stage.value} for {idle} days without a change")
        return found

    def _account_reasons(self, account: Account | None, today: date) -> list[str]:
        if account is None or account.renewal_on is None or account.health is None:
            return []
        window = today <= account.renewal_on <= today + timedelta(days=self.renewal_days)
        if window and account.health < self.low_health:
            return [
                f"{account.name} renews on {account.renewal_on:%d %b %Y} with health "
                f"{account.health}"
            ]
        return []
