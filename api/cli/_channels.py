"""Channels as people name them on the command line (``--min email=5000``): the brand's
channels by id, name, a word of the name or kind, as a brief names them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from api.cli._values import AMOUNT_FORMS, OptionError, UsageError, amount
from graph.base import GraphStore
from graph.models import Node, NodeRef, OutcomeQuery
from graph.schema import Label
from graph.suggest import did_you_mean


def brand_channels(store: GraphStore, brand_id: str) -> list[Node]:
    """The channels the brand has outcomes on (the ones it has response curves for)."""
    totals = store.aggregate_outcomes(OutcomeQuery(brand_id=brand_id, group_by=("channel_id",)))
    ids = sorted({str(t.channel_id) for t in totals if t.channel_id})
    return store.get_nodes([NodeRef(Label.CHANNEL, i) for i in ids])


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def resolve_channel(name: str, channels: Sequence[Node], option: str) -> str:
    """The one channel ``name`` means: its id, its name, a word of its name, its kind."""
    wanted = _words(name)
    readings: tuple[Callable[[Node], bool], ...] = (
        lambda c: _words(c.id) == wanted or _words(c.id.removeprefix("ch-")) == wanted,
        lambda c: (
            _words(str(c.properties.get("name") or "")) == wanted
            or _words(re.sub(r"\(.*\)", "", str(c.properties.get("name") or ""))) == wanted
        ),
        lambda c: f" {wanted} " in f" {_words(str(c.properties.get('name') or ''))} ",
        lambda c: _words(str(c.properties.get("kind") or "")) == wanted,
    )
    for reading in readings:
        found = [c for c in channels if reading(c)]
        if len(found) == 1:
            return found[0].id
        if found:
            ids = ", ".join(c.id for c in found)
            raise UsageError(f"{option} {name!r} names several channels ({ids}): give one id")
    spellings = {c.id: c.id for c in channels}
    for c in channels:
        spellings[_words(str(c.properties.get("name") or c.id))] = c.id
        spellings[_words(str(c.properties.get("kind") or c.id))] = c.id
    close = did_you_mean(wanted, spellings)
    if close:
        hint = f"did you mean {spellings[close]}?"
    else:
        listed = ", ".join(f"{c.id} ({c.properties.get('name') or c.id})" for c in channels)
        hint = f"the brand's channels: {listed or 'none with outcomes yet'}"
    raise UsageError(f"{option} {name!r} is not one of the brand's channels; {hint}")


def channel_limits(
    values: Sequence[str] | None, channels: Sequence[Node], option: str
) -> dict[str, Decimal]:
    """``['email=5000', 'Google Search=2.5k']`` → channel id → amount."""
    limits: dict[str, Decimal] = {}
    for value in values or []:
        name, sep, written = value.partition("=")
        if not sep or not name.strip():
            raise UsageError(
                f"{option} {value!r} is not CHANNEL=AMOUNT (e.g. {option} email=5000; a channel "
                "id, name or kind)"
            )
        try:
            money = amount(written, option)
        except OptionError:
            raise UsageError(
                f"{option} {value!r}: {written.strip()!r} is not an amount like {AMOUNT_FORMS}"
            ) from None
        limits[resolve_channel(name, channels, option)] = money
    return limits
