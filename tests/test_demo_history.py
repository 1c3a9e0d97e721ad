"""`spbe demo --history DAYS` (issue 15, item 6): past weeks of requests and complaints,
carried through the engine at the moments of their steps, so the reports count real met
and missed targets on a fresh install; once only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.clock import SystemClock
from app.models import Event, Instance, User
from app.services.context import Platform
from app.services.deadlines.availability import report_figures
from app.services.demo_history import COMPLAINT_MODEL, HISTORY_EVENT, REQUEST_MODEL
from app.services.demo_periodic import MONITORED, MONITORING_MODEL
from app.services.reports.service_levels import ServiceLevelService, period_of
from tests.conftest import PROCESSES
from tests.test_cli import spbe

DAYS = 7


def test_history_fills_the_past_weekdays_once_with_real_outcomes(platform: Platform) -> None:
    spbe(platform, "deploy", str(PROCESSES))
    before = datetime.now(UTC)
    first = spbe(platform, "demo", "--history", str(DAYS), demo=True)
    assert first.exit_code == 0, first.output
    line = next(x for x in first.output.splitlines() if x.startswith("demo history"))
    requests = int(line.split("+")[1].split()[0])
    complaints = int(line.split("+")[2].split()[0])
    assert requests + complaints > DAYS  # at least one a weekday, most days several

    with platform.sessions() as session:
        past = session.scalars(
            select(Instance).where(
                Instance.process_model_id.in_((REQUEST_MODEL, COMPLAINT_MODEL)),
                Instance.started_at < before - timedelta(minutes=1),
            )
        ).all()
        # The demo's own sample cases (its past outage among them) are not the history's.
        samples = {
            int(x.rsplit(" ", 1)[1]) for x in first.output.splitlines() if x.startswith("sample")
        }
        history = [i for i in past if i.id not in samples]
        assert len(history) == requests + complaints
        assert all(i.started_at.astimezone(UTC).weekday() < 5 for i in history)
        assert {i.process_model_id for i in history} == {REQUEST_MODEL, COMPLAINT_MODEL}
        closed = [i for i in history if i.status == "complete"]
        assert closed, "some cases ran to their end"
        reader = session.scalar(select(User).where(User.username == "pj.layanan"))
        today = before.date()
        period = period_of((today - timedelta(days=DAYS)).isoformat(), today.isoformat(), today)
        report = ServiceLevelService(session, platform.clock, platform.instances(session)).report(
            reader, period
        )
        totals = [row for row in report.rows if row.procedure is None]
        fulfilment = [row.fulfilment for row in totals if row.fulfilment]
        assert sum(t.met for t in fulfilment) > 0
        assert sum(row.rating_count for row in totals) > 0
        # The demo's monitoring report is filed after the history, so the outages its
        # computed availability counts are those the availability page counts.
        said = [x.split()[1] for x in first.output.splitlines() if x.startswith(("sample", "demo"))]
        assert said.index("monitoring") > said.index("history")
        monitoring = session.scalars(
            select(Instance).where(Instance.process_model_id == MONITORING_MODEL)
        ).one()
        now = report_figures(session, SystemClock(), MONITORED, monitoring.data["periode"])
        assert monitoring.data["ketersediaan"]["gangguan"] == now["gangguan"]
        made = select(func.count()).select_from(Event).where(Event.kind == HISTORY_EVENT)
        assert session.scalar(made) == 1
        every = session.scalar(select(func.count()).select_from(Instance))

    second = spbe(platform, "demo", "--history", str(DAYS), demo=True)
    assert "+0 requests, +0 complaints" in second.output
    with platform.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == every
    assert spbe(platform, "demo", "--history", "400", demo=True).exit_code == 2
