"""The README and docs/ stand on their own: no links outside the repository, every
relative link resolves, and no paragraph is printed twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_a_document_links_only_inside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text and "shared/API.md" not in text
    for target in _LINK.findall(text):
        resolved = (doc.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{doc.name} links outside: {target}"
        assert resolved.exists(), f"{doc.name} links to a missing {target}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_no_paragraph_is_printed_twice(doc: Path) -> None:
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.DOTALL)
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    sentences = [s for p in paragraphs for s in re.split(r"(?<=\.) ", p) if len(s) > 60]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert not repeated, f"{doc.name} repeats: {sorted(repeated)[:3]}"
