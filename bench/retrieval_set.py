"""A labelled retrieval set over the demo data set, derived from the generator's structure.

Every query is written the way a marketer would ask it, and paraphrased on purpose: it
names what the copy is *about* (a theme, a product, an audience, a kind of creative) in
other words than the copy uses, and a few ask with synonyms only ("expense cards with
spending limits" for Spend Cards, "win back" for lapsed buyers). A query does not list
node ids; it carries *facets*, and :func:`build_set` grades each text node of a generated
data set against them:

* what an asset is about comes from its campaign (``campaign_ids``), whose name the
  generator builds as ``{theme} {year} · {product} · {audience}``; theme and product are
  looked up in :data:`demo.BRAND_COPY` (never parsed from free text);
* which channels and audiences an asset ran on comes from the outcome table
  (asset × channel × audience rows), so "search ads" means an asset that ran on a
  ``paid_search`` channel and "for returning customers" one shown to that audience;
* reports are identified by their period, blog posts by the title template they were
  rendered from, and brand guidelines are the Brand node and its guideline asset.

Grades: 2 (exact) when a text matches any of the query's ``exact`` facets, else 1
(partial) when it matches any ``partial`` facets, else 0. Recall is measured on the grade-2
texts, nDCG on both grades. A query whose exact set is empty on a data set (a theme the
seed never scheduled) is left out, so :func:`build_set` works on any seed and size.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from demo import BRAND_COPY, BrandCopy, DemoDataset

# Channel kinds whose creative is an ad someone pays to show.
ADS: Final = frozenset({"paid_search", "paid_social", "display", "video"})


@dataclass(frozen=True, slots=True)
class Facets:
    """Conditions on one text node; every field given must match (``None`` = any).

    Set-valued fields match when the node has at least one of the listed values.
    """

    labels: frozenset[str] | None = None  # "Asset", "Campaign", "Brand"
    kinds: frozenset[str] | None = None  # asset kind, "campaign" or "guideline"
    channels: frozenset[str] | None = None  # channel kinds the text ran on
    audiences: frozenset[str] | None = None  # audience keys (``returning``, ``lapsed``…)
    themes: frozenset[str] | None = None  # theme names of the brand's copy
    products: frozenset[str] | None = None  # product short names
    units: frozenset[str] | None = None  # business units
    reports: frozenset[str] | None = None  # report period slugs (``2026-summer``)
    blog_titles: frozenset[str] | None = None  # blog title templates of the brand's copy


def facets(
    *,
    labels: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    channels: Iterable[str] | None = None,
    audiences: Iterable[str] | None = None,
    themes: Iterable[str] | None = None,
    products: Iterable[str] | None = None,
    units: Iterable[str] | None = None,
    reports: Iterable[str] | None = None,
    blog_titles: Iterable[str] | None = None,
) -> Facets:
    """A :class:`Facets` from plain iterables."""

    def fs(values: Iterable[str] | None) -> frozenset[str] | None:
        return None if values is None else frozenset(values)

    return Facets(
        labels=fs(labels),
        kinds=fs(kinds),
        channels=fs(channels),
        audiences=fs(audiences),
        themes=fs(themes),
        products=fs(products),
        units=fs(units),
        reports=fs(reports),
        blog_titles=fs(blog_titles),
    )


GUIDELINES: Final = facets(kinds={"guideline"})


@dataclass(frozen=True, slots=True)
class QuerySpec:
    """A query as written: its text, its brand key and what makes a text relevant."""

    text: str
    brand: str  # brand key (``trailhead``)
    exact: tuple[Facets, ...]
    partial: tuple[Facets, ...] = ()
    tags: tuple[str, ...] = ()  # "synonym": the copy uses other words for the key idea


@dataclass(frozen=True, slots=True)
class LabelledQuery:
    """A query of the set with its graded relevant node ids (``Label:id`` → 1 or 2)."""

    query: str
    brand_id: str
    relevance: Mapping[str, int]
    tags: tuple[str, ...] = ()

    @property
    def exact(self) -> frozenset[str]:
        return frozenset(n for n, g in self.relevance.items() if g >= 2)


@dataclass(frozen=True, slots=True)
class TextFacts:
    """What the generator knows about one text node of the index."""

    node_id: str
    label: str
    brand: str  # brand key
    kind: str
    channels: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    theme: str | None = None
    product: str | None = None
    unit: str | None = None
    report: str | None = None
    blog_title: str | None = None

    def matches(self, f: Facets) -> bool:
        def one(value: str | None, wanted: frozenset[str] | None) -> bool:
            return wanted is None or (value is not None and value in wanted)

        def many(values: frozenset[str], wanted: frozenset[str] | None) -> bool:
            return wanted is None or bool(values & wanted)

        return (
            one(self.label, f.labels)
            and one(self.kind, f.kinds)
            and many(self.channels, f.channels)
            and many(self.audiences, f.audiences)
            and one(self.theme, f.themes)
            and one(self.product, f.products)
            and one(self.unit, f.units)
            and one(self.report, f.reports)
            and one(self.blog_title, f.blog_titles)
        )


# -- the queries -------------------------------------------------------------------------
def _q(
    text: str,
    brand: str,
    exact: Facets | Sequence[Facets],
    partial: Facets | Sequence[Facets] = (),
    *tags: str,
) -> QuerySpec:
    ex = (exact,) if isinstance(exact, Facets) else tuple(exact)
    pa = (partial,) if isinstance(partial, Facets) else tuple(partial)
    return QuerySpec(text=text, brand=brand, exact=ex, partial=pa, tags=tags)


_TH, _LL, _EO = "trailhead", "ledgerline", "emberoak"
_CLOSE_THEMES = {"Close in 3 Days", "Year-End Close", "Q4 Close Prep"}
_SOCIAL = {"organic_social", "paid_social"}

# fmt: off
SPECS: Final[tuple[QuerySpec, ...]] = (
    # -- Trailhead Outfitters (outdoor gear) --
    _q("subject lines that worked for returning customers", _TH,
       facets(kinds={"email"}, audiences={"returning"}),
       [facets(channels={"sms"}, audiences={"returning"}),
        facets(kinds={"email"}, audiences={"summit-club"})]),
    _q("search ads for the winter sale on insulated jackets", _TH,
       facets(channels={"paid_search"}, themes={"Winter Layering Event"}),
       [facets(themes={"Winter Layering Event"}),
        facets(channels={"paid_search"}, units={"Apparel"})]),
    _q("text messages for loyalty program members", _TH,
       facets(channels={"sms"}, audiences={"summit-club"}),
       facets(kinds={"email"}, audiences={"summit-club"}), "synonym"),
    _q("emails to win back shoppers who stopped buying", _TH,
       facets(kinds={"email"}, audiences={"lapsed"}),
       facets(audiences={"lapsed"}), "synonym"),
    _q("video scripts featuring the down sleeping bag", _TH,
       facets(kinds={"video"}, products={"Emberlite 20°"}),
       [facets(products={"Emberlite 20°"}), facets(kinds={"video"}, units={"Camping"})]),
    _q("holiday gift guide campaigns", _TH,
       facets(labels={"Campaign"}, themes={"Holiday Gear Guide"}),
       facets(themes={"Holiday Gear Guide"})),
    _q("landing pages for the small hiking backpack", _TH,
       facets(kinds={"landing_page"}, products={"Daybreak 22"}),
       [facets(products={"Daybreak 22"}), facets(kinds={"landing_page"}, units={"Packs"})]),
    _q("Trailhead rules on discounts and banned words", _TH, GUIDELINES),
    _q("what tone of voice should Trailhead copy have", _TH, GUIDELINES),
    _q("blog advice on picking boots that fit", _TH,
       facets(blog_titles={"How to choose hiking boots that fit the first time"}),
       facets(kinds={"blog"}, units={"Footwear"})),
    _q("blog posts explaining how to dress in layers for cold weather", _TH,
       facets(blog_titles={"The {season} layering system, explained"}),
       facets(kinds={"blog"}, units={"Apparel"})),
    _q("articles on minimising our impact on crowded trails", _TH,
       facets(blog_titles={"Leave No Trace: {n} habits for busy trails"}),
       GUIDELINES),
    _q("how did marketing perform over the summer", _TH,
       facets(reports={"2026-summer"}), facets(kinds={"report"})),
    _q("paid social creative for the hydration vest", _TH,
       facets(channels={"paid_social"}, products={"Hydra vest"}),
       facets(products={"Hydra vest"})),
    _q("banner ads for wool base layers", _TH,
       facets(channels={"display"}, products={"Tallus merino"}),
       [facets(products={"Tallus merino"}), facets(channels={"display"}, units={"Apparel"})],
       "synonym"),
    _q("outreach to hiking clubs and scout troops about bulk pricing", _TH,
       facets(units={"Pro & Group Sales"}), facets(audiences={"groups"})),
    _q("Memorial Day camping sale creative", _TH,
       facets(labels={"Asset"}, themes={"Memorial Day Campout Sale"}),
       facets(themes={"Memorial Day Campout Sale"})),
    _q("lightweight running shoes for trails", _TH,
       facets(products={"Switchback"}),
       facets(themes={"New Year, New Trails"}), "synonym"),
    _q("affiliate copy for the autumn hiking promotion", _TH,
       facets(channels={"affiliate"}, themes={"Fall Color Hikes"}),
       facets(themes={"Fall Color Hikes"}), "synonym"),
    _q("ads shown to people similar to our best customers about backpacks", _TH,
       facets(channels=ADS, audiences={"lookalike"}, units={"Packs"}),
       [facets(audiences={"lookalike"}, units={"Packs"}),
        facets(channels=ADS, units={"Packs"})]),
    # -- Ledgerline (B2B finance software) --
    _q("Ledgerline guidelines about claims and numbers", _LL, GUIDELINES),
    _q("LinkedIn posts for finance teams about month-end close", _LL,
       [facets(channels=_SOCIAL, products={"Close Autopilot"}),
        facets(channels=_SOCIAL, themes=_CLOSE_THEMES)],
       [facets(channels=_SOCIAL),
        facets(products={"Close Autopilot"}), facets(themes=_CLOSE_THEMES)]),
    _q("emails nudging people before their free trial runs out", _LL,
       facets(kinds={"email"}, audiences={"trial-users"}),
       facets(audiences={"trial-users"})),
    _q("search ads for company expense cards with spending limits", _LL,
       facets(channels={"paid_search"}, products={"Spend Cards"}),
       [facets(products={"Spend Cards"}), facets(themes={"Spend Control Summer"})], "synonym"),
    _q("campaigns about getting ready for the auditors in Q1", _LL,
       facets(labels={"Campaign"}, themes={"Audit-Ready Q1"}),
       facets(themes={"Audit-Ready Q1"})),
    _q("ads about projecting cash flow", _LL,
       facets(channels=ADS, products={"Cash Forecast"}),
       facets(products={"Cash Forecast"}), "synonym"),
    _q("content for bookkeepers who manage many clients", _LL,
       facets(units={"Partners & Accountants"}), facets(audiences={"accountants"})),
    _q("pre-roll video for the budgeting season", _LL,
       facets(kinds={"video"}, themes={"Budget Season 2027"}),
       facets(themes={"Budget Season 2027"})),
    _q("how should Ledgerline sound when it writes", _LL, GUIDELINES),
    _q("consolidating the accounts of several subsidiaries", _LL,
       facets(products={"Consolidation"}), facets(products={"Extra entities"})),
    _q("quarterly marketing results for winter", _LL,
       facets(reports={"2026-winter"}), facets(kinds={"report"})),
    _q("promotions for finance teams still working in Excel", _LL,
       facets(themes={"Midyear Efficiency Sprint"}), (), "synonym"),
    _q("automating approvals of supplier bills", _LL,
       facets(products={"AP Inbox", "Approval flows"}), (), "synonym"),
    _q("display banners aimed at mid-market CFOs", _LL,
       facets(channels={"display"}, audiences={"midmarket-cfo"}),
       [facets(audiences={"midmarket-cfo"}), facets(channels={"display"})]),
    _q("year-end closing checklist offers", _LL,
       facets(themes={"Year-End Close"}), facets(themes={"Q4 Close Prep"})),
    _q("tamper-proof history of every change for auditors", _LL,
       facets(products={"Audit Trail"}), facets(themes={"Audit-Ready Q1"})),
    _q("sales pushes to existing customers to add more entities or cards", _LL,
       facets(audiences={"customers"}, units={"Expansion"}),
       [facets(audiences={"customers"}), facets(units={"Expansion"})]),
    # -- Ember & Oak Coffee (coffee subscription) --
    _q("Ember & Oak rules on discounts and subscription wording", _EO, GUIDELINES),
    _q("Christmas gift subscription emails", _EO,
       facets(kinds={"email"}, themes={"Christmas Gifting"}),
       [facets(themes={"Christmas Gifting"}), facets(products={"Gift subscription"})]),
    _q("ads for caffeine-free coffee", _EO,
       facets(channels=ADS, products={"Swiss Water decaf"}),
       facets(products={"Swiss Water decaf"}), "synonym"),
    _q("coffee machines for the workplace", _EO,
       facets(units={"Office Coffee"}), facets(audiences={"offices"}), "synonym"),
    _q("chilled coffee deals for hot weather", _EO,
       facets(themes={"Iced Coffee Summer"}), facets(products={"Cold brew bags"}), "synonym"),
    _q("SMS to subscribers who cancelled", _EO,
       facets(channels={"sms"}, audiences={"lapsed"}),
       facets(audiences={"lapsed"})),
    _q("coffee gifts for couples in February", _EO,
       facets(themes={"Valentine's Brew"}), facets(products={"Taster Trio"})),
    _q("presents for mothers", _EO,
       facets(themes={"Mother's Day"}), facets(products={"Gift subscription"})),
    _q("grinder and pour-over kit for dads", _EO,
       facets(themes={"Father's Day"}), facets(products={"Starter Kit"})),
    _q("Ethiopian beans with blueberry notes", _EO,
       facets(products={"Guji natural"}), facets(themes={"Spring Harvest Lots"})),
    _q("Colombian coffee from a women-led cooperative", _EO,
       facets(products={"Huila"})),
    _q("how did Ember & Oak's spring marketing go", _EO,
       facets(reports={"2026-spring"}), facets(kinds={"report"})),
    _q("video ads for the house espresso blend", _EO,
       facets(kinds={"video"}, products={"Sunday Best"}),
       [facets(products={"Sunday Best"}), facets(kinds={"video"})]),
    _q("September back-to-routine offers for subscribers", _EO,
       facets(themes={"Back to Routine"})),
    _q("January deals for new coffee subscribers", _EO,
       facets(themes={"New Year, Better Mornings"}), (), "synonym"),
    _q("Instagram posts aimed at people who give coffee as presents", _EO,
       facets(channels={"organic_social"}, audiences={"gifters"}),
       [facets(audiences={"gifters"}), facets(channels={"organic_social"})]),
)
# fmt: on


# -- facts of the data set ---------------------------------------------------------------
def _blog_title_pattern(template: str) -> re.Pattern[str]:
    """A template like ``"{n} day hikes that are better in {season}"`` as a regex."""
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile("(?i)" + ".+?".join(re.escape(p) for p in parts) + "$")


def _brand_copy(brand_key: str) -> BrandCopy:
    for brand in BRAND_COPY:
        if brand.key == brand_key:
            return brand
    raise ValueError(f"no demo brand with key {brand_key!r}")


def _brand_key(brand_id: str) -> str:
    return brand_id.removeprefix("brand-")


def _audience_key(audience_id: str, brand_key: str) -> str:
    return audience_id.removeprefix(f"aud-{brand_key}-")


@dataclass(slots=True)
class _CampaignFacts:
    theme: str
    product: str
    unit: str | None
    channels: frozenset[str]
    audiences: frozenset[str]


def _campaign_facts(dataset: DemoDataset) -> dict[str, _CampaignFacts]:
    """Theme, product and unit of each campaign, from its name and the brand's copy."""
    channel_kind = {str(c["id"]): str(c["kind"]) for c in dataset.channels}
    out: dict[str, _CampaignFacts] = {}
    for c in dataset.campaigns:
        key = _brand_key(str(c["brand_id"]))
        brand = _brand_copy(key)
        head, product_short, *_ = str(c["name"]).split(" · ")
        theme = next((t.name for t in brand.themes if head.startswith(f"{t.name} ")), None)
        products = {p.short for ps in brand.units.values() for p in ps}
        if theme is None or product_short not in products:
            raise ValueError(f"campaign {c['id']} has no theme or product of {key}: {c['name']!r}")
        out[str(c["id"])] = _CampaignFacts(
            theme=theme,
            product=product_short,
            unit=None if c.get("business_unit") is None else str(c["business_unit"]),
            channels=frozenset(channel_kind[str(ch)] for ch in c.get("channel_ids") or []),
            audiences=frozenset(_audience_key(str(a), key) for a in c.get("audience_ids") or []),
        )
    return out


