"""Who is signed in, which roles they hold, and the page-level checks built on that.

The roles are read once per request through `permissions.held_roles`; whether they grant
a permission is `Permission.granted_to`. A page never decides a right by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g
from flask_login import current_user, login_required

from app.models import User
from app.request_scope import session
from app.services.accounts import permissions
from app.services.accounts.permissions import Permission
from app.services.accounts.users import signed_in_user
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
    user = signed_in_user(session(), int(user_id))
    if user is None or not user.active:
        return None
    return SignedIn(user)


def me() -> User:
    """The signed-in user's row (call only behind `login_required`)."""
    signed_in: SignedIn = current_user._get_current_object()  # type: ignore[attr-defined]
    return signed_in.user


def held_roles() -> frozenset[str]:
    """The roles the signed-in user holds in any scope (cached for the request)."""
    if "held_roles" not in g:
        g.held_roles = (
            permissions.held_roles(session(), me())
            if current_user.is_authenticated
            else frozenset()
        )
    roles: frozenset[str] = g.held_roles
    return roles


def granted(permission: Permission) -> bool:
    """Whether the signed-in user's roles grant `permission`."""
    return permission.granted_to(held_roles())


def permission_required(permission: Permission) -> Callable[[F], F]:
    """Sign-in plus `permission`; otherwise 403. Finer checks (scope) stay in services."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not granted(permission):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapper)  # type: ignore[return-value]

    return decorate
