"""The columns of a Google Ads campaign report, in the UI's common languages.

English, German, French, Spanish (Spain and Latin America), Portuguese, Italian and Dutch
spellings; headers are compared without case or accents, and with a currency suffix
such as ``(EUR)`` taken off (docs/connectors.md lists them).
"""

from __future__ import annotations

from ingest.connectors._derived import Ratio
from ingest.connectors._table import Column

SPEC = (
    Column("day", ("Day", "Date", "Tag", "Jour", "Día", "Giorno", "Dag"), required=True),
    Column(
        "campaign",
        ("Campaign", "Campaign name", "Kampagne", "Campagne", "Campaña", "Campanha", "Campagna"),
        required=True,
    ),
    Column(
        "campaign_id",
        (
            "Campaign ID", "Kampagnen-ID", "ID de la campagne", "ID de campagne",
            "ID de campaña", "ID de la campaña", "ID da campanha", "ID campagna", "Campagne-ID",
        ),
    ),
    Column(
        "type",
        (
            "Campaign type", "Advertising channel type", "Kampagnentyp", "Type de campagne",
            "Tipo de campaña", "Tipo de campanha", "Tipo di campagna", "Campagnetype",
        ),
    ),
    Column(
        "status",
        (
            "Campaign status", "Status", "Kampagnenstatus", "État de la campagne", "État",
            "Statut", "Estado de la campaña", "Estado", "Status da campanha", "Stato campagna",
            "Stato della campagna", "Stato", "Campagnestatus",
        ),
    ),
    Column(
        "currency",
        (
            "Currency code", "Currency", "Währungscode", "Währung", "Code de la devise",
            "Code devise", "Devise", "Código de moneda", "Moneda", "Código da moeda", "Moeda",
            "Codice valuta", "Valuta", "Valutacode",
        ),
    ),
    Column("cost", ("Cost", "Kosten", "Coût", "Coste", "Costo", "Custo"), required=True),
    Column(
        "impressions",
        (
            "Impr.", "Impressions", "Impressionen", "Impresiones", "Impressões",
            "Impressioni", "Vertoningen", "Weergaven",
        ),
    ),
    Column("clicks", ("Clicks", "Klicks", "Clics", "Cliques", "Clic", "Klikken")),
    Column(
        "conversions",
        ("Conversions", "Conv.", "Conversiones", "Conversões", "Conversioni", "Conversies"),
    ),
    Column(
        "revenue",
        (
            "Conv. value", "Conversion value", "Total conv. value", "Conv.-Wert",
            "Conversion-Wert", "Valeur de conv.", "Valeur de conversion", "Valor de conv.",
            "Valor de conversión", "Valor conv.", "Valor de conversão", "Valore conv.",
            "Valore di conv.", "Valore conversione", "Conv.waarde", "Conversiewaarde",
        ),
    ),
    # Derived: read, checked against the row (RATIOS), never stored.
    Column("ctr", ("CTR",)),
    Column(
        "cpc",
        (
            "Avg. CPC", "Durchschn. CPC", "CPC moy.", "CPC moyen", "CPC medio", "Prom. CPC",
            "CPC prom.", "CPC méd.", "CPC médio", "Gem. CPC",
        ),
    ),
    Column(
        "cpm",
        (
            "Avg. CPM", "Durchschn. CPM", "CPM moy.", "CPM moyen", "CPM medio", "CPM prom.",
            "Prom. CPM", "CPM méd.", "CPM médio", "Gem. CPM",
        ),
    ),
    Column(
        "cost_per_conversion",
        (
            "Cost / conv.", "Kosten/Conv.", "Coût/conv.", "Coste/conv.", "Costo/conv.",
            "Custo/conv.", "Kosten/conv.",
        ),
    ),
    Column(
        "roas",
        (
            "Conv. value / cost", "Conv.-Wert/Kosten", "Valeur de conv./coût",
            "Valor de conv./coste", "Valor de conv./costo", "Valor conv./custo",
            "Valor de conv./custo", "Valore conv./costo", "Conv.waarde/kosten",
        ),
    ),
    *(
        Column(f"_{i}", (name,), ignored=True)
        for i, name in enumerate(
            (
                "Avg. CPV", "Avg. cost", "Conv. rate", "Cost / all conv.", "All conv.",
                "All conv. value", "All conv. rate", "View-through conv.", "Interactions",
                "Interaction rate", "Interaction types", "Views", "View rate", "Device",
                "Network", "Network (with search partners)", "Budget", "Budget type",
                "Budget name", "Bid strategy type", "Bid strategy", "Account", "Account name",
                "Customer ID", "Search impr. share", "Search lost IS (budget)",
                "Search lost IS (rank)", "Impr. (Top) %", "Impr. (Abs. Top) %",
                "Optimization score", "Labels", "Status reasons", "Campaign state",
                "Conv. (by conv. time)",
                # segments and settings in the other languages
                "Gerät", "Appareil", "Dispositivo", "Apparaat", "Netzwerk", "Réseau", "Red",
                "Rede", "Rete", "Netwerk", "Durchschn. Kosten", "Conv.-Rate", "Taux de conv.",
                "Tasa de conv.", "Porcentaje de conv.", "Taxa de conv.", "Tasso di conv.",
                "Conv.ratio", "Interaktionen", "Interaktionsrate", "Budgettyp", "Konto",
            )
        )
    ),
)  # fmt: skip
RATIOS = (
    Ratio("ctr", "clicks", "impressions", percent=True),
    Ratio("cpc", "cost", "clicks"),
    Ratio("cpm", "cost", "impressions", scale=1000.0),
    Ratio("cost_per_conversion", "cost", "conversions"),
    Ratio("roas", "revenue", "cost"),
)
# Campaign type → (channel id, name, channel kind). Without the column: Search.
_SEARCH = ("gads-search", "Google Ads Search", "paid_search")
_DISPLAY = ("gads-display", "Google Display Network", "display")
_VIDEO = ("gads-video", "YouTube (Google Ads Video)", "video")
_DEMAND_GEN = ("gads-demand-gen", "Google Ads Demand Gen", "display")
CHANNELS: dict[str, tuple[str, str, str]] = {
    "search": _SEARCH,
    "shopping": ("gads-shopping", "Google Ads Shopping", "paid_search"),
    "performance max": ("gads-pmax", "Google Ads Performance Max", "paid_search"),
    "smart": ("gads-smart", "Google Ads Smart", "paid_search"),
    "display": _DISPLAY,
    "demand gen": _DEMAND_GEN,
    "discovery": _DEMAND_GEN,
    "app": ("gads-app", "Google Ads App", "display"),
    "video": _VIDEO,
    # the other languages of the UI
    **dict.fromkeys(
        ("suche", "recherche", "reseau de recherche", "busqueda", "red de busqueda",
         "pesquisa", "rede de pesquisa", "ricerca", "rete di ricerca", "zoeken",
         "zoeknetwerk"),
        _SEARCH,
    ),
    **dict.fromkeys(
        ("reseau display", "red de display", "rede de display", "rete display",
         "displaynetwerk", "display-netwerk"),
        _DISPLAY,
    ),
    "videos": _VIDEO,
}  # fmt: skip
STATUS = {
    **dict.fromkeys(
        ("enabled", "active", "aktiviert", "activee", "habilitada", "activa",
         "ativada", "ativa", "attivata", "attiva", "ingeschakeld", "actief"),
        "active",
    ),
    **dict.fromkeys(
        ("paused", "pausiert", "en veille", "suspendue", "en pausa", "pausada", "in pausa",
         "onderbroken", "gepauzeerd"),
        "paused",
    ),
    **dict.fromkeys(
        ("removed", "entfernt", "supprimee", "quitada", "eliminada", "removida", "rimossa",
         "verwijderd"),
        "removed",
    ),
}  # fmt: skip
# How total rows begin, in the Day or Campaign column ("Total: Account", "Gesamt: Konto").
TOTALS = ("total", "gesamt", "totaal", "totale")
HINT = "download the campaign report with the Day segment (Segments > Time > Day)"
