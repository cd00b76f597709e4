"""The demo company, Helio Systems: a fictional B2B software vendor that every capability extends.

Helio sells three products: Helio Pulse (product analytics), Helio Vault (customer-data
governance, a data product with security reviews in every deal) and Helio Flow (workflow
automation). Its people span every department and every role.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.people import service as people
from prism.people.models import Role, User
from prism.people.schemas import UserIn

COMPANY = "Helio Systems"
PRODUCTS = ("Helio Pulse", "Helio Vault", "Helio Flow")
PASSWORD = "helio-demo-2026"  # noqa: S105 (the published demo password)
ADMIN_EMAIL = "ada.admin@helio.example"

# (name, email, role, team)
PEOPLE: tuple[tuple[str, str, Role, str], ...] = (
    ("Ada Okafor", ADMIN_EMAIL, Role.ADMIN, "Product Ops"),
    ("Priya Raman", "priya.raman@helio.example", Role.EDITOR, "Product Marketing"),
    ("Marco Bianchi", "marco.bianchi@helio.example", Role.EDITOR, "Product Marketing"),
    ("Lin Wei", "lin.wei@helio.example", Role.EDITOR, "Product Ops"),
    ("Sam Carter", "sam.carter@helio.example", Role.CONTRIBUTOR, "Sales"),
    ("Jordan Lee", "jordan.lee@helio.example", Role.CONTRIBUTOR, "Sales"),
    ("Fatima Zahra", "fatima.zahra@helio.example", Role.CONTRIBUTOR, "Sales"),
    ("Ravi Patel", "ravi.patel@helio.example", Role.CONTRIBUTOR, "Sales"),
    ("Mia Novak", "mia.novak@helio.example", Role.CONTRIBUTOR, "Sales"),
    ("Chen Jing", "chen.jing@helio.example", Role.CONTRIBUTOR, "Presales"),
    ("Lucas Moreau", "lucas.moreau@helio.example", Role.CONTRIBUTOR, "Presales"),
    ("Olivia Brooks", "olivia.brooks@helio.example", Role.CONTRIBUTOR, "Marketing"),
    ("Diego Alvarez", "diego.alvarez@helio.example", Role.CONTRIBUTOR, "Customer Success"),
    ("Hana Sato", "hana.sato@helio.example", Role.CONTRIBUTOR, "Customer Success"),
    ("Noah Fischer", "noah.fischer@helio.example", Role.CONTRIBUTOR, "Implementation"),
    ("Grace Kim", "grace.kim@helio.example", Role.VIEWER, "Product"),
    ("Tom Anders", "tom.anders@helio.example", Role.VIEWER, "Product"),
    ("Elena Petrova", "elena.petrova@helio.example", Role.VIEWER, "Leadership"),
)

# Team leads see their team's training progress and answers.
LEADS = {"Sales": "jordan.lee@helio.example", "Customer Success": "diego.alvarez@helio.example"}


def load(session: Session) -> str:
    """Create Helio's departments and people; loading twice adds nothing new."""
    teams = people.ensure_teams(session, dict(people.DEPARTMENTS))
    existing = set(session.scalars(select(User.email)))
    added = 0
    for name, email, role, team in PEOPLE:
        if email in existing:
            continue
        data = UserIn(email=email, name=name, password=PASSWORD, role=role, team_id=teams[team])
        people.create_user(session, SYSTEM, data)
        added += 1
    # The China team's presales engineer works in Chinese.
    people.get_user_by_email(session, "chen.jing@helio.example").language = "zh"
    for team, email in LEADS.items():
        lead = people.get_user_by_email(session, email)
        people.get_team(session, SYSTEM, teams[team]).lead_id = lead.id
    return f"{COMPANY}, {len(teams)} teams, {added} new of {len(PEOPLE)} people"
