"""What BPMN scripts compute with that differs per instance: its calendar and the tables in force.

Script helpers are registered once with the script engine, but their facts differ per
instance and per moment: the working calendar of its service (support hours, its PD's
office hours and time zone) and the priority matrix an administrator may have edited since
the model was deployed (Perbup Bangka 21/2025, Tabel 3). So the helpers look the facts up
in a context variable that the runtime sets around each engine call, as `spiff_time`
does for the time. The services layer gathers the facts; the engine never reads the
database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from app.engine.spiff_time import engine_now
from app.sla.calendar import (
    WorkingCalendar,
    end_of_working_days,
    indonesian_government_default,
    script_helpers,
)
from app.sla.holidays_id import indonesian_holidays
from app.sla.matrix import DEFAULT_PRIORITY_MATRIX, PriorityMatrix, UnknownValue, priority

#: How a script names the regulation's own Tabel 3 when no administrator edited it.
REGULATION_TABLE_3 = "Tabel 3, nilai regulasi"


def _regulation_table_3() -> tuple[PriorityMatrix, str]:
    return DEFAULT_PRIORITY_MATRIX, REGULATION_TABLE_3


#: What `ketersediaan_layanan` gives when nothing was measured (no context, no service).
UNMEASURED: dict[str, Any] = {
    "target_persen": None,
    "tercapai_persen": None,
    "tercapai": None,
    "waktu_henti_menit": None,
    "gangguan": 0,
}


def _unmeasured(_service: str, _period: str) -> dict[str, Any]:
    return dict(UNMEASURED)


#: The chapters of the evaluation report (Perbup Bangka 21/2025, 2.3 angka 5 huruf a-e), as
#: `rekap_evaluasi` names them: service requests, incident handling, monitoring and
#: maintenance, recovery, release.
EVALUATION_CHAPTERS = (
    "permintaan_layanan",
    "penanganan_gangguan",
    "pemantauan_pemeliharaan",
    "pemulihan_layanan",
    "rilis_layanan",
)


def empty_chapter() -> dict[str, Any]:
    """A chapter's recap with no service counted (`rekap_evaluasi` without records)."""
    return {
        "jumlah_layanan": 0,
        "jumlah_mencapai_target": 0,
        "semua_target_tercapai": True,
        "layanan": [],
        "kasus_tidak_tercapai": [],
    }


def _unrecapped(_agency: str | None, _period: str) -> dict[str, Any]:
    return {chapter: empty_chapter() for chapter in EVALUATION_CHAPTERS}


@dataclass(frozen=True)
class ScriptContext:
    """The per-instance facts script helpers compute with.

    Attributes:
        calendar: the working calendar of the instance's scope (None: office hours in WIB).
        table_3: gives Tabel 3 as it stands now and which version that is, in words (kept
            beside the priority it gives, so the SLA explanation can say what decided it).
            A function, because few steps read it and reading it costs a query.
        availability: gives a service's availability over a month ("YYYY-MM") computed
            from its records (`app.services.deadlines.availability.report_figures`), as
            `UNMEASURED`'s keys. A function, for the same reason.
        evaluation: gives the evaluation report's recap of a PD's (None: every PD's)
            semester ("TTTT-S1"), one entry per `EVALUATION_CHAPTERS`
            (`app.services.evaluation.recap`). A function, for the same reason.
    """

    calendar: WorkingCalendar | None = None
    table_3: Callable[[], tuple[PriorityMatrix, str]] = _regulation_table_3
    availability: Callable[[str, str], dict[str, Any]] = _unmeasured
    evaluation: Callable[[str | None, str], dict[str, Any]] = _unrecapped


_current: ContextVar[ScriptContext | None] = ContextVar("spbe_script_context", default=None)


@cache
def _fallback_calendar() -> WorkingCalendar:
    """Office hours in WIB with the national holidays, for calls that name no calendar
    (a model run outside any service, a benchmark)."""
    return indonesian_government_default("Asia/Jakarta", indonesian_holidays(range(2020, 2036)))


def _context() -> ScriptContext:
    return _current.get() or ScriptContext()


@contextmanager
def script_context(context: ScriptContext | None) -> Iterator[None]:
    """Let the enclosed engine calls' scripts compute with `context` (None: the defaults)."""
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def prioritas_tabel_3(dampak: object, kelompok: object, klasifikasi: object) -> str | None:
    """The priority (P1-P6) Tabel 3 in force gives an impact, service group and class.

    None when a value is outside the table's vocabulary, as a decision table with no
    matching rule leaves the priority unset for the Administrator Layanan to decide.
    """
    try:
        return priority(dampak, kelompok, klasifikasi, _context().table_3()[0]).value
    except UnknownValue:
        return None


