"""/api/v1/notifications: the caller's own list, the unread filter, marking read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from app.clock import FixedClock
from app.services.context import Platform
from app.services.notifications.messages import MailConfig, NotificationService
from tests.api.test_process_instances import start
from tests.conftest import T0, Auth

pytestmark = pytest.mark.usefixtures("demo")

URL = "/api/v1/notifications"


def notify(platform: Platform, username: str, title: str) -> int:
    with platform.sessions() as session:
        with session.begin():
            [created] = NotificationService(session, platform.clock, MailConfig()).notify(
                [username],
                "task_assigned",
                title,
                f"{title}: menunggu tindakan Anda.",
                "/api/v1/tasks/x",
            )
        return created.id  # written by the commit


def test_without_a_token_is_401(client: FlaskClient) -> None:
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}/1/read").status_code == 401
    assert client.post(f"{URL}/read-all").status_code == 401


def test_list_is_the_callers_own_newest_first(
    auth: Auth, platform: Platform, clock: FixedClock
) -> None:
    first = notify(platform, "admin.layanan", "Tugas baru: Klasifikasi")
    clock.advance(timedelta(minutes=1))
    second = notify(platform, "admin.layanan", "Tugas baru: Persetujuan")
    notify(platform, "pimpinan", "Eskalasi tingkat 3")
    answer = auth.get("admin.layanan", URL)
    assert answer.status_code == 200
    assert [n["id"] for n in answer.json["items"]] == [second, first]
    assert (answer.json["total"], answer.json["unread"]) == (2, 2)
    item = answer.json["items"][1]
    assert item["title"] == "Tugas baru: Klasifikasi"
    assert item["link"] == "/api/v1/tasks/x"
    assert item["kind"] == "task_assigned"
    assert item["read"] is False
    assert item["read_at"] is None
    assert item["email_status"] == "off"
    assert item["created_at"].startswith(T0.isoformat()[:19])
    paged = auth.get("admin.layanan", URL, query_string={"page": 2, "per_page": 1}).json
    assert [n["id"] for n in paged["items"]] == [first]
    assert paged["total"] == 2


def test_mark_read_and_the_unread_filter(auth: Auth, platform: Platform) -> None:
    first = notify(platform, "admin.layanan", "Satu")
    second = notify(platform, "admin.layanan", "Dua")
    marked = auth.post("admin.layanan", f"{URL}/{first}/read")
    assert marked.status_code == 200
    assert marked.json["read"] is True
    assert marked.json["read_at"] is not None
    assert auth.post("admin.layanan", f"{URL}/{first}/read").status_code == 200  # again: fine
    unread = auth.get("admin.layanan", URL, query_string={"unread": "true"}).json
    assert [n["id"] for n in unread["items"]] == [second]
    assert (unread["total"], unread["unread"]) == (1, 1)
    assert auth.get("admin.layanan", URL).json["total"] == 2


def test_read_all_marks_only_the_callers(auth: Auth, platform: Platform) -> None:
    notify(platform, "admin.layanan", "Satu")
    notify(platform, "admin.layanan", "Dua")
    notify(platform, "pimpinan", "Tiga")
    answer = auth.post("admin.layanan", f"{URL}/read-all")
    assert answer.status_code == 200
    assert answer.json == {"marked": 2}
    assert auth.get("admin.layanan", URL, query_string={"unread": True}).json["total"] == 0
    assert auth.get("pimpinan", URL).json["unread"] == 1


def test_someone_elses_notification_is_404(auth: Auth, platform: Platform) -> None:
    theirs = notify(platform, "pimpinan", "Eskalasi tingkat 3")
    answer = auth.post("admin.layanan", f"{URL}/{theirs}/read")
    assert answer.status_code == 404
    assert "message" in answer.json
    assert auth.post("admin.layanan", f"{URL}/{theirs + 99}/read").status_code == 404
    assert auth.get("pimpinan", URL).json["items"][0]["read"] is False


def test_bad_query_is_422(auth: Auth) -> None:
    answer = auth.get("admin.layanan", URL, query_string={"per_page": 0})
    assert answer.status_code == 422


@pytest.mark.usefixtures("deployed")
def test_a_new_task_notifies_its_candidates(auth: Auth) -> None:
    start(auth)
    for username in ("admin.layanan", "pelaksana"):
        body = auth.get(username, "/api/v1/notifications?unread=true").json
        assert body["unread"] == 1
        [note] = body["items"]
        assert note["kind"] == "task_assigned"
        assert note["title"].startswith("Tugas baru")
    assert auth.get("pj.layanan", "/api/v1/notifications").json["total"] == 0
