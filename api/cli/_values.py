"""Option values as people type them, checked with one error style: the option, what was
given, and the forms it accepts (``--budget 40k``, ``--start 2027-03-01``); ids that are
not in the graph get the closest one ("did you mean brand-trailhead?")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from graph.base import GraphStore
from graph.schema import Label
from graph.suggest import did_you_mean

AMOUNT_FORMS = "40000, 40k, 40,000, 2.5k, 1.2m"
_AMOUNT = re.compile(r"^(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<cents>\d+))?(?P<scale>[km])?$")


class UsageError(ValueError):
    """The command line asks for something impossible (exit status 2)."""


class OptionError(UsageError):
    """A value an option cannot take; the message names the option and the accepted forms."""

    def __init__(self, option: str, value: str, accepted: str) -> None:
        self.option = option
        super().__init__(f"{option} {value!r} is not {accepted}")


def amount(value: str, option: str) -> Decimal:
    """``40k`` → 40000, ``40,000`` → 40000, ``2.5k`` → 2500, ``1.2m`` → 1200000 (a currency
    sign or code around it is allowed: ``$40k``, ``40000 EUR``)."""
    text = value.strip().lower().replace(" ", "").replace("_", "")
    text = re.sub(r"^(?:[$€£]|usd|eur|gbp)|(?:[$€£]|usd|eur|gbp)$", "", text)
    m = _AMOUNT.match(text)
    if not m:
        raise OptionError(option, value, f"an amount like {AMOUNT_FORMS}")
    number = m["number"].replace(",", "") + (f".{m['cents']}" if m["cents"] else "")
    scale = {"k": Decimal(1000), "m": Decimal(1_000_000)}.get(m["scale"] or "", Decimal(1))
    try:
        result = (Decimal(number) * scale).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise OptionError(option, value, f"an amount like {AMOUNT_FORMS}") from None
    if result <= 0:
        raise OptionError(option, value, "an amount above 0")
    return result


def day(value: str, option: str) -> date:
    """A day as ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise OptionError(option, value, "a day like 2027-03-01 (YYYY-MM-DD)") from None


def window(
    start: date | None, end: date | None, start_option: str = "--start", end_option: str = "--end"
) -> None:
    """A start after the end is refused naming both."""
    if start is not None and end is not None and start > end:
        raise UsageError(f"{start_option} {start} is after {end_option} {end}")


def existing_id(store: GraphStore, label: Label, value: str, option: str) -> str:
    """``value`` if a ``label`` node has that id; else an error with the closest id."""
    if store.existing_ids(label, [value]):
        return value
    known = [n.id for n in store.list_nodes(label, limit=5000)]
    close = did_you_mean(value, known)
    hint = f"; did you mean {close}?" if close else ""
    raise UsageError(f"{option} {value!r}: no {label.value.lower()} with that id{hint}")


def options_error(e: ValidationError, options: Mapping[str, str]) -> UsageError:
    """A request model's first complaint, named by the option that fed the field."""
    first = e.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    option = options.get(field, f"--{field.replace('_', '-')}")
    message = str(first["msg"]).removeprefix("Value error, ")
    return UsageError(f"{option}: {message}")
