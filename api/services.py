"""The composition root: settings in, stores and agents out. Nothing below api/ reads env."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from agents.channels.outbox import OutboxWorker, WebhookConfig, load_webhook_config
from agents.channels.router import ChannelRouter, Market
from agents.curves.settings import load_fit_settings
from agents.orchestrator import ApprovalPolicy, Orchestrator, TaskAgent, load_policy
from agents.orchestrator.clock import Clock
from agents.research.tools import ResearchTool, external_tools
from agents.tasks import task_agents
from agents.validation.agent import ValidationAgent
from api.auth import KeyRing, create_key
from api.indexes import IndexOpened, open_index
from api.settings import Settings
from graph.base import GraphStore
from graph.errors import GraphError
from graph.models import Node
from ingest.limits import Limits
from ingest.runs import recover_interrupted
from migrations import apply_pending
from retrieval.base import TextIndex
from retrieval.cache import VersionedCache
from retrieval.host import IndexHost
from retrieval.indexer import Indexer
from retrieval.retriever import HybridRetriever
from workflows.research import planning_research

log = logging.getLogger("marketgraph")
__all__ = ["Services", "assemble", "open_graph", "open_index", "open_services"]


@dataclass
class Services:
    """Long-lived clients, created once per process (the workflows' ``Context``)."""

    settings: Settings
    graph: GraphStore
    keys: KeyRing
    index: TextIndex
    indexer: Indexer
    retriever: HybridRetriever
    orchestrator: Orchestrator
    llm: BaseChatModel | None = None
    research_tools: list[ResearchTool] = field(default_factory=list)
    router: ChannelRouter | None = None
    validator: ValidationAgent | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    # Campaign contexts as sent, while the graph and the index are unchanged.
    context_cache: VersionedCache[bytes] = field(default_factory=lambda: VersionedCache(2048))

    outbox: OutboxWorker | None = None  # None without a webhook file
    host: IndexHost | None = None  # lends the embedded index to other processes (server)

    def wake_worker(self) -> None:
        """Let the server's worker look for work now rather than at its next tick."""
        self.wake.set()

    @property
    def policy(self) -> ApprovalPolicy:
        return self.orchestrator.policy

    @property
    def llm_model(self) -> str | None:
        return self.settings.llm_model

    @property
    def rejects_dir(self) -> Path:
        return self.settings.rejects_dir

    @property
    def limits(self) -> Limits:
        return self.settings.limits

    def index_written(self, nodes: Sequence[Node]) -> int:
        """Index the texts of freshly written nodes; returns how many wait for a retry."""
        return self.indexer.index_nodes(nodes).pending

    def close(self) -> None:
        try:
            if self.host is not None:
                self.host.stop()
            if self.outbox is not None:
                self.outbox.close()
            self.index.close()
        finally:
            self.graph.close()


def open_graph(settings: Settings) -> GraphStore:
    """The configured graph backend: Neo4j when a URI is set, else the embedded store."""
    if settings.neo4j_uri:
        from graph.neo4j import Neo4jGraphStore

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        return Neo4jGraphStore(
            settings.neo4j_uri,
            user=settings.neo4j_user,
            password=password,
            database=settings.neo4j_database,
        )
    from graph.embedded import EmbeddedGraphStore

    return EmbeddedGraphStore(settings.graph_path)


def open_services(
    settings: Settings,
    *,
    migrate: bool = True,
    recreate_index: bool = False,
    host: IndexHost | None = None,
) -> Services:
    """Open the stores, apply pending migrations and load the key ring.

    With ``host`` (the server), the index opens at once and, when this process holds the
    embedded shard, is lent to the other processes of the data dir through the host.
    Commands pass none and open the index on first use.
    """
    graph = open_graph(settings)
    hook = IndexOpened(settings, host, recreate_index)
    try:
        if migrate:
            applied = apply_pending(graph)
            if applied:
                log.info("applied migrations: %s", ", ".join(applied))
            end_dead_runs(graph)
        index = open_index(settings, recreate=recreate_index, eager=host is not None, on_open=hook)
    except BaseException:
        graph.close()
        raise
    try:
        services = assemble(settings, graph, index, llm=open_llm(settings))
    except BaseException:
        index.close()
        graph.close()
        raise
    services.host = host
    hook.ready(services)
    return services


def end_dead_runs(graph: GraphStore) -> list[str]:
    """Mark ingest runs left ``running`` by a process that is gone as ``interrupted``
    (on every start: the server's and each command's); re-ingesting completes them."""
    try:
        ended = recover_interrupted(graph)
    except GraphError as e:  # never stops a start; the next one tries again
        log.warning("could not check for interrupted ingest runs: %s", e)
        return []
    for run_id in ended:
        log.warning("ingest run %s was left running by a process that is gone: interrupted", run_id)
    return ended


def open_llm(settings: Settings) -> BaseChatModel | None:
    """The configured chat model (any OpenAI-compatible server), or None: no LLM."""
    if not settings.llm_model:
        return None
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    key = settings.openai_api_key or (SecretStr("unused") if settings.openai_base_url else None)
    if key is None:
        raise ValueError(
            "MARKETGRAPH_LLM_MODEL is set but OPENAI_API_KEY is not "
            "(set it, or OPENAI_BASE_URL for a local OpenAI-compatible server)"
        )
    return ChatOpenAI(
        model=settings.llm_model,
        api_key=key,
        base_url=settings.openai_base_url,
        temperature=0,
        timeout=60,
        max_retries=2,
    )


def assemble(
    settings: Settings,
    graph: GraphStore,
    index: TextIndex,
    *,
    llm: BaseChatModel | None = None,
    agents: Mapping[str, TaskAgent] | None = None,
    clock: Clock | None = None,
) -> Services:
    """Wire the agents and the key ring around opened stores (``llm`` as configured;
    ``clock``: the system clock unless a test or a simulation brings its own)."""
    retriever = HybridRetriever(graph, index)
    config = webhook_config(settings)
    indexer = Indexer(graph, index)
    tools = external_tools(
        settings.research_web_url,
        settings.research_web_api_key,
        settings.research_analytics_url,
        settings.research_analytics_api_key,
        settings.research_timeout,
    )
    router = ChannelRouter(
        graph,
        webhooks=config,
        market_factory=sandbox_markets(settings, graph),
        now=lambda: orchestrator.clock.now(),  # what adapters stamp: the orchestrator's day
    )
    orchestrator = Orchestrator(
        graph,
        policy=load_policy(settings.policy_path),
        fit_settings=load_fit_settings(settings.policy_path),
        agents=agents
        if agents is not None
        else task_agents(router, llm=llm, on_written=indexer.index_nodes),
        retriever=retriever,
        llm=llm,
        lease_seconds=settings.lease_seconds,
        clock=clock,
    )
    validator = ValidationAgent(
        graph, router, orchestrator.propose_replan, now=lambda: orchestrator.clock.now()
    )
    orchestrator.bus.subscribe("outcomes_ingested", validator.handle)
    services = Services(
        settings=settings,
        graph=graph,
        keys=KeyRing(settings.configured_keys(), settings.keys_path),
        index=index,
        indexer=indexer,
        retriever=retriever,
        orchestrator=orchestrator,
        llm=llm,
        outbox=OutboxWorker(graph, config) if config is not None else None,
        research_tools=list(tools),
        router=router,
        validator=validator,
    )
    orchestrator.research = planning_research(services)  # before planning, as a workflow
    return services


def sandbox_markets(settings: Settings, graph: GraphStore) -> Callable[[str], Market | None] | None:
    """The demo's sandbox markets for the demo brands, when configured (the demo package is
    not even loaded otherwise)."""
    if not settings.sandbox:
        return None
    from demo.sandbox import demo_markets

    return demo_markets(graph, settings.sandbox_seed)


def webhook_config(settings: Settings) -> WebhookConfig | None:
    """The webhook configuration, with secrets from the environment; None without a file."""
    path = settings.webhooks_path
    return None if path is None else load_webhook_config(path, dict(os.environ))


def ensure_admin_key(services: Services) -> str | None:
    """With no key configured anywhere, create an admin key and return it (shown once)."""
    if not services.keys.is_empty():
        return None
    return create_key(services.settings.keys_path, "admin", "generated-admin")


def show_generated_key(key: str, settings: Settings) -> str:
    """Show a generated key once, never through logging (the log is JSON that others read).

    On the terminal when there is one; otherwise (a container, a service manager) in a
    file of the data dir that its owner alone can read. Returns where it went, for a log
    line that does not hold the key.
    """
    message = f"no API key was configured; generated an admin key (shown once): {key}\n"
    try:
        with open("/dev/tty", "w", encoding="utf-8") as tty:
            tty.write(message)
        return "the terminal"
    except OSError:
        pass
    path = settings.data_dir / "generated-admin-key.txt"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return f"{path} (mode 600: read it, then delete the file)"
