"""Words Prism stores and shows — kinds of knowledge, their links, and every status, stage and
role — listed so that `make messages` puts them in the catalog. Pages translate them where they
are shown (the `kind` and `term` filters). `collected()` finds them in the code, and a test
fails when this list no longer matches it: `python -m prism.web.terms` writes it again, and
`make messages` runs that before it extracts the sentences."""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import pkgutil
from pathlib import Path

import prism
from prism.i18n import N_

# Permission codes name actions for developers; they are not translated.
_NOT_SHOWN = ("prism.auth.policy.Action",)


def collected() -> set[str]:
    """Every word of a kind, a link or a stored value, as the pages show it."""
    from prism.knowledge.kinds import KINDS, RELATIONS

    words: set[str] = set()
    for kind in KINDS.values():
        words |= {kind.label, kind.labels}
        for pair in kind.pair_labels.values():
            words |= set(pair)
        words |= {name.replace("_", " ").capitalize() for name in kind.fields.model_fields}
    for relation in RELATIONS.values():
        words |= {relation.label, relation.inverse}
    for found in pkgutil.walk_packages(prism.__path__, "prism."):
        if ".migrations" in found.name:
            continue
        module = importlib.import_module(found.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, enum.StrEnum)
                and value.__module__ == module.__name__
                and f"{value.__module__}.{value.__name__}" not in _NOT_SHOWN
            ):
                for member in value:
                    words.add(str(member.value).replace("_", " "))
                    label = getattr(member, "label", None)
                    if isinstance(label, str):
                        words.add(label)
    return words


