"""The brand object the content agent writes for: voice, guidelines, competitors, and the
rules that can be read off the guidelines (terms never to use, terms to use, discount cap).

Rules are read clause by clause: a quoted term in a clause with a negation ("never",
"not", "no", "avoid", "don't") is banned (``Never say 'cheap'``), one in a clause without
is preferred (``say 'good value'``). A discount cap comes from "discounts stop at N%" or
"no discount deeper than N%". Anything else in the guidelines stays text for the model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agents.content.errors import InvalidContentInputError

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9'\"‘“])")
_CLAUSE = re.compile(r"[,;:]|\s(?:but|while|whereas)\s")
_QUOTED = re.compile(r"'([^']{2,80})'|\"([^\"]{2,80})\"|‘([^’]{2,80})’|“([^”]{2,80})”")
_NEGATION = re.compile(r"\b(?:never|not|no|avoid|don'?t|do not|without|instead of)\b", re.I)
_DISCOUNT_CAP = re.compile(
    r"(?:discounts?\s+(?:stop|cap|end)s?\s+at|no\s+discounts?\s+(?:deeper|bigger|higher|more)"
    r"\s+than|discounts?\s+(?:of\s+)?(?:at\s+most|up\s+to|no\s+more\s+than))\s+(\d{1,2})\s*%",
    re.I,
)


@dataclass(frozen=True)
class BrandProfile:
    """A brand as the content agent sees it (the graph's ``Brand`` node properties)."""

    id: str
    name: str
    voice: str = ""
    guidelines: str = ""
    competitors: tuple[str, ...] = ()

    @classmethod
    def from_node(cls, properties: Mapping[str, Any]) -> BrandProfile:
        """From a ``Brand`` node's properties (competitors as a list, JSON or ``;`` text)."""
        brand_id, name = properties.get("id"), properties.get("name")
        if not brand_id or not name:
            raise InvalidContentInputError("brand", "needs an id and a name")
        return cls(
            id=str(brand_id),
            name=str(name),
            voice=str(properties.get("voice") or ""),
            guidelines=str(properties.get("guidelines") or ""),
            competitors=_names(properties.get("competitors")),
        )

    @property
    def banned_terms(self) -> tuple[str, ...]:
        """Quoted terms the voice or guidelines forbid, in order of appearance."""
        return tuple(dict.fromkeys(t for t, negated in self._quoted() if negated))

    @property
    def preferred_terms(self) -> tuple[str, ...]:
        """Quoted terms the guidelines ask for (``say 'good value'``)."""
        return tuple(dict.fromkeys(t for t, negated in self._quoted() if not negated))

    @property
    def max_discount(self) -> int | None:
        """The deepest discount the guidelines allow, in percent (None: no cap stated)."""
        caps = [int(m.group(1)) for m in _DISCOUNT_CAP.finditer(self.guidelines)]
        return min(caps) if caps else None

    def _quoted(self) -> list[tuple[str, bool]]:
        found: list[tuple[str, bool]] = []
        for text in (self.voice, self.guidelines):
            for sentence in _SENTENCE.split(text):
                for clause in _CLAUSE.split(sentence):
                    negated = bool(_NEGATION.search(clause))
                    for match in _QUOTED.finditer(clause):
                        term = next(g for g in match.groups() if g)
                        found.append((term.strip(), negated))
        return found


def _names(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError:
                raise InvalidContentInputError("competitors", "not a JSON list") from None
            return _names(loaded)
        return tuple(n.strip() for n in text.split(";") if n.strip())
    if isinstance(value, list | tuple):
        return tuple(str(n).strip() for n in value if str(n).strip())
    raise InvalidContentInputError("competitors", f"expected a list of names, got {value!r}")
