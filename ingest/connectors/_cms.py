"""What the CMS readers share: HTML to text, publication state, translation groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from html.parser import HTMLParser
from typing import Any

_BLOCKS = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}
)
# Keys kept as ``cms_<key>`` properties when their value is a scalar or a list of scalars.
Scalar = str | int | float | bool


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    """Readable text of an HTML fragment (WordPress ``content.rendered``)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def moment(value: Any, zone: tzinfo | None, what: str) -> datetime:
    """A datetime from an ISO string, a date or a datetime (naive ones in ``zone``)."""
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, date):
        found = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        try:
            found = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{what}: not a date or timestamp: {value!r}") from None
    else:
        raise ValueError(f"{what}: required field is missing")
    return found if found.tzinfo else found.replace(tzinfo=zone or UTC)


@dataclass
class Post:
    """One CMS item on its way to an asset record."""

    line: int
    record: dict[str, Any]
    published: datetime
    group: str | None = None  # translation group key
    extra: dict[str, Any] = field(default_factory=dict)


def status_of(raw: str, published: datetime, now: datetime) -> str:
    """``published``, ``scheduled`` (future publish date) or ``draft``."""
    raw = raw.lower()
    if raw in ("draft", "pending", "private", "auto-draft", "trash"):
        return "draft"
    return "scheduled" if published > now or raw == "future" else "published"


def link_translations(posts: list[Post]) -> None:
    """Within each translation group the earliest item is the original; the others get
    ``translation_of`` (its id), and all get ``translation_group``."""
    groups: dict[str, list[Post]] = {}
    for post in posts:
        if post.group:
            groups.setdefault(post.group, []).append(post)
    for key, members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda p: (p.published, p.record["id"]))
        original = members[0].record["id"]
        for post in members:
            post.record["translation_group"] = key
            if post.record["id"] != original:
                post.record["translation_of"] = original


def extras(data: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """Unknown keys kept as ``cms_<key>`` (DATA.md: unknown fields are never dropped)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in known or key.startswith("_"):
            continue
        if isinstance(value, Scalar) or (
            isinstance(value, list) and all(isinstance(v, Scalar) for v in value)
        ):
            out[f"cms_{key}"] = value
    return out