TERMS = (
    N_("About competitor"),
    N_("About product"),
    N_("Addressed by"),
    N_("Alpha"),
    N_("Alternative"),
    N_("Answered for"),
    N_("Approach"),
    N_("Attached to"),
    N_("Attaches file"),
    N_("Battlecard"),
    N_("Battlecards"),
    N_("Beta"),
    N_("Builds on differentiator"),
    N_("Builds on value proposition"),
    N_("Built into"),
    N_("Cancelled"),
    N_("Category"),
    N_("Challenge"),
    N_("Cited by"),
    N_("Cites proof"),
    N_("Claim"),
    N_("Competitor"),
    N_("Competitors"),
    N_("Covered by"),
    N_("Currency"),
    N_("Customer"),
    N_("Customer stories"),
    N_("Customer story"),
    N_("Differentiator"),
    N_("Differentiators"),
    N_("Evidence"),
    N_("FAQ"),
    N_("FAQs"),
    N_("Feature"),
    N_("Features"),
    N_("File"),
    N_("Files"),
    N_("Frameworks"),
    N_("GA"),
    N_("Goals"),
    N_("Handles customer data"),
    N_("Implementation handbook"),
    N_("Implementation handbooks"),
    N_("Includes"),
    N_("JSON (signed)"),
    N_("Key benefit"),
    N_("Landed"),
    N_("Landmines"),
    N_("Metric"),
    N_("Microsoft Teams"),
    N_("Need"),
    N_("Objection"),
    N_("Objections"),
    N_("Pains"),
    N_("Part of solution"),
    N_("Permission"),
    N_("Persona"),
    N_("Personas"),
    N_("Planning"),
    N_("Positioning"),
    N_("Pricing notes"),
    N_("Problem"),
    N_("Product"),
    N_("Products"),
    N_("Proof point"),
    N_("Proof points"),
    N_("Proven by story"),
    N_("Proves"),
    N_("Quote"),
    N_("Quote by"),
    N_("Related to"),
    N_("Response"),
    N_("Result"),
    N_("Results"),
    N_("Role"),
    N_("Sales motion"),
    N_("Security & compliance"),
    N_("Security & compliance documents"),
    N_("Slack"),
    N_("Solution"),
    N_("Solutions"),
    N_("Source url"),
    N_("Speaks to"),
    N_("Status"),
    N_("Step"),
    N_("Steps"),
    N_("Target"),
    N_("Typical deal size"),
    N_("Used by"),
    N_("Uses feature"),
    N_("Value"),
    N_("Value proposition"),
    N_("Value propositions"),
    N_("Website"),
    N_("What to do"),
    N_("Why we lose"),
    N_("Why we win"),
    N_("a training"),
    N_("account"),
    N_("accounts"),
    N_("active"),
    N_("admin"),
    N_("adoption"),
    N_("alpha"),
    N_("an asset"),
    N_("anonymised"),
    N_("api"),
    N_("archived"),
    N_("asset"),
    N_("assistant"),
    N_("at risk"),
    N_("awareness"),
    N_("beta"),
    N_("blocked"),
    N_("budget"),
    N_("bug"),
    N_("bug seen by a customer"),
    N_("bugs"),
    N_("buyer view"),
    N_("cancelled"),
    N_("candidate"),
    N_("churn"),
    N_("churn reason"),
    N_("closed"),
    N_("competitive intel"),
    N_("competitor"),
    N_("competitor intel"),
    N_("completed"),
    N_("computed"),
    N_("contributor"),
    N_("conversion"),
    N_("csv"),
    N_("customer"),
    N_("deal"),
    N_("deal help"),
    N_("deal help offered"),
    N_("deals"),
    N_("declined"),
    N_("delivered"),
    N_("deprecated"),
    N_("discovery"),
    N_("done"),
    N_("download"),
    N_("draft"),
    N_("dropped"),
    N_("ease of use"),
    N_("editor"),
    N_("evaluation"),
    N_("expired"),
    N_("failed"),
    N_("feature request"),
    N_("form"),
    N_("function"),
    N_("ga"),
    N_("headlines"),
    N_("healthy"),
    N_("help on a deal"),
    N_("higher"),
    N_("in progress"),
    N_("in review"),
    N_("industry"),
    N_("integration"),
    N_("internal"),
    N_("invited"),
    N_("landed"),
    N_("lapsed"),
    N_("large arr"),
    N_("late launches"),
    N_("loss"),
    N_("loss reason"),
    N_("lost"),
    N_("lower"),
    N_("manual"),
    N_("missing feature"),
    N_("multiple"),
    N_("multiple choice"),
    N_("my late work"),
    N_("negotiation"),
    N_("new"),
    N_("no decision"),
    N_("none"),
    N_("not measurable"),
    N_("off track"),
    N_("on the roadmap"),
    N_("on track"),
    N_("open"),
    N_("open pipeline"),
    N_("opportunities"),
    N_("other"),
    N_("other loss and churn reasons"),
    N_("partner"),
    N_("passed"),
    N_("pending"),
    N_("pipeline"),
    N_("planned"),
    N_("planning"),
    N_("pointed to the self-serve toolkit"),
    N_("poor adoption"),
    N_("praise"),
    N_("price"),
    N_("price and value"),
    N_("pricing"),
    N_("prism"),
    N_("product fit"),
    N_("proposal"),
    N_("proposed"),
    N_("public"),
    N_("published"),
    N_("queued"),
    N_("recent win"),
    N_("refund"),
    N_("region"),
    N_("reject"),
    N_("relationship"),
    N_("request"),
    N_("requests"),
    N_("retired"),
    N_("reviewed"),
    N_("revoked"),
    N_("roadmap"),
    N_("running"),
    N_("scenario"),
    N_("search"),
    N_("search empty"),
    N_("security"),
    N_("security and compliance"),
    N_("self serve"),
    N_("share"),
    N_("shared"),
    N_("shared with product"),
    N_("shipped"),
    N_("single"),
    N_("single choice"),
    N_("skip"),
    N_("slack"),
    N_("stale"),
    N_("standard"),
    N_("succeeded"),
    N_("support"),
    N_("teams"),
    N_("themes"),
    N_("timing"),
    N_("todo"),
    N_("training"),
    N_("true false"),
    N_("true or false"),
    N_("upsell"),
    N_("usability"),
    N_("view"),
    N_("viewer"),
    N_("visits"),
    N_("win"),
    N_("win reason"),
    N_("win reasons"),
    N_("withdrawn"),
    N_("won"),
)


def _write() -> None:
    """Write this file's list again from what `collected()` finds."""
    path = Path(__file__)
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("TERMS = (")]
    foot = text[text.index("\n\n\ndef _write") :]
    listed = "".join(f"    N_({json.dumps(word)}),\n" for word in sorted(collected()))
    path.write_text(f"{head}TERMS = (\n{listed}){foot}", encoding="utf-8")


if __name__ == "__main__":
    _write()
