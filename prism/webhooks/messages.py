"""Events as chat messages: what a person in a Slack or Microsoft Teams channel reads when Prism
posts there — a headline, a few lines, and a button to the page in Prism.

Each event's payload becomes a `Message` once; `slack()` and `teams()` lay it out as Slack's
Block Kit and as an Adaptive Card, the shapes their incoming webhooks take (Teams: a workflow's
"when a Teams webhook request is received", or a classic incoming webhook). Messages are written
in the channel's language (`Webhook.language`); names stay as they were written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from prism.i18n import _, language, ngettext, term, when
from prism.knowledge.kinds import kind_label

Payload = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """A notice for people: its headline, its lines, and the Prism page it is about."""

    title: str
    lines: list[str] = field(default_factory=list)
    path: str = ""
    action: str = ""

    def url(self, base: str) -> str:
        return f"{base.rstrip('/')}{self.path}" if self.path else base.rstrip("/")

    @property
    def button(self) -> str:
        return self.action or _("Open in Prism")


def _stage(value: object) -> str:
    return term(value or "")


def _who(person: object) -> str:
    return str(person.get("name", "")) if isinstance(person, dict) else ""


def _day(value: object) -> str:
    try:
        return when(date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def _owned(lines: list[str], p: Payload) -> list[str]:
    """`lines`, then whose the thing is, when the payload says."""
    return [*lines, _("Owner: {name}.", name=_who(p["owner"]))] if p.get("owner") else lines


def _launch_moved(p: Payload) -> Message:
    launch = p.get("launch", {})
    name, to = launch.get("name", ""), _stage(p.get("to")).upper()
    title = _("Launch “{name}” moved to {stage}", name=name, stage=to)
    lines = [_("From {old} to {new}.", old=_stage(p.get("from")), new=_stage(p.get("to")))]
    if p.get("overridden"):
        title = _("Launch “{name}” moved to {stage} (gate overridden)", name=name, stage=to)
        lines.append(_("Its readiness gate had not passed; an administrator overrode it."))
    return Message(title, lines, str(launch.get("path", "")))


def _gate_blocked(p: Payload) -> Message:
    launch = p.get("launch", {})
    lines = [f"• {b.get('label', '')}: {b.get('detail', '')}" for b in p.get("blockers", [])]
    if p.get("by"):
        lines.append(_("Tried by {name}.", name=_who(p["by"])))
    return Message(
        _(
            "Launch “{name}” is held at the {stage} gate",
            name=launch.get("name", ""),
            stage=_stage(p.get("to")).upper(),
        ),
        lines,
        str(launch.get("path", "")),
    )


def _deliverable_overdue(p: Payload) -> Message:
    launch, deliverable = p.get("launch", {}), p.get("deliverable", {})
    lines = _owned([_("It was due on {day}.", day=_day(deliverable.get("due_on")))], p)
    return Message(
        _(
            "“{title}” for {launch} is overdue",
            title=deliverable.get("title", ""),
            launch=launch.get("name", ""),
        ),
        lines,
        str(launch.get("path", "")),
    )


def _checkpoint_due(p: Payload) -> Message:
    launch, point = p.get("launch", {}), p.get("checkpoint", {})
    lines = _owned([_("Review the launch's metrics by {day}.", day=_day(point.get("due_on")))], p)
    return Message(
        _(
            "The {day}-day review of {launch} is due",
            day=point.get("day", ""),
            launch=launch.get("name", ""),
        ),
        lines,
        str(launch.get("path", "")),
    )


def _status_changed(kind: str, told: str) -> Callable[[Payload], Message]:
    def build(p: Payload) -> Message:
        thing = p.get(kind, {})
        name = thing.get("title") or thing.get("label") or ""
        lines = [str(p["note"])] if p.get("note") else []
        if p.get(told):
            lines.append(
                ngettext(
                    "{count} person who asked for it was told in Prism.",
                    "{count} people who asked for it were told in Prism.",
                    int(p[told]),
                )
            )
        title = _("“{name}” is now {status}", name=name, status=_stage(p.get("status")))
        return Message(title, lines, str(thing["path"]))

    return build


def _item_stale(p: Payload) -> Message:
    item = p.get("item", {})
    reasons = p.get("reasons_in", {}).get(language()) or p.get("reasons", [])
    lines = _owned([str(reason) for reason in reasons], p)
    return Message(
        _(
            "{kind} “{title}” is stale",
            kind=kind_label(str(item.get("kind"))),
            title=item.get("title", ""),
        ),
        lines,
        str(item.get("path", "")),
        _("Review it"),
    )


def _share_opened(p: Payload) -> Message:
    link, deal = p.get("link", {}), p.get("deal") or {}
    lines = []
    if deal:
        lines.append(_("Deal: {deal}.", deal=deal.get("name", "")))
    if p.get("owner"):
        lines.append(_("Shared by {name}.", name=_who(p["owner"])))
    title = link.get("title", "")
    if deal.get("customer"):
        said = _("{who} opened “{title}”", who=deal["customer"], title=title)
    else:
        said = _("A buyer opened “{title}”", title=title)
    return Message(said, lines, str(link.get("path", "")))


def _test(p: Payload) -> Message:
    return Message(
        _("Prism can post here"),
        [
            _(
                "A test from the webhook “{name}”. Events it sends will look like this.",
                name=p.get("webhook", ""),
            )
        ],
        "/admin/webhooks",
    )


BUILDERS: dict[str, Callable[[Payload], Message]] = {
    "launch.stage_changed": _launch_moved,
    "launch.gate_blocked": _gate_blocked,
    "launch.deliverable_overdue": _deliverable_overdue,
    "launch.checkpoint_due": _checkpoint_due,
    "feedback.theme_status_changed": _status_changed("theme", "contributors_told"),
    "roadmap.capability_status_changed": _status_changed("capability", "requesters_told"),
    "knowledge.item_stale": _item_stale,
    "share.opened": _share_opened,
    "webhook.test": _test,
}


def message_for(event: str, payload: Payload) -> Message:
    """What people read about `event`; an event without its own wording says its name."""
    build = BUILDERS.get(event)
    if build is None:
        return Message(_("Prism: {event}", event=event))
    try:
        return build(payload)
    except (AttributeError, KeyError, TypeError, ValueError):  # a payload of an older shape
        return Message(_("Prism: {event}", event=event))


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(message: Message, base: str, event: str) -> Payload:
    """Block Kit for a Slack incoming webhook; `text` is what notifications show."""
    text = f"*{_slack_escape(message.title)}*"
    if message.lines:
        text += "\n" + "\n".join(_slack_escape(line) for line in message.lines)
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": message.button},
        "url": message.url(base),
    }
    return {
        "text": message.title,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
            {"type": "actions", "elements": [button]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Prism · `{event}`"}]},
        ],
    }


def teams(message: Message, base: str, event: str) -> Payload:
    """An Adaptive Card in a message, as Teams' incoming webhooks and workflows take it."""
    body: list[Payload] = [
        {
            "type": "TextBlock",
            "text": message.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    body += [{"type": "TextBlock", "text": line, "wrap": True} for line in message.lines]
    body.append(
        {"type": "TextBlock", "text": f"Prism · {event}", "isSubtle": True, "size": "Small"}
    )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": message.button, "url": message.url(base)}],
    }
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": card,
    }
    return {"type": "message", "summary": message.title, "attachments": [attachment]}
