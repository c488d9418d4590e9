"""Channels as people name them on the command line (``--min email=5000``): the brand's
channels by id, name, a word of the name or kind, as a brief names them; a name several
channels share, or names joined by ``+``, limit those channels' total."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from agents.planner._brief_names import KIND_WORDS
from api.cli._values import AMOUNT_FORMS, OptionError, UsageError, amount
from graph.models import Node
from graph.suggest import did_you_mean
from workflows.plans import brand_channels

__all__ = ["LIMIT_FORM", "brand_channels", "plan_limits", "resolve_channels"]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def resolve_channels(name: str, channels: Sequence[Node], option: str) -> list[str]:
    """The channels ``name`` means, sorted: its id, its name, a word of its name, its kind
    (or a word for the kind, as in a brief: "social" for paid social); the first of these
    readings that fits any channel wins, so ``search`` on a brand with Google Search and
    Bing Search means both, ``google`` only the one."""
    wanted = _words(name)
    readings: tuple[Callable[[Node], bool], ...] = (
        lambda c: _words(c.id) == wanted or _words(c.id.removeprefix("ch-")) == wanted,
        lambda c: (
            _words(str(c.properties.get("name") or "")) == wanted
            or _words(re.sub(r"\(.*\)", "", str(c.properties.get("name") or ""))) == wanted
        ),
        lambda c: f" {wanted} " in f" {_words(str(c.properties.get('name') or ''))} ",
        lambda c: wanted in _kind_words(str(c.properties.get("kind") or "")),
    )
    for reading in readings:
        found = sorted(c.id for c in channels if reading(c))
        if found:
            return found
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


def _kind_words(kind: str) -> set[str]:
    """What people call a kind of channel, as the brief reader hears it ("social" for
    paid_social, "newsletter" for email)."""
    return {_words(kind), *(_words(w) for w in KIND_WORDS.get(kind, ()))} - {""}


LIMIT_FORM = "CHANNEL=AMOUNT or CHANNEL+CHANNEL=AMOUNT"
_LIMIT_EXAMPLE = "email=5000, search=15k, search+social=20k, display=40%"


@dataclass
class _Group:
    """One set of channels limited together, with the option values that set it."""

    channels: tuple[str, ...]
    sides: dict[str, Decimal] = field(default_factory=dict)  # "min"/"max" -> amount
    written: list[str] = field(default_factory=list)


def plan_limits(
    minimum: Sequence[str] | None,
    maximum: Sequence[str] | None,
    channels: Sequence[Node],
    budget: Decimal,
) -> dict[str, Any]:
    """``--min``/``--max`` values as a plan request's ``constraints``.

    A value names one channel (``email=5k``: a limit on that channel) or several: a kind or
    a word several of the brand's channels share (``search=15k``), or names joined by
    ``+`` (``search+social=20k``). Several channels get one group limit on their total, as
    the brief reader reads "search max 15k", never the amount each. ``N%`` is that share
    of ``budget``. A channel in two different groups, or a side given twice, is refused
    naming both values: the planner takes one limit per set of channels.
    """
    single: dict[str, dict[str, Decimal]] = {"min": {}, "max": {}}
    said: dict[tuple[str, str], str] = {}  # (side, channel or group) -> the value given
    groups: dict[tuple[str, ...], _Group] = {}
    for side, option, values in (("min", "--min", minimum), ("max", "--max", maximum)):
        for value in values or []:
            ids, money = _limit(value, channels, option, budget)
            key = (side, "+".join(ids))
            if key in said:
                raise UsageError(
                    f"{option} {value!r}: {' + '.join(ids)} already has a {side}imum "
                    f"({option} {said[key]!r}); give one"
                )
            said[key] = value
            if len(ids) == 1:
                single[side][ids[0]] = money
                continue
            group = groups.setdefault(ids, _Group(ids))
            group.sides[side] = money
            group.written.append(f"{option} {value!r}")
    _apart(list(groups.values()))
    return {
        **single,
        "groups": [
            {"channels": list(g.channels), "min": g.sides.get("min"), "max": g.sides.get("max")}
            for g in groups.values()
        ],
    }


def _limit(
    value: str, channels: Sequence[Node], option: str, budget: Decimal
) -> tuple[tuple[str, ...], Decimal]:
    """The channel ids (sorted, each once) and the amount of one ``--min``/``--max`` value."""
    names, sep, written = value.rpartition("=")
    parts = names.split("+")
    if not sep or not all(p.strip() for p in parts):
        raise UsageError(
            f"{option} {value!r} is not {LIMIT_FORM} (e.g. {_LIMIT_EXAMPLE}; a channel id, "
            "name or kind; a kind or name several channels share limits their total)"
        )
    ids = tuple(sorted({i for p in parts for i in resolve_channels(p, channels, option)}))
    return ids, _share_or_amount(value, written, option, budget)


def _share_or_amount(value: str, written: str, option: str, budget: Decimal) -> Decimal:
    """``40%`` of the budget, or an amount as ``--budget`` takes it."""
    text = written.strip()
    if text.endswith("%"):
        try:
            share = Decimal(text[:-1].strip())
        except InvalidOperation:
            share = Decimal("NaN")
        if not share.is_finite() or not 0 < share <= 100:
            raise UsageError(
                f"{option} {value!r}: {text!r} is not a share of the budget between 0 and 100%"
            )
        return (budget * share / 100).quantize(Decimal("0.01"))
    try:
        return amount(written, option)
    except OptionError:
        raise UsageError(
            f"{option} {value!r}: {text!r} is not an amount like {AMOUNT_FORMS} or a share like 40%"
        ) from None


def _apart(groups: Sequence[_Group]) -> None:
    """No channel in two group limits (the planner keeps one limit per set of channels)."""
    seen: dict[str, _Group] = {}
    for group in groups:
        for ch in group.channels:
            other = seen.get(ch)
            if other is not None and other is not group:
                raise UsageError(
                    f"{group.written[0]} and {other.written[0]} both limit {ch} in a group of "
                    "channels: a channel can be in one group limit; limit the same set of "
                    "channels, or one channel on its own"
                )
            seen[ch] = group
