"""The research agent: competitor, trend and audience intelligence for a topic or brief.

``research(store, retriever, request, llm=None, tools=...)`` turns a topic into a
:class:`ResearchBrief` (data points, competitor angles and absences, trending hooks and
other trends, audience insights, ranked suggested angles), stores it as a ResearchBrief
node produced by one append-only ``research`` Decision that is ``BASED_ON`` every node it
cites, and returns its id for the planner and the content agent to cite.
"""

from agents.research.agent import (
    AGENT,
    ALGORITHM,
    ALGORITHM_VERSION,
    KIND,
    research,
)
from agents.research.errors import BriefConflictError, ResearchError, ResearchToolError
from agents.research.models import (
    Absence,
    AudienceInsight,
    Citation,
    CompetitorAngle,
    CompetitorSummary,
    DataPoint,
    ExternalFinding,
    ResearchBrief,
    ResearchBriefResult,
    ResearchRequest,
    SuggestedAngle,
    Trend,
    TrendMethod,
)
from agents.research.store import load_research_brief
from agents.research.tools import (
    Finding,
    GraphTool,
    HttpSearchTool,
    IndexTool,
    ResearchTool,
    ToolQuery,
    external_tools,
)

__all__ = [
    "AGENT",
    "ALGORITHM",
    "ALGORITHM_VERSION",
    "KIND",
    "Absence",
    "AudienceInsight",
    "BriefConflictError",
    "Citation",
    "CompetitorAngle",
    "CompetitorSummary",
    "DataPoint",
    "ExternalFinding",
    "Finding",
    "GraphTool",
    "HttpSearchTool",
    "IndexTool",
    "ResearchBrief",
    "ResearchBriefResult",
    "ResearchError",
    "ResearchRequest",
    "ResearchTool",
    "ResearchToolError",
    "SuggestedAngle",
    "ToolQuery",
    "Trend",
    "TrendMethod",
    "external_tools",
    "load_research_brief",
    "research",
]
