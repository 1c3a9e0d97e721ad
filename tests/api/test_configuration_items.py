"""The CMDB's HTTP contract (issue 14, items 1 and 2): `/api/v1/configuration-items` and
`/api/v1/configuration-item-types`."""

from __future__ import annotations

from typing import Any

import pytest

from app.services.context import Platform
from tests.api.test_hostile_input import assert_error_shape
from tests.conftest import Auth
from tests.services.tracking_data import complaint

pytestmark = pytest.mark.usefixtures("demo")

ITEMS = "/api/v1/configuration-items"
SERVER = {
    "type": "server",
    "name": "SRV-DC1-01",
    "agency": "DISKOMINFO",
    "status": "active",
    "labels": ["produksi"],
    "attributes": {"serial_number": "SN-001", "ram_gb": 8},
    "services": ["SRIKANDI"],
}
VM = {
    "type": "virtual_machine",
    "name": "VM-SIMPEG-01",
    "agency": "BKPSDM",
    "attributes": {"hostname": "simpeg-01"},
    "services": ["SIMPEG"],
}
APP = {"type": "application", "name": "APP-SIMPEG", "agency": "BKPSDM", "services": ["SIMPEG"]}


def create(auth: Auth, body: dict[str, Any], username: str = "admin.infra") -> dict[str, Any]:
    response = auth.post(username, ITEMS, json=body)
    assert response.status_code == 201, response.json
    return response.json


def patch(auth: Auth, username: str, url: str, body: dict[str, Any]) -> Any:
    return auth.client.patch(url, headers=auth.headers(username), json=body)


def delete(auth: Auth, username: str, url: str) -> Any:
    return auth.client.delete(url, headers=auth.headers(username))


def relate(auth: Auth, source: int, kind: str, target: int) -> dict[str, Any]:
    response = auth.post(
        "admin.infra", f"{ITEMS}/{source}/relations", json={"type": kind, "target_id": target}
    )
    assert response.status_code == 201, response.json
    return response.json


class TestCreate:
    def test_answers_201_with_the_id_and_the_item(self, auth: Auth) -> None:
        item = create(auth, SERVER)
        assert isinstance(item["id"], int)
        assert {key: item[key] for key in SERVER} == SERVER
        assert item["type_name"] == "Server fisik"
        assert item["relations"] == []
        [created] = item["history"]
        assert created["action"] == "created"
        assert created["by"] == "admin.infra"
        assert created["changes"]["attributes.ram_gb"] == {"before": None, "after": 8}

    def test_status_defaults_to_active(self, auth: Auth) -> None:
        assert "status" not in VM
        assert create(auth, VM)["status"] == "active"

    def test_a_licence_item_carries_its_records(self, auth: Auth) -> None:
        licence = create(
            auth,
            {
                "type": "licence",
                "name": "LIC-OFFICE-2026",
                "agency": "DISKOMINFO",
                "attributes": {"vendor": "V", "agreement_number": "K-1"},
                "licences": [{"holder": "DISKOMINFO", "seats": 25, "expires_on": "2026-12-31"}],
                "retain_until": "2031-12-31",
            },
        )
        assert licence["licences"] == [
            {"holder": "DISKOMINFO", "seats": 25, "expires_on": "2026-12-31", "reference": ""}
        ]
        assert licence["retain_until"] == "2031-12-31"

    def test_a_duplicate_name_is_409_naming_it(self, auth: Auth) -> None:
        first = create(auth, SERVER)
        response = auth.post(
            "admin.infra", ITEMS, json={**SERVER, "attributes": {"serial_number": "other"}}
        )
        errors = assert_error_shape(response, 409)["errors"]
        assert list(errors) == ["name"]
        assert str(first["id"]) in errors["name"][0]

    def test_duplicate_identifying_attributes_are_409_naming_them(self, auth: Auth) -> None:
        create(auth, SERVER)
        response = auth.post(
            "admin.infra",
            ITEMS,
            json={**SERVER, "name": "SRV-DC1-02", "attributes": {"serial_number": "sn-001"}},
        )
        assert list(assert_error_shape(response, 409)["errors"]) == ["attributes.serial_number"]

    def test_a_name_breaking_the_standard_is_422_in_both_languages(self, auth: Auth) -> None:
        response = auth.post("admin.infra", ITEMS, json={**SERVER, "name": "server satu"})
        [message] = assert_error_shape(response, 422)["errors"]["name"]
        assert "standar penamaan" in message
        assert "naming standard" in message
        assert "SRV-DC1-01" in message

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"attributes": {"serial_number": "S", "ram_gb": "delapan"}}, "attributes.ram_gb"),
            ({"attributes": {"serial_number": "S", "warna": "abu"}}, "attributes.warna"),
            ({"attributes": {"serial_number": "S", "cpu_cores": 0}}, "attributes.cpu_cores"),
            ({"type": "printer"}, "type"),
            ({"agency": "TIDAK-ADA"}, "agency"),
            ({"services": ["TIDAK-ADA"]}, "services"),
            ({"administrators": ["tidak.ada"]}, "administrators"),
            ({"status": "retired"}, "status"),
            ({"status": "hilang"}, "status"),
            ({"labels": ["x" * 61]}, "labels"),
            ({"name": "SRV-\x00"}, "name"),
            ({"retain_until": "besok"}, "retain_until"),
            ({"licences": [{"holder": "x", "seats": 1}]}, "licences"),
            ({"unknown": 1}, "unknown"),
        ],
    )
    def test_a_wrong_field_is_422_naming_it(
        self, auth: Auth, changes: dict[str, Any], field: str
    ) -> None:
        response = auth.post("admin.infra", ITEMS, json={**SERVER, **changes})
        errors = assert_error_shape(response, 422)["errors"]
        assert field in errors, errors

    @pytest.mark.parametrize("field", ["type", "name", "agency"])
    def test_a_missing_field_is_422_naming_it(self, auth: Auth, field: str) -> None:
        body = {key: value for key, value in SERVER.items() if key != field}
        assert field in assert_error_shape(auth.post("admin", ITEMS, json=body), 422)["errors"]


