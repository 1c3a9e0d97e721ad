"""The maturity of a PD's service management, read from its own records (issue 15, item 4).

Perbup Bangka 21/2025, Tabel 15 (after PermenPANRB 59/2020, indicator 28) defines five
levels, each building on the one below:

1. service management done, without planning;
2. done with planning, not yet in every process;
3. done in every process;
4. done through a service-management application, and reviewed and evaluated;
5. the results of the review and evaluation followed up with improvements.

An assessor asks for the evidence of each. This module finds it, for one PD and one period
(a year, `2026`, or a semester, `2026-S2`, as the evaluation procedure names its periods),
in what this application recorded:

- **Level 1** holds for every PD (the regulation's words: "belum atau telah
  dilaksanakan"); its evidence is the PD's cases started in the period.
- **Level 2**: a planning document (`perencanaan`) for the period's year, approved (the
  procedure ends only when the plan is set) before the period ended.
- **Level 3**: every procedure of the regulation (`PROCEDURES`) deployed and run for the
  PD in the period. Service recovery runs only after a disaster, so a DRP test (`uji-drp`)
  in the period stands for it; for a PD with no Kritis service and no DRP it does not apply.
- **Level 4**: the cases above ran through this application (they are its records), and an
  evaluation (`evaluasi`) of the period was completed: approved, and its follow-ups
  monitored to the end.
- **Level 5**: such an evaluation recorded follow-ups (`daftar_tindak_lanjut`) and every
  one of them is done (`selesai`, with its completion date).

Only what the reader may see is counted (`visible`, the instance list's rule): a reader who
sees part of a PD gets the maturity that part shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import InvalidInput
from app.models import (
    Agency,
    ContinuityPlan,
    Instance,
    InstanceStatus,
    ProcessModelVersion,
    Service,
    User,
)
from app.services.instances.dashboard import DashboardService

#: The procedures of the regulation (Perbup Bangka 21/2025, 2.1-2.3), by model id, with
#: their names as the regulation gives them.
PROCEDURES: dict[str, str] = {
    "perencanaan": "Perencanaan Manajemen Layanan SPBE",
    "permintaan-layanan": "Permintaan Layanan",
    "penanganan-aduan": "Penanganan Aduan",
    "manajemen-masalah": "Manajemen Masalah",
    "manajemen-perubahan": "Manajemen Perubahan",
    "rilis-layanan": "Rilis Layanan",
    "pemantauan-pemeliharaan": "Pemantauan dan Pemeliharaan",
    "pemulihan-layanan": "Pemulihan Layanan",
    "evaluasi": "Evaluasi Manajemen Layanan SPBE",
}
PLANNING, EVALUATION, RECOVERY, DRP_TEST = (
    "perencanaan",
    "evaluasi",
    "pemulihan-layanan",
    "uji-drp",
)
#: Tabel 15's criteria, in the regulation's words (Indonesian) and in English.
CRITERIA: dict[int, str] = {
    1: "Manajemen Layanan SPBE belum atau telah dilaksanakan, tanpa perencanaan / "
    "service management done or not yet, without planning",
    2: "Manajemen Layanan SPBE dilaksanakan dengan perencanaan / "
    "service management done with planning",
    3: "Manajemen Layanan SPBE dilaksanakan pada seluruh proses / "
    "service management done in every process",
    4: "Diterapkan dengan Sistem Aplikasi Manajemen Layanan SPBE, serta direviu dan "
    "dievaluasi / done through the service-management application, reviewed and evaluated",
    5: "Hasil reviu dan evaluasi ditindaklanjuti melalui perbaikan / "
    "the review's and evaluation's results followed up with improvements",
}
#: Evidence items listed per level at most (the rest are counted in the title).
EVIDENCE_SHOWN = 20
_PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:-S(?P<half>[12]))?$")
_DONE = "selesai"


@dataclass(frozen=True)
class Period:
    """A year or a semester, as local dates: `first` inclusive, `end` exclusive."""

    name: str
    first: date
    end: date

    @classmethod
    def parse(cls, name: str) -> Period:
        """`2026` (the year) or `2026-S1` (January-June) / `2026-S2` (July-December).

        Raises:
            InvalidInput: another shape, or a year outside 2000-2100.
        """
        found = _PERIOD.match(name or "")
        year = int(found["year"]) if found else 0
        if not found or not 2000 <= year <= 2100:
            message = (
                "Periode harus TTTT atau TTTT-S1/TTTT-S2 (tahun 2000-2100) / period must "
                "be YYYY or YYYY-S1/YYYY-S2 (years 2000-2100)"
            )
            raise InvalidInput(message, errors={"period": [message]})
        if found["half"] is None:
            return cls(name, date(year, 1, 1), date(year + 1, 1, 1))
        if found["half"] == "1":
            return cls(name, date(year, 1, 1), date(year, 7, 1))
        return cls(name, date(year, 7, 1), date(year + 1, 1, 1))

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def semesters(self) -> tuple[str, ...]:
        """The evaluation periods (`TTTT-S1/S2`) that fall within this one."""
        halves = ("S1", "S2") if self.first.month == 1 and self.end.year > self.year else ()
        if not halves:
            halves = ("S1",) if self.first.month == 1 else ("S2",)
        return tuple(f"{self.year}-{half}" for half in halves)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as aware datetimes in the PD's zone."""
        return datetime.combine(self.first, time(), zone), datetime.combine(self.end, time(), zone)


