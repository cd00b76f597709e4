"""The kinds of knowledge Prism holds, each with its own typed fields, and the typed links between
them. Every kind shares the `Item` row; what makes a battlecard a battlecard lives here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from prism.i18n import _, translate
from prism.schemas import Input

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Lines = Annotated[list[Line], Field(max_length=100)]


class Fields(Input):
    """A kind's own fields; unknown ones are refused so a typo is never silently dropped (and,
    as in every input, text with a NUL character)."""


class FeatureStatus(StrEnum):
    ALPHA = "alpha"
    BETA = "beta"
    GA = "ga"
    DEPRECATED = "deprecated"


class Pair(Fields):
    """Two short texts that belong together: an objection and its response, a metric and value."""

    first: Line
    second: Line


class ProductFields(Fields):
    sales_motion: Literal["self-serve", "inside sales", "field sales", "partner-led"] = (
        "field sales"
    )
    typical_deal_size: int | None = Field(default=None, ge=0, le=10**12)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    # Products that hold customers' data bring the security and compliance pack into deal kits.
    handles_customer_data: bool = False


class FeatureFields(Fields):
    status: FeatureStatus = FeatureStatus.GA


class PersonaFields(Fields):
    role: Short = ""
    goals: Lines = []
    pains: Lines = []
    objections: Lines = []


class PositioningFields(Fields):
    """Moore's positioning statement: for [target] who [need], [product] is a [category] that
    [key benefit]; unlike [alternative], we [differentiator]."""

    target: Short = ""
    need: Short = ""
    category: Short = ""
    key_benefit: Short = ""
    alternative: Short = ""
    differentiator: Short = ""


class ProofPointFields(Fields):
    claim: Short = ""
    evidence: Text = ""
    source_url: Annotated[str, StringConstraints(pattern=r"^(https?://\S+)?$", max_length=500)] = ""


class SolutionFields(Fields):
    problem: Text = ""
    approach: Text = ""
    value: Text = ""


class StoryPermission(StrEnum):
    PUBLIC = "public"
    ANONYMISED = "anonymised"
    INTERNAL = "internal"


class StoryFields(Fields):
    customer: Short = ""
    challenge: Text = ""
    solution: Text = ""
    results: Annotated[list[Pair], Field(max_length=30)] = []
    quote: Text = ""
    quote_by: Short = ""
    permission: StoryPermission = StoryPermission.INTERNAL


class CompetitorFields(Fields):
    website: Annotated[str, StringConstraints(pattern=r"^(https?://\S+)?$", max_length=300)] = ""


class BattlecardFields(Fields):
    why_we_win: Lines = []
    why_we_lose: Lines = []
    landmines: Lines = []
    objections: Annotated[list[Pair], Field(max_length=50)] = []
    pricing_notes: Text = ""


class AnswerFields(Fields):
    """What makes an item an answer a questionnaire can draw on: the title is the question as
    we ask it, the body the long answer."""

    # Other ways buyers ask it ("Do you support SAML?" for "Does Vault support single sign-on?").
    asked_as: Lines = []
    # The answer as it fits one cell of a buyer's spreadsheet.
    short_answer: Short = ""
    # What it says to a yes/no question; only this ever fills a buyer's Yes/No cell.
    yes_or_no: Literal["", "yes", "no", "n/a"] = ""


class FaqFields(AnswerFields):
    answered_for: Annotated[
        list[Literal["sales", "customer success", "customers"]], Field(max_length=3)
    ] = ["sales"]


class HandbookFields(Fields):
    steps: Annotated[list[Pair], Field(max_length=100)] = []


class SecurityFields(AnswerFields):
    frameworks: Lines = []


Uid = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9a-f-]{36}$")]


class Inclusion(Fields):
    """A feature an edition or add-on carries, with its limit there ("up to 10 builders")."""

    feature: Uid
    limit: Short = ""


class DiscountBand(Fields):
    """How deep a discount the approver may grant on their own."""

    up_to_percent: int = Field(ge=1, le=100)
    approver: Line


class EditionFields(Fields):
    """A package of a product's features at one price: Team, Business, Enterprise."""

    # Its place in the product's line-up, lowest first: the grid's columns follow it.
    rank: int = Field(default=1, ge=1, le=50)
    for_whom: Short = ""
    features: Annotated[list[Inclusion], Field(max_length=300)] = []
    # The deal desk's rules, for our team only: who may approve how much, and the deepest
    # discount anyone may give.
    discount_bands: Annotated[list[DiscountBand], Field(max_length=10)] = []
    floor_discount_percent: int | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _consistent(self) -> EditionFields:
        uids = [f.feature for f in self.features]
        if len(set(uids)) != len(uids):
            raise ValueError(_("A feature is listed twice."))
        steps = [b.up_to_percent for b in self.discount_bands]
        if steps != sorted(set(steps)):
            raise ValueError(_("Discount bands go from the smallest discount up, each once."))
        floor = self.floor_discount_percent
        if floor is not None and steps and steps[-1] > floor:
            raise ValueError(_("No discount band may go deeper than the floor discount."))
        return self


