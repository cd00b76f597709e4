"""Kit rules: editors say when a deal's kit gets extras (the security pack for regulated
industries or products that hold customer data) and why."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import Action, Principal, require
from prism.errors import Conflict, Invalid, NotFound, check_version
from prism.i18n import _
from prism.knowledge.access import readable_by
from prism.knowledge.models import Item
from prism.toolkits.models import KitRule
from prism.toolkits.schemas import RuleIn, RuleUpdate


def list_rules(session: Session, actor: Principal) -> list[KitRule]:
    require(actor, Action.BUILD_KITS)
    return list(session.scalars(select(KitRule).order_by(KitRule.name)))


def get_rule(session: Session, actor: Principal, rule_id: int) -> KitRule:
    require(actor, Action.BUILD_KITS)
    rule = session.get(KitRule, rule_id)
    if rule is None:
        raise NotFound(_("No kit rule {rule_id}.", rule_id=rule_id))
    return rule


def create_rule(session: Session, actor: Principal, data: RuleIn) -> KitRule:
    require(actor, Action.CURATE_KITS)
    rule = KitRule()
    _apply(session, actor, rule, data)
    return rule


def update_rule(session: Session, actor: Principal, rule_id: int, data: RuleUpdate) -> KitRule:
    rule = get_rule(session, actor, rule_id)
    require(actor, Action.CURATE_KITS)
    check_version("kit rule", data.version, rule.version)
    _apply(session, actor, rule, data)
    return rule


def delete_rule(session: Session, actor: Principal, rule_id: int, *, version: int) -> None:
    rule = get_rule(session, actor, rule_id)
    require(actor, Action.CURATE_KITS)
    check_version("kit rule", version, rule.version)
    session.delete(rule)
    session.flush()


def _apply(session: Session, actor: Principal, rule: KitRule, data: RuleIn) -> None:
    clash = session.scalar(select(KitRule.id).where(KitRule.name == data.name))
    if clash is not None and clash != rule.id:
        raise Conflict(_("A kit rule named “{name}” already exists.", name=data.name))
    found = set(
        session.scalars(select(Item.id).where(Item.id.in_(data.item_ids), readable_by(actor)))
    )
    missing = [i for i in data.item_ids if i not in found]
    if missing:
        raise Invalid.about("item_ids", _("No item {item_id}.", item_id=missing[0]))
    when = data.when
    if not (when.industries or when.customer_data or when.min_value is not None or when.expansion):
        raise Invalid.about(
            "when",
            _(
                "A rule needs a condition: industries, customer data, a minimum value or an "
                "expansion."
            ),
        )
    if not data.item_ids and not when.expansion:
        raise Invalid.about("item_ids", _("Choose the items the rule adds to a kit."))
    rule.name, rule.reason, rule.enabled = data.name, data.reason, data.enabled
    rule.when = data.when.model_dump(exclude_defaults=False)
    rule.item_ids = list(dict.fromkeys(data.item_ids))
    session.add(rule)
    session.flush()
