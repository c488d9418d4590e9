"""The embedded index of another process, reached through its :class:`~retrieval.host.IndexHost`.

Used when this process finds the data dir's Qdrant Edge shard locked and ``server.json``
names a live server holding it: searches, upserts and deletes go to that server over
loopback HTTP with the token of ``server.json``. The server embeds and encodes, so this
process needs no model. Any failure to reach it is :class:`IndexUnavailableError`, so the
indexer queues its work as ``IndexJob`` nodes, which the server's retry loop drains.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import httpx

from graph.models import NodeRef
from retrieval.base import Hit, IndexedText, IndexInfo, SearchMode, TextIndex
from retrieval.edge import read_version
from retrieval.errors import DenseUnavailableError, IndexUnavailableError
from retrieval.host import API, ServerFile
from retrieval.points import latest
from retrieval.wire import hit_from_json, text_json

SEND_BATCH: Final = 2000
_SEARCH_SECONDS: Final = 30.0
_WRITE_SECONDS: Final = 600.0


class RemoteTextIndex(TextIndex):
    """A :class:`TextIndex` served by the process named in ``server.json``.

    Args:
        server: the data dir's ``server.json``.
        shard: the shard's folder, whose version file this process may read.

    Raises:
        IndexUnavailableError: the server does not answer (here and in every method).
    """

    remote: Final = True  # LazyIndex lets go of it after a failure, to look again

    def __init__(self, server: ServerFile, shard: Path) -> None:
        self.server = server
        self._shard = shard
        self._client = httpx.Client(
            base_url=server.url,
            headers={"Authorization": f"Bearer {server.token}"},
            timeout=_SEARCH_SECONDS,
        )
        try:
            meta = self._call("GET", API)
        except BaseException:
            self._client.close()
            raise
        self._dense_model: str | None = meta.get("dense_model")

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        try:
            response = self._client.request(
                method, path, json=body, timeout=timeout or _SEARCH_SECONDS
            )
        except (httpx.HTTPError, RuntimeError) as e:  # RuntimeError: a closed client
            raise IndexUnavailableError(
                f"the server holding the text index (pid {self.server.pid}, "
                f"{self.server.url}) did not answer: {e}"
            ) from e
        try:
            data: dict[str, Any] = response.json()
        except ValueError:
            data = {}
        if response.status_code == 200:
            return data
        error = data.get("error") or {}
        message = str(error.get("message") or response.text[:200])
        if error.get("code") == "dense_unavailable":
            raise DenseUnavailableError()
        if response.status_code == 400:
            raise ValueError(message)
        raise IndexUnavailableError(
            f"the server holding the text index answered {response.status_code}: {message}"
        )

    # -- writes ------------------------------------------------------------------------
    def upsert(self, texts: Sequence[IndexedText]) -> None:
        todo = latest(texts)
        for start in range(0, len(todo), SEND_BATCH):
            batch = [text_json(t) for t in todo[start : start + SEND_BATCH]]
            self._call("POST", f"{API}/upsert", {"texts": batch}, _WRITE_SECONDS)

    def delete(self, refs: Sequence[NodeRef]) -> None:
        ids = sorted({str(r) for r in refs})
        for start in range(0, len(ids), SEND_BATCH):
            self._call("POST", f"{API}/delete", {"refs": ids[start : start + SEND_BATCH]})

    # -- search ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        k: int = 10,
        brand_id: str | list[str] | None = None,
        kinds: Sequence[str] | None = None,
        mode: SearchMode = "hybrid",
    ) -> list[Hit]:
        body = {
            "query": query,
            "k": k,
            "brand_id": brand_id,
            "kinds": None if kinds is None else list(kinds),
            "mode": mode,
        }
        data = self._call("POST", f"{API}/search", body)
        return [hit_from_json(raw) for raw in data["hits"]]

    # -- admin -------------------------------------------------------------------------
    @property
    def dense_model(self) -> str | None:
        return self._dense_model

    @property
    def version(self) -> int | None:
        return read_version(self._shard)

    def info(self) -> IndexInfo:
        data = self._call("GET", f"{API}/info")
        return IndexInfo(
            mode="hybrid" if data.get("mode") == "hybrid" else "sparse-only",
            dense_model=data.get("dense_model"),
            points=int(data["points"]),
            location=f"{data['location']} (through the server, pid {self.server.pid})",
        )

    def recreate(self) -> None:
        self._call("POST", f"{API}/recreate", {}, _WRITE_SECONDS)

    def close(self) -> None:
        self._client.close()
