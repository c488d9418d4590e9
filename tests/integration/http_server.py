"""A real uvicorn server on a free loopback port, serving the app over given stores."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from langchain_core.language_models import BaseChatModel

from agents.orchestrator import TaskAgent
from api.app import create_app
from api.services import assemble, open_index
from api.settings import Settings
from graph.base import GraphStore


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(
    graph: GraphStore,
    data_dir: Path,
    keys: dict[str, str],
    *,
    llm: BaseChatModel | None = None,
    agents: Mapping[str, TaskAgent] | None = None,
    **settings_values: Any,
) -> Iterator[httpx.Client]:
    """The app over ``graph`` (and a local text index in ``data_dir``), with ``keys``."""
    api_keys = ",".join(f"{k}:{r}" for k, r in keys.items())
    settings = Settings(data_dir=data_dir, api_keys=api_keys, **settings_values)  # type: ignore[arg-type]
    index = open_index(settings)
    try:  # a bad setting stops the start: the index opened for it is closed, not leaked
        app = create_app(settings, assemble(settings, graph, index, llm=llm, agents=agents))
    except BaseException:
        index.close()
        raise
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=60)  # the lifespan waits for a background tick in progress
        index.close()