@dataclass(frozen=True)
class Evidence:
    """One record that shows a criterion is met, and where to see it (`instance_id`: the
    case it is, when it is one; a list of cases has none)."""

    title: str
    url: str
    instance_id: int | None = None


@dataclass
class Level:
    """One level of Tabel 15 for the PD: met or not, why, and what is missing."""

    level: int
    criteria: str
    met: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class Maturity:
    """The level reached (the highest whose levels below are all met) and every level."""

    agency: Agency
    period: Period
    levels: list[Level]

    @property
    def level(self) -> int:
        reached = 0
        for level in self.levels:
            if not level.met:
                break
            reached = level.level
        return reached


def case_url(instance_id: int) -> str:
    """The case's page."""
    return f"/proses/{instance_id}"


class MaturityService:
    """Reads the evidence of each level for one PD and period; changes nothing."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def for_reader(
        self,
        user: User,
        agency_code: str | None,
        period_name: str,
        visible: ColumnElement[bool],
    ) -> Maturity:
        """The maturity `user` may see: of a PD whose dashboard they may see
        (`agency_code`, else their own PD), counting what `visible` admits.

        Raises:
            NotPermitted: the reader may see no PD's dashboard, or not this one's.
            InvalidInput: the period is not a year or a semester.
        """
        dashboards = DashboardService(self.session, self.clock.now())
        scope = dashboards.choose(dashboards.scopes(user), agency_code, user.agency_id)
        return self.assess(scope.agency, Period.parse(period_name), visible)

    def assess(self, agency: Agency, period: Period, visible: ColumnElement[bool]) -> Maturity:
        """The PD's maturity in `period`, counting only instances `visible` admits."""
        zone = ZoneInfo(agency.timezone)
        start, end = period.bounds(zone)
        own = and_(visible, Instance.agency_id == agency.id)
        started = and_(own, Instance.started_at >= start, Instance.started_at < end)
        runs = dict(
            self.session.execute(
                select(Instance.process_model_id, func.count())
                .where(started)
                .group_by(Instance.process_model_id)
            ).all()
        )
        deployed = set(self.session.scalars(select(ProcessModelVersion.process_model_id)))
        listing = self._listing(agency, period)
        levels = [
            self._level_1(runs, listing),
            self._level_2(own, period, end),
            self._level_3(runs, deployed, listing, self._recovers(agency)),
        ]
        evaluations = self._evaluations(own, period)
        levels.append(self._level_4(runs, evaluations, listing))
        levels.append(self._level_5(evaluations))
        return Maturity(agency, period, levels)

    # -- the levels --------------------------------------------------------------------

    def _level_1(self, runs: dict[str, int], listing: dict[str, str]) -> Level:
        level = Level(1, CRITERIA[1], met=True)
        total = sum(runs.values())
        if total:
            level.evidence.append(
                Evidence(f"{total} kasus dimulai dalam periode / cases started", _list(listing))
            )
        return level

    def _level_2(self, own: ColumnElement[bool], period: Period, end: datetime) -> Level:
        level = Level(2, CRITERIA[2])
        plans = self.session.execute(
            select(Instance.id, Instance.reference, Instance.data)
            .where(
                own,
                Instance.process_model_id == PLANNING,
                Instance.status == InstanceStatus.COMPLETE,
                Instance.ended_at < end,
            )
            .order_by(Instance.ended_at)
        ).all()
        for instance_id, reference, data in plans:
            if str((data or {}).get("periode", "")) != str(period.year):
                continue
            title = (data or {}).get("judul") or PROCEDURES[PLANNING]
            level.evidence.append(
                Evidence(f"{reference or instance_id}: {title}", case_url(instance_id), instance_id)
            )
        level.met = bool(level.evidence)
        if not level.met:
            level.missing.append(
                f"Dokumen perencanaan tahun {period.year} yang telah ditetapkan / an approved "
                f"planning document for {period.year}"
            )
        return level

    def _level_3(
        self, runs: dict[str, int], deployed: set[str], listing: dict[str, str], recovers: bool
    ) -> Level:
        level = Level(3, CRITERIA[3])
        for model_id, name in PROCEDURES.items():
            count = runs.get(model_id, 0)
            if model_id == RECOVERY and not recovers:
                level.evidence.append(
                    Evidence(
                        f"{name}: tidak berlaku, PD tanpa layanan Kritis atau DRP / not "
                        "applicable, the PD has no Kritis service and no DRP",
                        _list(listing, model_id),
                    )
                )
                continue
            if model_id == RECOVERY and not count:
                count = runs.get(DRP_TEST, 0)
                name = f"{name} (uji DRP / DRP test)"
                shown = DRP_TEST
            else:
                shown = model_id
            if model_id not in deployed:
                level.missing.append(f"{name}: belum diterapkan / not deployed")
            elif not count:
                level.missing.append(
                    f"{name}: tidak ada kasus dalam periode / no case in the period"
                )
            else:
                level.evidence.append(
                    Evidence(f"{name}: {count} kasus / cases", _list(listing, shown))
                )
        level.met = not level.missing
        return level

    def _level_4(
        self,
        runs: dict[str, int],
        evaluations: list[tuple[int, str | None, dict[str, Any]]],
        listing: dict[str, str],
    ) -> Level:
        level = Level(4, CRITERIA[4])
        total = sum(runs.values())
        if total:
            level.evidence.append(
                Evidence(
                    f"{total} kasus dijalankan melalui aplikasi ini / cases run through this "
                    "application",
                    _list(listing),
                )
            )
        else:
            level.missing.append(
                "Kasus yang dijalankan melalui aplikasi / cases run through the application"
            )
        for instance_id, reference, data in evaluations[:EVIDENCE_SHOWN]:
            level.evidence.append(
                Evidence(
                    f"{reference or instance_id}: evaluasi {data.get('periode', '')} disahkan / "
                    "evaluation approved",
                    case_url(instance_id),
                    instance_id,
                )
            )
        if not evaluations:
            level.missing.append(
                "Evaluasi periode ini yang telah selesai / a completed evaluation of the period"
            )
        level.met = not level.missing
        return level

    def _level_5(self, evaluations: list[tuple[int, str | None, dict[str, Any]]]) -> Level:
        level = Level(5, CRITERIA[5])
        for instance_id, reference, data in evaluations:
            items = data.get("daftar_tindak_lanjut") or []
            done = [item for item in items if isinstance(item, dict) and _followed_up(item)]
            if items and len(done) == len(items):
                level.evidence.append(
                    Evidence(
                        f"{reference or instance_id}: {len(done)} tindak lanjut selesai / "
                        "follow-ups done",
                        case_url(instance_id),
                        instance_id,
                    )
                )
        level.met = bool(level.evidence)
        if not level.met:
            level.missing.append(
                "Evaluasi dengan tindak lanjut yang seluruhnya selesai / an evaluation whose "
                "follow-ups are all done"
            )
        return level

    # -- reading -----------------------------------------------------------------------

    def _recovers(self, agency: Agency) -> bool:
        """Whether service recovery applies to the PD: it has a Kritis service, which must
        have a DRP, or a service with a DRP (Perbup Bangka 21/2025, 2.1.1.2; Kepbup
        Polewali Mandar 685/2021, III.3). A PD with neither never activates one."""
        planned = select(ContinuityPlan.service_id)
        return (
            self.session.scalar(
                select(Service.id)
                .where(
                    Service.agency_id == agency.id,
                    or_(Service.classification == "Kritis", Service.id.in_(planned)),
                )
                .limit(1)
            )
            is not None
        )

    def _evaluations(
        self, own: ColumnElement[bool], period: Period
    ) -> list[tuple[int, str | None, dict[str, Any]]]:
        """Completed evaluations of a semester within `period`, oldest first."""
        rows = self.session.execute(
            select(Instance.id, Instance.reference, Instance.data)
            .where(
                own,
                Instance.process_model_id == EVALUATION,
                Instance.status == InstanceStatus.COMPLETE,
            )
            .order_by(Instance.ended_at)
        ).all()
        return [
            (instance_id, reference, data or {})
            for instance_id, reference, data in rows
            if str((data or {}).get("periode", "")) in period.semesters
        ]

    @staticmethod
    def _listing(agency: Agency, period: Period) -> dict[str, str]:
        """The instance list's query for the PD's cases started in the period."""
        last = date.fromordinal(period.end.toordinal() - 1)
        return {"pd": agency.code, "dari": period.first.isoformat(), "sampai": last.isoformat()}


def _followed_up(item: dict[str, Any]) -> bool:
    return item.get("status_tindak_lanjut") == _DONE and bool(item.get("tanggal_selesai"))


def _list(listing: dict[str, str], model_id: str | None = None) -> str:
    query = {**listing, **({"proses": model_id} if model_id else {})}
    return f"/proses?{urlencode(query)}"
