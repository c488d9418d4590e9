"""The composition root: settings in, stores and agents out. Nothing below api/ reads env."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel

from agents.channels.outbox import OutboxWorker, WebhookConfig, load_webhook_config
from agents.channels.router import ChannelRouter, demo_markets
from agents.orchestrator import ApprovalPolicy, Orchestrator, TaskAgent, load_policy
from agents.orchestrator.events import Event
from agents.orchestrator.orchestrator import research_step
from agents.research.tools import ResearchTool, external_tools
from agents.tasks import task_agents
from agents.validation.agent import ValidationAgent
from api.auth import KeyRing, create_key
from api.settings import Settings
from graph.base import GraphStore
from graph.models import Node
from migrations import apply_pending
from retrieval.base import TextIndex
from retrieval.cache import VersionedCache
from retrieval.errors import IndexUnavailableError
from retrieval.host import IndexHost
from retrieval.indexer import Indexer
from retrieval.lazy import LazyIndex
from retrieval.retriever import HybridRetriever

log = logging.getLogger("marketgraph")
COLLECTION = "marketgraph_texts"
HOST_WAIT_SECONDS = 10.0


@dataclass
class Services:
    """Long-lived clients, created once per process."""

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

    def outcomes_arrived(self, run_id: str, brand_id: str | None = None) -> None:
        """Tell the validation agent (through the event bus) that outcomes were ingested."""
        payload = {"brand_id": brand_id} if brand_id else {}
        self.orchestrator.bus.publish(
            Event("outcomes_ingested", run_id, subject=f"IngestRun:{run_id}", payload=payload)
        )
        self.wake_worker()

    outbox: OutboxWorker | None = None  # None without a webhook file
    host: IndexHost | None = None  # lends the embedded index to other processes (server)

    def wake_worker(self) -> None:
        """Let the server's worker look for work now rather than at its next tick."""
        self.wake.set()

    @property
    def policy(self) -> ApprovalPolicy:
        return self.orchestrator.policy

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


def open_index(
    settings: Settings,
    *,
    recreate: bool = False,
    eager: bool = True,
    on_open: Callable[[TextIndex], None] | None = None,
) -> LazyIndex:
    """The text index: a Qdrant server by URL, else the Qdrant Edge shard of the data dir.

    Opened lazily: an index that cannot be reached yet (server down, shard held by another
    process with no server to go through) still lets the service start, and its work is
    queued. ``eager`` tries at once (the server; a command opens on first use, so those
    that never search or index never touch it). When another process holds the shard
    and ``server.json`` names it live, the index goes through that server. A model
    mismatch is raised on opening: it needs the user's decision (``marketgraph reindex
    --recreate``, which passes ``recreate`` to start the index empty).
    """
    from retrieval.embeddings import make_embeddings

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    embeddings, model = make_embeddings(
        settings.embeddings, openai_api_key=key, openai_base_url=settings.openai_base_url
    )
    pending_recreate = [recreate]  # once: the factory may run again after a failure
    wait_for_host = [eager]  # at the server's start only (its workers start together)

    def server_index() -> TextIndex:
        from retrieval.qdrant import QdrantTextIndex, open_qdrant_client

        api_key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
        client = open_qdrant_client(settings.qdrant_url, api_key, settings.qdrant_path)
        if pending_recreate[0] and client.collection_exists(COLLECTION):
            client.delete_collection(COLLECTION)
        pending_recreate[0] = False
        return QdrantTextIndex(
            client,
            collection=COLLECTION,
            embeddings=embeddings,
            dense_model=model,
            location=settings.qdrant_url or "",
        )

    def embedded_index() -> TextIndex:
        from retrieval.edge import EdgeTextIndex
        from retrieval.errors import IndexLockedError
        from retrieval.host import read_server_file
        from retrieval.remote import RemoteTextIndex

        path = settings.index_path
        try:
            index: TextIndex = EdgeTextIndex(
                path, embeddings=embeddings, dense_model=model, recreate=pending_recreate[0]
            )
        except IndexLockedError:
            server = read_server_file(settings.data_dir)
            # Workers of one server start together: the one holding the shard writes
            # server.json a moment after taking it.
            deadline = time.monotonic() + (HOST_WAIT_SECONDS if wait_for_host[0] else 0.0)
            wait_for_host[0] = False
            while server is None and time.monotonic() < deadline:
                time.sleep(0.2)
                server = read_server_file(settings.data_dir)
            if server is None or server.pid == os.getpid():
                raise
            index = RemoteTextIndex(server, path)
            if pending_recreate[0]:
                index.recreate()
        pending_recreate[0] = False
        return index

    if settings.qdrant_url:
        lazy = LazyIndex(server_index, settings.qdrant_url, on_open=on_open)
    else:
        lazy = LazyIndex(embedded_index, f"edge:{settings.index_path}", on_open=on_open)
    if eager:
        reason = lazy.try_open()
        if reason:
            log.warning("%s; index work will be queued", reason)
    return lazy


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
    hook = _IndexOpened(settings, host, recreate_index)
    try:
        if migrate:
            applied = apply_pending(graph)
            if applied:
                log.info("applied migrations: %s", ", ".join(applied))
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


