"""How the CLI writes figures and names for people: money in the brand's currency
(``£70.53``, ``CHF 1,200.00``), shares as per cent (``28 %``), names instead of ids."""

from __future__ import annotations

from collections.abc import Iterable

from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
_UNITS = {
    "minutes": "min",
    "hours": "h",
    "days": "days",
    "per_week": "/week",
    "per_month": "/month",
}


def money(value: float | None, currency: str | None) -> str:
    """``1234.5, 'GBP'`` → ``£1,234.50``; an unknown code goes in front (``CHF 1,234.50``);
    without a currency (brands in several), the number alone."""
    if value is None:
        return "—"
    number = f"{abs(value):,.2f}"
    sign = "-" if value < 0 else ""
    if currency in SYMBOLS:
        return f"{sign}{SYMBOLS[currency]}{number}"
    return f"{sign}{currency} {number}" if currency else f"{sign}{number}"


def percent(value: float | None) -> str:
    """A share (0-1) as per cent: ``0.2818`` → ``28 %``, ``0.034`` → ``3.4 %``."""
    if value is None:
        return "—"
    shown = value * 100
    return f"{shown:.1f} %" if 0 < abs(shown) < 10 else f"{shown:.0f} %"


def figure(value: float | None, unit: str, currency: str | None) -> str:
    """A KPI's value in its unit: money, share, ratio, minutes, counts…"""
    if value is None:
        return "—"
    if unit == "money":
        return money(value, currency)
    if unit == "share":
        return percent(value)
    if unit == "ratio":
        return f"{value:,.2f}"
    if unit == "count":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit in _UNITS:
        digits = 0 if abs(value) >= 100 or float(value).is_integer() else 1
        return f"{value:,.{digits}f} {_UNITS[unit]}".replace(" /", "/")
    return f"{value:,.4g} {unit}"


_ACRONYMS = {"sla": "SLA", "roas": "ROAS", "ctr": "CTR", "cvr": "CVR"}


def kpi_name(name: str) -> str:
    """``lead_response_time_median`` → ``lead response time (median)``, ``sla_compliance``
    → ``SLA compliance``."""
    words = " ".join(_ACRONYMS.get(w, w) for w in name.split("_"))
    for suffix in (" median", " p90", " mean"):
        if words.endswith(suffix):
            return f"{words.removesuffix(suffix)} ({suffix.strip()})"
    return words


def brand_currency(store: GraphStore, brand_id: str | None) -> str | None:
    """The brand's currency; with every brand, theirs if they share one, else None."""
    if brand_id:
        node = store.get_node(NodeRef(Label.BRAND, brand_id))
        return str(node.properties.get("currency") or "USD") if node else None
    currencies = {
        str(n.properties.get("currency") or "USD") for n in store.list_nodes(Label.BRAND, 10_000)
    }
    return currencies.pop() if len(currencies) == 1 else None


class Names:
    """Names (or titles) of nodes by id, read once per label; the id where there is none."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.known: dict[tuple[Label, str], str] = {}

    def load(self, label: Label, ids: Iterable[str | None]) -> None:
        wanted = sorted({i for i in ids if i and (label, i) not in self.known})
        for node in self.store.get_nodes([NodeRef(label, i) for i in wanted]):
            name = node.properties.get("name") or node.properties.get("title")
            self.known[(label, node.id)] = str(name) if name else node.id

    def __call__(self, label: Label, node_id: str | None) -> str:
        if not node_id:
            return "—"
        if (label, node_id) not in self.known:
            self.load(label, [node_id])
        return self.known.get((label, node_id), node_id)
