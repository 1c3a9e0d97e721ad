"""Capacity of configuration items: thresholds, measurements, crossings and a forecast.

Kepbup Polewali Mandar 685/2021, III.2.b asks that the use of the components behind SPBE
services be monitored continuously, against thresholds set for it ("penentuan ambang
batas dan acuan"), the results analysed and kept (the capacity database), and capacity
planned ahead (III.2.a, "prediksi kemampuan dan kapasitas ... di masa mendatang").
Measurements come from a monitoring tool (`POST /api/v1/measurements`), a person, or the
monitoring procedure. A measurement that takes a metric past its critical threshold opens
one complaint about the item's service, filed by the person who set the threshold; the
next one opens only after a measurement fell back below the warning threshold, so a tool
sampling every minute opens one complaint, not one a minute (issue 14, item 5).
"""

from __future__ import annotations

import contextlib
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.forms import validate_form
from app.engine.specs import ParsedModel
from app.errors import Conflict, FormInvalid, InvalidInput, NotFound, NotPermitted
from app.models import (
    CapacityLevel,
    CapacityMeasurement,
    CapacityMetric,
    CapacityThreshold,
    ConfigurationItem,
    ItemStatus,
    User,
)
from app.services.accounts.permissions import may_start, require_configuration_editor
from app.services.configuration.cases import link_items
from app.services.configuration.impact import ImpactService
from app.services.configuration.items import ItemService
from app.services.configuration.spreadsheet import problem
from app.services.deadlines.availability import COMPLAINT_MODEL
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE
from app.services.notifications.messages import NotificationService
from app.services.ports import Instances
from app.services.spreadsheet import read_rows, restored

#: Measurements one call may carry.
MAX_BATCH = 1000
#: No measured value or threshold is larger than this (nor NaN or infinite).
LARGEST = 1e15
#: How far back the forecast and the chart look, and how many measurements they take.
WINDOW = timedelta(days=90)
SHOWN = 500
#: A measurement may be dated this far after the server's clock (clocks drift).
AHEAD = timedelta(minutes=5)
#: What the complaint form asks of its reporter, which a threshold keeps.
REPORTER_FIELDS = ("nip_nik", "instansi", "telepon")
SOURCES = ("api", "alertmanager", "form", "import")
#: An import's columns (the header row, in any order) and the fields they fill.
IMPORT_COLUMNS = {"komponen": "item", "metrik": "metric", "nilai": "value", "waktu": "at"}
#: A time cell without an offset (an XLSX date) is read in the kabupaten's zone.
_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)
INVALID = "Data kapasitas tidak valid / invalid capacity data"
#: The complaint's category by metric (the complaint form's `kategori`).
CATEGORY = {CapacityMetric.BANDWIDTH: "jaringan"}


@dataclass(frozen=True)
class Forecast:
    """A straight line fitted to the window's measurements (least squares) and when it
    meets each threshold; None where the line falls, is flat, or was met already."""

    points: int
    slope_per_day: float | None
    warning_at: datetime | None
    critical_at: datetime | None


@dataclass(frozen=True)
class Reading:
    """One metric of an item: its threshold (if set), recent measurements, forecast."""

    metric: str
    threshold: CapacityThreshold | None
    measurements: list[CapacityMeasurement]
    forecast: Forecast


@dataclass(frozen=True)
class Crossing:
    """A measurement moved a threshold to a new level (None: back below warning)."""

    item_id: int
    metric: str
    level: str | None
    complaint_id: int | None
    problem: str | None = None


def _problem(row: int, column: str, message: str, field_name: str = "") -> dict[str, Any]:
    """One problem of an import, in the CMDB import's shape, the field named by this
    import's columns."""
    return problem(row, column, message, field_name or IMPORT_COLUMNS.get(column, column))


def _cell(field_name: str, value: Any) -> Any:
    """A cell as `record` reads the field: text unmarked, decimal commas read, an id
    written as a number whole, a time without an offset in the kabupaten's zone."""
    if isinstance(value, str):
        value = restored(value.strip())
        if field_name == "value":
            with contextlib.suppress(ValueError):  # else left as read: `record` names it
                value = float(value.replace(",", "."))
    if field_name == "item" and isinstance(value, float) and value.is_integer():
        value = int(value)
    if field_name == "at" and isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=_ZONE)
    return value