def _asset_usage(dataset: DemoDataset) -> dict[str, set[tuple[str, str]]]:
    """Channel ids and audience ids each asset ran on, from the outcome table."""
    t = dataset.table
    n_ch, n_aud = len(t.channel_ids), len(t.audience_ids)
    codes = np.unique((t.asset * n_ch + t.channel) * n_aud + t.audience)
    usage: dict[str, set[tuple[str, str]]] = {}
    for code in codes.tolist():
        asset, rest = divmod(int(code), n_ch * n_aud)
        channel, audience = divmod(rest, n_aud)
        usage.setdefault(t.asset_ids[asset], set()).add(
            (t.channel_ids[channel], t.audience_ids[audience])
        )
    return usage


def text_facts(dataset: DemoDataset) -> list[TextFacts]:
    """Facts of every text node the benchmark indexes: brands, campaigns and assets."""
    channel_kind = {str(c["id"]): str(c["kind"]) for c in dataset.channels}
    campaigns = _campaign_facts(dataset)
    usage = _asset_usage(dataset)
    out = [
        TextFacts(
            node_id=f"Brand:{b['id']}", label="Brand", brand=_brand_key(b["id"]), kind="guideline"
        )
        for b in dataset.brands
    ]
    for c in dataset.campaigns:
        f = campaigns[str(c["id"])]
        out.append(
            TextFacts(
                node_id=f"Campaign:{c['id']}",
                label="Campaign",
                brand=_brand_key(str(c["brand_id"])),
                kind="campaign",
                channels=f.channels,
                audiences=f.audiences,
                theme=f.theme,
                product=f.product,
                unit=f.unit,
            )
        )
    blog_patterns = {
        brand.key: [(t, _blog_title_pattern(t)) for t in brand.blog_titles] for brand in BRAND_COPY
    }
    for a in dataset.assets:
        aid, key, kind = str(a["id"]), _brand_key(str(a["brand_id"])), str(a["kind"])
        cids = [str(c) for c in a.get("campaign_ids") or []]
        cf = campaigns[cids[0]] if cids else None
        used = usage.get(aid, set())
        report = aid.removeprefix(f"ast-{key}-report-") if kind == "report" else None
        blog_title = None
        if kind == "blog":
            title = str(a["title"])
            blog_title = next((t for t, p in blog_patterns[key] if p.match(title)), None)
        out.append(
            TextFacts(
                node_id=f"Asset:{aid}",
                label="Asset",
                brand=key,
                kind=kind,
                channels=frozenset(channel_kind[ch] for ch, _ in used),
                audiences=frozenset(_audience_key(au, key) for _, au in used),
                theme=None if cf is None else cf.theme,
                product=None if cf is None else cf.product,
                unit=None if cf is None else cf.unit,
                report=report,
                blog_title=blog_title,
            )
        )
    return out


