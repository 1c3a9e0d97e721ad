"""The navigation: each area registers its entries with the roles that may see them.

A user sees an entry when they hold one of its roles (any scope), or always when it names
none. The page behind an entry checks the same roles again (`app.web.access`): hiding a
link is a convenience, never the check.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString


@dataclass(frozen=True)
class NavItem:
    """One link in the top navigation, in the order registered."""

    endpoint: str
    label: LazyString | str
    roles: frozenset[str] = frozenset()
    order: int = 100


_ITEMS: list[NavItem] = []


def register(
    endpoint: str, label: LazyString | str, roles: tuple[str, ...] = (), order: int = 100
) -> None:
    """Add an entry (idempotent: a second registration of an endpoint is ignored)."""
    if any(item.endpoint == endpoint for item in _ITEMS):
        return
    _ITEMS.append(NavItem(endpoint, label, frozenset(roles), order))
    _ITEMS.sort(key=lambda item: item.order)


def visible(held: set[str]) -> list[NavItem]:
    """The entries a user holding the roles `held` sees."""
    return [item for item in _ITEMS if not item.roles or item.roles & held]