def _read_measurements(content: bytes, filename: str) -> tuple[list[dict[str, Any]], list[int]]:
    """The measurements of an import's rows, and each one's row number.

    Raises:
        InvalidInput: unreadable, a required column missing, no rows or too many.
    """
    rows = read_rows(content, filename)
    header = [str(cell or "").strip().lower() for cell in next(rows, ())]
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        raise InvalidInput(
            "Kolom tidak sesuai / wrong columns",
            [_problem(1, n, "kolom wajib tidak ada / required column missing") for n in missing],
        )
    raw: list[dict[str, Any]] = []
    numbers: list[int] = []
    for number, values in enumerate(rows, start=2):
        cells = dict(zip(header, values, strict=False))
        entry = {
            field_name: _cell(field_name, cells.get(column))
            for column, field_name in IMPORT_COLUMNS.items()
            if cells.get(column) not in (None, "")
        }
        if not entry:
            continue
        if len(raw) == MAX_BATCH:
            raise InvalidInput(
                f"Paling banyak {MAX_BATCH} baris / at most {MAX_BATCH} rows",
                [_problem(number, "", f"lebih dari {MAX_BATCH} baris / over {MAX_BATCH} rows")],
            )
        raw.append(entry)
        numbers.append(number)
    if not raw:
        raise InvalidInput("Berkas tanpa pengukuran / no measurements in the file", [])
    return raw, numbers


def level_of(threshold: CapacityThreshold, value: float) -> str | None:
    """The level `value` reaches: critical, warning, or None below both."""
    if value >= threshold.critical:
        return CapacityLevel.CRITICAL
    if value >= threshold.warning:
        return CapacityLevel.WARNING
    return None


def forecast(
    measurements: Sequence[CapacityMeasurement], threshold: CapacityThreshold | None
) -> Forecast:
    """Fit value = a + b * days to `measurements` and say when it meets the thresholds."""
    if len(measurements) < 3 or len({m.measured_at for m in measurements}) < 2:
        return Forecast(len(measurements), None, None, None)
    origin = min(m.measured_at for m in measurements)
    days = [(m.measured_at - origin).total_seconds() / 86400 for m in measurements]
    slope, intercept = statistics.linear_regression(days, [m.value for m in measurements])
    latest = max(m.measured_at for m in measurements)
    now_value = intercept + slope * max(days)

    def meets(limit: float) -> datetime | None:
        if slope <= 0 or now_value >= limit:
            return None
        at = origin + timedelta(days=(limit - intercept) / slope)
        return at if at > latest and at - latest < timedelta(days=3650) else None

    if threshold is None:
        return Forecast(len(measurements), slope, None, None)
    return Forecast(len(measurements), slope, meets(threshold.warning), meets(threshold.critical))


