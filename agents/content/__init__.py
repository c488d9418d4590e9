"""Content drafting and scoring: variants from the brand and its winning copy.

``draft_variants(request, brand, winners, scorer=..., model=...)`` drafts hook variants
for a channel, by recombining past winning copy without an LLM or through a LangChain
chat model with one; ``ConsistencyScorer`` gives each a measured brand-consistency score
(below :data:`THRESHOLD` a draft is retried, then flagged for the quality gate);
``edit_ratio`` and ``edit_report`` track how much editors change drafts (the 25–45 %
band per piece and per month). All pure: the graph writes are the content agent's.
"""

from agents.content.brand import BrandProfile
from agents.content.channels import LIMITS, ChannelLimits
from agents.content.draft import ALGORITHM, DraftResult, draft_variants
from agents.content.edits import (
    BAND,
    EditRecord,
    EditReport,
    MonthEdits,
    PieceEdit,
    edit_distance,
    edit_ratio,
    edit_report,
)
from agents.content.errors import ContentError, DraftingFailedError, InvalidContentInputError
from agents.content.llm import DraftSet, DraftVariant
from agents.content.models import Draft, DraftRequest, WinningAsset
from agents.content.parts import SplitCopy, split_copy
from agents.content.scoring import THRESHOLD, ConsistencyScore, ConsistencyScorer, Violation

__all__ = [
    "ALGORITHM",
    "BAND",
    "LIMITS",
    "THRESHOLD",
    "BrandProfile",
    "ChannelLimits",
    "ConsistencyScore",
    "ConsistencyScorer",
    "ContentError",
    "Draft",
    "DraftRequest",
    "DraftResult",
    "DraftSet",
    "DraftVariant",
    "DraftingFailedError",
    "EditRecord",
    "EditReport",
    "InvalidContentInputError",
    "MonthEdits",
    "PieceEdit",
    "SplitCopy",
    "Violation",
    "WinningAsset",
    "draft_variants",
    "edit_distance",
    "edit_ratio",
    "edit_report",
    "split_copy",
]
