"""``marketgraph keys …``: create, list and revoke API keys (stored hashed)."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import typer

from api.auth import ApiKeyError, KeyRing, create_key, revoke_key
from api.cli._common import fail, one_line_errors, out
from api.settings import ROLES, get_settings

keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


@keys_app.command("create")
@one_line_errors
def keys_create(
    role: Annotated[str, typer.Option(help=f"one of {', '.join(ROLES)}")],
    name: Annotated[str, typer.Option(help="who or what the key is for")],
    brand: Annotated[
        list[str] | None,
        typer.Option(help="limit the key to this brand (repeat for several; default: all)"),
    ] = None,
) -> None:
    """Create an API key (stored hashed; printed once)."""
    if role not in ROLES:
        raise fail(f"unknown role {role!r}; roles are {', '.join(ROLES)}", 2)
    settings = get_settings()
    try:
        key = create_key(settings.keys_path, role, name, brand or None)
    except ApiKeyError as e:
        raise fail(str(e), 2) from None
    out.print(key, highlight=False)


@keys_app.command("list")
@one_line_errors
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List the keys: id, name, role, brands, created and revoked (never the keys)."""
    settings = get_settings()
    infos = KeyRing(settings.configured_keys(), settings.keys_path).list()
    if as_json:
        out.print_json(json.dumps([dataclasses.asdict(i) for i in infos]))
        return
    for i in infos:
        brands = ", ".join(i.brands) if i.brands is not None else "all brands"
        state = f"revoked {i.revoked_at}" if i.revoked_at else "live"
        made = f"created {i.created_at}" if i.created_at else f"from {i.source}"
        out.print(f"{i.id}  {i.role:<8}  {i.name}  ({brands}; {made}; {state})", highlight=False)


@keys_app.command("revoke")
@one_line_errors
def keys_revoke(
    key: Annotated[str, typer.Argument(help="the key's id (key_…) or its name")],
) -> None:
    """Revoke a key at once (it stays listed, with when it was revoked)."""
    settings = get_settings()
    try:
        ids = revoke_key(settings.keys_path, key)
    except ApiKeyError as e:
        raise fail(str(e)) from None
    out.print(f"revoked {', '.join(ids)}", highlight=False)