def _number(value: Any, field: str, errors: dict[str, list[str]]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors[field] = ["harus angka / must be a number"]
        return None
    number = float(value)
    if not math.isfinite(number) or abs(number) > LARGEST:
        errors[field] = [f"di luar batas ±{LARGEST:g} / out of range ±{LARGEST:g}"]
        return None
    return number


class CapacityService:
    """Thresholds and measurements of items; crossings notify and open complaints.

    `actor` None is a monitoring tool holding an integration token: it may record
    measurements of any item and nothing else.
    """

    def __init__(
        self, session: Session, clock: Clock, instances: Instances, actor: User | None
    ) -> None:
        self.session = session
        self.clock = clock
        self.instances = instances
        self.actor = actor
        self.items = ItemService(session, clock, actor)

    def _require_editor(self, item: ConfigurationItem) -> None:
        require_configuration_editor(
            self.session, self.actor, item.agency_id, [service.id for service in item.services]
        )

    def _complaint_model(self) -> ParsedModel:
        """The newest complaint diagram: who may file one, and what its form asks."""
        try:
            return self.instances.newest_model(COMPLAINT_MODEL)
        except NotFound:
            raise Conflict(
                "Prosedur Penanganan Aduan belum di-deploy / the complaint procedure is not "
                "deployed"
            ) from None

    # -- reading -------------------------------------------------------------------------

    def readings(self, item_id: int) -> list[Reading]:
        """Every metric of the item with a threshold or a measurement in the window.

        Raises:
            NotPermitted: the actor is no staff.
            NotFound: no such item.
        """
        item = self.items.get(item_id)
        thresholds = {
            t.metric: t
            for t in self.session.scalars(
                select(CapacityThreshold).where(CapacityThreshold.item_id == item.id)
            )
        }
        since = self.clock.now() - WINDOW
        readings = []
        for metric in CapacityMetric:
            rows = list(
                self.session.scalars(
                    select(CapacityMeasurement)
                    .where(
                        CapacityMeasurement.item_id == item.id,
                        CapacityMeasurement.metric == metric.value,
                        CapacityMeasurement.measured_at >= since,
                    )
                    .order_by(CapacityMeasurement.measured_at.desc(), CapacityMeasurement.id)
                    .limit(SHOWN)
                )
            )[::-1]
            threshold = thresholds.get(metric.value)
            if rows or threshold is not None:
                readings.append(Reading(metric.value, threshold, rows, forecast(rows, threshold)))
        return readings

    # -- thresholds ----------------------------------------------------------------------

    def set_threshold(self, item_id: int, metric: str, raw: dict[str, Any]) -> CapacityThreshold:
        """Set a metric's unit, capacity, warning and critical thresholds and the reporter
        of the complaints it opens (the caller, or `reporter_username`).

        Raises:
            NotFound: no such item.
            NotPermitted: the caller may not change the item.
            FormInvalid: naming the field (unknown metric, warning not below critical,
                reporter fields the complaint form refuses, a reporter who may not file
                complaints).
        """
        item = self.items.get(item_id)
        self._require_editor(item)
        errors: dict[str, list[str]] = {}
        if metric not in {m.value for m in CapacityMetric}:
            errors["metric"] = [f"salah satu dari / one of {', '.join(CapacityMetric)}"]
        unit = raw.get("unit")
        if not isinstance(unit, str) or not 0 < len(unit.strip()) <= 20:
            errors["unit"] = ["1-20 karakter / 1-20 characters"]
        warning = _number(raw.get("warning"), "warning", errors)
        critical = _number(raw.get("critical"), "critical", errors)
        capacity = raw.get("capacity")
        if capacity is not None:
            capacity = _number(capacity, "capacity", errors)
        if warning is not None and critical is not None and not warning < critical:
            errors["critical"] = ["harus di atas peringatan / must be above warning"]
        reporter = self._reporter(raw.get("reporter_username"), errors)
        details = raw.get("reporter")
        if not isinstance(details, dict):
            errors["reporter"] = ["objek NIP/NIK, instansi, telepon / an object"]
        else:
            details = {k: details.get(k) for k in REPORTER_FIELDS}
            for field, messages in self._reporter_problems(details).items():
                errors[f"reporter.{field}"] = messages
        if errors:
            raise FormInvalid(INVALID, errors)
        assert reporter is not None
        assert warning is not None
        assert critical is not None
        threshold = self.session.scalar(
            select(CapacityThreshold).where(
                CapacityThreshold.item_id == item.id, CapacityThreshold.metric == metric
            )
        ) or CapacityThreshold(item_id=item.id, metric=metric, level=None)
        threshold.unit = str(unit).strip()
        threshold.capacity = capacity
        threshold.warning = warning
        threshold.critical = critical
        threshold.reporter_id = reporter.id
        threshold.reporter = details
        threshold.updated_at = self.clock.now()
        self.session.add(threshold)
        self.session.flush()
        return threshold

    def _reporter(self, username: Any, errors: dict[str, list[str]]) -> User | None:
        """Who files the complaints: a person the complaint diagram lets start it."""
        reporter = self.actor
        if username is not None:
            reporter = self.session.scalar(select(User).where(User.username == str(username)))
        if reporter is None or not reporter.active:
            errors["reporter_username"] = ["pengguna tidak ada / no such active user"]
            return None
        model = self._complaint_model()
        if not may_start(self.session, reporter, model.start_roles):
            errors["reporter_username"] = [
                "tidak dapat mengajukan aduan / may not file complaints "
                f"({', '.join(model.start_roles)})"
            ]
        return reporter

    def _reporter_problems(self, details: dict[str, Any]) -> dict[str, list[str]]:
        """The complaint form's own rules for its reporter fields (one place for them)."""
        model = self._complaint_model()
        schema = model.form_schema(model.start_form) or {}
        properties = schema.get("properties", {})
        fields = [f for f in REPORTER_FIELDS if f in properties]
        subset = {
            "type": "object",
            "properties": {f: properties[f] for f in fields},
            "required": [f for f in fields if f in schema.get("required", [])],
        }
        return validate_form(subset, {k: v for k, v in details.items() if v is not None})

    # -- measurements --------------------------------------------------------------------

    def record(self, raw: Any, source: str) -> tuple[list[CapacityMeasurement], list[Crossing]]:
        """Store measurements `[{"item": id or name, "metric", "value", "at"?}]` (all or
        none), then move each threshold by its newest measurement.

        Raises:
            FormInvalid: naming `measurements.N.field` for every bad one; none stored.
            NotPermitted: a person who may not change one of the items.
        """
        if source not in SOURCES:
            raise ValueError(source)
        if not isinstance(raw, list) or not 0 < len(raw) <= MAX_BATCH:
            raise FormInvalid(INVALID, {"measurements": [f"1-{MAX_BATCH} pengukuran / items"]})
        now = self.clock.now()
        errors: dict[str, list[str]] = {}
        rows: list[tuple[ConfigurationItem, str, float, datetime]] = []
        for index, entry in enumerate(raw):
            found = self._measurement(entry, f"measurements.{index}", now, errors)
            if found is not None:
                rows.append(found)
        if errors:
            raise FormInvalid(INVALID, errors)
        if self.actor is not None:
            for item in {item.id: item for item, *_ in rows}.values():
                self._require_editor(item)
        stored = [
            CapacityMeasurement(
                item_id=item.id,
                metric=metric,
                value=value,
                measured_at=at,
                source=source,
                recorded_by_id=self.actor.id if self.actor else None,
            )
            for item, metric, value, at in rows
        ]
        self.session.add_all(stored)
        newest: dict[tuple[int, str], tuple[ConfigurationItem, float, datetime]] = {}
        for item, metric, value, at in rows:
            seen = newest.get((item.id, metric))
            if seen is None or at >= seen[2]:
                newest[(item.id, metric)] = (item, value, at)
        crossings = []
        for (_item_id, metric), (item, value, at) in sorted(newest.items()):
            crossing = self._move(item, metric, value, at)
            if crossing is not None:
                crossings.append(crossing)
        self.session.flush()
        return stored, crossings

    def import_file(
        self, content: bytes, filename: str
    ) -> tuple[list[CapacityMeasurement], list[Crossing]]:
        """Record the measurements of a CSV or XLSX file (columns `komponen`, `metrik`,
        `nilai`, `waktu`), all rows or none, as `record` does.

        Raises:
            InvalidInput: an unreadable file or wrong columns; or, nothing stored, every
                problem of every row as {row, column, field, message} (the header is row 1).
        """
        raw, numbers = _read_measurements(content, filename)
        try:
            return self.record(raw, "import")
        except FormInvalid as refused:
            column_of = {field_name: column for column, field_name in IMPORT_COLUMNS.items()}
            problems = []
            for path, messages in (refused.errors or {}).items():
                _, index, field_name = [*path.split(".", 2), "", ""][:3]
                row = numbers[int(index)] if index.isdigit() else 1
                column = column_of.get(field_name, "")
                problems += [_problem(row, column, message, field_name) for message in messages]
            raise InvalidInput(str(refused), problems) from None

    def _measurement(
        self, entry: Any, path: str, now: datetime, errors: dict[str, list[str]]
    ) -> tuple[ConfigurationItem, str, float, datetime] | None:
        if not isinstance(entry, dict):
            errors[path] = ["harus objek / must be an object"]
            return None
        item = self._item(entry.get("item"), f"{path}.item", errors)
        metric = entry.get("metric")
        if metric not in {m.value for m in CapacityMetric}:
            errors[f"{path}.metric"] = [f"salah satu dari / one of {', '.join(CapacityMetric)}"]
        value = _number(entry.get("value"), f"{path}.value", errors)
        at = entry.get("at", now)
        if isinstance(at, str):
            try:
                at = datetime.fromisoformat(at)
            except ValueError:
                at = None
        if not isinstance(at, datetime) or at.tzinfo is None or at.year < 2000:
            errors[f"{path}.at"] = ["waktu ISO 8601 dengan zona / ISO 8601 time with offset"]
            at = None
        elif at > now + AHEAD:
            errors[f"{path}.at"] = ["di masa depan / in the future"]
            at = None
        if item is None or value is None or at is None or f"{path}.metric" in errors:
            return None
        return item, str(metric), value, at

    def _item(self, key: Any, field: str, errors: dict[str, list[str]]) -> ConfigurationItem | None:
        """An active item by id or by name (names are unique regardless of case)."""
        if isinstance(key, int) and not isinstance(key, bool) and 0 < key < 2**31:
            item = self.session.get(ConfigurationItem, key)
        elif isinstance(key, str) and 0 < len(key) <= 200 and key.isprintable():
            item = self.session.scalar(
                select(ConfigurationItem).where(ConfigurationItem.name_key == key.casefold())
            )
        else:
            errors[field] = ["id atau nama komponen / an item's id or name"]
            return None
        if item is None:
            errors[field] = ["komponen tidak ada / no such configuration item"]
        elif item.status == ItemStatus.RETIRED:
            errors[field] = ["komponen sudah dipensiunkan / the item is retired"]
            item = None
        return item

    def _move(
        self, item: ConfigurationItem, metric: str, value: float, at: datetime
    ) -> Crossing | None:
        """Move the metric's threshold by the newest measurement, acting on a crossing."""
        threshold = self.session.scalar(
            select(CapacityThreshold)
            .where(CapacityThreshold.item_id == item.id, CapacityThreshold.metric == metric)
            .with_for_update()
        )
        if threshold is None or (
            threshold.last_measured_at is not None and at < threshold.last_measured_at
        ):
            return None  # no threshold, or an older measurement sent late
        threshold.last_measured_at = at
        level = level_of(threshold, value)
        if level == threshold.level:
            return None
        before, threshold.level = threshold.level, level
        if level == CapacityLevel.CRITICAL:
            complaint_id, problem = self._complain(item, threshold, value, at)
            threshold.complaint_id = complaint_id
            self._tell(item, threshold, value, problem)
            return Crossing(item.id, metric, level, complaint_id, problem)
        if level == CapacityLevel.WARNING and before is None:
            self._tell(item, threshold, value, None)
        return Crossing(item.id, metric, level, None)

    def _complain(
        self, item: ConfigurationItem, threshold: CapacityThreshold, value: float, at: datetime
    ) -> tuple[int | None, str | None]:
        """File the complaint about the item's service; (its id, None), or (None, why not).

        In a savepoint, so a complaint the reporter can no longer file leaves the
        measurements stored and says why instead.
        """
        services = [s.code for s in item.services] or [
            s.service.code for s in ImpactService(self.session, self.clock).of(item.id).services
        ]
        if not services:
            return None, "komponen tidak mendukung layanan / the item supports no service"
        reporter = self.session.get(User, threshold.reporter_id)
        unit = threshold.unit
        data = {
            "layanan": services[0],
            "judul": f"Kapasitas {threshold.metric} {item.name} melewati ambang kritis"[:150],
            "metode_pelaporan": "web",
            "kategori": CATEGORY.get(CapacityMetric(threshold.metric), "server"),
            "gejala": (
                f"Pengukuran {threshold.metric} komponen {item.name}: {value:g} {unit} pada "
                f"{at.isoformat()}, ambang kritis {threshold.critical:g} {unit} (peringatan "
                f"{threshold.warning:g} {unit})."
            ),
            # A capacity past its threshold degrades a service; an outage is reported
            # as Mayor by the staff who see one (it counts against availability).
            "dampak": "Minor",
            **{k: v for k, v in threshold.reporter.items() if v is not None},
        }
        try:
            if reporter is None:
                raise NotFound("pelapor tidak ada / the reporter no longer exists")
            with self.session.begin_nested():
                complaint = self.instances.start(COMPLAINT_MODEL, data, reporter)
                link_items(self.session, complaint.id, [item.id])
        except (FormInvalid, NotPermitted, NotFound, Conflict) as refused:
            return None, str(refused)
        return complaint.id, None

    def _tell(
        self,
        item: ConfigurationItem,
        threshold: CapacityThreshold,
        value: float,
        problem: str | None,
    ) -> None:
        """Tell the item's administrators and the reporter of a crossing."""
        level = threshold.level or ""
        body = (
            f"{item.name}: {threshold.metric} {value:g} {threshold.unit} (peringatan "
            f"{threshold.warning:g}, kritis {threshold.critical:g})."
        )
        if threshold.complaint_id is not None:
            body += f" Aduan #{threshold.complaint_id} diajukan / complaint filed."
        if problem is not None:
            body += f" Aduan tidak dapat diajukan / no complaint filed: {problem}"
        recipients: list[User | str] = [*item.administrators]
        reporter = self.session.get(User, threshold.reporter_id)
        if reporter is not None:
            recipients.append(reporter)
        NotificationService(self.session, self.clock, self.instances.mail).notify(
            recipients,
            f"capacity_{level}",
            f"Kapasitas {level}: {item.name} {threshold.metric}",
            body,
            f"/api/v1/configuration-items/{item.id}/capacity",
        )
