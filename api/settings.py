"""Service settings, read from the environment (prefix ``MARKETGRAPH_``) or ``.env``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.limits import Limits

Role = Literal["viewer", "analyst", "planner", "approver", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "planner", "approver", "admin")
_PLACEHOLDERS = {"changeme", "changethis", "secret", "password", "apikey", "key"}
_NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


class Settings(BaseSettings):
    """Everything the service reads from its environment (API.md, "Configuration")."""

    model_config = SettingsConfigDict(
        env_prefix="MARKETGRAPH_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        env_nested_delimiter="__",
    )

    data_dir: Path = Field(default=Path("./.marketgraph"), description="embedded stores live here")
    neo4j_uri: str | None = Field(
        default=None, description="use Neo4j instead of the embedded graph"
    )
    neo4j_user: str | None = None
    neo4j_password: SecretStr | None = None
    neo4j_database: str | None = None
    qdrant_url: str | None = None
    qdrant_api_key: SecretStr | None = None
    api_keys: SecretStr | None = Field(
        default=None,
        description="key:role pairs, comma-separated; key:role@brand;brand limits a key",
    )
    llm_model: str | None = Field(
        default=None, description="chat model for the agents (OpenAI-compatible); unset: none"
    )
    policy_file: Path | None = Field(
        default=None, description="approval policy (TOML); unset: policy.toml in the data dir"
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="worker processes of `marketgraph serve` (one holds the embedded index)",
    )
    run_worker: bool = Field(
        default=True, description="whether the server runs plan tasks and events itself"
    )
    worker_seconds: float = Field(
        default=2.0, gt=0, description="how often the server's worker looks for due work"
    )
    lease_seconds: float = Field(
        default=120.0, gt=0, description="how long a worker holds a task before others retry it"
    )
    embeddings: str | None = None
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "openai_api_key")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "openai_base_url")
    )
    webhooks_file: Path | None = Field(
        default=None, description="webhook URLs and secrets per channel (TOML or JSON)"
    )
    sandbox: bool = Field(
        default=False,
        description="run the demo brands' channels on the sandbox market (`marketgraph demo` "
        "and `serve --demo-if-empty` turn it on for their process)",
    )
    sandbox_seed: int = Field(default=7, description="the demo seed whose market is simulated")

    research_web_url: str | None = Field(
        default=None, description="web-search endpoint for research, with {query} (and {k})"
    )
    research_web_api_key: SecretStr | None = None
    research_analytics_url: str | None = Field(
        default=None, description="analytics endpoint for research, with {query} (and {k})"
    )
    research_analytics_api_key: SecretStr | None = None
    research_timeout: float = Field(default=10.0, gt=0, le=120)
    lineage_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="time budget of one lineage walk; past it the answer is truncated (time)",
    )

    log_format: Literal["json", "text"] = Field(
        default="json", description="`marketgraph serve` logs: one JSON object a line, or text"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="the lowest level `marketgraph serve` logs"
    )
    metrics_cache_seconds: float = Field(
        default=5.0, ge=0, le=300, description="how long /metrics reuses the graph's gauges"
    )
    limits: Limits = Field(
        default_factory=Limits,
        description="limits on request bodies and ingest input (MARKETGRAPH_LIMITS__NAME)",
    )
    otel: bool = Field(
        default=False, description="trace requests and webhook calls with OpenTelemetry"
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT", "otel_exporter_otlp_endpoint"),
        description="OTLP/HTTP collector for traces; set, it turns tracing on",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("research_web_url", "research_analytics_url")
    @classmethod
    def _check_research_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http:// or https:// URL, got {value!r}")
        if "{query}" not in value:
            raise ValueError("must contain {query} where the search words go")
        return value

    @field_validator("neo4j_uri")
    @classmethod
    def _check_neo4j_uri(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(_NEO4J_SCHEMES):
            raise ValueError(f"must start with one of {', '.join(_NEO4J_SCHEMES)}, got {value!r}")
        return value

    @field_validator("api_keys")
    @classmethod
    def _check_api_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        parse_api_keys(value.get_secret_value())
        return value

    @property
    def graph_path(self) -> Path:
        return self.data_dir / "graph.sqlite"

    @property
    def qdrant_path(self) -> Path:
        """Where qdrant-client's local mode kept the index before Qdrant Edge (migrated)."""
        return self.data_dir / "qdrant"

    @property
    def index_path(self) -> Path:
        """The embedded text index: a Qdrant Edge shard."""
        return self.data_dir / "qdrant-edge"

    @property
    def keys_path(self) -> Path:
        return self.data_dir / "api-keys.json"

    @property
    def rejects_dir(self) -> Path:
        return self.data_dir / "rejects"

    @property
    def webhooks_path(self) -> Path | None:
        """The webhook file: the one named, else ``webhooks.toml`` in the data dir if present."""
        if self.webhooks_file is not None:
            return self.webhooks_file
        default = self.data_dir / "webhooks.toml"
        return default if default.exists() else None

    @property
    def policy_path(self) -> Path:
        return self.policy_file or self.data_dir / "policy.toml"

    def configured_keys(self) -> dict[str, ConfiguredKey]:
        return parse_api_keys(self.api_keys.get_secret_value()) if self.api_keys else {}


@dataclass(frozen=True)
class ConfiguredKey:
    """A key from ``MARKETGRAPH_API_KEYS``: its role and, if limited, its brands."""

    role: Role
    brands: tuple[str, ...] | None = None


MIN_KEY_CHARS = 16


def parse_api_keys(text: str) -> dict[str, ConfiguredKey]:
    """Parse ``key:role,key:role@brand-a;brand-b``; raises ValueError naming the variable
    and the bad entry (by position: the key itself is never repeated).

    ``@`` after the role limits the key to the ``;``-separated brand ids. A key has at
    least :data:`MIN_KEY_CHARS` characters.
    """
    keys: dict[str, ConfiguredKey] = {}
    for position, entry in enumerate(text.split(","), start=1):
        entry = entry.strip()
        if not entry:
            continue
        key, sep, spec = entry.rpartition(":")
        if not sep or not key:
            raise ValueError(
                f"MARKETGRAPH_API_KEYS entry {position} must look like KEY:ROLE "
                "or KEY:ROLE@BRAND;BRAND"
            )
        role, at, brand_text = spec.partition("@")
        if role not in ROLES:
            raise ValueError(
                f"MARKETGRAPH_API_KEYS entry {position} has role {role!r}; "
                f"roles are {', '.join(ROLES)}"
            )
        brands: tuple[str, ...] | None = None
        if at:
            brands = tuple(sorted({b.strip() for b in brand_text.split(";") if b.strip()}))
            if not brands:
                raise ValueError(
                    f"MARKETGRAPH_API_KEYS entry {position} has '@' but no brand id after it"
                )
        if key.lower() in _PLACEHOLDERS:
            raise ValueError(
                f"MARKETGRAPH_API_KEYS entry {position} uses a placeholder key; choose a real one"
            )
        if len(key) < MIN_KEY_CHARS:
            raise ValueError(
                f"MARKETGRAPH_API_KEYS entry {position} has a key of {len(key)} characters; "
                f"keys need at least {MIN_KEY_CHARS}"
            )
        keys[key] = ConfiguredKey(role=role, brands=brands)
    return keys


@lru_cache
def get_settings() -> Settings:
    """The settings, read once; tests override with ``get_settings.cache_clear()`` or deps."""
    return Settings()
