"""Past copy split into reusable parts: hooks, headlines, body sentences, calls to action.

Marketing copy in the wild is either labelled (``Headline: …``, ``Button: …``,
``0-3 s hook: …``, ``Subject: …``) or plain paragraphs (emails, posts, blogs). Labelled
lines go by their label; in plain text the first sentence of the first paragraph is the
hook, the rest is body, a short ``Label: <link>`` paragraph is a call to action, and
greetings and sign-offs are dropped. Links, merge tags (``*|FNAME|*``, ``{{name}}``),
opt-out footers and hashtags are taken out of the text (hashtags are kept apart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["hook", "headline", "body", "cta"]

_URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:example|com|co\.uk|io|de|nl)/\S*")
_MERGE = re.compile(r"\*\|[A-Z_]+\|\*|\{\{[^}]*\}\}|%%[^%]*%%")
_OPT_OUT = re.compile(r"\s*Reply STOP to opt out\.?", re.I)
_HASHTAG = re.compile(r"(?<![\w&])#\w+")
_LABEL = re.compile(r"^\s*([A-Za-z0-9][\w &'()/+-]{0,34}?)\s*:\s*(.*)$")
_INLINE = re.compile(r"\s(On-screen|Voice-over|End card|Button|CTA)\s*:\s*", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])[\"”']?\s+(?=[A-Z0-9\"“‘(])")
_GREETING = re.compile(r"^(?:hi|hello|dear|hey|good (?:morning|afternoon))\b[^.!?]{0,40},?$", re.I)
_TIMECODE = re.compile(r"^\d+\s*-\s*\d+\s*s\b")
_FORMAT = re.compile(
    r"^[^.!?:]{0,60}\b(?:ad|ads|script|video|banners?|brief|creative|template)\b[^.!?:]*$", re.I
)

_HEADLINE_LABELS = frozenset({"subject", "headline", "h1", "overlay text", "title"})
_CTA_LABELS = frozenset({"button", "cta", "end card", "call to action"})
_BODY_LABELS = frozenset(
    {
        "description",
        "descriptions",
        "subline",
        "subhead",
        "on-screen",
        "voice-over",
        "approved copy",
        "proof point",
        "offer",
        "preheader",
        "body",
        "text",
    }
)
_HOOK_LABELS = frozenset({"primary text", "caption", "hook", "intro", "opening"})
_SKIP_LABELS = frozenset(
    {
        "link",
        "final url",
        "click-through",
        "tracking link",
        "alt text",
        "sizes",
        "visual",
        "creative brief",
        "rules",
        "url",
        "utm",
        "format",
        "affiliate brief",
        "why",
    }
)


@dataclass(frozen=True, slots=True)
class Part:
    """One reusable piece of copy and the assets it came from."""

    role: Role
    text: str
    sources: tuple[str, ...]
    weight: float  # how well its best source performed, 0..1 (1 = the best winner)


@dataclass
class SplitCopy:
    """The parts of one asset, in order of appearance."""

    hooks: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    ctas: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)

    def add(self, role: Role, text: str) -> None:
        cleaned = clean(text)
        if len(cleaned) < 3 or not any(c.isalpha() for c in cleaned):
            return
        target = {"hook": self.hooks, "headline": self.headlines, "body": self.bodies}.get(
            role, self.ctas
        )
        if cleaned not in target:
            target.append(cleaned)


def strip_boilerplate(text: str) -> str:
    """``text`` without links, merge tags and opt-out footers (line breaks kept)."""
    return _OPT_OUT.sub("", _MERGE.sub("", _URL.sub("", text)))


def clean(text: str) -> str:
    """Links, merge tags and opt-out footers out; spaces and stray punctuation tidied."""
    text = re.sub(r"\s+", " ", strip_boilerplate(text)).strip().strip("\"“”'")
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = text.strip(" ,;:-—·|").strip()
    return text[:1].upper() + text[1:]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def split_copy(body: str, *, title: str = "", kind: str = "", brand_name: str = "") -> SplitCopy:
    """Split one asset's copy into parts (see the module docstring)."""
    out = SplitCopy()
    out.hashtags = list(dict.fromkeys(_HASHTAG.findall(body)))
    text = _HASHTAG.sub("", body)
    if kind == "blog" and title:
        out.add("headline", title)
    plain: list[str] = []
    first = text.lstrip().split("\n", 1)
    if len(first) == 2 and _FORMAT.match(first[0].strip()):
        text = first[1]  # "Responsive search ad", "30-second pre-roll script": not copy
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [ln for ln in paragraph.splitlines() if ln.strip()]
        if not lines or _signoff(lines):
            continue
        loose: list[str] = []
        for line in lines:
            if not _labelled(out, line, brand_name):
                loose.append(line.strip())
        if loose:
            plain.append("\n".join(loose))
    _plain(out, plain, title)
    return out