def akhir_hari_kerja(hari: int) -> str:
    """The close of the `hari`-th working day after today on the instance's calendar, as
    ISO-8601 UTC: a timer's due time for "within `hari` working days" (a requester's
    confirmation before the case closes by itself)."""
    calendar = _context().calendar or _fallback_calendar()
    return end_of_working_days(engine_now(), int(hari), calendar).isoformat()


def versi_tabel_3() -> str:
    """Which version of Tabel 3 `prioritas_tabel_3` reads, in words."""
    return _context().table_3()[1]


def ketersediaan_layanan(layanan: object, periode: object) -> dict[str, Any]:
    """The availability of service `layanan` over the month `periode` ("YYYY-MM"),
    computed from its outages, agreed downtime and service hours (Kepbup Polewali Mandar
    685/2021, III.4; issue 14, item 6): `target_persen` (the catalog's target),
    `tercapai_persen` (achieved), `tercapai` (met), `waktu_henti_menit` (counted outage
    minutes) and `gangguan` (separate outages); None values when it cannot be measured."""
    return _context().availability(str(layanan), str(periode))


def rekap_evaluasi(perangkat_daerah: object, periode: object) -> dict[str, Any]:
    """The evaluation report's recap of PD `perangkat_daerah` (empty or None: the whole
    kabupaten) over the semester `periode` ("TTTT-S1" or "TTTT-S2"), computed from the
    records as the service-level report counts them (Perbup Bangka 21/2025, 2.3 angka 6
    huruf a; issue 15, item 3): per chapter of `EVALUATION_CHAPTERS`, `jumlah_layanan`,
    `jumlah_mencapai_target`, `semua_target_tercapai`, `layanan` (each service's figures)
    and `kasus_tidak_tercapai` (the cases that missed a target, with their links)."""
    agency = str(perangkat_daerah) if perangkat_daerah else None
    return _context().evaluation(agency, str(periode))


#: A follow-up's status once it is done (the evaluation's `daftar_tindak_lanjut`).
FOLLOW_UP_DONE = "selesai"
#: The due time a timer gets when nothing is due.
NOTHING_DUE = "9999-12-31T23:59:59+00:00"


def _open_follow_ups(daftar: object) -> list[tuple[datetime, dict[str, Any]]]:
    """The follow-ups not done, each with the moment it is late: the midnight after its
    `target_selesai` in the instance's zone (a follow-up due on a day may be done all day)."""
    zone = ZoneInfo((_context().calendar or _fallback_calendar()).time_zone)
    found = []
    for row in daftar if isinstance(daftar, list) else []:
        if not isinstance(row, dict) or row.get("status_tindak_lanjut") == FOLLOW_UP_DONE:
            continue
        try:
            day = date.fromisoformat(str(row.get("target_selesai")))
        except ValueError:
            continue
        found.append((datetime.combine(day + timedelta(days=1), time(), zone), row))
    return sorted(found, key=lambda pair: pair[0])


def batas_tindak_lanjut(daftar: object) -> str:
    """When the first follow-up of `daftar` (an evaluation's `daftar_tindak_lanjut`) that
    is not done becomes late, as ISO-8601 UTC: the due time of the timer that escalates
    it (Perbup Bangka 21/2025, 2.3 angka 6 huruf c; issue 15, item 3); `NOTHING_DUE`
    when every follow-up is done."""
    late = _open_follow_ups(daftar)
    return late[0][0].astimezone(UTC).isoformat() if late else NOTHING_DUE


def tindak_lanjut_terlambat(daftar: object) -> list[dict[str, Any]]:
    """The follow-ups of `daftar` not done by their `target_selesai`, now, earliest first."""
    now = engine_now()
    return [row for moment, row in _open_follow_ups(daftar) if moment <= now]


def script_context_helpers() -> dict[str, Callable[..., Any]]:
    """The helpers whose facts come from the context: `tambah_waktu_kerja` and the other
    calendar helpers of `script_helpers`, `akhir_hari_kerja`, `prioritas_tabel_3`,
    `versi_tabel_3`, `ketersediaan_layanan`, `rekap_evaluasi`, `batas_tindak_lanjut` and
    `tindak_lanjut_terlambat`."""

    def bound(name: str) -> Callable[..., Any]:
        def helper(*args: Any) -> Any:
            calendar = _context().calendar or _fallback_calendar()
            return script_helpers(calendar)[name](*args)

        helper.__name__ = name
        return helper

    calendar = {name: bound(name) for name in script_helpers(_fallback_calendar())}
    return {
        **calendar,
        "akhir_hari_kerja": akhir_hari_kerja,
        "prioritas_tabel_3": prioritas_tabel_3,
        "versi_tabel_3": versi_tabel_3,
        "ketersediaan_layanan": ketersediaan_layanan,
        "rekap_evaluasi": rekap_evaluasi,
        "batas_tindak_lanjut": batas_tindak_lanjut,
        "tindak_lanjut_terlambat": tindak_lanjut_terlambat,
    }
