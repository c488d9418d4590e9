"""The orchestrator: an event bus in the graph, approval gates as policy, durable plan runs.

``Orchestrator`` is what the API and CLI use; ``ApprovalPolicy`` / ``load_policy`` say which
actions wait for a human; ``TaskAgent`` is what an execution agent implements.
"""

from agents.orchestrator.errors import (
    GateError,
    OrchestratorError,
    SelfApprovalError,
    UnknownEventError,
)
from agents.orchestrator.events import EVENT_TYPES, Event, EventBus
from agents.orchestrator.gates import Gate, GateState, Verdict, approvals_of, find_gate
from agents.orchestrator.orchestrator import Orchestrator, TickReport, worker_name
from agents.orchestrator.policy import ApprovalPolicy, GateRule, PolicyError, load_policy
from agents.orchestrator.runs import RunReport, TaskAgent, TaskContext, TaskOutcome

__all__ = [
    "EVENT_TYPES",
    "ApprovalPolicy",
    "Event",
    "EventBus",
    "Gate",
    "GateError",
    "GateRule",
    "GateState",
    "Orchestrator",
    "OrchestratorError",
    "PolicyError",
    "RunReport",
    "SelfApprovalError",
    "TaskAgent",
    "TaskContext",
    "TaskOutcome",
    "TickReport",
    "UnknownEventError",
    "Verdict",
    "approvals_of",
    "find_gate",
    "load_policy",
    "worker_name",
]
