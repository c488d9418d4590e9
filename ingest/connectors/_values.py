"""Cell values of real exports: localised numbers, currencies, dates, timestamps, slugs.

Platform exports write numbers the way the account's locale does (``1,234.56`` or
``1.234,56``), put currency symbols or codes beside money, use ``--`` for "no value" and
dates in several shapes. The decimal separator is decided once per file from the cells
that show it (:func:`detect_decimal`), never guessed per cell, so ``1.234`` cannot mean
1234 on one line and 1.234 on the next.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Literal

from ingest.errors import UnreadableInputError

Decimal = Literal[".", ","]
EMPTY = frozenset({"", "-", "--", "—", "–", "n/a", "N/A", "(not set)", "null", "None"})
SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
# ISO 4217 codes in use: a header suffix like "(GBP)" names a currency only if it is one
# of these ("(ALL)" in a header is far likelier to mean "all" than Albanian lek).
_ISO_4217 = """AED AFN AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND
    TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
    ZWL"""
CURRENCIES = frozenset(_ISO_4217.split())
_CURRENCY = re.compile(
    r"^(?P<pre>[A-Z]{3}|US\$|[$€£¥₹])?\s*(?P<num>.*?)\s*(?P<post>[A-Z]{3}|[$€£¥₹])?$"
)
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)*)([.,]\d+)?$")
# Month names and abbreviations as reports write them in English, German, French, Spanish,
# Portuguese, Italian and Dutch (compared without accents or a trailing dot).
_MONTH_NAMES = (
    "jan january januar janv janvier ene enero janeiro gen gennaio januari",
    "feb february februar fev fevr fevrier febrero fevereiro febbraio februari",
    "mar march mar marz mrz mars marzo marco maart mrt",
    "apr april avr avril abr abril aprile",
    "may mai mayo maio mag maggio mei",
    "jun june juni juin junio junho giu giugno",
    "jul july juli juil juillet julio julho lug luglio",
    "aug august aout ago agosto augustus",
    "sep sept september septembre septiembre setiembre set setembro settembre",
    "oct october okt oktober octobre octubre out outubro ott ottobre",
    "nov november novembre noviembre novembro",
    "dec december dez dezember dec decembre dic diciembre dezembro dicembre",
)
_MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}


def _month(text: str) -> int | None:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _MONTHS.get(folded.lower().rstrip("."))


@dataclass(frozen=True)
class Amount:
    """A parsed number, with the currency written beside it (if any) and whether it was a %."""

    value: float
    currency: str | None = None
    percent: bool = False


def is_empty(text: str | None) -> bool:
    return text is None or text.strip() in EMPTY


_PLAIN = re.compile(r"[+-]?[\d.,]+")


def _split_currency(text: str) -> tuple[str, str | None, bool]:
    s = text.strip()
    if _PLAIN.fullmatch(s):  # the common case: digits and separators only
        return s, None, False
    s = s.replace("\u00a0", " ").replace("\u202f", " ")
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
    m = _CURRENCY.match(s)
    currency = None
    if m:
        mark = m.group("pre") or m.group("post")
        if mark:
            currency = "USD" if mark == "US$" else SYMBOLS.get(mark, mark)
        s = m.group("num")
    return s.translate(_SPACES), currency, percent


def decimal_evidence(text: str) -> Decimal | None:
    """Which decimal separator a cell proves, if any (``1.234`` proves nothing)."""
    if "." not in text and "," not in text:
        return None
    s, _, _ = _split_currency(text)
    s = s.lstrip("+-")
    if "." in s and "," in s:
        return "," if s.rfind(",") > s.rfind(".") else "."
    for sep in (".", ","):
        if sep in s:
            tail = s.rsplit(sep, 1)[1]
            if s.count(sep) > 1:  # 1.234.567 groups thousands: the other one is decimal
                return "," if sep == "." else "."
            return sep if len(tail) != 3 else None
    return None


def detect_decimal(cells: Iterable[tuple[int, str]], source: str) -> Decimal:
    """The file's decimal separator, from the cells that show it; ``.`` when none does."""
    seen: dict[Decimal, tuple[int, str]] = {}
    for line, text in cells:
        if is_empty(text):
            continue
        evidence = decimal_evidence(text)
        if evidence is not None and evidence not in seen:
            seen[evidence] = (line, text)
    if len(seen) == 2:
        (l1, t1), (l2, t2) = seen["."], seen[","]
        raise UnreadableInputError(
            f"{source}: numbers are written in two formats ({t1!r} on line {l1} uses '.' for "
            f"decimals, {t2!r} on line {l2} uses ','); export the report in one locale"
        )
    return "," if "," in seen else "."


