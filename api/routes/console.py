"""The web console: its page and static files (no key needed; they hold no data)."""

from __future__ import annotations

import mimetypes
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from api.console import STATIC_DIR
from api.errors import ApiError

router = APIRouter(include_in_schema=False)

# The page talks to its own origin only; styles may be set inline by the chart libraries.
_CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
_HEADERS: Final = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".md": "text/markdown; charset=utf-8",
    ".map": "application/json",
    ".grass": "text/plain; charset=utf-8",
}


@router.get("/")
async def root() -> RedirectResponse:
    """The service's root opens the console."""
    return RedirectResponse("console/", status_code=307)


@router.get("/console")
async def console_no_slash() -> RedirectResponse:
    return RedirectResponse("console/", status_code=307)


@router.get("/console/")
async def console_page() -> FileResponse:
    """The console's single page."""
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type=_TYPES[".html"],
        headers={**_HEADERS, "Content-Security-Policy": _CSP},
    )


@router.get("/console/static/{path:path}")
async def console_static(path: str) -> FileResponse:
    """A file of the console (scripts, styles, vendored libraries)."""
    root = STATIC_DIR
    file = (root / path).resolve()
    if not file.is_relative_to(root) or not file.is_file() or file.name.startswith("."):
        raise ApiError(404, "not_found", f"no console file {path!r}")
    media_type = _TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
    return FileResponse(file, media_type=media_type or "application/octet-stream", headers=_HEADERS)
