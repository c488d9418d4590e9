"""Who the presented key belongs to (the console shows it and hides what the role may not do)."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import GRANTS
from api.schemas.campaigns import MePublic
from api.scope import ScopeDep

router = APIRouter(prefix="/v1", tags=["keys"])


@router.get("/me", response_model=MePublic)
async def who_am_i(scope: ScopeDep) -> MePublic:
    """The key's name, role, brands (null: every brand), public id and capabilities."""
    user = scope.principal  # any valid key may ask (the scope needs one)
    return MePublic(
        name=user.name,
        role=user.role,
        brands=sorted(scope.brands) if scope.brands is not None else None,
        key_id=user.key_id,
        capabilities=sorted(GRANTS[user.role]),
    )
