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
    expect(page.get_by_role("status")).to_have_text("Ada perubahan yang belum disimpan.")
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
    expect(page.get_by_role("status")).to_contain_text("perbaiki kesalahan")
    shot(page, "model-editor-kesalahan")

    # Choosing an error selects its element; the lane gets a known role from the panel.
    lane_error.click()
    assert run(page, "return m.get('selection').get().map(e => e.id);") == [
        "lane_pj_penyedia_layanan"
    ]
    page.get_by_label("Peran (nama lajur)").select_option("Penanggung Jawab Penyedia Layanan")
    set_condition(page, "f_gangguan_ya", "gangguan == True")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page.get_by_role("status")).to_contain_text("Tersimpan sebagai draf #1")
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