class _IndexOpened:
    """What follows the opening of the embedded shard by this process: lending it to the
    others through the host, and replacing a local-mode folder of an older version."""

    def __init__(self, settings: Settings, host: IndexHost | None, recreate: bool) -> None:
        self.settings = settings
        self.host = host
        self.recreate = recreate
        self.services: Services | None = None
        self.waiting = False

    def __call__(self, index: TextIndex) -> None:
        from retrieval.edge import EdgeTextIndex

        if not isinstance(index, EdgeTextIndex):
            return
        if self.host is not None:
            self.host.share(index)
        if self.services is None:
            self.waiting = True  # opened before the services exist: see ready()
        else:
            self.migrate(self.services)

    def ready(self, services: Services) -> None:
        self.services = services
        if self.waiting:
            self.migrate(services)

    def migrate(self, services: Services) -> None:
        """Rebuild from the graph the index a local-mode folder held, then remove it."""
        old = self.settings.qdrant_path
        if not ((old / "collection").is_dir() or (old / "meta.json").is_file()):
            return
        if not self.recreate:  # `reindex --recreate` rebuilds everything itself
            try:
                report = services.indexer.reindex_all()
            except IndexUnavailableError as e:
                log.warning("text index: local-mode folder %s kept, rebuild failed: %s", old, e)
                return
            log.warning(
                "text index: Qdrant local mode (%s) is replaced by Qdrant Edge (%s); "
                "rebuilt %d texts from the graph",
                old,
                self.settings.index_path,
                report.indexed,
            )
        shutil.rmtree(old, ignore_errors=True)


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
) -> Services:
    """Wire the agents and the key ring around opened stores (``llm`` as configured)."""
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
        market_factory=demo_markets(graph, settings.sandbox_seed) if settings.sandbox else None,
    )
    orchestrator = Orchestrator(
        graph,
        policy=load_policy(settings.policy_path),
        agents=agents
        if agents is not None
        else task_agents(router, llm=llm, on_written=indexer.index_nodes),
        retriever=retriever,
        llm=llm,
        research=research_step(retriever, llm, tools, on_written=indexer.index_nodes),
        lease_seconds=settings.lease_seconds,
    )
    validator = ValidationAgent(graph, router, orchestrator.propose_replan)
    orchestrator.bus.subscribe("outcomes_ingested", validator.handle)
    return Services(
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


def webhook_config(settings: Settings) -> WebhookConfig | None:
    """The webhook configuration, with secrets from the environment; None without a file."""
    path = settings.webhooks_path
    return None if path is None else load_webhook_config(path, dict(os.environ))


def ensure_admin_key(services: Services) -> str | None:
    """With no key configured anywhere, create an admin key and return it (shown once)."""
    if not services.keys.is_empty():
        return None
    return create_key(services.settings.keys_path, "admin", "generated-admin")
