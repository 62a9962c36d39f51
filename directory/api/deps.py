"""Shared FastAPI dependencies of the directory API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from directory.core.db import get_session

SessionDep = Annotated[Session, Depends(get_session)]


def only_params(*allowed: str) -> Callable[[Request], None]:
    """A dependency that answers 422 naming any query parameter the endpoint does not know.

    Parents' and councils' integrations misspell parameters; silently ignoring them would
    return unfiltered results that look right.
    """

    allowed_set = frozenset(allowed)

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - allowed_set)
        if unknown:
            raise HTTPException(
                status_code=422,
                detail=f"Unknown query parameter(s): {', '.join(unknown)}. "
                f"Allowed: {', '.join(sorted(allowed_set))}.",
            )

    return check
