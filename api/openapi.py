"""The OpenAPI document, with the role each operation needs (``x-required-role``).

The role is read from the route's own ``require(capability)`` dependency, so the
document cannot drift from what the server enforces; the role-matrix test walks it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from api.auth import MINIMUM_ROLE

ROLE_KEY = "x-required-role"
BRAND_SCOPED_KEY = "x-brand-scoped"


def required_capability(dependant: Dependant) -> str | None:
    """The capability a route's dependencies demand (the first ``require`` found)."""
    for dep in dependant.dependencies:
        capability = getattr(dep.call, "capability", None)
        if isinstance(capability, str):
            return capability
        found = required_capability(dep)
        if found is not None:
            return found
    return None


def _uses(dependant: Dependant, name: str) -> bool:
    """Whether a dependency called ``name`` is among the route's (at any depth)."""
    for dep in dependant.dependencies:
        if getattr(dep.call, "__name__", "") == name or _uses(dep, name):
            return True
    return False


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside included routers (which FastAPI may keep nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(inner.routes)


def install_openapi(app: FastAPI) -> None:
    """Generate the document once, adding each operation's role and brand scoping."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        for route in _api_routes(app.routes):
            if not route.include_in_schema:
                continue
            capability = required_capability(route.dependant)
            if capability is None and _uses(route.dependant, "get_principal"):
                capability = "read"  # any valid key: every role may read
            item = schema["paths"].get(route.path_format, {})
            for method in route.methods or ():
                operation = item.get(method.lower())
                if operation is None:
                    continue
                if capability is not None:
                    role = MINIMUM_ROLE[capability]
                    operation[ROLE_KEY] = role
                    note = f"Role: `{role}` or above."
                    if _uses(route.dependant, "get_scope"):
                        operation[BRAND_SCOPED_KEY] = True
                        note += " A key limited to brands sees only theirs."
                    operation["description"] = (
                        f"{operation.get('description', '')}\n\n{note}".strip()
                    )
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
