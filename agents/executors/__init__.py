"""The execution agents the orchestrator hands plan tasks to, and the validation agent.

``task_agents(router, llm=...)`` gives the budget, content and distribution agents by the
names plan tasks carry; ``ValidationAgent`` handles ``outcomes_ingested``. Channels are
reached through a ``ChannelRouter`` (webhooks where configured, else the brand's sandbox
market).
"""

from collections.abc import Callable

from langchain_core.language_models import BaseChatModel

from agents.executors.budget import BudgetAgent
from agents.executors.channels import ChannelRouter, NoAdapterError
from agents.executors.content import ContentAgent
from agents.executors.distribution import DistributionAgent
from agents.executors.validation import ValidationAgent
from agents.orchestrator.runs import TaskAgent
from graph.models import Node


def task_agents(
    router: ChannelRouter,
    *,
    llm: BaseChatModel | None = None,
    on_written: Callable[[list[Node]], object] | None = None,
) -> dict[str, TaskAgent]:
    """The agents plan tasks name: budget, content, distribution."""
    return {
        "budget": BudgetAgent(router),
        "content": ContentAgent(llm, on_written=on_written),
        "distribution": DistributionAgent(router),
    }


__all__ = [
    "BudgetAgent",
    "ChannelRouter",
    "ContentAgent",
    "DistributionAgent",
    "NoAdapterError",
    "ValidationAgent",
    "task_agents",
]
