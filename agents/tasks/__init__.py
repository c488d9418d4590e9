"""The task agents the orchestrator hands plan tasks to: budget, content, distribution.

``task_agents(router, llm=...)`` gives them by the names plan tasks carry. Channels are
reached through a ``ChannelRouter`` (:mod:`agents.channels.router`: webhooks where
configured, else the brand's sandbox market).
"""

from collections.abc import Callable

from langchain_core.language_models import BaseChatModel

from agents.channels.router import ChannelRouter
from agents.orchestrator.runs import TaskAgent
from agents.tasks.budget import BudgetAgent
from agents.tasks.content import ContentAgent
from agents.tasks.distribution import DistributionAgent
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
    "ContentAgent",
    "DistributionAgent",
    "task_agents",
]
