"""Models of several files (issue 16, item 3): the deploy refuses a bundle with an
unresolved called element (by its id), no entry, two entries or a broken DMN; a good
bundle runs a call activity across its files and one to another deployed model, pinned
at the instance's start; a collaboration runs both its executable pools and the message
between them. Each run is driven through the API by the users its lanes name and ends
with the data SpiffWorkflow alone gives the same diagrams."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.services.context import Platform
from tests.conftest import Auth
from tests.test_cli import spbe

pytestmark = pytest.mark.usefixtures("demo")

BUNDLES = Path(__file__).resolve().parents[1] / "engine" / "data" / "bundles"
FORMS = ("catatan.schema.json", "tindakan.schema.json", "arsip.schema.json")
ADMIN = "admin.layanan"  # Administrator Layanan, everywhere
SUPERVISOR = "pj.layanan"  # Penanggung Jawab Penyedia Layanan, everywhere
STARTER = "analis"
ANSWERS = {
    "terima_berkas": {"catatan": "berkas lengkap"},
    "tulis_pesanan": {"catatan": "sepuluh map"},
    "periksa_berkas": {"tindakan": "cocokkan nik"},
    "penuhi_pesanan": {"tindakan": "kirim besok"},
    "arsipkan": {"nomor_arsip": "ARS-001"},
}


def files_of(*names: str, **changed: bytes) -> dict[str, bytes]:
    """The named test files with the forms; `changed` replaces a file's content."""
    found = {name: (BUNDLES / name).read_bytes() for name in (*names, *FORMS)}
    return found | {name.replace("__", "."): content for name, content in changed.items()}


def upload(
    auth: Auth, files: dict[str, bytes], field: str = "files", model_id: str | None = None
) -> Any:
    data: dict[str, Any] = {field: [(io.BytesIO(c), name) for name, c in files.items()]}
    if model_id:
        data["model_id"] = model_id
    return auth.post(
        "analis", "/api/v1/process-models", data=data, content_type="multipart/form-data"
    )


def deployed(auth: Auth, files: dict[str, bytes], **kwargs: Any) -> str:
    response = upload(auth, files, **kwargs)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def refused(auth: Auth, files: dict[str, bytes], **kwargs: Any) -> list[dict[str, Any]]:
    response = upload(auth, files, **kwargs)
    assert response.status_code == 422, response.json
    return list(response.json["errors"])


