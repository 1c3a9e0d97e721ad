"""Who is signed in, which roles they hold, and the page-level checks built on that."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import select

from app.models import RoleAssignment, User
from app.request_scope import session
from app.web.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


class SignedIn:
    """The Flask-Login user: a thin wrapper so the ORM row stays in this request's session."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return str(self.user.id)


@login_manager.user_loader
def _load(user_id: str) -> SignedIn | None:
    if not user_id.isdigit():
        return None
    user = session().get(User, int(user_id))
    if user is None or not user.active:
        return None
    return SignedIn(user)


def me() -> User:
    """The signed-in user's row (call only behind `login_required`)."""
    signed_in: SignedIn = current_user._get_current_object()  # type: ignore[attr-defined]
    return signed_in.user


def held_roles() -> set[str]:
    """The roles the signed-in user holds in any scope (cached for the request)."""
    if "held_roles" not in g:
        if not current_user.is_authenticated:
            g.held_roles = set()
        else:
            g.held_roles = set(
                session().scalars(
                    select(RoleAssignment.role).where(RoleAssignment.user_id == me().id)
                )
            )
    roles: set[str] = g.held_roles
    return roles


def roles_required(*roles: str) -> Callable[[F], F]:
    """Sign-in plus one of `roles` (any scope); otherwise 403. Finer checks stay in services."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not held_roles() & set(roles):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapper)  # type: ignore[return-value]

    return decorate