class TestRead:
    def test_an_item_with_its_relations_and_history(self, auth: Auth) -> None:
        server, vm = create(auth, SERVER), create(auth, VM)
        relation = relate(auth, vm["id"], "runs_on", server["id"])
        read = auth.get("penyedia", f"{ITEMS}/{server['id']}").json
        assert read["relations"] == [
            {
                **relation,
                "direction": "incoming",
                "item": {key: vm[key] for key in ("id", "type", "name", "agency", "status")},
            }
        ]
        assert [h["action"] for h in read["history"]] == ["created"]
        [added] = read["relation_history"]
        assert (added["action"], added["type"], added["by"]) == ("added", "runs_on", "admin.infra")

    def test_the_list_filters_and_pages(self, auth: Auth) -> None:
        create(auth, SERVER)
        create(auth, VM)
        create(auth, APP)
        everything = auth.get("penyedia", ITEMS).json
        assert [i["name"] for i in everything["items"]] == [
            "APP-SIMPEG",
            "SRV-DC1-01",
            "VM-SIMPEG-01",
        ]
        assert everything["total"] == 3
        for query, names in [
            ("type=server", ["SRV-DC1-01"]),
            ("agency=BKPSDM", ["APP-SIMPEG", "VM-SIMPEG-01"]),
            ("status=active&label=produksi", ["SRV-DC1-01"]),
            ("service=SIMPEG", ["APP-SIMPEG", "VM-SIMPEG-01"]),
            ("q=simpeg-0", ["VM-SIMPEG-01"]),
            ("status=retired", []),
        ]:
            page = auth.get("penyedia", f"{ITEMS}?{query}").json
            assert [i["name"] for i in page["items"]] == names, query
        second = auth.get("penyedia", f"{ITEMS}?page=2&per_page=2").json
        assert ([i["name"] for i in second["items"]], second["total"]) == (["VM-SIMPEG-01"], 3)

    @pytest.mark.parametrize(
        "query",
        ["page=0", f"page={2**31}", "per_page=201", "status=hilang", "q=a%00b", "q=" + "x" * 201],
    )
    def test_a_wrong_query_is_422_naming_it(self, auth: Auth, query: str) -> None:
        errors = assert_error_shape(auth.get("penyedia", f"{ITEMS}?{query}"), 422)["errors"]
        assert query.split("=")[0] in errors

    def test_the_types_are_listed_with_their_rules(self, auth: Auth) -> None:
        types = {
            t["code"]: t for t in auth.get("penyedia", "/api/v1/configuration-item-types").json
        }
        assert len(types) == 9
        server = types["server"]
        assert server["identifying_attributes"] == ["serial_number"]
        assert server["naming_example"] == "SRV-DC1-01"
        assert "ram_gb" in server["attribute_schema"]["properties"]
        assert types["licence"]["holds_licences"] is True