def grade(spec: QuerySpec, facts: TextFacts) -> int:
    """2 when ``facts`` match an exact facet of ``spec``, 1 for a partial one, else 0."""
    if facts.brand != spec.brand:
        return 0
    if any(facts.matches(f) for f in spec.exact):
        return 2
    if any(facts.matches(f) for f in spec.partial):
        return 1
    return 0


def check_specs(specs: Sequence[QuerySpec] = SPECS) -> None:
    """Every theme, product, unit, audience and blog template a spec names exists.

    Raises ``ValueError`` naming the first unknown value (a typo would silently make a
    query's relevant set empty otherwise).
    """
    for spec in specs:
        brand = _brand_copy(spec.brand)
        known = {
            "themes": {t.name for t in brand.themes},
            "products": {p.short for ps in brand.units.values() for p in ps},
            "units": set(brand.units),
            "audiences": {a.key for a in brand.audiences},
            "blog_titles": set(brand.blog_titles),
        }
        for f in (*spec.exact, *spec.partial):
            for name, values in known.items():
                wanted: frozenset[str] | None = getattr(f, name)
                unknown = sorted((wanted or frozenset()) - values)
                if unknown:
                    raise ValueError(f"query {spec.text!r}: unknown {name} {unknown}")


def build_set(dataset: DemoDataset, specs: Sequence[QuerySpec] = SPECS) -> list[LabelledQuery]:
    """The labelled queries of ``dataset``: each spec graded against every text node.

    Specs with no exact (grade 2) text in this data set are left out.
    """
    check_specs(specs)
    facts = text_facts(dataset)
    out: list[LabelledQuery] = []
    for spec in specs:
        relevance = {f.node_id: g for f in facts if (g := grade(spec, f)) > 0}
        if not any(g == 2 for g in relevance.values()):
            continue
        out.append(
            LabelledQuery(
                query=spec.text,
                brand_id=f"brand-{spec.brand}",
                relevance=dict(sorted(relevance.items())),
                tags=spec.tags,
            )
        )
    return out


