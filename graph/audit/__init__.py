"""The audit chain: decisions, approvals and executions chained by hash.

Both backends seal each new record inside the write transaction that creates it
(:mod:`graph.audit.sealing`), so every writer is covered without knowing it;
:func:`verify_chain` (:mod:`graph.audit.verify`) walks the chain through the contract
and names every record edited, deleted or cut from its edges since. See ``docs/audit.md``.
"""

from graph.audit.sealing import (
    EXECUTION_SEALED_KEYS,
    GENESIS,
    HEAD_ID,
    HEAD_REF,
    SEAL_FIELDS,
    ChainHead,
    check_update,
    head_properties,
    link_hash,
    record_content,
    seal_batch,
    sealed_keys,
    sealed_refs,
    touches_chain,
)
from graph.audit.verify import PROBLEMS, AuditReport, Finding, verify_chain

__all__ = [
    "EXECUTION_SEALED_KEYS",
    "GENESIS",
    "HEAD_ID",
    "HEAD_REF",
    "PROBLEMS",
    "SEAL_FIELDS",
    "AuditReport",
    "ChainHead",
    "Finding",
    "check_update",
    "head_properties",
    "link_hash",
    "record_content",
    "seal_batch",
    "sealed_keys",
    "sealed_refs",
    "touches_chain",
    "verify_chain",
]
