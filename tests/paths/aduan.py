"""What the complaint and DRP path tests file and submit, and the steps they share."""

from __future__ import annotations

from typing import Any

from tests.paths.driver import Driver

COMPLAINT = "penanganan-aduan"
DRP = "pemulihan-layanan"
REPORTER = "penyedia"

#: SIAK: Publik, Kritis, 24x7, RTO 240 minutes; its own service desk officer (petugas.siak),
#: so the global Administrator Layanan is no candidate for its tasks.
SIAK_DOWN: dict[str, Any] = {
    "layanan": "SIAK",
    "judul": "SIAK tidak dapat diakses",
    "metode_pelaporan": "telepon",
    "kategori": "server",
    "gejala": "Aplikasi SIAK tidak dapat dibuka dari semua kecamatan sejak pukul 08.30.",
    "dampak": "Mayor",
    "nip_nik": "198703152011012002",
    "instansi": "Dinas Komunikasi dan Informatika",
    "telepon": "081234567891",
}
CLASSIFY = {
    "kategori": "server",
    "dampak": "Mayor",
    "prioritas": "P1",
    "analisis": "Server basis data SIAK tidak merespons.",
    "estimasi_selesai": "2026-11-23T12:00:00+07:00",
}
NOT_SOLVED = {
    "aktivitas_penanganan": "Layanan dijalankan ulang, server tetap tidak merespons.",
    "terselesaikan": False,
    "alasan_eskalasi": "Kerusakan perangkat keras pusat data.",
}
KAJIAN_DRP = "Ruang server utama terendam; tidak dapat dipulihkan dalam RTO."
DRP_ACTIVATED = {
    "analisis_infra": "Penyimpanan dan server basis data rusak.",
    "estimasi_selesai_infra": "2026-11-23T14:00:00+07:00",
    "aktivitas_penanganan_infra": "Kajian aktivasi DRP bersama penanggung jawab.",
    "drp_diaktifkan": True,
    "kajian_drp": KAJIAN_DRP,
}
ACCEPT = {"konfirmasi": "diterima", "cara_konfirmasi": "telepon", "kepuasan": 4}

# -- Pemulihan Layanan (the DRP procedure) ------------------------------------------------
ASSESSED = {
    "kondisi_fisik_pusat_data": "rusak_berat",
    "uraian_kondisi_fisik": "Ruang server terendam air setinggi 20 cm.",
    "kelayakan_fungsi_pusat_data": "tidak_berfungsi",
    "uraian_kelayakan_fungsi": "Penyimpanan dan server basis data mati.",
}
DISASTER = {
    "analisis_asesmen": "Pusat data utama tidak dapat pulih dalam RTO layanan.",
    "kondisi_bencana": True,
    "jenis_bencana": "bencana_alam",
    "opsi_pemulihan": "pemulihan_segera",
}
NO_DISASTER = {
    "analisis_asesmen": "Hanya satu server rusak; server cadangan siap.",
    "kondisi_bencana": False,
    "alasan_bukan_bencana": "Pusat data berfungsi; ditangani lewat penanganan aduan.",
}
APPROVED = {"drp_disetujui": True}
REFUSED = {
    "drp_disetujui": False,
    "catatan_persetujuan_drp": "PLN memulihkan listrik dalam satu jam.",
}
ACTIVATED = {
    "drp_diaktifkan": True,
    "dokumen_drp": "DRP-SIAK-2026",
    "lokasi_pemulihan": "DRC Pusat Data Nasional",
    "langkah_aktivasi": "DNS dialihkan ke DRC; cadangan basis data dipulihkan.",
}
NOT_YET = {
    "aktivitas_normalisasi": "Aplikasi berjalan di DRC; sinkronisasi data belum selesai.",
    "layanan_pulih": False,
    "kendala_normalisasi": "Replikasi data kependudukan masih berjalan.",
}
RESTORED = {
    "aktivitas_normalisasi": "Sinkronisasi selesai; kecamatan mengakses SIAK dari DRC.",
    "layanan_pulih": True,
}
EVALUATED = {
    "evaluasi_pelaksanaan": "Pengalihan DNS berjalan sesuai rencana.",
    "rekomendasi_perbaikan_drp": "Tambah replikasi data tiap jam.",
    "ringkasan_pemulihan": "SIAK pulih di DRC dalam 3 jam.",
}
NOT_SET = {"drp_ditetapkan": False, "catatan_penetapan": "Lengkapi analisa biaya replikasi."}
SET = {"drp_ditetapkan": True, "versi_drp": "DRP-SIAK-2026 revisi 1", "catat_versi_baru": False}


def drp_activated(drive: Driver) -> tuple[int, int]:
    """A SIAK complaint escalated to infrastructure that activates the DRP.

    Returns the complaint's id and the id of the Pemulihan Layanan instance it started.
    """
    complaint = drive.start(REPORTER, COMPLAINT, SIAK_DOWN)
    complaint_id = complaint["id"]
    drive.complete(
        "petugas.siak", complaint_id, "klasifikasi_aduan", CLASSIFY, outsider="admin.layanan"
    )
    drive.complete(
        "petugas.siak", complaint_id, "penanganan_aduan_admin", NOT_SOLVED, outsider=REPORTER
    )
    waiting = drive.complete(
        "admin.infra", complaint_id, "penanganan_aduan_infra", DRP_ACTIVATED, outsider="pj.infra"
    )
    assert waiting["status"] == "waiting"
    [child] = drive.instance("pj.layanan", complaint_id)["children"]
    assert child["process_model_id"] == DRP
    return complaint_id, child["id"]
