"""A real ``marketgraph serve`` in a subprocess, and the load generator run against it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

import httpx

BIN: Final = Path(sys.executable).parent / "marketgraph"
KEY: Final = "bench-serving-admin-key"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``marketgraph serve`` on a data dir, on a free loopback port, with an admin key."""

    def __init__(self, data_dir: Path, *, workers: int = 1, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETGRAPH_")}
        self.env.update(
            MARKETGRAPH_DATA_DIR=str(data_dir),
            MARKETGRAPH_API_KEYS=f"{KEY}:admin",
            MARKETGRAPH_LOG_FORMAT="text",
            MARKETGRAPH_LOG_LEVEL="WARNING",
            **(env or {}),
        )
        self.log = data_dir / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.headers = {"Authorization": f"Bearer {KEY}"}

    def start(self, timeout: float = 600) -> float:
        """Start and wait until ``/readyz`` answers; returns the seconds it took."""
        started = time.perf_counter()
        args = [str(BIN), "serve", "--port", str(self.port), "--workers", str(self.workers)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                args, env=self.env, cwd=self.data_dir, stdout=out, stderr=subprocess.STDOUT
            )
        with httpx.Client(base_url=self.url, timeout=10) as http:
            while True:
                try:
                    if http.get("/readyz").status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                if self.process.poll() is not None or time.perf_counter() - started > timeout:
                    raise RuntimeError(f"the server did not start:\n{self.log.read_text()[-3000:]}")
                time.sleep(0.25)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def pids(self) -> list[int]:
        """The server process and its workers."""
        if self.process is None:
            return []
        found = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def rss_mb(self) -> float:
        """Resident memory of the server and its workers, in MB."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server and its workers used so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def ingest_assets(self, body: bytes) -> tuple[float, dict[str, Any]]:
        """POST the JSON Lines to /v1/ingest/assets; returns (seconds, answer)."""
        started = time.perf_counter()
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=3600) as http:
            answer = http.post(
                "/v1/ingest/assets",
                content=body,
                headers={"Content-Type": "application/x-ndjson"},
            )
        seconds = time.perf_counter() - started
        if answer.status_code != 200:
            raise RuntimeError(f"ingest answered {answer.status_code}: {answer.text[:500]}")
        return seconds, dict(answer.json())

    def load(
        self,
        requests: list[dict[str, Any]],
        *,
        clients: int,
        seconds: float | None = None,
        count: int | None = None,
    ) -> dict[str, Any]:
        """Run ``python -m bench.load`` (a process of its own) against this server."""
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(requests, handle)
        args = [
            sys.executable,
            "-m",
            "bench.load",
            "--url",
            self.url,
            "--requests",
            handle.name,
            "--header",
            f"Authorization: Bearer {KEY}",
            "--clients",
            str(clients),
        ]
        args += ["--seconds", str(seconds)] if seconds is not None else ["--count", str(count)]
        try:
            done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=3600)
        finally:
            os.unlink(handle.name)
        result: dict[str, Any] = json.loads(done.stdout)
        bad = {k: v for k, v in result["statuses"].items() if k != "200"}
        if bad:
            raise RuntimeError(f"the server answered {bad} under load")
        return result
