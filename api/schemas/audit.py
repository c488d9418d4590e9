"""The audit chain's verification report as the API shows it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from graph.audit import AuditReport, Finding

__all__ = ["AuditFindingPublic", "AuditReportPublic"]


class AuditFindingPublic(BaseModel):
    problem: str = Field(
        description="edited, deleted, duplicate_seq, broken_link, edge_removed, edge_changed, "
        "head_missing, head_mismatch, unsealed, seal_damaged or anchor_mismatch"
    )
    detail: str = Field(description="what is wrong, in a sentence")
    node: str | None = Field(default=None, description="the record concerned, as Label:id")
    seq: int | None = Field(default=None, description="its place in the chain")

    @classmethod
    def of(cls, finding: Finding) -> AuditFindingPublic:
        return cls(
            problem=finding.problem, detail=finding.detail, node=finding.node, seq=finding.seq
        )


class AuditReportPublic(BaseModel):
    intact: bool = Field(description="true when verification found nothing wrong")
    summary: str = Field(description="one line, as `marketgraph audit verify` prints it")
    records: int = Field(description="sealed decisions, approvals and executions found")
    unsealed: int = Field(description="records without a seal (written before the chain existed)")
    head_seq: int | None = Field(description="the head's sequence number (null: no head)")
    head_hash: str | None = Field(description="the head's hash, to anchor outside the database")
    findings: list[AuditFindingPublic] = Field(description="what is wrong, ordered by seq")
    seconds: float = Field(description="how long verification took")

    @classmethod
    def of(cls, report: AuditReport) -> AuditReportPublic:
        return cls(
            intact=report.intact,
            summary=report.summary(),
            records=report.records,
            unsealed=report.unsealed,
            head_seq=report.head_seq,
            head_hash=report.head_hash,
            findings=[AuditFindingPublic.of(f) for f in report.findings],
            seconds=round(report.seconds, 4),
        )
