"""Capacity over HTTP (issue 14, item 5): thresholds per item, measurements from a tool's
integration token or a keeper, one complaint per crossing of the critical threshold, and
the forecast."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.models import ConfigurationItemCase, Instance, Notification, User
from app.services.context import Platform
from tests.api.test_configuration_items import SERVER, create
from tests.api.test_hostile_input import assert_error_shape
from tests.conftest import T0, Auth

pytestmark = pytest.mark.usefixtures("deployed")

MEASUREMENTS = "/api/v1/measurements"
TOKENS = "/api/v1/integration-tokens"
REPORTER = {"nip_nik": "198001012006041001", "instansi": "Diskominfo", "telepon": "0812 3456 7890"}
THRESHOLD = {
    "unit": "%",
    "capacity": 100,
    "warning": 75,
    "critical": 90,
    "reporter": REPORTER,
    "reporter_username": "admin.layanan",
}


def put(auth: Auth, username: str, url: str, body: dict[str, Any]) -> Any:
    return auth.client.put(url, headers=auth.headers(username), json=body)


def server_with_threshold(auth: Auth) -> int:
    item_id = create(auth, SERVER)["id"]
    answer = put(
        auth, "admin.infra", f"/api/v1/configuration-items/{item_id}/capacity/cpu", THRESHOLD
    )
    assert answer.status_code == 200, answer.json
    return int(item_id)


def tool_token(auth: Auth) -> str:
    answer = auth.post("admin", TOKENS, json={"name": "Zabbix DC1"})
    assert answer.status_code == 201, answer.json
    return str(answer.json["token"])


def push(auth: Auth, token: str, *values: tuple[float, timedelta]) -> Any:
    body = {
        "measurements": [
            {"item": SERVER["name"], "metric": "cpu", "value": value, "at": (T0 - ago).isoformat()}
            for value, ago in values
        ]
    }
    return auth.client.post(MEASUREMENTS, headers={"Authorization": f"Bearer {token}"}, json=body)


def complaints(platform: Platform) -> list[Instance]:
    with platform.sessions() as session:
        return list(
            session.scalars(
                select(Instance)
                .where(Instance.process_model_id == "penanganan-aduan")
                .order_by(Instance.id)
            )
        )


class TestThresholds:
    def test_a_keeper_sets_them_and_reads_them_back(self, auth: Auth) -> None:
        item_id = server_with_threshold(auth)
        answer = auth.get("admin.infra", f"/api/v1/configuration-items/{item_id}/capacity")
        assert answer.status_code == 200
        [cpu] = answer.json["metrics"]
        assert (cpu["metric"], cpu["unit"], cpu["warning"], cpu["critical"]) == ("cpu", "%", 75, 90)
        assert cpu["level"] is None
        assert cpu["measurements"] == []

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"warning": 95}, "critical"),
            ({"reporter": {**REPORTER, "nip_nik": "123"}}, "reporter.nip_nik"),
            ({"reporter_username": "pengguna"}, "reporter_username"),
        ],
    )
    def test_refused_naming_the_field(self, auth: Auth, change: dict[str, Any], field: str) -> None:
        item_id = create(auth, SERVER)["id"]
        url = f"/api/v1/configuration-items/{item_id}/capacity/cpu"
        answer = put(auth, "admin.infra", url, {**THRESHOLD, **change})
        assert field in assert_error_shape(answer, 422)["errors"]

    def test_an_unknown_metric_is_422_and_a_stranger_403(self, auth: Auth) -> None:
        item_id = create(auth, SERVER)["id"]
        base = f"/api/v1/configuration-items/{item_id}/capacity"
        assert put(auth, "admin.infra", f"{base}/suhu", THRESHOLD).status_code == 422
        assert put(auth, "pengguna", f"{base}/cpu", THRESHOLD).status_code == 403


class TestIntegrationTokens:
    def test_only_admin_issues_them_and_a_revoked_one_is_refused(self, auth: Auth) -> None:
        server_with_threshold(auth)
        assert auth.post("admin.infra", TOKENS, json={"name": "x"}).status_code == 403
        token = tool_token(auth)
        assert push(auth, token, (10, timedelta(hours=1))).status_code == 201
        listed = auth.get("admin", f"{TOKENS}?per_page=1").json
        assert listed["total"] == 1
        assert "token" not in listed["items"][0]
        token_id = listed["items"][0]["id"]
        assert (
            auth.client.delete(f"{TOKENS}/{token_id}", headers=auth.headers("admin")).status_code
            == 204
        )
        assert push(auth, token, (10, timedelta(minutes=30))).status_code == 401
        assert push(auth, "spbe_it_made-up", (10, timedelta(minutes=30))).status_code == 401


class TestMeasurements:
    def test_a_crossing_files_exactly_one_complaint_until_the_level_falls_back(
        self, auth: Auth, platform: Platform
    ) -> None:
        item_id = server_with_threshold(auth)
        token = tool_token(auth)
        assert push(auth, token, (50, timedelta(hours=6))).json["crossings"] == []
        warned = push(auth, token, (80, timedelta(hours=5))).json["crossings"]
        assert [(c["level"], c["complaint_id"]) for c in warned] == [("warning", None)]
        critical = push(auth, token, (95, timedelta(hours=4))).json["crossings"]
        assert critical[0]["level"] == "critical"
        assert critical[0]["complaint_id"] is not None
        # Every later sample past the threshold, however many, files nothing more.
        again = push(auth, token, (97, timedelta(hours=3)), (99, timedelta(hours=2)))
        assert again.json == {"recorded": 2, "crossings": []}
        [complaint] = complaints(platform)
        assert complaint.id == critical[0]["complaint_id"]
        with platform.sessions() as session:
            assert session.get(User, complaint.started_by_id).username == "admin.layanan"
            links = session.scalars(
                select(ConfigurationItemCase.item_id).where(
                    ConfigurationItemCase.instance_id == complaint.id
                )
            ).all()
            assert links == [item_id]
            told = session.scalar(
                select(func.count()).where(Notification.kind == "capacity_critical")
            )
            assert told >= 1
        assert complaint.data["layanan"] == "SRIKANDI"
        assert complaint.data["dampak"] == "Minor"
        assert "95" in complaint.data["gejala"]
        # Back below warning re-arms it: the next crossing files a second complaint.
        push(auth, token, (40, timedelta(minutes=50)))
        second = push(auth, token, (92, timedelta(minutes=40))).json["crossings"]
        assert second[0]["complaint_id"] not in (None, complaint.id)
        assert len(complaints(platform)) == 2

    def test_a_late_older_measurement_moves_nothing(self, auth: Auth, platform: Platform) -> None:
        server_with_threshold(auth)
        token = tool_token(auth)
        push(auth, token, (20, timedelta(hours=1)))
        assert push(auth, token, (99, timedelta(hours=2))).json["crossings"] == []
        assert complaints(platform) == []

    def test_all_or_nothing_with_every_error_named(self, auth: Auth) -> None:
        item_id = server_with_threshold(auth)
        body = {
            "measurements": [
                {"item": SERVER["name"], "metric": "cpu", "value": 10},
                {"item": "TIDAK-ADA", "metric": "cpu", "value": 10},
                {"item": item_id, "metric": "cpu", "value": 1e300},
                {
                    "item": item_id,
                    "metric": "cpu",
                    "value": 1,
                    "at": (T0 + timedelta(days=1)).isoformat(),
                },
            ]
        }
        answer = auth.post("admin.infra", MEASUREMENTS, json=body)
        assert set(assert_error_shape(answer, 422)["errors"]) == {
            "measurements.1.item",
            "measurements.2.value",
            "measurements.3.at",
        }
        read = auth.get("admin.infra", f"/api/v1/configuration-items/{item_id}/capacity").json
        assert read["metrics"][0]["measurements"] == []

    def test_a_person_records_only_the_items_they_keep(self, auth: Auth) -> None:
        server_with_threshold(auth)
        body = {"measurements": [{"item": SERVER["name"], "metric": "cpu", "value": 10}]}
        assert auth.post("admin.infra", MEASUREMENTS, json=body).status_code == 201
        assert auth.post("pengguna", MEASUREMENTS, json=body).status_code == 403
        assert auth.client.post(MEASUREMENTS, json=body).status_code == 401

    def test_an_alertmanager_webhook_records_its_firing_alerts(self, auth: Auth) -> None:
        item_id = server_with_threshold(auth)
        token = tool_token(auth)
        alert = {
            "status": "firing",
            "labels": {
                "alertname": "HighCPU",
                "configuration_item": SERVER["name"],
                "metric": "cpu",
            },
            "annotations": {"value": "81.5"},
            "startsAt": (T0 - timedelta(minutes=5)).isoformat().replace("+00:00", "Z"),
        }
        body = {
            "version": "4",
            "status": "firing",
            "receiver": "spbe",
            "alerts": [alert, {**alert, "status": "resolved"}],
        }
        headers = {"Authorization": f"Bearer {token}"}
        answer = auth.client.post(MEASUREMENTS, headers=headers, json=body)
        assert answer.status_code == 201, answer.json
        assert answer.json["recorded"] == 1
        assert answer.json["crossings"][0]["level"] == "warning"
        read = auth.get("admin.infra", f"/api/v1/configuration-items/{item_id}/capacity").json
        assert [m["value"] for m in read["metrics"][0]["measurements"]] == [81.5]

    def test_the_forecast_meets_the_thresholds_where_the_line_does(self, auth: Auth) -> None:
        item_id = server_with_threshold(auth)
        token = tool_token(auth)
        # 40, 45, 50, 55 % on four days in a row: 5 points a day, 55 % at T0 - 1 day, so
        # 75 % (warning) four days after that, at T0 + 3 days, and 90 % (critical) seven
        # days after it, at T0 + 6 days.
        push(auth, token, *((40 + 5 * i, timedelta(days=4 - i)) for i in range(4)))
        read = auth.get("admin.infra", f"/api/v1/configuration-items/{item_id}/capacity").json
        forecast = read["metrics"][0]["forecast"]
        assert forecast["points"] == 4
        assert forecast["slope_per_day"] == pytest.approx(5)
        assert forecast["warning_at"].startswith((T0 + timedelta(days=3)).date().isoformat())
        assert forecast["critical_at"].startswith((T0 + timedelta(days=6)).date().isoformat())


def test_an_item_behind_a_service_files_about_that_service_one_behind_none_says_why(
    auth: Auth, platform: Platform
) -> None:
    token = tool_token(auth)
    storage = create(
        auth,
        {**SERVER, "name": "SRV-DC1-02", "services": [], "attributes": {"serial_number": "SN-002"}},
    )["id"]
    alone = create(
        auth,
        {**SERVER, "name": "SRV-DC1-03", "services": [], "attributes": {"serial_number": "SN-003"}},
    )["id"]
    app = create(
        auth,
        {
            "type": "application",
            "name": "APP-SRIKANDI",
            "agency": "DISKOMINFO",
            "services": ["SRIKANDI"],
        },
    )["id"]
    related = auth.post(
        "admin.infra",
        f"/api/v1/configuration-items/{app}/relations",
        json={"type": "runs_on", "target_id": storage},
    )
    assert related.status_code == 201, related.json
    for item_id in (storage, alone):
        url = f"/api/v1/configuration-items/{item_id}/capacity/storage"
        assert put(auth, "admin.infra", url, {**THRESHOLD, "unit": "GB"}).status_code == 200
    body = {
        "measurements": [
            {"item": "SRV-DC1-02", "metric": "storage", "value": 95},
            {"item": "SRV-DC1-03", "metric": "storage", "value": 95},
        ]
    }
    headers = {"Authorization": f"Bearer {token}"}
    crossings = auth.client.post(MEASUREMENTS, headers=headers, json=body).json["crossings"]
    by_item = {c["item_id"]: c for c in crossings}
    assert by_item[storage]["complaint_id"] is not None
    assert by_item[alone]["complaint_id"] is None
    assert "no service" in by_item[alone]["problem"]
    [complaint] = complaints(platform)
    assert complaint.data["layanan"] == "SRIKANDI"


class TestImport:
    def upload(self, auth: Auth, content: bytes, name: str, username: str = "admin.infra") -> Any:
        return auth.client.post(
            f"{MEASUREMENTS}/import",
            headers=auth.headers(username),
            data={"file": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )

    def test_a_csv_is_recorded_and_crosses_like_any_measurement(
        self, auth: Auth, platform: Platform
    ) -> None:
        item_id = server_with_threshold(auth)
        at = (T0 - timedelta(hours=1)).isoformat()
        rows = ["komponen,metrik,nilai,waktu", f'SRV-DC1-01,cpu,"80,5",{at}']
        answer = self.upload(auth, "\n".join(rows).encode(), "ukur.csv")
        assert answer.status_code == 201, answer.json
        assert answer.json["recorded"] == 1
        assert answer.json["crossings"][0]["level"] == "warning"
        read = auth.get("admin.infra", f"/api/v1/configuration-items/{item_id}/capacity").json
        assert read["metrics"][0]["measurements"][0]["source"] == "import"

    def test_an_xlsx_with_bad_rows_stores_nothing_and_names_row_and_column(
        self, auth: Auth
    ) -> None:
        item_id = server_with_threshold(auth)
        book = Workbook()
        sheet = book.active
        sheet.append(["waktu", "komponen", "metrik", "nilai"])
        sheet.append([(T0 - timedelta(hours=2)).replace(tzinfo=None), item_id, "cpu", 50])
        sheet.append([(T0 - timedelta(hours=1)).replace(tzinfo=None), "TIDAK-ADA", "cpu", 50])
        sheet.append([(T0 - timedelta(hours=1)).replace(tzinfo=None), item_id, "suhu", "=1+1"])
        buffer = io.BytesIO()
        book.save(buffer)
        answer = self.upload(auth, buffer.getvalue(), "ukur.xlsx")
        problems = assert_error_shape(answer, 422)["errors"]
        assert {(p["row"], p["column"]) for p in problems} == {
            (3, "komponen"),
            (4, "metrik"),
            (4, "nilai"),
        }
        read = auth.get("admin.infra", f"/api/v1/configuration-items/{item_id}/capacity").json
        assert read["metrics"][0]["measurements"] == []

    def test_wrong_columns_or_files_are_422_and_strangers_403(self, auth: Auth) -> None:
        server_with_threshold(auth)
        missing = self.upload(auth, b"komponen,nilai\nSRV-DC1-01,5\n", "ukur.csv")
        assert {p["column"] for p in assert_error_shape(missing, 422)["errors"]} == {
            "metrik",
            "waktu",
        }
        assert self.upload(auth, b"x", "ukur.pdf").status_code == 422
        good = b"komponen,metrik,nilai,waktu\nSRV-DC1-01,cpu,5,\n"
        assert self.upload(auth, good, "ukur.csv", "pengguna").status_code == 403
