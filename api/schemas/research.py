"""Research request and the research brief it answers with."""

from __future__ import annotations

from pydantic import Field

from agents.research import ResearchBrief, ResearchBriefResult, ResearchRequest

__all__ = ["ResearchCreate", "ResearchPublic"]


class ResearchCreate(ResearchRequest):
    """A research request: a topic (or brief) for a brand, with the window to look at."""


class ResearchPublic(ResearchBrief):
    """The research brief as stored, with the decision that produced it."""

    decision_id: str = Field(description="the research Decision that PRODUCED the brief")

    @classmethod
    def of(cls, result: ResearchBriefResult) -> ResearchPublic:
        return cls(**result.brief.model_dump(), decision_id=result.decision_id)