class TestChange:
    def test_patch_with_a_reason_changes_and_records_it(self, auth: Auth) -> None:
        server = create(auth, SERVER)
        response = patch(
            auth,
            "admin.infra",
            f"{ITEMS}/{server['id']}",
            {"status": "maintenance", "attributes": {"ram_gb": 16}, "reason": "Tambah RAM"},
        )
        assert response.status_code == 200, response.json
        assert response.json["status"] == "maintenance"
        assert response.json["attributes"] == {"serial_number": "SN-001", "ram_gb": 16}
        last = response.json["history"][-1]
        assert last["reason"] == "Tambah RAM"
        assert last["source"] is None
        assert last["changes"] == {
            "status": {"before": "active", "after": "maintenance"},
            "attributes.ram_gb": {"before": 8, "after": 16},
        }

    @pytest.mark.usefixtures("deployed")
    def test_patch_names_the_case_it_comes_from(self, auth: Auth, platform: Platform) -> None:
        server = create(auth, SERVER)
        change = complaint(platform)
        body = {"location": "Rak 3", "reason": "Pindah rak", "source_instance_id": change}
        response = patch(auth, "admin.infra", f"{ITEMS}/{server['id']}", body)
        assert response.json["history"][-1]["source"]["id"] == change

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"location": "x"}, "reason"),
            ({"location": "x", "reason": ""}, "reason"),
            ({"reason": "r", "attributes": {"ram_gb": -1}}, "attributes.ram_gb"),
            ({"reason": "r", "source_instance_id": 999999}, "source_instance_id"),
            ({"reason": "r", "source_instance_id": 2**40}, "source_instance_id"),
            ({"reason": "r", "type": "application"}, "type"),
        ],
    )
    def test_a_wrong_patch_is_422_naming_the_field(
        self, auth: Auth, body: dict[str, Any], field: str
    ) -> None:
        server = create(auth, SERVER)
        response = patch(auth, "admin.infra", f"{ITEMS}/{server['id']}", body)
        assert field in assert_error_shape(response, 422)["errors"]

    def test_retire_then_again_is_409(self, auth: Auth) -> None:
        server = create(auth, SERVER)
        url = f"{ITEMS}/{server['id']}/retire"
        retired = auth.post(
            "admin.infra", url, json={"reason": "Rusak", "retain_until": "2030-01-01"}
        )
        assert retired.status_code == 200, retired.json
        assert (retired.json["status"], retired.json["retain_until"]) == ("retired", "2030-01-01")
        assert retired.json["history"][-1]["action"] == "retired"
        again = auth.post("admin.infra", url, json={"reason": "Rusak"})
        assert "status" in assert_error_shape(again, 409)["errors"]
        assert "reason" in assert_error_shape(auth.post("admin", url, json={}), 422)["errors"]


