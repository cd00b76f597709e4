"""Words Prism stores and shows — kinds of knowledge, their links, and every status, stage and
role — and the command line's help, listed so that `make messages` puts them in the catalog.
Pages translate them where they are shown (the `kind` and `term` filters); `prism` translates
its help when it starts. `collected()` finds them in the code, and a test
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
    """Every word of a kind, a link, an output's layout or a stored value, as the pages show
    it, and every sentence of the command line's help."""
    import typer

    from prism import cli
    from prism.console import help_texts
    from prism.knowledge.kinds import KINDS, RELATIONS
    from prism.render.layouts import LAYOUTS

    words: set[str] = set()
    for kind in KINDS.values():
        words |= {kind.label, kind.labels}
        for pair in kind.pair_labels.values():
            words |= set(pair)
        words |= {name.replace("_", " ").capitalize() for name in kind.fields.model_fields}
    for relation in RELATIONS.values():
        words |= {relation.label, relation.inverse}
    words |= {layout.label for layout in LAYOUTS.values()}
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
    return words | help_texts(typer.main.get_command(cli.app))


TERMS = (
    N_("A CSV export with a header row."),
    N_("A CSV file with a header row."),
    N_("A CSV with the columns `prism pricing export` writes."),
    N_("A JSON document written by `prism export`."),
    N_("A Salesforce or HubSpot export, or any CSV."),
    N_("A competitor in the deal: adds a comparison."),
    N_("A product the questionnaire is about (its name or id); repeatable."),
    N_("A saved column mapping's name, for other exports."),
    N_("A text file of questions, one per line."),
    N_("About competitor"),
    N_("About product"),
    N_("Add-on"),
    N_("Add-ons"),
    N_("Address to listen on."),
    N_("Addressed by"),
    N_("Alpha"),
    N_("Alternative"),
    N_("Answered for"),
    N_("Answers for questionnaires and tenders."),
    N_("App processes (PostgreSQL only)."),
    N_("Apply migrations and serve the web app and API."),
    N_("Approach"),
    N_("Asked as"),
    N_("Assigned, completed, overdue, certifications held and average score per team or person."),
    N_("Attached to"),
    N_("Attaches file"),
    N_("Available with"),
    N_("Background jobs."),
    N_("Battlecard"),
    N_("Battlecards"),
    N_("Beta"),
    N_("Broader (-3 to -1) or narrower (1 to 3) themes; 0 is as found."),
    N_("Builds on differentiator"),
    N_("Builds on value proposition"),
    N_("Built into"),
    N_("CRM line items: Salesforce, HubSpot, or account,product,edition,…"),
    N_("Cancelled"),
    N_("Category"),
    N_("Challenge"),
    N_("Check every row, import nothing."),
    N_("Cited by"),
    N_("Cites proof"),
    N_("Claim"),
    N_(
        "Cluster a file's texts into themes (without being told how many, unless --k), writing one\nline per input row, in order, with the same clustering as the app."
    ),
    N_("Competitor"),
    N_("Competitors"),
    N_("Covered by"),
    N_("Create a user account."),
    N_("Create an API token for a user and print it (shown only this once)."),
    N_("Create the data directory and the database, or bring an existing one up to date."),
    N_("Currency"),
    N_("Customer"),
    N_("Customer stories"),
    N_("Customer story"),
    N_("Differentiator"),
    N_("Differentiators"),
    N_("Discount bands"),
    N_("Draft as this person (email); else as Prism."),
    N_(
        "Draft each question's answer from published, customer-shareable answers, with its\nsource, version and confidence; a question no answer fits surely enough is left for an\nexpert. Exits 1 if any question is left for an expert."
    ),
    N_("Edition"),
    N_("Editions"),
    N_("Event talk"),
    N_("Evidence"),
    N_("Export the whole knowledge core (items, facets, links, versions, files) as one JSON file."),
    N_("FAQ"),
    N_("FAQ sheet"),
    N_("FAQs"),
    N_("Feature"),
    N_("Features"),
    N_("Feedback: cluster a file, import an export, re-cluster the themes, write the digest."),
    N_("File"),
    N_("Files"),
    N_("Fix the number of themes."),
    N_("Floor discount percent"),
    N_("For whom"),
    N_("Frameworks"),
    N_("Full name."),
    N_("GA"),
    N_("Goals"),
    N_("Handles customer data"),
    N_("Implementation handbook"),
    N_("Implementation handbooks"),
    N_(
        "Import a CSV export into the feedback themes. Every bad row is listed with its line;\nnothing is imported unless all rows are good (or --skip-bad-rows)."
    ),
    N_("Import a knowledge-core document (the default) or a CRM export (`crm`)."),
    N_("Import a knowledge-core document: all of it, or on any mistake nothing."),
    N_("Import as this person (email); else as Prism."),
    N_(
        "Import opportunities or accounts from a CRM export. Rows are matched by their CRM id,\nso importing a file again changes nothing; every bad row is listed with its line, and\nnothing is imported unless all rows are good (or --skip-bad-rows)."
    ),
    N_("Import the good rows when some are bad (else import none)."),
    N_(
        "Import what accounts hold from CRM line items. All or nothing: every bad row is listed\nwith its line; importing a file again changes nothing."
    ),
    N_("Includes"),
    N_("Initial password."),
    N_("Install completion for the current shell."),
    N_("JSON (signed)"),
    N_("Key benefit"),
    N_("Landed"),
    N_("Landmines"),
    N_("Launches: their gates and briefs."),
    N_("Lifetime in days."),
    N_("List launches, newest first, with their stage and bill-of-materials progress."),
    N_("List the registered jobs with their schedules, then the 20 most recent runs."),
    N_("List user accounts."),
    N_("Load the demo company (Helio Systems) into the database, then serve it."),
    N_("Manage API tokens."),
    N_("Manage user accounts."),
    N_("Metric"),
    N_("Microsoft Teams"),
    N_("Need"),
    N_("Objection"),
    N_("Objections"),
    N_("One product (its name or id); else every product."),
    N_("One-pager"),
    N_("Only the read scope."),
    N_("Only this product (its name)."),
    N_("Overwrite items whose uid is already here."),
    N_("Pains"),
    N_("Part of solution"),
    N_("Permission"),
    N_("Persona"),
    N_("Personas"),
    N_("Planning"),
    N_("Port to listen on."),
    N_("Positioning"),
    N_("Preview this launch's packaging change (a pricing sheet, a deck)."),
    N_("Pricing and packaging: price books and the grid."),
    N_("Pricing notes"),
    N_("Pricing sheet"),
    N_("Print the readiness gate report; exit 1 if something blocks the move."),
    N_("Prism's data directory."),
    N_("Prism, the product enablement hub."),
    N_("Problem"),
    N_("Product"),
    N_("Products"),
    N_("Proof point"),
    N_("Proof points"),
    N_("Proven by story"),
    N_("Proves"),
    N_("Questions; or give --file."),
    N_("Quote"),
    N_("Quote by"),
    N_("Rank"),
    N_(
        "Re-cluster the themes now, each signal on its own; what people curated stays as it is.\nA granularity given is kept for later re-clusterings and for placing new items."
    ),
    N_("Rebuild the search index (keywords, vocabulary, embeddings) of every item."),
    N_("Related to"),
    N_(
        "Render an item in the brand theme (or, with `outdated`, refresh every outdated output).\nA customer output names what it left out for the customer and why."
    ),
    N_("Response"),
    N_("Result"),
    N_("Results"),
    N_("Role"),
    N_("Run background jobs from the PostgreSQL queue (not needed on SQLite)."),
    N_("Run one job now, in this process, and print how it ended."),
    N_("Sales deck"),
    N_("Sales motion"),
    N_("Security & compliance"),
    N_("Security & compliance documents"),
    N_(
        "Serve Prism to an AI assistant over stdio (Model Context Protocol), as the token's person.\n\nStandard output carries the protocol; messages go to standard error."
    ),
    N_("Serve after loading."),
    N_("Set a user's password (which signs them out everywhere and revokes their API tokens)."),
    N_(
        "Set and schedule prices from a spreadsheet. All or nothing: every bad row is listed with\nits line and nothing is written; importing an export again changes nothing."
    ),
    N_("Short answer"),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_(
        "Show the packaging change a launch carries, what GA needs for it, and what it means for\nsales, customer success and support. Exits 1 while something GA needs is missing."
    ),
    N_("Sign-in email."),
    N_("Slack"),
    N_("Slashed dates are DD/MM/YYYY."),
    N_("Solution"),
    N_("Solutions"),
    N_("Source url"),
    N_("Speaks to"),
    N_("Status"),
    N_("Step"),
    N_("Steps"),
    N_("Stop when the queue is empty."),
    N_("Target"),
    N_("Team name, e.g. Sales."),
    N_("The Prism API token the assistant acts as (its person's permissions)."),
    N_("The buyer's questionnaire: XLSX, DOCX or CSV."),
    N_("The column holding it (matched by name)."),
    N_("The column holding the text."),
    N_("The column holding what was said."),
    N_("The file's encoding."),
    N_("The job's registered name."),
    N_("The kind of rows that do not say theirs."),
    N_("The launch's name or id."),
    N_("The price book a pricing sheet quotes; the product's own if left out."),
    N_("The product's features by edition, with each limit, and what needs a look."),
    N_("The product's name or id."),
    N_("The stage to check (default: the next)."),
    N_("Their industry: picks the stories."),
    N_("Training: readiness across people and teams."),
    N_("Typical deal size"),
    N_(
        "Upgrades customers ask for: per edition and feature, the accounts whose own requests ask\nfor what it includes, largest ARR first."
    ),
    N_("Used by"),
    N_("Uses feature"),
    N_("Value"),
    N_("Value proposition"),
    N_("Value propositions"),
    N_("Website"),
    N_("What the token is for."),
    N_("What to do"),
    N_("Where to write it (.pdf or .md)."),
    N_("Where to write row,theme_id,theme_label."),
    N_("Where to write the CSV ('-' for the screen)."),
    N_("Where to write the JSON document; - for stdout."),
    N_("Where to write the file with the drafts in it."),
    N_("Where to write the file."),
    N_("Whitepaper"),
    N_("Who it is for: shown on the output."),
    N_("Whose password."),
    N_("Whose token."),
    N_("Why we lose"),
    N_("Why we win"),
    N_("Write CSV here instead of a table."),
    N_("Write every price (history, in force and scheduled), one volume band per row."),
    N_("Write the launch brief as a PDF or markdown file, by the extension of --out."),
    N_(
        "Write the library's drafts into the buyer's own file, everything else left as sent, and\nlist what was drafted and what is left for an expert; nothing is kept in Prism (upload the\nfile under Questionnaires to review it with others). Exits 1 if any question is left for\nan expert."
    ),
    N_("Write the product digest (the top undecided themes by revenue impact) as PDF or markdown."),
    N_("Yes or no"),
    N_("a training"),
    N_("accepted"),
    N_("account"),
    N_("accounts"),
    N_("active"),
    N_("admin"),
    N_("admin, editor, contributor or viewer."),
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
    N_("connected system"),
    N_("contributor"),
    N_("conversion"),
    N_("csv"),
    N_("customer"),
    N_("customer (the default for all but battlecards) or internal."),
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
    N_("drafted"),
    N_("dropped"),
    N_("ease of use"),
    N_("editor"),
    N_("en or zh; by default the source's."),
    N_("evaluation"),
    N_("expired"),
    N_("failed"),
    N_("feature request"),
    N_("flat"),
    N_("for expert"),
    N_("form"),
    N_("function"),
    N_("ga"),
    N_("graduated"),
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
    N_("month"),
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
    N_("once"),
    N_("open"),
    N_("open pipeline"),
    N_("opportunities"),
    N_("other"),
    N_("other loss and churn reasons"),
    N_("overdue"),
    N_("partner"),
    N_("passed"),
    N_("pending"),
    N_("person or team."),
    N_("pipeline"),
    N_("planned"),
    N_("planning"),
    N_("pointed to the self-serve toolkit"),
    N_("poor adoption"),
    N_("pptx, pdf, docx or html."),
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
    N_("rejected"),
    N_("relationship"),
    N_("request"),
    N_("requests"),
    N_("retired"),
    N_("reviewed"),
    N_("revoked"),
    N_("roadmap"),
    N_("running"),
    N_("sales_deck, talk, whitepaper, one_pager, …"),
    N_("scenario"),
    N_("search"),
    N_("search empty"),
    N_("seat"),
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
    N_("solution:ID, product:ID, story:ID, battlecard:ID, faqs:PRODUCT_ID, or outdated."),
    N_("stale"),
    N_("standard"),
    N_("succeeded"),
    N_("support"),
    N_("teams"),
    N_("themes"),
    N_("timing"),
    N_("to do"),
    N_("todo"),
    N_("tracked user"),
    N_("training"),
    N_("true false"),
    N_("true or false"),
    N_("upsell"),
    N_("usability"),
    N_("view"),
    N_("viewer"),
    N_("visits"),
    N_("volume"),
    N_("win"),
    N_("win reason"),
    N_("win reasons"),
    N_("withdrawn"),
    N_("won"),
    N_("year"),
)


def _write() -> None:
    """Write this file's list again from what `collected()` finds."""
    path = Path(__file__)
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("TERMS = (")]
    foot = text[text.index("\n\n\ndef _write") :]
    listed = "".join(_listed(json.dumps(word, ensure_ascii=False)) for word in sorted(collected()))
    path.write_text(f"{head}TERMS = (\n{listed}){foot}", encoding="utf-8")


def _listed(literal: str) -> str:
    """One entry, laid out as the formatter lays it out."""
    line = f"    N_({literal}),\n"
    return line if len(line) <= 101 else f"    N_(\n        {literal}\n    ),\n"


if __name__ == "__main__":
    _write()
