"""The analyst's modeler in Chromium: edit a diagram, see the server's errors on the
elements, fix them, deploy version 2; new instances take it, running ones keep version 1."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth
from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("deployed")

Shot = Callable[[Page, str], Path]


def start_request(auth: Auth) -> dict[str, Any]:
    """A service request filed by `pengguna` through the API."""
    response = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": SAMPLE_REQUEST},
    )
    assert response.status_code == 201, response.json
    return response.json


def open_editor(page: Page, model_id: str) -> None:
    page.goto(f"/model/{model_id}/ubah")
    expect(page.locator("body[data-modeler-ready=true]")).to_have_count(1)


def run(page: Page, script: str, *args: Any) -> Any:
    """Run `script` as the body of a function of `m` (the modeler) and `args`."""
    return page.evaluate(f"(args) => {{ const m = window.spbeModeler; {script} }}", list(args))


def select(page: Page, element_id: str) -> None:
    run(page, "m.get('selection').select(m.get('elementRegistry').get(args[0]));", element_id)


def rename(page: Page, element_id: str, name: str) -> None:
    run(
        page,
        "const element = m.get('elementRegistry').get(args[0]);"
        "m.get('modeling').updateProperties(element, {name: args[1]});",
        element_id,
        name,
    )


def set_condition(page: Page, flow_id: str, code: str) -> None:
    run(
        page,
        """const flow = m.get('elementRegistry').get(args[0]);
        const body = m.get('moddle').create('bpmn:FormalExpression', {body: args[1]});
        m.get('modeling').updateProperties(flow, {conditionExpression: body});""",
        flow_id,
        code,
    )


def test_analyst_saves_with_errors_on_the_elements_fixes_and_deploys_version_2(
    page: Page, shot: Shot, auth: Auth
):
    old = start_request(auth)
    assert old["version"] == 1

    sign_in(page, "analis")
    page.goto("/model")
    permintaan = page.locator("section", has=page.get_by_role("heading", name="Permintaan Layanan"))
    expect(permintaan.locator("tbody tr").first).to_contain_text("1")
    expect(permintaan).to_contain_text("1 instans berjalan")
    shot(page, "model-daftar")

    open_editor(page, "permintaan-layanan")
    # A forbidden call in a gateway condition, and a lane renamed to a role nobody has.
    set_condition(page, "f_gangguan_ya", 'open("/etc/passwd")')
    rename(page, "lane_pj_penyedia_layanan", "Kepala Seksi")
    # A real change made through the side panel: the task's new name.
    select(page, "klasifikasi_prioritas")
    page.get_by_label("Nama", exact=True).fill("Klasifikasi, Prioritas dan Penugasan")
    page.get_by_label("Nama", exact=True).press("Tab")
    expect(page.locator("#modeler-status")).to_have_text("Ada perubahan yang belum disimpan.")
    expect(page.locator("#modeler-deploy button")).to_be_disabled()

    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    errors = page.locator("#modeler-errors")
    expect(errors).to_be_visible()
    flow_error = errors.locator("button[data-element-id=f_gangguan_ya]")
    lane_error = errors.locator("button[data-element-id=lane_pj_penyedia_layanan]")
    expect(flow_error).to_contain_text("open")
    expect(lane_error).to_contain_text("Kepala Seksi")
    for element_id in ("f_gangguan_ya", "lane_pj_penyedia_layanan"):
        marked = page.locator(f'.djs-element[data-element-id="{element_id}"]')
        expect(marked).to_have_class(re.compile(r"\bspbe-error\b"))
    expect(page.locator(".spbe-error-badge")).to_have_count(2)
    expect(page.locator("#modeler-status")).to_contain_text("perbaiki kesalahan")
    shot(page, "model-editor-kesalahan")

    # Choosing an error selects its element; the lane gets a known role from the panel.
    lane_error.click()
    assert run(page, "return m.get('selection').get().map(e => e.id);") == [
        "lane_pj_penyedia_layanan"
    ]
    page.get_by_label("Peran (nama lajur)").select_option("Penanggung Jawab Penyedia Layanan")
    set_condition(page, "f_gangguan_ya", "gangguan == True")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page.locator("#modeler-status")).to_contain_text("Tersimpan sebagai draf #1")
    expect(errors).to_be_hidden()
    expect(page.locator(".spbe-error-badge")).to_have_count(0)

    page.get_by_role("button", name="Deploy draf #1").click()
    expect(page.locator(".flash-success")).to_contain_text("versi 2")
    expect(page.locator("#versi ~ .table-wrap tbody tr").first).to_contain_text("2")
    shot(page, "model-detail-versi-2")

    new = start_request(auth)
    assert new["version"] == 2
    assert auth.get("pengguna", f"/api/v1/process-instances/{old['id']}").json["version"] == 1
    titles = {
        task["process_instance_id"]: task["title"]
        for task in auth.get("admin.layanan", "/api/v1/tasks").json["items"]
    }
    assert titles[new["id"]] == "Klasifikasi, Prioritas dan Penugasan"
    assert titles[old["id"]] == "Klasifikasi dan Prioritasi Permintaan"

    page.reload()
    instances = page.locator("#instans").locator("..")
    expect(instances.get_by_role("heading", name="Versi 2")).to_be_visible()
    expect(instances.get_by_role("heading", name="Versi 1")).to_be_visible()


def test_new_diagram_from_the_template_gets_a_form_and_deploys_as_version_1(
    page: Page, shot: Shot, auth: Auth
):
    sign_in(page, "analis")
    page.goto("/model")
    page.get_by_role("link", name="Diagram baru").click()
    page.get_by_label("Id model").fill("pengelolaan-aset")
    page.get_by_label("Nama prosedur").fill("Pengelolaan Aset TIK")
    page.get_by_label("Administrator Layanan", exact=True).check()
    page.get_by_role("button", name="Buat dan buka di editor").click()
    expect(page.locator("body[data-modeler-ready=true]")).to_have_count(1)
    expect(page.locator(".flash-success")).to_contain_text("draf #1")

    select(page, "lane_administrator_layanan")
    expect(page.get_by_label("Peran (nama lajur)")).to_have_value("Administrator Layanan")
    select(page, "tugas_pertama")
    page.get_by_label("Formulir (JSON Schema)").select_option(
        "permintaan-layanan-pemenuhan.schema.json"
    )
    expect(page.get_by_label("UI schema")).to_have_value(
        "permintaan-layanan-pemenuhan.uischema.json"
    )
    page.get_by_label("Dokumentasi (dasar peraturan)").fill("Perbup Bangka 21/2025, 2.1.2")
    page.get_by_label("Dokumentasi (dasar peraturan)").press("Tab")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page.locator("#modeler-status")).to_contain_text("Tersimpan sebagai draf #2")
    shot(page, "model-editor-diagram-baru")
    page.get_by_role("button", name="Deploy draf #2").click()
    expect(page.locator(".flash-success")).to_contain_text("versi 1")

    model = auth.get("analis", "/api/v1/process-models/pengelolaan-aset").json
    assert (model["name"], model["version"]) == ("Pengelolaan Aset TIK", 1)
    bpmn = auth.get("analis", "/api/v1/process-models/pengelolaan-aset/bpmn").get_data(as_text=True)
    assert 'value="permintaan-layanan-pemenuhan.schema.json"' in bpmn
    assert "Perbup Bangka 21/2025, 2.1.2" in bpmn


def test_model_list_on_a_phone(phone: Page, shot: Shot):
    sign_in(phone, "analis")
    phone.goto("/model/permintaan-layanan")
    expect(phone.get_by_role("heading", name="Versi", exact=True)).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone, "model-detail-ponsel")