# -- metrics -----------------------------------------------------------------------------
def recall_at(ranked: Sequence[str], query: LabelledQuery, k: int = 10) -> float:
    """Share of the exact texts found in the top ``k`` (out of at most ``k`` of them)."""
    exact = query.exact
    if not exact:
        return 0.0
    found = sum(1 for n in ranked[:k] if n in exact)
    return found / min(len(exact), k)


def ndcg_at(ranked: Sequence[str], query: LabelledQuery, k: int = 10) -> float:
    """nDCG@k with gains ``2**grade - 1`` (3 for exact, 1 for partial)."""

    def dcg(grades: Iterable[int]) -> float:
        return sum(((1 << g) - 1) / math.log2(i + 2) for i, g in enumerate(grades))

    ideal = dcg(sorted(query.relevance.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return float(dcg(query.relevance.get(n, 0) for n in ranked[:k]) / ideal)


@dataclass(slots=True)
class Scores:
    """Mean recall@k and nDCG@k over a set, with the per-query figures."""

    recall: float
    ndcg: float
    per_query: dict[str, tuple[float, float]] = field(default_factory=dict)


def score(
    runs: Mapping[str, Sequence[str]], queries: Sequence[LabelledQuery], k: int = 10
) -> Scores:
    """Scores of ranked node ids per query text."""
    per: dict[str, tuple[float, float]] = {}
    for q in queries:
        ranked = runs.get(q.query, [])
        per[q.query] = (recall_at(ranked, q, k), ndcg_at(ranked, q, k))
    n = max(len(per), 1)
    return Scores(
        recall=sum(r for r, _ in per.values()) / n,
        ndcg=sum(d for _, d in per.values()) / n,
        per_query=per,
    )