class AddOnFields(EditionFields):
    """Something bought on top of an edition: more capacity or a capability of its own."""

    # The editions (their uids) it may be bought with; none listed: any of the product's.
    available_with: Annotated[list[Uid], Field(max_length=20)] = []


class NoFields(Fields):
    """Kinds whose title, summary and body say everything."""


@dataclass(frozen=True)
class Kind:
    """One kind of knowledge: its name in the API and UI and the shape of its own fields."""

    name: str
    plural: str
    label: str
    fields: type[Fields]
    # Labels for the pairs in list-of-pair fields, as the edit form shows them.
    pair_labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Kinds whose items must link to a product (a feature belongs to exactly one).
    needs_product: bool = False
    describes: str = ""
    # Fields for our own team only: a customer-facing output never prints them (see audience.py).
    internal: frozenset[str] = frozenset()
    # The label of many, where adding an "s" to `label` would be wrong.
    many: str = ""
    # Fields edited on a page of their own (the packaging grid), not in the item's form.
    managed: frozenset[str] = frozenset()

    @property
    def labels(self) -> str:
        """The label of many: "Customer stories", "Proof points"."""
        return self.many or f"{self.label}s"


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "product",
            "products",
            "Product",
            ProductFields,
            describes="What we sell.",
            internal=frozenset({"sales_motion", "typical_deal_size", "handles_customer_data"}),
        ),
        Kind(
            "feature",
            "features",
            "Feature",
            FeatureFields,
            needs_product=True,
            internal=frozenset({"status"}),
        ),
        Kind("persona", "personas", "Persona", PersonaFields, internal=frozenset({"objections"})),
        Kind(
            "positioning",
            "positionings",
            "Positioning",
            PositioningFields,
            needs_product=True,
            many="Positioning",
        ),
        Kind("value_proposition", "value-propositions", "Value proposition", NoFields),
        Kind("differentiator", "differentiators", "Differentiator", NoFields),
        Kind("proof_point", "proof-points", "Proof point", ProofPointFields),
        Kind("solution", "solutions", "Solution", SolutionFields),
        Kind(
            "story",
            "stories",
            "Customer story",
            StoryFields,
            pair_labels={"results": ("Metric", "Result")},
            internal=frozenset({"permission"}),
            many="Customer stories",
        ),
        Kind("competitor", "competitors", "Competitor", CompetitorFields),
        Kind(
            "battlecard",
            "battlecards",
            "Battlecard",
            BattlecardFields,
            pair_labels={"objections": ("Objection", "Response")},
            internal=frozenset(BattlecardFields.model_fields),
        ),
        Kind("faq", "faqs", "FAQ", FaqFields, internal=frozenset({"answered_for"})),
        Kind(
            "handbook",
            "handbooks",
            "Implementation handbook",
            HandbookFields,
            pair_labels={"steps": ("Step", "What to do")},
        ),
        Kind(
            "security",
            "security-documents",
            "Security & compliance",
            SecurityFields,
            many="Security & compliance documents",
        ),
        Kind("asset", "assets", "File", NoFields),
        Kind(
            "edition",
            "editions",
            "Edition",
            EditionFields,
            needs_product=True,
            describes="A package of a product's features at one price.",
            internal=frozenset({"discount_bands", "floor_discount_percent"}),
            managed=frozenset({"features", "discount_bands"}),
        ),
        Kind(
            "add_on",
            "add-ons",
            "Add-on",
            AddOnFields,
            needs_product=True,
            describes="Bought on top of an edition.",
            internal=frozenset({"discount_bands", "floor_discount_percent"}),
            managed=frozenset({"features", "discount_bands", "available_with"}),
        ),
    )
}


