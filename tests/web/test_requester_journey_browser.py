"""A requester in the browser (issue 12, items 2 and 4): follows the case on "Permintaan dan
aduan saya", answers the desk's public question in the work log, and confirms."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth
from tests.web.conftest import sign_in

pytestmark = pytest.mark.usefixtures("deployed")

DIRECT = {**SAMPLE_REQUEST, "jenis_permintaan": "RESET-SANDI"}  # no approval needed
QUESTION = "Untuk akun siapa sandi direset? Sebutkan NIP stafnya."
ANSWER = "Untuk staf bidang mutasi, NIP 199001012015011001."
CLASSIFY = {"klasifikasi": "akses", "prioritas": "sedang", "gangguan": False}


def _complete(auth: Auth, username: str, instance_id: int, data: dict[str, Any]) -> None:
    [task] = [
        t["id"]
        for t in auth.get(username, "/api/v1/tasks").json["items"]
        if t["process_instance_id"] == instance_id
    ]
    done = auth.post(username, f"/api/v1/tasks/{task}/complete", json={"data": data})
    assert done.status_code == 200, done.json


def test_the_requester_follows_answers_and_confirms(page: Page, auth: Auth, shot) -> None:
    case = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": DIRECT},
    ).json
    asked = auth.post(
        "admin.layanan",
        f"/api/v1/process-instances/{case['id']}/comments",
        json={"body": QUESTION, "visibility": "public"},
    )
    assert asked.status_code == 201, asked.json

    sign_in(page, "pengguna")
    page.get_by_role("link", name="Permintaan dan aduan saya").first.click()
    mine = page.locator(".case-list .case").first
    expect(mine).to_contain_text(case["reference"])
    expect(mine).to_contain_text("Sedang ditangani oleh Administrator Layanan")
    mine.get_by_role("link", name=case["reference"]).click()
    log = page.locator("#catatan-kerja")
    expect(log).to_contain_text(QUESTION)
    log.get_by_label("Tulis catatan").fill(ANSWER)
    log.get_by_role("button", name="Kirim catatan").click()
    expect(page.locator("#catatan-kerja")).to_contain_text(ANSWER)
    replies = auth.get("admin.layanan", f"/api/v1/process-instances/{case['id']}/comments")
    assert [c["body"] for c in replies.json["items"]] == [QUESTION, ANSWER]

    _complete(
        auth,
        "admin.layanan",
        case["id"],
        {
            "klasifikasi": "akses",
            "prioritas": "sedang",
            "gangguan": False,
            "pelaksana": "pelaksana",
        },
    )
    _complete(auth, "pelaksana", case["id"], {"hasil_pemenuhan": "Sandi direset."})
    page.goto("/saya")
    expect(page.locator(".case-list .case").first).to_contain_text("Menunggu tindakan Anda")
    page.get_by_role("link", name="Buka tugas Anda").first.click()
    page.get_by_role("link", name="Konfirmasi Pemenuhan dan Penilaian Kepuasan").first.click()
    page.get_by_label("Diterima: permintaan sudah terpenuhi").check()
    page.locator('[name="kepuasan"]').fill("5")
    page.get_by_role("button", name="Kirim dan selesaikan tugas").click()
    page.goto("/saya")
    expect(page.locator(".case-list .case").first).to_contain_text("Selesai")
    shot(page, "permintaan-saya-selesai")
