"""The analyst's modeler in Chromium: edit a diagram, see the server's errors on the
elements, fix them, deploy version 2; new instances take it, running ones keep version 1."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Page, expect

from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth
from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("deployed")

Shot = Callable[[Page, str], Path]
DATA = Path(__file__).resolve().parent / "data"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


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

    page.get_by_role("button", name="Simpan draf").click()
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
    page.get_by_role("button", name="Simpan draf").click()
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
    page.get_by_role("button", name="Simpan draf").click()
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


def condition_of(page: Page, flow_id: str) -> str:
    return run(
        page,
        "const e = m.get('elementRegistry').get(args[0]).businessObject.conditionExpression;"
        "return e ? e.body : '';",
        flow_id,
    )


def newest_bpmn(auth: Auth) -> etree._Element:
    """The newest deployed version's diagram, read back through the API."""
    response = auth.get("analis", "/api/v1/process-models/permintaan-layanan/bpmn")
    return etree.fromstring(response.get_data())


def test_analyst_edits_a_condition_and_a_timer_imports_exports_and_discards(
    page: Page, shot: Shot, auth: Auth
):
    sign_in(page, "analis")
    open_editor(page, "permintaan-layanan")
    status = page.locator("#modeler-status")

    # A gateway condition, its syntax checked as it is typed.
    select(page, "f_gangguan_ya")
    condition = page.get_by_label("Kondisi (ekspresi Python)")
    expect(condition).to_have_value("gangguan == True")
    condition.fill("gangguan == True and")
    expect(page.locator("#el-condition-check")).to_contain_text("Baris 1")
    expect(page.locator("#el-condition-check")).to_contain_text("syntax error")
    expect(condition).to_have_attribute("aria-invalid", "true")
    condition.fill('gangguan == True and prioritas != "Rendah"')
    expect(page.locator("#el-condition-check")).to_have_text("Sintaks benar.")
    condition.press("Tab")
    expect(status).to_have_text("Ada perubahan yang belum disimpan.")

    # The closing timer: from a due date computed from data to a fixed duration.
    select(page, "tutup_otomatis_permintaan")
    expect(page.get_by_label("Jenis pewaktu")).to_have_value("timeDate")
    expect(page.get_by_label("Sumber nilai")).to_have_value("data")
    timer = page.get_by_label("Nilai pewaktu")
    expect(timer).to_have_value('akhir_hari_kerja(pengaturan["batas_konfirmasi_hari_kerja"])')
    page.get_by_label("Jenis pewaktu").select_option("timeDuration")
    page.get_by_label("Sumber nilai").select_option("fixed")
    timer.fill("5 hari")
    expect(page.locator("#el-timer-check")).to_contain_text("ISO 8601")
    timer.fill("P5D")
    expect(page.locator("#el-timer-check")).to_have_text("Sintaks benar.")
    timer.press("Tab")
    shot(page, "model-editor-kondisi-pewaktu")
    page.get_by_role("button", name="Simpan draf").click()
    expect(status).to_contain_text("Tersimpan sebagai draf #1")
    page.get_by_role("button", name="Deploy draf #1").click()
    expect(page.locator(".flash-success")).to_contain_text("versi 2")

    root = newest_bpmn(auth)
    ns = {"bpmn": BPMN}
    flow = root.xpath(
        "//bpmn:sequenceFlow[@id='f_gangguan_ya']/bpmn:conditionExpression", namespaces=ns
    )
    assert [e.text for e in flow] == ['gangguan == True and prioritas != "Rendah"']
    definition = root.xpath(
        "//bpmn:boundaryEvent[@id='tutup_otomatis_permintaan']/bpmn:timerEventDefinition/*",
        namespaces=ns,
    )
    assert [(etree.QName(e).localname, e.text) for e in definition] == [("timeDuration", '"P5D"')]
    version_2 = etree.tostring(root, encoding="unicode")

    # Import: a malformed file changes nothing; a good one is saved as draft #2.
    open_editor(page, "permintaan-layanan")
    importer = page.get_by_label("Impor berkas .bpmn")
    importer.set_input_files(
        files=[{"name": "rusak.bpmn", "mimeType": "application/xml", "buffer": b"<a>\n<b>"}]
    )
    expect(status).to_contain_text("rusak.bpmn tidak diimpor")
    expect(status).to_contain_text("baris 2")
    assert condition_of(page, "f_gangguan_ya") == 'gangguan == True and prioritas != "Rendah"'
    drawn = version_2.replace(
        'name="Klasifikasi dan Prioritasi Permintaan"', 'name="Klasifikasi (diimpor)"'
    )
    assert drawn != version_2
    importer.set_input_files(
        files=[{"name": "baru.bpmn", "mimeType": "application/xml", "buffer": drawn.encode()}]
    )
    expect(status).to_contain_text("Tersimpan sebagai draf #2")
    assert "gangguan == True and" in condition_of(page, "f_gangguan_ya")

    # Export: the saved draft as a file, and any version.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ekspor draf #2 (.bpmn)").click()
    assert download.value.suggested_filename == "permintaan-layanan-draf-2.bpmn"
    exported = etree.fromstring(Path(download.value.path()).read_bytes())
    names = exported.xpath("//bpmn:userTask[@id='klasifikasi_prioritas']/@name", namespaces=ns)
    assert names == ["Klasifikasi (diimpor)"]
    version_1 = page.request.get("/model/permintaan-layanan/ekspor?versi=1").text()
    assert version_1 == auth.get(
        "analis", "/api/v1/process-models/permintaan-layanan/bpmn?version=1"
    ).get_data(as_text=True)

    # Discard draft #2 after confirming: the editor opens version 2 again.
    page.get_by_role("link", name="Buang draf #2").click()
    expect(page.get_by_role("heading", name="Buang draf #2?")).to_be_visible()
    shot(page, "model-buang-draf")
    page.get_by_role("button", name="Ya, buang draf #2").click()
    expect(page.locator(".flash-success")).to_contain_text("Draf #2 dibuang")
    open_editor(page, "permintaan-layanan")
    expect(page.get_by_text("Membuka versi 2")).to_be_visible()
    select(page, "klasifikasi_prioritas")
    expect(page.get_by_label("Nama", exact=True)).not_to_have_value("Klasifikasi (diimpor)")
    assert (
        newest_bpmn(auth).xpath("//bpmn:userTask[@name='Klasifikasi (diimpor)']", namespaces=ns)
        == []
    )
    assert auth.get("analis", "/api/v1/process-models/permintaan-layanan").json["version"] == 2