class TestRelations:
    def test_add_duplicate_and_remove(self, auth: Auth) -> None:
        server, vm = create(auth, SERVER), create(auth, VM)
        url = f"{ITEMS}/{vm['id']}/relations"
        relation = relate(auth, vm["id"], "runs_on", server["id"])
        assert relation["direction"] == "outgoing"
        assert relation["item"]["id"] == server["id"]
        assert relation["created_by"] == "admin.infra"
        again = auth.post("admin.infra", url, json={"type": "runs_on", "target_id": server["id"]})
        assert "target_id" in assert_error_shape(again, 409)["errors"]
        gone = delete(auth, "admin.infra", f"{url}/{relation['id']}?reason=pindah")
        assert gone.status_code == 204
        assert auth.get("admin", f"{ITEMS}/{vm['id']}").json["relations"] == []
        history = auth.get("admin", f"{ITEMS}/{server['id']}").json["relation_history"]
        assert [(h["action"], h["reason"]) for h in history] == [
            ("added", ""),
            ("removed", "pindah"),
        ]
        assert_error_shape(delete(auth, "admin.infra", f"{url}/{relation['id']}"), 404)

    @pytest.mark.parametrize(
        ("body", "status", "field"),
        [
            ({"type": "runs_under", "target_id": "SERVER"}, 422, "type"),
            ({"type": "runs_on"}, 422, "target_id"),
            ({"type": "runs_on", "target_id": 424242}, 422, "target_id"),
            ({"type": "runs_on", "target_id": 2**31}, 422, "target_id"),
            ({"type": "runs_on", "target_id": 2**70}, 422, "target_id"),
            ({"type": "runs_on", "target_id": "1"}, 422, "target_id"),
            ({"type": "runs_on", "target_id": "SELF"}, 422, "target_id"),
            ({"type": "uses_licence", "target_id": "SERVER"}, 422, "target_id"),
        ],
    )
    def test_a_wrong_relation_names_its_field(
        self, auth: Auth, body: dict[str, Any], status: int, field: str
    ) -> None:
        server, vm = create(auth, SERVER), create(auth, VM)
        ids = {"SERVER": server["id"], "SELF": vm["id"]}
        body = {**body, "target_id": ids.get(body.get("target_id"), body.get("target_id"))}
        body = {key: value for key, value in body.items() if value is not None}
        response = auth.post("admin.infra", f"{ITEMS}/{vm['id']}/relations", json=body)
        assert field in assert_error_shape(response, status)["errors"]


class TestImpact:
    def test_items_services_and_cases_through_a_cycle(self, auth: Auth) -> None:
        server, vm, app = create(auth, SERVER), create(auth, VM), create(auth, APP)
        relate(auth, vm["id"], "runs_on", server["id"])
        relate(auth, app["id"], "runs_on", vm["id"])
        relate(auth, server["id"], "depends_on", app["id"])  # a cycle back to the server
        response = auth.get("penyedia", f"{ITEMS}/{server['id']}/impact")
        assert response.status_code == 200, response.json
        assert set(response.json) == {"items", "services", "cases"}
        assert [
            (i["name"], i["depth"], i["through_id"], i["relation"]) for i in response.json["items"]
        ] == [
            ("VM-SIMPEG-01", 1, server["id"], "runs_on"),
            ("APP-SIMPEG", 2, vm["id"], "runs_on"),
        ]
        assert [(s["code"], s["items"]) for s in response.json["services"]] == [
            ("SIMPEG", [vm["id"], app["id"]]),
            ("SRIKANDI", [server["id"]]),
        ]
        assert response.json["cases"] == []

    @pytest.mark.usefixtures("deployed")
    def test_open_complaints_about_an_impacted_service(
        self, auth: Auth, platform: Platform
    ) -> None:
        server = create(auth, SERVER)  # SRIKANDI runs on it
        about_srikandi = complaint(platform)
        [case] = auth.get("penyedia", f"{ITEMS}/{server['id']}/impact").json["cases"]
        assert case["id"] == about_srikandi
        assert case["process_model_id"] == "penanganan-aduan"
        assert (case["service"], case["services"], case["items"]) == ("SRIKANDI", ["SRIKANDI"], [])
        assert case["reference"].startswith("ADU-")


