"""Start and stop a real Neo4j Community server for the test suite.

The server runs in its own JVM through ``tests/neo4j`` (a tiny Maven project around
``org.neo4j.test:neo4j-harness``). Typical use from a session-scoped pytest fixture::

    root = Path(__file__).resolve().parents[1]
    server = Neo4jServer(root)
    server.start()
    try:
        yield server.bolt_uri
    finally:
        server.stop()

The JVM exits on its own when its stdin reaches EOF, so it does not outlive the Python
process even if that one is killed with SIGKILL.

Output of the JVM goes to ``tests/neo4j/target/neo4j-server.log`` and Neo4j's own log files
(debug.log, ...) to ``tests/neo4j/target/neo4j-logs/``; the database itself lives in a temporary
directory that the launcher deletes on exit, unless ``data_dir`` keeps it. The launcher is
built on demand by
:func:`build_launcher` (or ahead of time by ``scripts/build-neo4j-launcher``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Final

__all__ = [
    "BUILD_STAMP",
    "JVM_FLAGS",
    "LAUNCHER_MAIN_CLASS",
    "Neo4jLauncherError",
    "Neo4jServer",
    "build_launcher",
    "java_available",
    "launcher_dir",
]

LAUNCHER_MAIN_CLASS: Final = "dev.marketgraph.Neo4jLauncher"
BUILD_STAMP: Final = "launcher.stamp"
_READY_RE: Final = re.compile(r"^NEO4J_READY bolt=(bolt://\S+) http=(http://\S+)\s*$")
_TAIL_LINES: Final = 40

# Heap plus the module opens / system properties that the stock Neo4j 5.26 neo4j.conf passes via
# server.jvm.additional and that matter for an embedded server on JDK 17.
JVM_FLAGS: Final[tuple[str, ...]] = (
    "-Xms256m",
    "-Xmx1g",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
)


class Neo4jLauncherError(RuntimeError):
    """The launcher could not be built, or the server did not start."""


def launcher_dir(root: Path) -> Path:
    """The Maven project of the launcher, given the repository root."""
    return root / "tests" / "neo4j"


def java_available() -> bool:
    """Whether a ``java`` executable is on PATH (or under ``$JAVA_HOME/bin``) and runs."""
    java = _java_executable()
    if java is None:
        return False
    try:
        result = subprocess.run(
            [java, "-version"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def _java_executable() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("java")


def _build_outputs_present(project: Path) -> bool:
    target = project / "target"
    classpath = target / "classpath.txt"
    main_class = target / "classes" / (LAUNCHER_MAIN_CLASS.replace(".", "/") + ".class")
    if not (classpath.is_file() and main_class.is_file()):
        return False
    # A wiped ~/.m2 invalidates the classpath even if nothing here changed.
    entries = [e for e in classpath.read_text(encoding="utf-8").strip().split(os.pathsep) if e]
    return bool(entries) and all(Path(e).exists() for e in entries)


def _build_is_current(project: Path) -> bool:
    # Maven leaves unchanged outputs untouched, so freshness is tracked with a stamp file that
    # is written after every successful build (here and in scripts/build-neo4j-launcher).
    stamp = project / "target" / BUILD_STAMP
    if not stamp.is_file() or not _build_outputs_present(project):
        return False
    sources = [project / "pom.xml", *sorted((project / "src").rglob("*"))]
    return max(p.stat().st_mtime for p in sources) <= stamp.stat().st_mtime


def build_launcher(root: Path, *, force: bool = False, timeout: float = 1200) -> Path:
    """Build the launcher with Maven unless it is already up to date.

    Returns the launcher's Maven project directory (``tests/neo4j``), whose ``target/classes``
    and ``target/classpath.txt`` are then in place. Raises :class:`Neo4jLauncherError` with the
    tail of Maven's output when the build fails.
    """
    project = launcher_dir(root)
    pom = project / "pom.xml"
    if not pom.is_file():
        raise Neo4jLauncherError(f"launcher pom not found: {pom}")
    if not force and _build_is_current(project):
        return project
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jLauncherError("Maven ('mvn') is not on PATH; cannot build the Neo4j launcher")
    cmd = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(pom), "package"]
    try:
        result = subprocess.run(
            cmd,
            cwd=project,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.output if isinstance(exc.output, str) else ""
        raise Neo4jLauncherError(
            f"Maven build timed out after {timeout:.0f}s: {' '.join(cmd)}\n{_tail(out)}"
        ) from exc
    if result.returncode != 0 or not _build_outputs_present(project):
        raise Neo4jLauncherError(
            f"Maven build failed (exit {result.returncode}): {' '.join(cmd)}\n"
            f"{_tail(result.stdout)}"
        )
    (project / "target" / BUILD_STAMP).touch()
    return project


def _tail(text: str, lines: int = _TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


class Neo4jServer:
    """A Neo4j Community server in a child JVM, on free loopback ports, with auth disabled."""

    def __init__(
        self,
        root: Path,
        *,
        log_path: Path | None = None,
        logs_dir: Path | None = None,
        jvm_flags: tuple[str, ...] = JVM_FLAGS,
        build: bool = True,
        data_dir: Path | None = None,
        bolt_port: int = 0,
        http_port: int = 0,
    ) -> None:
        self.root = root
        self.project = launcher_dir(root)
        target = self.project / "target"
        # One server per pytest-xdist worker must not share (or wipe) another's log files.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        suffix = f"-{worker}" if worker else ""
        self.log_path = log_path or (target / f"neo4j-server{suffix}.log")
        self.logs_dir = logs_dir or (target / f"neo4j-logs{suffix}")
        self.jvm_flags = jvm_flags
        self.build = build
        # With a data dir the databases outlive the server; without, they are deleted.
        self.data_dir = data_dir
        self.bolt_port = bolt_port
        self.http_port = http_port
        self._proc: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None
        self._pump: threading.Thread | None = None
        self._bolt_uri: str | None = None
        self._http_uri: str | None = None

    @property
    def bolt_uri(self) -> str:
        if self._bolt_uri is None:
            raise Neo4jLauncherError("Neo4j server is not running")
        return self._bolt_uri

    @property
    def http_uri(self) -> str:
        if self._http_uri is None:
            raise Neo4jLauncherError("Neo4j server is not running")
        return self._http_uri

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def command(self) -> list[str]:
        java = _java_executable()
        if java is None:
            raise Neo4jLauncherError("no 'java' executable found (PATH / JAVA_HOME)")
        target = self.project / "target"
        classpath = (target / "classpath.txt").read_text(encoding="utf-8").strip()
        cp = os.pathsep.join([str(target / "classes"), classpath])
        return [
            java,
            *self.jvm_flags,
            "-cp",
            cp,
            LAUNCHER_MAIN_CLASS,
            "--logs-dir",
            str(self.logs_dir),
            *(["--data-dir", str(self.data_dir.resolve())] if self.data_dir else []),
            *(["--bolt-port", str(self.bolt_port)] if self.bolt_port else []),
            *(["--http-port", str(self.http_port)] if self.http_port else []),
        ]

    def start(self, timeout: float = 180) -> None:
        """Start the server and wait until it accepts Bolt connections."""
        if self._proc is not None:
            raise Neo4jLauncherError("Neo4j server already started")
        if self.build:
            build_launcher(self.root)
        cmd = self.command()
        shutil.rmtree(self.logs_dir, ignore_errors=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w", encoding="utf-8", errors="replace", buffering=1)
        shown = [
            f"<{arg.count(os.pathsep) + 1} classpath entries>"
            if arg.startswith(str(self.project)) and os.pathsep in arg
            else arg
            for arg in cmd
        ]
        log.write(f"$ {' '.join(shown)}\n(Neo4j's own logs: {self.logs_dir})\n")
        log.flush()
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=self.project,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                errors="replace",
                bufsize=1,
            )
        except OSError as exc:
            log.close()
            raise Neo4jLauncherError(f"could not start java: {exc}") from exc
        self._proc, self._log = proc, log
        try:
            self._wait_ready(proc, log, timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, proc: subprocess.Popen[str], log: IO[str], timeout: float) -> None:
        assert proc.stdout is not None
        ready = threading.Event()
        found: list[tuple[str, str]] = []

        def pump(stream: IO[str]) -> None:
            # Reads stdout for the whole life of the JVM so its pipe never fills up.
            for line in stream:
                log.write(line)
                if not ready.is_set():
                    match = _READY_RE.match(line)
                    if match:
                        found.append((match.group(1), match.group(2)))
                        ready.set()
            ready.set()  # EOF: the JVM died (or closed stdout) before or after being ready.

        self._pump = threading.Thread(
            target=pump, args=(proc.stdout,), name="neo4j-stdout", daemon=True
        )
        self._pump.start()
        started = time.monotonic()
        ready.wait(timeout)
        if found:
            self._bolt_uri, self._http_uri = found[0]
            return
        elapsed = time.monotonic() - started
        if ready.is_set():  # stdout hit EOF: the JVM is exiting; collect its exit code.
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
        status = proc.poll()
        why = (
            f"exited with code {status}"
            if status is not None
            else f"did not report ready within {elapsed:.0f}s"
        )
        log.flush()
        raise Neo4jLauncherError(
            f"Neo4j server {why}. Log: {self.log_path}\n"
            f"--- last lines of its output ---\n{_tail(self._read_log())}"
        )

    def _read_log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 60) -> None:
        """Stop the server: close its stdin (graceful), then SIGTERM, then SIGKILL."""
        proc, self._proc = self._proc, None
        self._bolt_uri = self._http_uri = None
        if proc is not None:
            if proc.stdin is not None:
                with contextlib.suppress(OSError):  # BrokenPipe if the JVM already died
                    proc.stdin.close()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(max(timeout / 2, 5))
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if self._pump is not None:
            self._pump.join(5)
            self._pump = None
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Neo4jServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