def test_side_panel_edits_scripts_multi_instance_messages_and_the_called_process(
    page: Page, auth: Auth
):
    content = (DATA / "uji-panel.bpmn").read_bytes()
    deployed = auth.post(
        "analis",
        "/api/v1/process-models",
        data={"file": [(io.BytesIO(content), "uji-panel.bpmn")]},
        content_type="multipart/form-data",
    )
    assert deployed.status_code == 201, deployed.json
    sign_in(page, "analis")
    open_editor(page, "uji-panel")

    def type_in(label: str, text: str) -> None:
        page.get_by_label(label, exact=True).fill(text)
        page.get_by_label(label, exact=True).press("Tab")

    select(page, "hitung")
    script = page.get_by_label("Skrip (Python)")
    expect(script).to_have_value("jumlah = 2")
    script.fill("jumlah = 3\nlabel = (")
    expect(page.locator("#el-script-check")).to_contain_text("Baris 2")
    type_in("Skrip (Python)", "jumlah = 3")

    select(page, "periksa")
    type_in("Skrip sebelum (preScript)", "mulai_periksa = True")
    type_in("Skrip sesudah (postScript)", "selesai_periksa = True")
    # The diagram's loop runs over `daftar`, a data name bpmn-js alone would drop.
    expect(page.get_by_label("Jalankan berulang")).to_have_value("sequential")
    expect(page.get_by_label("Koleksi masukan (nama data)")).to_have_value("daftar")
    expect(page.get_by_label("Nama butir masukan")).to_have_value("ke")
    page.get_by_label("Jalankan berulang").select_option("parallel")
    type_in("Koleksi keluaran (nama data)", "hasil")
    type_in("Nama butir keluaran", "hasil_ke")

    select(page, "kirim")
    type_in("Nama pesan", "uji-balasan")
    type_in("Muatan yang dikirim (ekspresi)", '{"jumlah": jumlah}')
    type_in("Korelasi dari muatan pesan", "nomor = jumlah")
    expect(page.get_by_label("Simpan muatan ke data")).to_be_hidden()

    select(page, "tunggu")
    type_in("Nama pesan", "uji-balasan")
    type_in("Simpan muatan ke data", "balasan")
    type_in("Korelasi dari data proses", "nomor = jumlah")
    page.get_by_label("Korelasi dari muatan pesan").fill("tanpa tanda sama dengan")
    page.get_by_label("Korelasi dari muatan pesan").press("Tab")
    expect(page.locator("#el-message-check")).to_contain_text("nama = ekspresi")

    select(page, "panggil")
    called = page.get_by_label("Proses yang dipanggil")
    expect(called).to_have_value("sub_uji")
    expect(called.locator("option[value=permintaan_layanan]")).to_have_text(
        "Permintaan Layanan (permintaan-layanan)"
    )
    called.select_option("permintaan_layanan")
    assert run(
        page, "return m.get('elementRegistry').get('panggil').businessObject.calledElement;"
    ) == ("permintaan_layanan")
    called.select_option("sub_uji")

    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator("#modeler-status")).to_contain_text("Tersimpan sebagai draf #1")
    saved = etree.fromstring(page.request.get("/model/uji-panel/ekspor?draf=1").body())
    ns = {"bpmn": BPMN, "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}

    def texts(path: str) -> list[str]:
        return [
            node if isinstance(node, str) else node.text
            for node in saved.xpath(path, namespaces=ns)
        ]

    assert texts("//bpmn:scriptTask[@id='hitung']/bpmn:script") == ["jumlah = 3"]
    assert texts("//*[@id='periksa']//spiffworkflow:preScript") == ["mulai_periksa = True"]
    assert texts("//*[@id='periksa']//spiffworkflow:postScript") == ["selesai_periksa = True"]
    loop = "//*[@id='periksa']/bpmn:multiInstanceLoopCharacteristics"
    assert texts(f"{loop}/@isSequential") in ([], ["false"])
    assert texts(f"{loop}/bpmn:loopCardinality") == []
    assert texts(f"{loop}/bpmn:loopDataInputRef") == ["daftar"]
    assert texts(f"{loop}/bpmn:inputDataItem/@id") == ["ke"]
    assert texts(f"{loop}/bpmn:loopDataOutputRef") == ["hasil"]
    assert texts(f"{loop}/bpmn:outputDataItem/@id") == ["hasil_ke"]
    message = texts("//bpmn:message[@name='uji-balasan']/@id")
    assert len(message) == 1
    assert texts("//bpmn:sendTask[@id='kirim']/@messageRef") == message
    assert texts("//*[@id='kirim']//spiffworkflow:messagePayload") == ['{"jumlah": jumlah}']
    assert texts("//*[@id='tunggu']/bpmn:messageEventDefinition/@messageRef") == message
    assert texts("//*[@id='tunggu']//spiffworkflow:messageVariable") == ["balasan"]
    assert texts("//*[@id='tunggu']//spiffworkflow:propertyId") == ["nomor"]
    assert texts(
        "//*[@id='tunggu']//spiffworkflow:processVariableCorrelation/spiffworkflow:expression"
    ) == ["jumlah"]
    retrieval = (
        "//bpmn:correlationProperty[@id='nomor']/bpmn:correlationPropertyRetrievalExpression"
    )
    assert texts(f"{retrieval}/@messageRef") == message
    # bpmn-js writes the retrieval expression as formalExpression; SpiffWorkflow reads it so.
    assert texts(f"{retrieval}/bpmn:formalExpression") == ["jumlah"]
    assert texts("//bpmn:callActivity[@id='panggil']/@calledElement") == ["sub_uji"]
