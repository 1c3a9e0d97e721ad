"""The navigation: each area registers its entries with the permission that shows them.

A user sees an entry when the roles they hold (any scope) grant its permission, or always
when it names none. The page behind an entry checks the same permission again
(`app.web.access`): hiding a link is a convenience, never the check.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import LazyString

from app.services.accounts.permissions import Permission


@dataclass(frozen=True)
class NavItem:
    """One link in the top navigation, in the order registered."""

    endpoint: str
    label: LazyString | str
    permission: Permission | None = None
    order: int = 100


_ITEMS: list[NavItem] = []


def register(
    endpoint: str,
    label: LazyString | str,
    permission: Permission | None = None,
    order: int = 100,
) -> None:
    """Add an entry (idempotent: a second registration of an endpoint is ignored)."""
    if any(item.endpoint == endpoint for item in _ITEMS):
        return
    _ITEMS.append(NavItem(endpoint, label, permission, order))
    _ITEMS.sort(key=lambda item: item.order)


def visible(held: Collection[str]) -> list[NavItem]:
    """The entries a user holding the roles `held` sees."""
    return [item for item in _ITEMS if item.permission is None or item.permission.granted_to(held)]
