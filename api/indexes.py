"""The text index of the composition root: which one, opened when, and what follows.

A Qdrant server when ``MARKETGRAPH_QDRANT_URL`` is set, else the data dir's Qdrant Edge
shard, reached through the server holding it when another process does. The server
lends the shard it opens to the other processes (:class:`~retrieval.host.IndexHost`);
the first process to open it replaces an older version's local-mode folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from api.settings import Settings
from retrieval.base import TextIndex
from retrieval.errors import IndexUnavailableError
from retrieval.host import IndexHost
from retrieval.lazy import LazyIndex

if TYPE_CHECKING:
    from api.services import Services

log = logging.getLogger("marketgraph")
COLLECTION = "marketgraph_texts"
HOST_WAIT_SECONDS = 10.0


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


class IndexOpened:
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
