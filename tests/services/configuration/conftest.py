"""The CMDB's services over the demo kabupaten, acting as Admin Sistem."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import User
from app.services.configuration.impact import ImpactService
from app.services.configuration.items import ItemService
from app.services.configuration.relations import RelationService


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


@pytest.fixture
def admin(session: Session) -> User:
    return user(session, "admin")


@pytest.fixture
def items(session: Session, clock: FixedClock, admin: User) -> ItemService:
    return ItemService(session, clock, admin)


@pytest.fixture
def relations(session: Session, clock: FixedClock, admin: User) -> RelationService:
    return RelationService(session, clock, admin)


@pytest.fixture
def impact(session: Session, clock: FixedClock, admin: User) -> ImpactService:
    return ImpactService(session, clock, admin)
