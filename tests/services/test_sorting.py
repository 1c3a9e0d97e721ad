"""Sorting the instance list and the inbox (issue 12, item 6): every key, both ways, with
seek paging that never shows a row twice or loses one, ties by id, empty values last."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from app.errors import InvalidInput
from app.models import Instance, Service, Task, User
from app.services.context import Platform
from app.services.instances.sorting import SORTS
from app.services.instances.tracking import InstanceFilter
from app.services.tasks.inbox import INBOX_SORTS, InboxFilter
from tests.conftest import T0
from tests.services.tracking_data import complaint, service_request

pytestmark = pytest.mark.usefixtures("deployed")

#: Column values given to six instances: ties, and empty values, in every sorted column.
#: (reference, priority, service code, status, response due in hours or None)
ROWS = [
    ("PMT-2026-000050", "P2", "SIMPEG", "running", 5),
    (None, "P2", None, "complete", None),
    ("ADU-2026-000070", None, "SIAK", "running", 5),
    ("ADU-2026-000010", "P1", "SIMPEG", "suspended", 1),
    (None, None, "SRIKANDI", "error", None),
    ("PMT-2026-000020", "P6", "SIAK", "running", 3),
]


@pytest.fixture
def made(platform: Platform) -> list[int]:
    """Six service requests whose sorted columns (and their tasks' service) are then set
    to `ROWS`."""
    ids = [service_request(platform) for _ in ROWS]
    with platform.sessions() as session, session.begin():
        services = dict(session.execute(select(Service.code, Service.id)).all())
        for ident, (reference, priority, service, status, due) in zip(ids, ROWS, strict=True):
            service_id = services[service] if service else None
            session.execute(
                update(Instance)
                .where(Instance.id == ident)
                .values(
                    reference=reference,
                    priority=priority,
                    service_id=service_id,
                    status=status,
                    responded_at=None,
                    response_due_at=T0 + timedelta(hours=due) if due else None,
                )
            )
            session.execute(
                update(Task).where(Task.instance_id == ident).values(service_id=service_id)
            )
    return ids


def values_of(platform: Platform, made: list[int], key: str) -> dict[int, Any]:
    """Each instance's value of the column `key` sorts (as `ROWS` set it)."""
    with platform.sessions() as session:
        names = dict(session.execute(select(Service.code, Service.name)).all())
    values: dict[int, Any] = {}
    for ident, (reference, priority, service, status, due) in zip(made, ROWS, strict=True):
        values[ident] = {
            "started": ident,
            "reference": reference,
            "process": "permintaan-layanan",
            "service": names[service] if service else None,
            "status": status,
            "priority": priority,
            "due": due,
        }[key]
    return values


def expected(values: dict[Any, Any], sort: str) -> list[Any]:
    """The order `sort` promises, computed here: by value then id (the dict's keys),
    empty values last both ways."""
    present = sorted((i for i in values if values[i] is not None), key=lambda i: (values[i], i))
    empty = sorted(i for i in values if values[i] is None)
    if sort.startswith("-"):
        present.reverse()
        empty.reverse()
    return present + empty


def walk_forward(platform: Platform, sort: str, size: int) -> tuple[list[int], int | None]:
    """Every row, page by page, and the cursor of the last page's first row."""
    with platform.sessions() as session:
        user = session.scalars(select(User).where(User.username == "pj.layanan")).one()
        tracking = platform.tracking(session)
        seen: list[int] = []
        after = None
        while True:
            page = tracking.page(user, InstanceFilter(sort=sort), after=after, size=size)
            seen += [i.id for i in page.items]
            if page.older is None:
                return seen, page.items[0].id if page.items else None
            after = page.older


def walk_back(platform: Platform, sort: str, size: int, before: int) -> list[int]:
    """Every row before `before`, page by page towards the start."""
    with platform.sessions() as session:
        user = session.scalars(select(User).where(User.username == "pj.layanan")).one()
        tracking = platform.tracking(session)
        seen: list[int] = []
        cursor: int | None = before
        while cursor is not None:
            page = tracking.page(user, InstanceFilter(sort=sort), before=cursor, size=size)
            seen = [i.id for i in page.items] + seen
            cursor = page.newer
        return seen


class TestInstanceListSorting:
    @pytest.mark.parametrize("sort", SORTS)
    def test_seek_pages_follow_the_order_both_ways(
        self, platform: Platform, made: list[int], sort: str
    ):
        order = expected(values_of(platform, made, sort.removeprefix("-")), sort)
        forward, last_first = walk_forward(platform, sort, size=2)
        assert forward == order  # nothing twice, nothing lost, ties by id
        assert last_first is not None
        assert walk_back(platform, sort, 2, last_first) + order[-2:] == order

    @pytest.mark.parametrize("sort", ["service", "-priority", "due", "-reference"])
    def test_the_api_list_pages_by_number_in_the_same_order(
        self, platform: Platform, made: list[int], sort: str
    ):
        with platform.sessions() as session:
            user = session.scalars(select(User).where(User.username == "pj.layanan")).one()
            instances = platform.instances(session)
            pages = [instances.find(user, page=n, per_page=4, sort=sort).items for n in (1, 2)]
        values = values_of(platform, made, sort.removeprefix("-"))
        assert [i.id for page in pages for i in page] == expected(values, sort)

    def test_filters_apply_with_a_sort(self, platform: Platform, made: list[int]):
        with platform.sessions() as session:
            user = session.scalars(select(User).where(User.username == "pj.layanan")).one()
            page = platform.tracking(session).page(
                user, InstanceFilter(status="running", sort="-priority")
            )
        assert [i.id for i in page.items] == [made[5], made[0], made[2]]

    def test_unknown_sort_names_the_field(self, platform: Platform):
        with platform.sessions() as session:
            user = session.scalars(select(User).where(User.username == "pj.layanan")).one()
            with pytest.raises(InvalidInput) as raised:
                platform.tracking(session).page(user, InstanceFilter(sort="judul"))
        assert "sort" in raised.value.errors

    def test_a_cursor_outside_the_readers_scope_is_refused(self, platform: Platform):
        theirs = complaint(platform)  # SRIKANDI, DISKOMINFO: not SIAK's administrator's
        with platform.sessions() as session:
            user = session.scalars(select(User).where(User.username == "petugas.siak")).one()
            with pytest.raises(InvalidInput):
                platform.tracking(session).page(user, InstanceFilter(sort="priority"), after=theirs)


class TestInboxSorting:
    def inbox(self, platform: Platform, sort: str, **filters: Any) -> list[str]:
        with platform.sessions() as session:
            user = session.scalars(select(User).where(User.username == "admin.layanan")).one()
            page = platform.tasks(session).inbox(user, filters=InboxFilter(sort=sort, **filters))
            return [task.id for task in page.items]

    @pytest.mark.parametrize(
        ("sort", "key"),
        [
            ("reference", "reference"),
            ("-reference", "reference"),
            ("priority", "priority"),
            ("-priority", "priority"),
            ("service", "service"),
            ("-service", "service"),
            ("due", "due"),
            ("-due", "due"),
            ("response", "due"),  # nobody responded: the open deadline is the response's
        ],
    )
    def test_columns_sort_both_ways_ties_by_task_id_empty_last(
        self, platform: Platform, made: list[int], sort: str, key: str
    ):
        with platform.sessions() as session:
            task_of = dict(
                session.execute(
                    select(Task.instance_id, Task.id).where(Task.instance_id.in_(made))
                ).all()
            )
        values = values_of(platform, made, key)
        shown = self.inbox(platform, sort)
        # the tasks whose scope admin.layanan's roles reach (not the one without service)
        by_task = {task_of[i]: values[i] for i in made if task_of[i] in shown}
        assert len(by_task) >= 4
        assert shown == expected(by_task, sort)

    def test_every_key_is_accepted_both_ways(self, platform: Platform, made: list[int]):
        everything = sorted(self.inbox(platform, "-created"))
        for sort in INBOX_SORTS:
            assert sorted(self.inbox(platform, sort)) == everything

    def test_a_sort_joins_and_still_filters(self, platform: Platform, made: list[int]):
        by_service = self.inbox(platform, "-service", service="SIAK")
        with platform.sessions() as session:
            instances = {
                t: session.scalars(select(Task.instance_id).where(Task.id == t)).one()
                for t in by_service
            }
        assert set(instances.values()) <= {made[2], made[5]}

    def test_unknown_sort_names_the_field(self, platform: Platform):
        with pytest.raises(InvalidInput) as raised:
            self.inbox(platform, "nomor")
        assert "sort" in raised.value.errors
