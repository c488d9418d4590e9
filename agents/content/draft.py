"""``draft_variants``: the content agent's drafting step, with or without an LLM.

Without a model, drafts are recombined from the winners (:mod:`.recombine`); with one,
the model writes them from the brand object and the winners (:mod:`.llm`), and any slot
it leaves empty is recombined. Either way each draft carries its brand-consistency score,
and the ones that stayed under the threshold are flagged for the quality gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from langchain_core.language_models import BaseChatModel

from agents.content.brand import BrandProfile
from agents.content.errors import DraftingFailedError, InvalidContentInputError
from agents.content.llm import draft_with_model
from agents.content.models import Draft, DraftRequest, WinningAsset
from agents.content.recombine import recombine
from agents.content.scoring import ConsistencyScorer

ALGORITHM = "recombination-v1"


@dataclass(frozen=True)
class DraftResult:
    """The drafts, how they were made, and what went wrong on the way (``notes``)."""

    drafts: tuple[Draft, ...]
    method: str  # "llm", "recombination", or "llm+recombination" when slots were filled in
    model: str | None
    prompt_digest: str | None
    notes: tuple[str, ...]

    @property
    def needs_review(self) -> tuple[Draft, ...]:
        """Drafts that go to the quality gate: under the threshold after every attempt."""
        return tuple(d for d in self.drafts if d.needs_review)


def draft_variants(
    request: DraftRequest,
    brand: BrandProfile,
    winners: Sequence[WinningAsset],
    *,
    scorer: ConsistencyScorer | None = None,
    model: BaseChatModel | None = None,
) -> DraftResult:
    """Draft ``request.variants`` variants for ``brand`` from its ``winners``.

    ``scorer`` measures brand consistency (build it from the brand's own copy and, if there
    is any, other brands'; by default it learns from the winners alone).

    Raises:
        InvalidContentInputError: no winning assets to learn from.
        DraftingFailedError: neither the model nor the winners gave a single draft.
    """
    if not winners:
        raise InvalidContentInputError("winners", "at least one winning asset is needed")
    scorer = scorer or ConsistencyScorer(brand, [f"{w.title}\n{w.body}" for w in winners])
    if model is None:
        drafts = recombine(request, brand, winners, scorer)
        return DraftResult(tuple(drafts), "recombination", None, None, ())
    slots, notes, digest = draft_with_model(model, request, brand, winners, scorer)
    missing = [i for i, d in enumerate(slots) if d is None]
    method = "llm"
    if missing:
        try:
            filler = recombine(request, brand, winners, scorer)
        except DraftingFailedError:
            filler = []
        for i, draft in zip(missing, filler, strict=False):
            slots[i] = replace(draft, variant=i + 1)
        method = "llm+recombination" if filler else "llm"
        notes.append(f"{min(len(missing), len(filler))} variant(s) recombined from the winners")
    done = tuple(d for d in slots if d is not None)
    if not done:
        raise DraftingFailedError("the model gave no usable draft and the winners no copy")
    name = next((d.model for d in done if d.model), None)
    return DraftResult(done, method, name, digest, tuple(notes))
