"""Events as chat messages: what a person in a Slack or Microsoft Teams channel reads when Prism
posts there — a headline, a few lines, and a button to the page in Prism.

Each event's payload becomes a `Message` once; `slack()` and `teams()` lay it out as Slack's
Block Kit and as an Adaptive Card, the shapes their incoming webhooks take (Teams: a workflow's
"when a Teams webhook request is received", or a classic incoming webhook)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Payload = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """A notice for people: its headline, its lines, and the Prism page it is about."""

    title: str
    lines: list[str] = field(default_factory=list)
    path: str = ""
    action: str = "Open in Prism"

    def url(self, base: str) -> str:
        return f"{base.rstrip('/')}{self.path}" if self.path else base.rstrip("/")


def _words(value: object) -> str:
    return str(value or "").replace("_", " ")


def _who(person: object) -> str:
    return str(person.get("name", "")) if isinstance(person, dict) else ""


def _owned(lines: list[str], p: Payload) -> list[str]:
    """`lines`, then whose the thing is, when the payload says."""
    return [*lines, f"Owner: {_who(p['owner'])}."] if p.get("owner") else lines


def _launch_moved(p: Payload) -> Message:
    launch = p.get("launch", {})
    title = f"Launch “{launch.get('name', '')}” moved to {_words(p.get('to')).upper()}"
    lines = [f"From {_words(p.get('from'))} to {_words(p.get('to'))}."]
    if p.get("overridden"):
        title += " (gate overridden)"
        lines.append("Its readiness gate had not passed; an administrator overrode it.")
    return Message(title, lines, str(launch.get("path", "")))


def _gate_blocked(p: Payload) -> Message:
    launch = p.get("launch", {})
    lines = [f"• {b.get('label', '')}: {b.get('detail', '')}" for b in p.get("blockers", [])]
    if p.get("by"):
        lines.append(f"Tried by {_who(p['by'])}.")
    return Message(
        f"Launch “{launch.get('name', '')}” is held at the {_words(p.get('to')).upper()} gate",
        lines,
        str(launch.get("path", "")),
    )


def _deliverable_overdue(p: Payload) -> Message:
    launch, deliverable = p.get("launch", {}), p.get("deliverable", {})
    lines = _owned([f"It was due on {deliverable.get('due_on', '')}."], p)
    return Message(
        f"“{deliverable.get('title', '')}” for {launch.get('name', '')} is overdue",
        lines,
        str(launch.get("path", "")),
    )


def _checkpoint_due(p: Payload) -> Message:
    launch, point = p.get("launch", {}), p.get("checkpoint", {})
    lines = _owned([f"Review the launch's metrics by {point.get('due_on', '')}."], p)
    return Message(
        f"The {point.get('day', '')}-day review of {launch.get('name', '')} is due",
        lines,
        str(launch.get("path", "")),
    )


def _status_changed(kind: str, told: str) -> Callable[[Payload], Message]:
    def build(p: Payload) -> Message:
        thing = p.get(kind, {})
        name = thing.get("title") or thing.get("label") or ""
        lines = [str(p["note"])] if p.get("note") else []
        if p.get(told):
            lines.append(f"{p[told]} people who asked for it were told in Prism.")
        return Message(f"“{name}” is now {_words(p.get('status'))}", lines, str(thing["path"]))

    return build


def _item_stale(p: Payload) -> Message:
    item = p.get("item", {})
    lines = _owned([str(reason) for reason in p.get("reasons", [])], p)
    kind = _words(item.get("kind")).capitalize()
    return Message(
        f"{kind} “{item.get('title', '')}” is stale", lines, str(item.get("path", "")), "Review it"
    )


def _share_opened(p: Payload) -> Message:
    link, deal = p.get("link", {}), p.get("deal") or {}
    who = deal.get("customer") or "A buyer"
    lines = []
    if deal:
        lines.append(f"Deal: {deal.get('name', '')}.")
    if p.get("owner"):
        lines.append(f"Shared by {_who(p['owner'])}.")
    return Message(f"{who} opened “{link.get('title', '')}”", lines, str(link.get("path", "")))


def _test(p: Payload) -> Message:
    return Message(
        "Prism can post here",
        [f"A test from the webhook “{p.get('webhook', '')}”. Events it sends will look like this."],
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
        return Message(f"Prism: {event}")
    try:
        return build(payload)
    except (AttributeError, KeyError, TypeError):  # a payload of an older shape
        return Message(f"Prism: {event}")


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(message: Message, base: str, event: str) -> Payload:
    """Block Kit for a Slack incoming webhook; `text` is what notifications show."""
    text = f"*{_slack_escape(message.title)}*"
    if message.lines:
        text += "\n" + "\n".join(_slack_escape(line) for line in message.lines)
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": message.action},
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
        "actions": [{"type": "Action.OpenUrl", "title": message.action, "url": message.url(base)}],
    }
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": card,
    }
    return {"type": "message", "summary": message.title, "attachments": [attachment]}
