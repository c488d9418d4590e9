"""docker-compose.yml, the Dockerfile and the Makefile keep the promises of the README.

No Docker engine runs here, so the files are parsed and checked: pinned images (Neo4j as
the test suite's server, Qdrant at the qdrant-client minor version pyproject.toml allows),
health checks and restart policies, ports on 127.0.0.1 unless asked, secrets only from
``.env`` (with every one named in ``.env.example``), a non-root API image, no demo data
unless asked; and ``make run`` installs the runtime only, ``make test`` the dev extras.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ("neo4j", "qdrant", "api")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
_VAR = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
_PINNED_TAG = re.compile(r"^[\w./-]+:v?\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$")
_DIGEST = re.compile(r"^[\w./-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}$")
_SECRETS = ("NEO4J_AUTH", "PASSWORD", "API_KEY", "SECRET", "TOKEN")


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    """What docker compose makes of ``text`` with the variables ``env`` (a missing
    required one raises, as compose refuses to start)."""

    def one(m: re.Match[str]) -> str:
        name, op, arg = m["name"], m["op"], m["arg"] or ""
        value = env.get(name)
        if op in (":-", "-"):
            return value if value or (op == "-" and value is not None) else arg
        if op in (":?", "?") and not value:
            raise KeyError(f"{name}: {arg}")
        return value or ""

    return _VAR.sub(one, text)


def image_version(image: str) -> str:
    return image.split("@")[0].rsplit(":", 1)[1].removeprefix("v")


def test_every_image_is_pinned_to_an_exact_version() -> None:
    services = compose()["services"]
    for name, service in services.items():
        image = service.get("image")
        assert image, f"{name} has no image name"
        assert _PINNED_TAG.match(image) or _DIGEST.match(image) or image.endswith(":local"), (
            f"{name}: {image} is not pinned to an exact tag or digest"
        )
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM\s+(\S+)", dockerfile, re.MULTILINE)
    assert bases and all(_PINNED_TAG.match(b) or _DIGEST.match(b) for b in bases), bases


def test_neo4j_is_the_version_the_test_suite_runs() -> None:
    pom = (ROOT / "tests" / "neo4j" / "pom.xml").read_text()
    tested = re.search(r"<neo4j.version>([\d.]+)</neo4j.version>", pom)
    assert tested is not None
    image = compose()["services"]["neo4j"]["image"]
    assert image_version(image).split("-")[0] == tested.group(1)
    assert "community" in image


def test_qdrant_matches_the_client_version() -> None:
    image = compose()["services"]["qdrant"]["image"]
    server = tuple(int(p) for p in image_version(image).split(".")[:2])
    installed = tuple(int(p) for p in importlib.metadata.version("qdrant-client").split(".")[:2])
    assert server == installed, f"Qdrant {image} beside qdrant-client {installed}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    [spec] = [d for d in project["dependencies"] if d.startswith("qdrant-client")]
    low, high = f">={server[0]}.{server[1]}", f"<{server[0]}.{server[1] + 1}"
    assert low in spec and high in spec, f"pyproject lets qdrant-client drift: {spec}"


def test_servers_have_health_checks_and_restart_policies() -> None:
    services = compose()["services"]
    for name in SERVERS:
        service = services[name]
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), f"{name}: no health check"
        assert service.get("restart") in {"unless-stopped", "always", "on-failure"}, name
    api_test = " ".join(services["api"]["healthcheck"]["test"])
    assert "/readyz" in api_test
    assert "/readyz" in " ".join(services["qdrant"]["healthcheck"]["test"])
    for needed in ("neo4j", "qdrant"):
        assert services["api"]["depends_on"][needed]["condition"] == "service_healthy"


def test_ports_listen_on_loopback_unless_asked() -> None:
    env = env_example()
    assert env["MARKETGRAPH_BIND"] == "127.0.0.1"
    seen = 0
    for name, service in compose()["services"].items():
        for port in service.get("ports", []):
            published = interpolate(str(port), {})  # nothing set: the defaults
            assert published.startswith("127.0.0.1:"), f"{name} publishes {published}"
            asked = interpolate(str(port), {"MARKETGRAPH_BIND": "0.0.0.0"})
            assert asked.startswith("0.0.0.0:"), f"{name}: MARKETGRAPH_BIND is not used"
            seen += 1
    assert seen >= 4


def test_secrets_come_from_the_env_file() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    required = {m["name"] for m in _VAR.finditer(text) if m["op"] in (":?", "?")}
    assert {"NEO4J_PASSWORD", "QDRANT_API_KEY"} <= required
    example = env_example()
    every = {m["name"] for m in _VAR.finditer(text)}
    assert every <= set(example), f".env.example lacks {sorted(every - set(example))}"
    for name, service in compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if any(s in key for s in _SECRETS):
                assert _VAR.search(str(value)), f"{name}.{key} is written in the compose file"
    # compose refuses to start without them
    with pytest.raises(KeyError, match="NEO4J_PASSWORD"):
        interpolate(compose()["services"]["neo4j"]["environment"]["NEO4J_AUTH"], {})
    assert compose()["services"]["qdrant"]["environment"]["QDRANT__SERVICE__API_KEY"]
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
    docker_ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in docker_ignored and ".venv" in docker_ignored and ".git" in docker_ignored


def test_the_api_image_runs_as_an_unprivileged_user() -> None:
    lines = [ln.strip() for ln in (ROOT / "Dockerfile").read_text().splitlines()]
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users, "the image runs as root"
    final = users[-1].split(":")[0]
    assert final not in {"root", "0"}
    last_run = max(i for i, ln in enumerate(lines) if ln.startswith("RUN "))
    last_user = max(i for i, ln in enumerate(lines) if ln.startswith("USER "))
    assert last_user > last_run, "a RUN after USER would run as root again"
    assert any("useradd" in ln and final in ln for ln in lines)
    assert any("/readyz" in ln for ln in lines if ln.startswith(("HEALTHCHECK", "CMD")))


def test_the_demo_is_loaded_only_when_asked() -> None:
    services = compose()["services"]
    for name in SERVERS:
        command = services[name].get("command") or []
        assert "--demo-if-empty" not in " ".join(command), name
    cmd = re.findall(r"^CMD\s+(.*)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert cmd and "demo" not in cmd[-1]
    demo = services["demo"]
    assert demo.get("profiles") == ["demo"]
    assert demo.get("restart") == "no"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_installs_the_runtime_and_make_test_the_dev_extras(tmp_path: Path) -> None:
    def planned(target: str) -> str:
        venv = tmp_path / f"venv-{target}"  # absent: make plans the whole install
        done = subprocess.run(
            ["make", "-n", "-C", str(ROOT), target, f"VENV={venv}"],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    run = planned("run")
    installs = [ln for ln in run.splitlines() if "pip install" in ln and "--upgrade pip" not in ln]
    assert installs and all("[dev]" not in ln for ln in installs), run
    assert any(re.search(r"-e \.(\s|$)", ln) for ln in installs)
    assert "marketgraph serve" in run
    test = planned("test")
    assert "-e '.[dev]'" in test and "pytest" in test