class TestAccess:
    @pytest.mark.parametrize(
        ("method", "url"),
        [
            ("get", f"{ITEMS}/424242"),
            ("get", f"{ITEMS}/424242/impact"),
            ("post", f"{ITEMS}/424242/retire"),
            ("post", f"{ITEMS}/424242/relations"),
            ("patch", f"{ITEMS}/424242"),
            ("delete", f"{ITEMS}/424242/relations/1"),
            ("get", f"{ITEMS}/{2**31}"),
            ("get", f"{ITEMS}/{2**63}/impact"),
            ("post", f"{ITEMS}/{'9' * 5000}/retire"),
            ("delete", f"{ITEMS}/1/relations/{2**64}"),
        ],
    )
    def test_unknown_and_huge_ids_are_404(self, auth: Auth, method: str, url: str) -> None:
        body = {
            "post": {"reason": "r", "type": "runs_on", "target_id": 1},
            "patch": {"reason": "r"},
        }
        if url.endswith("/retire"):
            body["post"] = {"reason": "r"}
        call = getattr(auth.client, method)
        kwargs = {"json": body[method]} if method in body else {}
        assert_error_shape(call(url, headers=auth.headers("admin"), **kwargs), 404)

    def test_requesters_may_not_read_the_cmdb(self, auth: Auth) -> None:
        server = create(auth, SERVER)
        for url in (ITEMS, f"{ITEMS}/{server['id']}", f"{ITEMS}/{server['id']}/impact"):
            assert_error_shape(auth.get("pengguna", url), 403)
        assert_error_shape(auth.get("pengguna", "/api/v1/configuration-item-types"), 403)

    @pytest.mark.parametrize("username", ["penyedia", "admin.layanan", "pimpinan", "analis"])
    def test_only_keepers_change_it(self, auth: Auth, username: str) -> None:
        server = create(auth, SERVER)
        assert_error_shape(auth.post(username, ITEMS, json={**SERVER, "name": "SRV-2"}), 403)
        response = patch(auth, username, f"{ITEMS}/{server['id']}", {"reason": "r"})
        assert_error_shape(response, 403)
        response = auth.post(username, f"{ITEMS}/{server['id']}/retire", json={"reason": "r"})
        assert_error_shape(response, 403)

    def test_a_keeper_of_one_service_keeps_its_items_only(self, auth: Auth) -> None:
        body = {"type": "server", "name": "SRV-SIPKD", "agency": "BPKAD"}
        assert_error_shape(auth.post("teknis.sipkd", ITEMS, json=body), 403)
        create(auth, {**body, "services": ["SIPKD"]}, username="teknis.sipkd")

    def test_without_a_token_is_401(self, client: Any) -> None:
        assert_error_shape(client.get(ITEMS), 401)

    def test_types_are_changed_by_admin_sistem_only(self, auth: Auth) -> None:
        url = "/api/v1/configuration-item-types/printer"
        body = {
            "name": "Printer",
            "attribute_schema": {"type": "object", "properties": {"sn": {"type": "string"}}},
            "identifying_attributes": ["sn"],
            "naming_pattern": "^PRN-[0-9]+$",
            "naming_example": "PRN-1",
        }
        assert_error_shape(
            auth.client.put(url, headers=auth.headers("admin.infra"), json=body), 403
        )
        saved = auth.client.put(url, headers=auth.headers("admin"), json=body)
        assert saved.status_code == 200, saved.json
        assert saved.json["code"] == "printer"
        bad = auth.client.put(
            url, headers=auth.headers("admin"), json={**body, "naming_pattern": "(["}
        )
        assert "naming_pattern" in assert_error_shape(bad, 422)["errors"]
        refused = auth.post(
            "admin", ITEMS, json={"type": "printer", "name": "P1", "agency": "BPKAD"}
        )
        assert "name" in assert_error_shape(refused, 422)["errors"]

    def test_the_openapi_document_describes_every_operation(self, client: Any) -> None:
        paths = client.get("/api/v1/openapi.json").json["paths"]
        assert set(paths["/api/v1/configuration-items"]) >= {"get", "post"}
        assert set(paths["/api/v1/configuration-items/{item_id}"]) >= {"get", "patch"}
        for tail in ("retire", "relations", "impact"):
            assert f"/api/v1/configuration-items/{{item_id}}/{tail}" in paths
        assert "/api/v1/configuration-items/{item_id}/relations/{relation_id}" in paths
        assert set(paths["/api/v1/configuration-item-types/{code}"]) >= {"put"}