def parse_amount(text: str, decimal: Decimal) -> Amount | None:
    """``'€1.234,56'`` → 1234.56 EUR (with ``decimal=','``); ``'--'`` → None."""
    if is_empty(text):
        return None
    s, currency, percent = _split_currency(text)
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
    if not _NUMBER.match(s):
        raise ValueError(f"not a number: {text!r}")
    thousands = "," if decimal == "." else "."
    s = s.replace(thousands, "").replace(decimal, ".")
    value = float(s)
    return Amount(-value if negative else value, currency, percent)


def parse_date(text: str, *, day_first: bool = False) -> date:
    """ISO ``2026-03-01``, ``20260301``, ``Mar 1, 2026``, ``1 Mar 2026``, ``01.03.2026``,
    ``3/1/2026`` (month first unless ``day_first``), and month names in the languages of
    the reports (``16. Nov. 2026``, ``16 de nov. de 2026``, ``16 nov. 2026``)."""
    s = text.strip()
    try:
        if re.fullmatch(r"\d{8}", s):
            return date(int(s[:4]), int(s[4:6]), int(s[6:]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return date.fromisoformat(s)
        m = re.fullmatch(r"(\d{1,2})[.-](\d{1,2})[.-](\d{4})", s)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
        if m:
            a, b = int(m[1]), int(m[2])
            return date(int(m[3]), b, a) if day_first else date(int(m[3]), a, b)
        m = re.fullmatch(r"(?:[^\W\d_]+\.?,?\s+)?([^\W\d_]+\.?)\s+(\d{1,2}),?\s+(\d{4})", s)
        if m and _month(m[1]):
            return date(int(m[3]), _month(m[1]) or 0, int(m[2]))
        m = re.fullmatch(r"(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+\.?),?\s+(?:de\s+)?(\d{4})", s)
        if m and _month(m[2]):
            return date(int(m[3]), _month(m[2]) or 0, int(m[1]))
    except ValueError:
        pass
    raise ValueError(f"not a date: {text!r} (expected e.g. 2026-03-01 or Mar 1, 2026)")


def slash_dates_day_first(texts: Iterable[str], default: bool = False) -> bool:
    """``d/m/yyyy`` when some slashed date's first part is over 12, ``m/d/yyyy`` when some
    second part is; else ``default`` (day first for reports of a comma-decimal locale)."""
    for text in texts:
        m = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/\d{4}\s*", text)
        if m and int(m[1]) > 12:
            return True
        if m and int(m[2]) > 12:
            return False
    return default


def parse_timestamp(text: str, zone: tzinfo) -> datetime:
    """A timestamp; one written without an offset is read in ``zone`` (the portal's time).

    Accepts ISO 8601 (``2026-03-01T09:30:00Z``, ``2026-03-01 09:30``), a bare date (midnight)
    and epoch milliseconds (HubSpot API exports).
    """
    s = text.strip()
    if re.fullmatch(r"\d{12,13}", s):
        return datetime.fromtimestamp(int(s) / 1000, UTC)
    try:
        moment = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*([AaPp][Mm])?", s)
        if not m:
            raise ValueError(f"not a timestamp: {text!r} (expected e.g. 2026-03-01 09:30)")
        hour = int(m[4]) % 12 + (12 if (m[6] or "").lower() == "pm" else 0) if m[6] else int(m[4])
        moment = datetime(int(m[3]), int(m[1]), int(m[2]), hour, int(m[5]))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def fold(text: str) -> str:
    """``' Réseau  de Recherche'`` → ``'reseau de recherche'``: for matching cell values."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(ascii_text.lower().split())


def slug(text: str, limit: int = 80) -> str:
    """``'Spring Sale – Ö 2026'`` → ``'spring-sale-o-2026'`` (stable ids from names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out[:limit].rstrip("-") or "x"


_BRACKET_ID = re.compile(r"\[([A-Za-z0-9][A-Za-z0-9_.:-]{0,120})\]")


def bracket_ids(name: str) -> list[str]:
    """Ids written in square brackets inside a name: ``'Spring [cmp-1]'`` → ``['cmp-1']``."""
    return _BRACKET_ID.findall(name)
