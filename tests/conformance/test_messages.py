"""Messages and signals, sent from outside through the API or thrown and caught by the
diagram itself, through the API and in SpiffWorkflow alone (issue 16, item 7). The
event-based gateway's message branch is in test_gateways.py."""

from __future__ import annotations

import pytest

from app.services.context import Platform
from tests.conformance.harness import Complete, Message, Signal, conform
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")


def test_signal_reaches_a_catch_event_and_a_boundary_event(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "signal-events", steps=[Complete("putuskan")])
    assert result.status == "complete"
    assert result.ends == ("selesai_diarsipkan", "selesai_diputuskan", "selesai_ditarik")
    assert "lengkapi" not in result.passed
    assert result.data["diarsipkan"] is True


def test_signal_after_the_guarded_task_is_done(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth, platform, "signal-events", steps=[Complete("lengkapi"), Complete("putuskan")]
    )
    assert result.ends == ("selesai_diarsipkan", "selesai_dilengkapi", "selesai_diputuskan")
    assert "keputusan_datang" not in result.passed


def test_messages_thrown_to_nobody_do_not_stop_the_process(auth: Auth, platform: Platform) -> None:
    result = conform(auth, platform, "message-out", start={"judul": "Laporan bulanan"})
    assert (result.status, result.ends) == ("complete", ("selesai",))
    assert result.data["laporan"] == {"judul": "Laporan bulanan", "halaman": 3}
    assert result.data["terkirim"] is True


PAID = Message("pembayaran", {"nomor": "A-1", "jumlah": 150}, correlation={"nomor": "A-1"})


def test_correlated_message_then_a_receive_task(auth: Auth, platform: Platform) -> None:
    start = {"nomor": "A-1", "tagihan": 100}
    paid = conform(auth, platform, "message-catch", start=start, steps=[PAID])
    assert (paid.status, paid.waiting, paid.data["lunas"]) == ("open", ("terima_kuitansi",), True)
    result = conform(
        auth,
        platform,
        "message-catch",
        start=start,
        steps=[PAID, Message("kuitansi", {"nomor_kuitansi": 7})],
    )
    assert (result.status, result.ends) == ("complete", ("selesai",))
    assert result.data["bayaran"] == {"nomor": "A-1", "jumlah": 150}
    assert result.data["kuitansi_masuk"] == {"nomor_kuitansi": 7}


def test_non_interrupting_message_boundary_event(auth: Auth, platform: Platform) -> None:
    noted = conform(
        auth, platform, "message-boundary", steps=[Message("catatan", {"isi": "segera"})]
    )
    assert (noted.status, noted.open_tasks, noted.ends) == (
        "open",
        ("kerjakan",),
        ("selesai_catatan",),
    )
    result = conform(
        auth,
        platform,
        "message-boundary",
        steps=[Message("catatan", {"isi": "segera"}), Complete("kerjakan", {"hasil": "beres"})],
    )
    assert result.ends == ("selesai", "selesai_catatan")
    assert (result.data["isi_catatan"], result.data["hasil"]) == ("segera", "beres")


def test_interrupting_message_boundary_event(auth: Auth, platform: Platform) -> None:
    result = conform(
        auth, platform, "message-boundary", steps=[Message("pembatalan", {"alasan": "ganda"})]
    )
    assert (result.status, result.ends, result.data["alasan"]) == (
        "complete",
        ("selesai_batal",),
        "ganda",
    )
    assert "kerjakan" not in result.passed


def test_signals_from_outside(auth: Auth, platform: Platform) -> None:
    alerted = conform(auth, platform, "signal-in", steps=[Signal("siaga")])
    assert (alerted.status, alerted.open_tasks, alerted.ends) == (
        "open",
        ("siapkan",),
        ("selesai_siaga",),
    )
    result = conform(
        auth,
        platform,
        "signal-in",
        steps=[Signal("siaga"), Complete("siapkan"), Signal("lanjut", {"tahap": 2})],
    )
    assert (result.status, result.ends) == ("complete", ("selesai", "selesai_siaga"))
    assert (result.data["perintah"], result.data["tahap"]) == ({"tahap": 2}, 2)