def _labelled(out: SplitCopy, line: str, brand_name: str) -> bool:
    """Route a ``Label: value`` line; False if the line is not labelled copy."""
    match = _LABEL.match(line)
    if not match:
        return False
    label, value = match.group(1).strip().lower(), match.group(2)
    if brand_name and brand_name.lower().startswith(label):  # "Brand: …" (an SMS)
        out.add("hook", clean(value).rstrip(":"))
        return True
    if label in _SKIP_LABELS or label.startswith("why "):
        return True
    if not clean(value):  # "Shop the beans: <link>" is a call to action
        if _URL.search(value) and len(label.split()) <= 6:
            out.add("cta", match.group(1))
        return True
    value, inline = _split_inline(value)
    if _TIMECODE.match(label) and any(role == "body" for role, _ in inline):
        value = ""  # "3-10 s: <the shot>. On-screen: <the copy>": the shot is no copy
    if label in _HEADLINE_LABELS:
        out.add("headline", value)
    elif label == "headlines":
        for head in value.split("|"):
            out.add("headline", head)
    elif label in _CTA_LABELS:
        out.add("cta", value.split(",")[0].rstrip("."))
    elif label in _HOOK_LABELS or "hook" in label or "before skip" in label:
        first, *rest = sentences(value) or [""]
        out.add("hook", first)
        for s in rest:
            out.add("body", s)
    elif label in _BODY_LABELS or _TIMECODE.match(label):
        for s in sentences(value):
            out.add("body", s)
    else:
        return False
    for role, text in inline:
        out.add(role, text)
    return True


def _split_inline(value: str) -> tuple[str, list[tuple[Role, str]]]:
    """``… On-screen: X End card: Y.`` → the leading text and the inline parts."""
    pieces = _INLINE.split(" " + value)
    head, extra = pieces[0].strip(), list[tuple[Role, str]]()
    for name, text in zip(pieces[1::2], pieces[2::2], strict=True):
        role: Role = "cta" if name.lower() in _CTA_LABELS else "body"
        if role == "cta":
            extra.append((role, text.split(",")[0].strip().rstrip(".")))
        else:
            extra.extend((role, s) for s in sentences(text))
    return head, extra


def _signoff(lines: list[str]) -> bool:
    first = lines[0].strip()
    return (
        len(lines) <= 3
        and first.endswith(",")
        and len(first.split()) <= 5
        and not (_GREETING.match(first))
    ) or (len(lines) == 1 and bool(_GREETING.match(first)))


def _plain(out: SplitCopy, paragraphs: list[str], title: str) -> None:
    hooked = bool(out.hooks)
    for paragraph in paragraphs:
        flat = " ".join(ln.lstrip("-• ").strip() for ln in paragraph.splitlines())
        if title and clean(flat) == clean(title):
            continue
        cta = re.match(r"^(.{2,40}?):\s*(?:https?://\S+|[\w-]+\.\w+/\S*)\s*$", flat)
        if cta:
            out.add("cta", cta.group(1))
            continue
        flat = re.sub(r"^P\.S\.\s*", "", flat)
        parts = sentences(clean(flat))
        if not parts:
            continue
        if not hooked:
            out.add("hook", parts[0])
            parts, hooked = parts[1:], True
        for s in parts:
            out.add("body", s)