def start(auth: Auth, model_id: str) -> int:
    response = auth.post(
        STARTER,
        "/api/v1/process-instances",
        json={"process_model_id": model_id, "data": {"judul": "Uji bundel"}},
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def work(auth: Auth, instance_id: int, username: str, expected: str) -> dict[str, Any]:
    """`username` finds exactly the task `expected` of the instance in their inbox, with
    its form, and completes it; returns the task as read before completing it."""
    items = auth.get(username, "/api/v1/tasks?per_page=100").json["items"]
    found = [item for item in items if item["process_instance_id"] == instance_id]
    assert [item["name"] for item in found] == [expected]
    task = auth.get(username, f"/api/v1/tasks/{found[0]['id']}").json
    reply = ANSWERS[expected]
    assert set(task["form"]["schema"]["properties"]) == set(reply)
    done = auth.post(username, f"/api/v1/tasks/{task['id']}/complete", json={"data": reply})
    assert done.status_code == 200, done.json
    return dict(task)


def instance(auth: Auth, instance_id: int) -> dict[str, Any]:
    return dict(auth.get(STARTER, f"/api/v1/process-instances/{instance_id}").json)


def spiff_alone(
    files: dict[str, bytes], build: Callable[[SpiffBpmnParser], tuple[Any, Any]], initial: Any
) -> dict[str, Any]:
    """The end data of the same diagrams run by SpiffWorkflow's own parser and default
    script engine, every ready task answered as the people above answer it."""
    parser = SpiffBpmnParser()
    for name, content in files.items():
        if name.endswith(".bpmn"):
            parser.add_bpmn_str(content, filename=name)
    workflow = BpmnWorkflow(*build(parser))
    workflow.task_tree.data.update(initial)
    workflow.do_engine_steps()
    while ready := workflow.get_tasks(state=TaskState.READY, manual=True):
        for task in ready:
            task.data.update(ANSWERS[task.task_spec.bpmn_id])
            task.run()
        workflow.do_engine_steps()
    assert workflow.is_completed()
    return dict(workflow.data)


def initial_of(body: dict[str, Any]) -> dict[str, Any]:
    """What the app added to the start (docs/bpmn-conventions.md, "Data the runtime
    provides"), given to SpiffWorkflow's run as well."""
    data = body["data"]
    return {
        "judul": "Uji bundel",
        "pemohon": data["pemohon"],
        "waktu_permintaan": data["waktu_permintaan"],
    }


def arsip_v2() -> bytes:
    return (
        (BUNDLES / "arsip-pusat.bpmn").read_bytes().replace(b"versi_arsip = 1", b"versi_arsip = 2")
    )


class TestRefusals:
    def test_an_unresolved_called_element_is_refused_by_its_id(self, auth: Auth) -> None:
        errors = refused(auth, files_of("permohonan.bpmn", "verifikasi.bpmn"))
        assert [(e["file"], e["element_id"]) for e in errors] == [
            ("permohonan.bpmn", "panggil_arsip")
        ]
        assert "'arsip_pusat'" in errors[0]["message"]
        assert errors[0]["line"] is not None
        assert auth.get("analis", "/api/v1/process-models/permohonan").status_code == 404

    def test_a_bundle_without_an_entry_process_is_refused(self, auth: Auth) -> None:
        helper = (BUNDLES / "verifikasi.bpmn").read_bytes()
        errors = refused(
            auth,
            {"verifikasi.bpmn": helper.replace(b'isExecutable="true"', b'isExecutable="false"')},
            model_id="tanpa-awal",
        )
        assert len(errors) == 1
        assert "no entry process" in errors[0]["message"]

    def test_two_uncalled_processes_are_an_ambiguous_entry(self, auth: Auth) -> None:
        errors = refused(auth, files_of("verifikasi.bpmn", "arsip-pusat.bpmn"), model_id="dua")
        assert sorted(e["element_id"] for e in errors) == ["arsip_pusat", "verifikasi"]
        assert all("ambiguous entry" in e["message"] for e in errors)

    def test_two_processes_marked_as_the_entry_are_refused(self, auth: Auth) -> None:
        mark = (
            b'isExecutable="true">\n    <bpmn:extensionElements><spiffworkflow:properties>'
            b'<spiffworkflow:property name="entryProcess" value="true" />'
            b"</spiffworkflow:properties></bpmn:extensionElements>"
        )
        files = {
            name: (BUNDLES / name).read_bytes().replace(b'isExecutable="true">', mark, 1)
            for name in ("verifikasi.bpmn", "arsip-pusat.bpmn")
        }
        errors = refused(auth, files | files_of(), model_id="dua")
        assert sorted((e["file"], e["element_id"]) for e in errors) == [
            ("arsip-pusat.bpmn", "arsip_pusat"),
            ("verifikasi.bpmn", "verifikasi"),
        ]
        assert all("entryProcess" in e["message"] for e in errors)

    def test_every_file_of_the_bundle_is_checked(self, auth: Auth) -> None:
        deployed(auth, files_of("arsip-pusat.bpmn"), field="file")
        helper = (BUNDLES / "verifikasi.bpmn").read_bytes()
        forbidden = helper.replace(b"tindakan.upper()", b'__import__("os")')
        errors = refused(
            auth, files_of("permohonan.bpmn", verifikasi__bpmn=forbidden), model_id="permohonan"
        )
        assert {(e["file"], e["element_id"]) for e in errors} == {
            ("verifikasi.bpmn", "tandai_terverifikasi")
        }

    def test_a_broken_decision_table_is_refused_by_file_and_decision(self, auth: Auth) -> None:
        deployed(auth, files_of("arsip-pusat.bpmn"), field="file")
        errors = refused(auth, files_of("permohonan.bpmn", "verifikasi.bpmn", "rusak.dmn"))
        assert [(e["file"], e["element_id"]) for e in errors] == [
            ("rusak.dmn", "tentukan_prioritas")
        ]
        assert "cannot parse DMN" in errors[0]["message"]


def test_calls_across_files_and_to_another_model_run_the_versions_of_the_start(
    auth: Auth,
) -> None:
    # the called model first, with the single-file request as before
    assert deployed(auth, files_of("arsip-pusat.bpmn"), field="file") == "arsip-pusat"
    # several BPMN files and no model id: the entry's file names the model
    bundle = files_of("permohonan.bpmn", "verifikasi.bpmn")
    assert deployed(auth, bundle) == "permohonan"
    # the diagram shown for the model is the entry's file
    shown = auth.get(STARTER, "/api/v1/process-models/permohonan/bpmn")
    assert shown.data == bundle["permohonan.bpmn"]
    read = auth.get(STARTER, "/api/v1/process-models/permohonan").json
    assert read["files"] == sorted(bundle)
    other = auth.get(STARTER, "/api/v1/process-models/permohonan/bpmn?file=verifikasi.bpmn")
    assert other.data == bundle["verifikasi.bpmn"]
    missing = auth.get(STARTER, "/api/v1/process-models/permohonan/bpmn?file=catatan.schema.json")
    assert missing.status_code == 404
    pinned = start(auth, "permohonan")
    # a newer version of the called model while the first instance runs
    newer = upload(auth, {"arsip-pusat.bpmn": arsip_v2(), **files_of()}, field="file")
    assert newer.json["version"] == 2
    later = start(auth, "permohonan")

    for instance_id in (pinned, later):
        work(auth, instance_id, ADMIN, "terima_berkas")
        # the called process in the other file draws no lane: the call activity's
        task = work(auth, instance_id, ADMIN, "periksa_berkas")
        assert task["data"]["catatan"] == "berkas lengkap"
        # the other model's process routes by its own lane
        work(auth, instance_id, SUPERVISOR, "arsipkan")

    first, second = instance(auth, pinned), instance(auth, later)
    assert (first["status"], second["status"]) == ("complete", "complete")
    assert first["data"]["versi_arsip"] == 1
    assert second["data"]["versi_arsip"] == 2
    assert first["data"]["terverifikasi"] == "COCOKKAN NIK"
    alone = spiff_alone(
        {**bundle, "arsip-pusat.bpmn": (BUNDLES / "arsip-pusat.bpmn").read_bytes()},
        lambda p: (p.get_spec("permohonan"), p.get_subprocess_specs("permohonan")),
        initial_of(first),
    )
    assert first["data"] == alone


def test_a_collaboration_runs_both_pools_and_the_message_between_them(auth: Auth) -> None:
    files = files_of("pesanan.bpmn")
    assert deployed(auth, files, field="file") == "pesanan"
    instance_id = start(auth, "pesanan")
    # the supplier's pool waits for the message; only the ordering pool has a task
    items = auth.get(SUPERVISOR, "/api/v1/tasks?per_page=100").json["items"]
    assert [i for i in items if i["process_instance_id"] == instance_id] == []
    work(auth, instance_id, ADMIN, "tulis_pesanan")
    task = work(auth, instance_id, SUPERVISOR, "penuhi_pesanan")
    assert task["data"]["pesanan"] == {"isi": "sepuluh map"}
    body = instance(auth, instance_id)
    assert body["status"] == "complete"
    alone = spiff_alone(files, lambda p: p.get_collaboration("pesanan"), initial_of(body))
    assert body["data"] == alone


def test_spbe_deploy_takes_a_folder_per_model(platform: Platform, tmp_path: Path) -> None:
    for name in ("arsip-pusat.bpmn", *FORMS):
        shutil.copy(BUNDLES / name, tmp_path / name)
    folder = tmp_path / "permohonan"
    folder.mkdir()
    for name in ("permohonan.bpmn", "verifikasi.bpmn", "catatan.schema.json"):
        shutil.copy(BUNDLES / name, folder / name)
    # a form the folder lacks comes from --forms
    result = spbe(platform, "deploy", str(tmp_path), "--forms", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "deployed: arsip-pusat v1" in result.output
    assert "deployed: permohonan v1" in result.output
    again = spbe(platform, "deploy", "--bundle", str(folder), "--forms", str(tmp_path))
    assert again.exit_code == 0, again.output
    assert "unchanged: permohonan v1" in again.output


def test_a_message_reaches_a_called_model_waiting_for_it(auth: Auth) -> None:
    for name in ("tunggu-jawaban.bpmn", "minta-jawaban.bpmn"):
        deployed(auth, {name: (BUNDLES / name).read_bytes()}, field="file")
    instance_id = start(auth, "minta-jawaban")
    body = instance(auth, instance_id)
    assert body["status"] == "waiting"
    assert [(w["kind"], w["name"]) for w in body["waiting_for"]] == [("message", "jawaban_masuk")]
    answer = auth.post(
        SUPERVISOR, "/api/v1/messages", json={"name": "jawaban_masuk", "payload": {"isi": "ya"}}
    )
    assert answer.status_code == 200, answer.json
    body = instance(auth, instance_id)
    assert body["status"] == "complete"
    assert body["data"]["jawaban"] == {"isi": "ya"}