def kind_label(kind: str) -> str:
    """A kind's name (`proof_point`) as people read it ("Proof point"), in their language."""
    return _(KINDS[kind].label) if kind in KINDS else kind


def kind_word(kind: str | None) -> str:
    """A kind as a sentence names it ("battlecard"; "item" for any kind), in the reader's
    language."""
    if kind is None or kind not in KINDS:
        return _("item")
    return kind_label(kind).lower()


KindName = Literal[
    "product",
    "feature",
    "persona",
    "positioning",
    "value_proposition",
    "differentiator",
    "proof_point",
    "solution",
    "story",
    "competitor",
    "battlecard",
    "faq",
    "handbook",
    "security",
    "asset",
    "edition",
    "add_on",
]


@dataclass(frozen=True)
class Relation:
    """A typed link from one item to another: what the source says about the target."""

    name: str
    label: str
    inverse: str
    targets: frozenset[str]
    # The source's claims rest on the target: when the target goes stale, so does the source.
    built_on: bool = False


RELATIONS: dict[str, Relation] = {
    rel.name: rel
    for rel in (
        Relation("product", "About product", "Covered by", frozenset({"product"})),
        Relation("feature", "Uses feature", "Used by", frozenset({"feature"})),
        Relation("persona", "Speaks to", "Addressed by", frozenset({"persona"})),
        Relation("competitor", "About competitor", "Covered by", frozenset({"competitor"})),
        Relation("story", "Proven by story", "Proves", frozenset({"story"})),
        Relation("solution", "Part of solution", "Includes", frozenset({"solution"})),
        Relation("proof", "Cites proof", "Cited by", frozenset({"proof_point"}), built_on=True),
        Relation(
            "value_proposition",
            "Builds on value proposition",
            "Built into",
            frozenset({"value_proposition"}),
            built_on=True,
        ),
        Relation(
            "differentiator",
            "Builds on differentiator",
            "Built into",
            frozenset({"differentiator"}),
            built_on=True,
        ),
        Relation("file", "Attaches file", "Attached to", frozenset({"asset"})),
        Relation("related", "Related to", "Related to", frozenset(KINDS)),
    )
}
RelationName = Literal[
    "product",
    "feature",
    "persona",
    "competitor",
    "story",
    "solution",
    "proof",
    "value_proposition",
    "differentiator",
    "file",
    "related",
]
BUILT_ON = frozenset(name for name, rel in RELATIONS.items() if rel.built_on)


def link_problem(relation: str, target_kind: str, *, to_itself: bool) -> str | None:
    """Why a link of `relation` to an item of `target_kind` is not allowed, or None if it is."""
    if to_itself:
        return _("An item cannot link to itself.")
    rel = RELATIONS[relation]
    if target_kind not in rel.targets:
        return _(
            "“{relation}” links to a {kinds}, not to a {kind}.",
            relation=translate(rel.label),
            kinds=" / ".join(kind_word(k) for k in sorted(rel.targets)),
            kind=kind_word(target_kind),
        )
    return None


def products_problem(kind: str, products: int) -> str | None:
    """Why an item of `kind` may not have `products` product links, or None if it may."""
    if KINDS[kind].needs_product and products != 1:
        return _("A {kind} belongs to exactly one product; link it to one.", kind=kind_word(kind))
    return None


def unknown_kind(names: list[str]) -> str | None:
    """The first of `names` that is not a kind of knowledge, or None."""
    return next((n for n in names if n not in KINDS), None)
