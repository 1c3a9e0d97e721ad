"""The work log, /api/v1/process-instances/{id}/comments (issue 12, item 2): internal notes
for staff, public replies for the requester too, each public reply notifying the other
side in the app and by e-mail, the instance read's own 403/404, field errors."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import func, select

from app.models import Attachment, Notification, User
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from app.services.notifications.messages import deliver_mail
from tests.conftest import T0, Auth
from tests.services.test_notification_delivery import SmtpServer, smtp_server  # noqa: F401

pytestmark = pytest.mark.usefixtures("deployed")


def _filed(auth: Auth) -> int:
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": SAMPLE_REQUEST},
    )
    assert started.status_code == 201, started.json
    return int(started.json["id"])


def _post(auth: Auth, username: str, instance_id: int, **body: Any) -> Any:
    return auth.post(username, f"/api/v1/process-instances/{instance_id}/comments", json=body)


def _bodies(auth: Auth, username: str, instance_id: int) -> list[str]:
    answer = auth.get(username, f"/api/v1/process-instances/{instance_id}/comments")
    assert answer.status_code == 200, answer.json
    return [item["body"] for item in answer.json["items"]]


def _notices(platform: Platform, username: str) -> list[Notification]:
    with platform.sessions() as session:
        return list(
            session.scalars(
                select(Notification)
                .join(User, User.id == Notification.user_id)
                .where(User.username == username, Notification.kind == "comment_public")
            )
        )


def test_a_note_is_201_with_the_contract_fields(auth: Auth) -> None:
    instance_id = _filed(auth)
    answer = _post(
        auth, "admin.layanan", instance_id, body="  Cek akun di SIMPEG.  ", visibility="internal"
    )
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert {"id", "author", "created_at", "visibility", "body"} <= set(body)
    assert (body["author"], body["visibility"], body["body"]) == (
        "admin.layanan",
        "internal",
        "Cek akun di SIMPEG.",
    )
    assert body["created_at"].startswith(T0.isoformat()[:19])
    assert body["attachments"] == []


def test_internal_notes_are_for_staff_public_replies_for_the_requester_too(auth: Auth) -> None:
    instance_id = _filed(auth)
    assert (
        _post(
            auth, "admin.layanan", instance_id, body="Catatan internal", visibility="internal"
        ).status_code
        == 201
    )
    assert (
        _post(
            auth, "admin.layanan", instance_id, body="Mohon kirim NIP atasan", visibility="public"
        ).status_code
        == 201
    )
    assert (
        _post(
            auth, "pengguna", instance_id, body="NIP atasan terlampir", visibility="public"
        ).status_code
        == 201
    )

    everything = ["Catatan internal", "Mohon kirim NIP atasan", "NIP atasan terlampir"]
    assert _bodies(auth, "admin.layanan", instance_id) == everything
    assert _bodies(auth, "pj.layanan", instance_id) == everything  # a supervisor of the case
    assert _bodies(auth, "pengguna", instance_id) == everything[1:]

    # The timeline (the API's history) carries the notes the same way.
    def history(username: str) -> list[str]:
        read = auth.get(username, f"/api/v1/process-instances/{instance_id}").json
        return [e["data"]["note"] for e in read["events"] if e["kind"] == "comment_added"]

    assert history("admin.layanan") == everything
    assert history("pengguna") == everything[1:]


def test_a_requester_may_not_write_an_internal_note(auth: Auth) -> None:
    instance_id = _filed(auth)
    answer = _post(auth, "pengguna", instance_id, body="Rahasia", visibility="internal")
    assert answer.status_code == 403
    assert "visibility" in answer.json["errors"]
    assert _bodies(auth, "admin.layanan", instance_id) == []


def test_outsiders_get_403_and_an_unknown_instance_404(auth: Auth) -> None:
    instance_id = _filed(auth)
    _post(auth, "admin.layanan", instance_id, body="Catatan", visibility="internal")
    for method in ("get", "post"):
        call = getattr(auth, method)
        url = f"/api/v1/process-instances/{instance_id}/comments"
        kwargs = {"json": {"body": "Halo", "visibility": "public"}} if method == "post" else {}
        assert call("penyedia.disdukcapil", url, **kwargs).status_code == 403
        assert (
            call(
                "penyedia.disdukcapil", "/api/v1/process-instances/999999/comments", **kwargs
            ).status_code
            == 404
        )
    assert _bodies(auth, "admin.layanan", instance_id) == ["Catatan"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"visibility": "public"}, "body"),
        ({"body": "   ", "visibility": "public"}, "body"),
        ({"body": "x" * 10_001, "visibility": "public"}, "body"),
        ({"body": 42, "visibility": "public"}, "body"),
        ({"body": "Halo"}, "visibility"),
        ({"body": "Halo", "visibility": "secret"}, "visibility"),
        ({"body": "Halo", "visibility": "public", "attachments": "1"}, "attachments"),
        ({"body": "Halo", "visibility": "public", "attachments": [999999]}, "attachments.0"),
    ],
)
def test_a_wrong_field_is_422_naming_it_in_both_languages(
    auth: Auth, body: dict[str, Any], field: str
) -> None:
    instance_id = _filed(auth)
    answer = _post(auth, "admin.layanan", instance_id, **body)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]
    assert " / " in answer.json["errors"][field][0]


def test_the_longest_body_is_accepted(auth: Auth) -> None:
    instance_id = _filed(auth)
    assert (
        _post(
            auth, "admin.layanan", instance_id, body="x" * 10_000, visibility="internal"
        ).status_code
        == 201
    )


def test_the_list_pages_oldest_first_with_a_total(auth: Auth) -> None:
    instance_id = _filed(auth)
    for n in range(5):
        _post(auth, "admin.layanan", instance_id, body=f"Catatan {n}", visibility="internal")
    url = f"/api/v1/process-instances/{instance_id}/comments"
    second = auth.get("admin.layanan", url, query_string={"page": 2, "per_page": 2}).json
    assert [i["body"] for i in second["items"]] == ["Catatan 2", "Catatan 3"]
    assert second["total"] == 5
    assert auth.get("admin.layanan", url, query_string={"per_page": 0}).status_code == 422


def test_a_staff_reply_notifies_the_requester_by_app_and_mail(
    auth: Auth,
    platform: Platform,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    platform.settings = dataclasses.replace(platform.settings, smtp_url=smtp_server.url)
    try:
        instance_id = _filed(auth)
        _post(auth, "admin.layanan", instance_id, body="Hanya petugas", visibility="internal")
        assert _notices(platform, "pengguna") == []  # an internal note tells nobody
        _post(
            auth,
            "admin.layanan",
            instance_id,
            body="Akun sudah dibuat: https://simpeg.example/",
            visibility="public",
        )
        [notice] = _notices(platform, "pengguna")
        assert notice.instance_id == instance_id
        assert notice.link == f"/proses/{instance_id}#catatan-kerja"
        assert "Akun sudah dibuat" in notice.body
        sent, failed = deliver_mail(platform.sessions, platform.clock, platform.settings) or (0, 0)
        assert failed == 0
    finally:
        platform.settings = dataclasses.replace(platform.settings, smtp_url=None)
    # The new task's candidates were told of it too; the requester got the reply only.
    [message] = [m for to, m in smtp_server.messages if to == [_email(platform, "pengguna")]]
    assert "Akun sudah dibuat: https://simpeg.example/" in message.get_content()
    assert sent == len(smtp_server.messages)
    assert _notices(platform, "admin.layanan") == []  # the author is not told


def test_a_requesters_reply_notifies_the_holders_of_the_open_task(
    auth: Auth, platform: Platform
) -> None:
    instance_id = _filed(auth)
    _post(auth, "pengguna", instance_id, body="Ada tambahan: dua akun.", visibility="public")
    # The classification waits for the Administrator Layanan holders.
    assert len(_notices(platform, "admin.layanan")) == 1
    assert len(_notices(platform, "pelaksana")) == 1
    assert _notices(platform, "pengguna") == []
    assert _notices(platform, "pj.layanan") == []

    [task] = auth.get("admin.layanan", f"/api/v1/process-instances/{instance_id}").json["tasks"]
    assert auth.post("admin.layanan", f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    _post(auth, "pengguna", instance_id, body="Satu lagi.", visibility="public")
    assert len(_notices(platform, "admin.layanan")) == 2  # who claimed it
    assert len(_notices(platform, "pelaksana")) == 1


def test_a_requesters_reply_without_open_staff_tasks_goes_to_the_supervisors(
    auth: Auth, platform: Platform
) -> None:
    instance_id = _filed(auth)
    assert (
        auth.post("pj.layanan", f"/api/v1/process-instances/{instance_id}/terminate").status_code
        == 200
    )
    _post(auth, "pengguna", instance_id, body="Kenapa dihentikan?", visibility="public")
    assert len(_notices(platform, "pj.layanan")) == 1
    assert len(_notices(platform, "pimpinan.bkpsdm")) == 1
    assert _notices(platform, "admin.layanan") == []


def test_attachments_are_the_authors_own_linked_to_the_case(auth: Auth, platform: Platform) -> None:
    instance_id = _filed(auth)
    mine, theirs = _upload(platform, "admin.layanan"), _upload(platform, "pelaksana")
    refused = _post(
        auth,
        "admin.layanan",
        instance_id,
        body="Bukti",
        visibility="internal",
        attachments=[theirs],
    )
    assert refused.status_code == 422
    assert "attachments.0" in refused.json["errors"]
    answer = _post(
        auth, "admin.layanan", instance_id, body="Bukti", visibility="internal", attachments=[mine]
    )
    assert answer.status_code == 201, answer.json
    [file] = answer.json["attachments"]
    assert (file["attachment_id"], file["name"]) == (mine, "bukti.png")
    with platform.sessions() as session:
        assert session.get_one(Attachment, mine).instance_id == instance_id
    again = _post(
        auth, "admin.layanan", instance_id, body="Lagi", visibility="internal", attachments=[mine]
    )
    assert again.status_code == 422  # one file, one comment


def test_attachments_over_the_cases_limit_are_422_naming_attachments(
    auth: Auth, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limits a form's file fields have (AttachmentClaims) bind a comment too."""
    limits = dataclasses.replace(platform.settings.attachments, max_instance_files=1)
    monkeypatch.setattr(platform.settings, "attachments", limits)
    instance_id = _filed(auth)
    first, second = _upload(platform, "admin.layanan"), _upload(platform, "admin.layanan")
    both = _post(
        auth,
        "admin.layanan",
        instance_id,
        body="Dua",
        visibility="public",
        attachments=[first, second],
    )
    assert both.status_code == 422
    assert both.json["errors"]["attachments"] == [
        "paling banyak 1 lampiran per kasus / at most 1 attachments per case"
    ]
    one = _post(
        auth, "admin.layanan", instance_id, body="Satu", visibility="public", attachments=[first]
    )
    assert one.status_code == 201, one.json
    again = _post(
        auth, "admin.layanan", instance_id, body="Lagi", visibility="public", attachments=[second]
    )
    assert again.status_code == 422
    assert "attachments" in again.json["errors"]
    assert _bodies(auth, "admin.layanan", instance_id) == ["Satu"]


def _upload(platform: Platform, username: str) -> int:
    """An upload's row, as the attachment store leaves it before a form uses it."""
    with platform.sessions() as session, session.begin():
        user = session.scalars(select(User).where(User.username == username)).one()
        mine = session.scalar(select(func.count()).where(Attachment.uploaded_by_id == user.id))
        row = Attachment(
            uploaded_by_id=user.id,
            name="bukti.png",
            content_type="image/png",
            size=10,
            sha256="0" * 64,
            stored_name=f"{username}-bukti-{mine}",
            uploaded_at=T0,
        )
        session.add(row)
        session.flush()
        return row.id


def _email(platform: Platform, username: str) -> str:
    with platform.sessions() as session:
        address = session.scalars(select(User.email).where(User.username == username)).one()
        assert address
        return address
