"""Dependencies handed to routes: the graph, the settings, the authenticated caller.

They are ``async`` because they are quick and never block: FastAPI runs a plain ``def``
dependency in the thread pool, one hand-over per dependency and request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.auth import MINIMUM_ROLE, Capability, Principal
from api.errors import ApiError
from api.services import Services
from api.settings import Settings
from graph.base import GraphStore

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer KEY")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: KEY")


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_graph(services: ServicesDep) -> GraphStore:
    return services.graph


async def get_app_settings(services: ServicesDep) -> Settings:
    return services.settings


GraphDep = Annotated[GraphStore, Depends(get_graph)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_principal(
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header_key: Annotated[str | None, Depends(_header)],
) -> Principal:
    """The caller behind the presented key; 401 without a valid one (a hash and a stat of
    the key file: quick enough for the event loop)."""
    key = bearer.credentials if bearer is not None else header_key
    if not key:
        raise ApiError(401, "unauthorized", "missing API key: send Authorization: Bearer KEY")
    principal = services.keys.authenticate(key)
    if principal is None:
        raise ApiError(401, "unauthorized", "invalid API key")
    return principal


CurrentUser = Annotated[Principal, Depends(get_principal)]


def require(capability: Capability) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets the call through only if the key's role grants ``capability``."""

    async def check(principal: CurrentUser) -> Principal:
        if not principal.may(capability):
            needed = MINIMUM_ROLE[capability]
            raise ApiError(
                403,
                "forbidden",
                f"role {principal.role!r} may not do this; it needs the {needed!r} role",
            )
        return principal

    check.capability = capability  # type: ignore[attr-defined]  # read by api.openapi
    return check


Viewer = Annotated[Principal, Depends(require("read"))]
Analyst = Annotated[Principal, Depends(require("ingest"))]
Researcher = Annotated[Principal, Depends(require("research"))]
Planner = Annotated[Principal, Depends(require("plan"))]
Approver = Annotated[Principal, Depends(require("approve"))]
