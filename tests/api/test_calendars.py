"""Working calendars through the API: deadlines over weekends, holidays, regional days and
time zones; Admin Sistem edits, validated and audited; the agencies' warning point."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.models import Event
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")

BUILT_IN = [[["07:30", "16:00"]]] * 4 + [[["07:30", "16:30"]], [], []]
MORNINGS = [[["08:00", "12:00"]]] * 5 + [[], []]


def deadline(auth: Auth, key: str, start: str, duration: str, **extra: str) -> Any:
    return auth.get(
        "pengguna",
        f"/api/v1/calendars/{key}/deadline",
        query_string={"start": start, "duration": duration, **extra},
    )


def due(auth: Auth, key: str, start: str, duration: str, **extra: str) -> str:
    response = deadline(auth, key, start, duration, **extra)
    assert response.status_code == 200, response.json
    return response.json["due_at"]


def calendar(auth: Auth, key: str, **query: Any) -> dict[str, Any]:
    response = auth.get("pengguna", f"/api/v1/calendars/{key}", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def calendar_events(platform) -> list[Event]:
    with platform.sessions() as session:
        return list(
            session.scalars(
                select(Event)
                .where(Event.kind.like("working_calendar_%") | Event.kind.like("regional_day_%"))
                .order_by(Event.id)
            )
        )


class TestDeadline:
    def test_across_a_weekend_with_every_segment_explained(self, auth: Auth) -> None:
        # Friday 15:00 WIB: 1.5 h until Friday's 16:30 close, 1.5 h from Monday 07:30
        answer = deadline(auth, "BKPSDM", "2026-11-27T15:00:00+07:00", "PT3H")
        assert answer.status_code == 200, answer.json
        assert answer.json == {
            "start": "2026-11-27T15:00:00+07:00",
            "duration": "PT3H",
            "due_at": "2026-11-30T09:00:00+07:00",
            "time_zone": "Asia/Jakarta",
            "segments": [
                {
                    "start": "2026-11-27T15:00:00+07:00",
                    "end": "2026-11-27T16:30:00+07:00",
                    "counted": True,
                    "rule": "jam kerja Jumat 07:30-16:30",
                },
                {
                    "start": "2026-11-27T16:30:00+07:00",
                    "end": "2026-11-28T00:00:00+07:00",
                    "counted": False,
                    "rule": "di luar jam kerja",
                },
                {
                    "start": "2026-11-28T00:00:00+07:00",
                    "end": "2026-11-30T00:00:00+07:00",
                    "counted": False,
                    "rule": "akhir pekan",
                },
                {
                    "start": "2026-11-30T00:00:00+07:00",
                    "end": "2026-11-30T07:30:00+07:00",
                    "counted": False,
                    "rule": "di luar jam kerja",
                },
                {
                    "start": "2026-11-30T07:30:00+07:00",
                    "end": "2026-11-30T09:00:00+07:00",
                    "counted": True,
                    "rule": "jam kerja Senin 07:30-16:00",
                },
            ],
        }

    def test_across_cuti_bersama_and_christmas(self, auth: Auth) -> None:
        # Wed 23 Dec 15:00: 1 h that day; Thu 24 cuti bersama, Fri 25 Natal, weekend
        answer = deadline(auth, "BKPSDM", "2026-12-23T15:00:00+07:00", "PT3H")
        assert answer.json["due_at"] == "2026-12-28T09:30:00+07:00"
        closed = [s["rule"] for s in answer.json["segments"] if not s["counted"]]
        assert "cuti bersama: Cuti Bersama Hari Raya Natal" in closed
        assert "libur nasional: Hari Raya Natal" in closed

    def test_across_a_regional_day_an_admin_added(self, auth: Auth) -> None:
        start = "2026-12-02T15:00:00+07:00"  # Wednesday; Thursday 3 December is the holiday
        assert due(auth, "BKPSDM", start, "PT3H") == "2026-12-03T09:30:00+07:00"
        added = auth.post(
            "admin",
            "/api/v1/calendars/default/regional-days",
            json={"day": "2026-12-03", "name": "Hari Jadi Kabupaten"},
        )
        assert added.status_code == 201, added.json
        assert added.json == {
            "day": "2026-12-03",
            "name": "Hari Jadi Kabupaten",
            "category": "regional",
            "agency": None,
        }
        answer = deadline(auth, "BKPSDM", start, "PT3H")
        assert answer.json["due_at"] == "2026-12-04T09:30:00+07:00"
        assert "libur daerah: Hari Jadi Kabupaten" in [s["rule"] for s in answer.json["segments"]]

    def test_a_pd_regional_day_applies_to_that_pd_only(self, auth: Auth) -> None:
        added = auth.post(
            "admin",
            "/api/v1/calendars/DISDUKCAPIL/regional-days",
            json={"day": "2026-12-03", "name": "Hari Jadi Dinas"},
        )
        assert added.json["agency"] == "DISDUKCAPIL"
        start = "2026-12-02T15:00:00+07:00"
        assert due(auth, "DISDUKCAPIL", start, "PT3H") == "2026-12-04T09:30:00+07:00"
        assert due(auth, "BKPSDM", start, "PT3H") == "2026-12-03T09:30:00+07:00"

    def test_time_zones_put_the_opening_two_hours_apart(self, auth: Auth) -> None:
        moved = auth.client.patch(
            "/api/v1/agencies/DISDUKCAPIL",
            headers=auth.headers("admin"),
            json={"timezone": "Asia/Jayapura"},
        )
        assert moved.status_code == 200, moved.json
        start = "2026-11-22T22:00:00+00:00"  # Monday 05:00 WIB, 07:00 WIT: before opening
        jakarta = due(auth, "BKPSDM", start, "PT1H")
        jayapura = deadline(auth, "DISDUKCAPIL", start, "PT1H").json
        assert jakarta == "2026-11-23T08:30:00+07:00"  # 01:30 UTC
        assert jayapura["due_at"] == "2026-11-23T08:30:00+09:00"  # 23:30 UTC the day before
        assert jayapura["time_zone"] == "Asia/Jayapura"
        assert jayapura["start"] == "2026-11-23T07:00:00+09:00"

    def test_a_24x7_service_counts_every_hour(self, auth: Auth) -> None:
        start = "2026-11-27T22:00:00+07:00"  # Friday night
        answer = deadline(auth, "DISKOMINFO", start, "PT4H", service="EMAIL")
        assert answer.json["due_at"] == "2026-11-28T02:00:00+07:00"
        assert {s["rule"] for s in answer.json["segments"]} == {"layanan 24x7"}
        office = due(auth, "DISKOMINFO", start, "PT4H", service="SRIKANDI")
        assert office == "2026-11-30T11:30:00+07:00"

    def test_editing_office_hours_moves_the_deadline(self, auth: Auth, platform) -> None:
        start = "2026-11-23T09:00:00+07:00"  # Monday
        assert due(auth, "BKPSDM", start, "PT4H") == "2026-11-23T13:00:00+07:00"
        url = "/api/v1/calendars/BKPSDM/office-hours"
        put = auth.client.put(url, headers=auth.headers("admin"), json={"office_hours": MORNINGS})
        assert put.status_code == 200, put.json
        assert (put.json["source"], put.json["office_hours"]) == ("own", MORNINGS)
        assert due(auth, "BKPSDM", start, "PT4H") == "2026-11-24T09:00:00+07:00"
        assert due(auth, "DISKOMINFO", start, "PT4H") == "2026-11-23T13:00:00+07:00"

        reset = auth.client.delete(url, headers=auth.headers("admin"))
        assert (reset.json["source"], reset.json["office_hours"]) == ("built-in", BUILT_IN)
        assert due(auth, "BKPSDM", start, "PT4H") == "2026-11-23T13:00:00+07:00"
        kinds = [e.kind for e in calendar_events(platform)]
        assert kinds == ["working_calendar_updated", "working_calendar_reset"]

    def test_default_hours_reach_every_pd_without_its_own(self, auth: Auth) -> None:
        headers = auth.headers("admin")
        default = auth.client.put(
            "/api/v1/calendars/default/office-hours",
            headers=headers,
            json={"office_hours": MORNINGS},
        )
        assert default.json["source"] == "default"
        own = [[["07:00", "15:00"]]] * 5 + [[], []]
        auth.client.put(
            "/api/v1/calendars/BPKAD/office-hours", headers=headers, json={"office_hours": own}
        )
        assert calendar(auth, "BKPSDM")["source"] == "default"
        assert calendar(auth, "BKPSDM")["office_hours"] == MORNINGS
        assert calendar(auth, "BPKAD")["source"] == "own"
        start = "2026-11-23T09:00:00+07:00"
        assert due(auth, "BKPSDM", start, "PT4H") == "2026-11-24T09:00:00+07:00"
        assert due(auth, "BPKAD", start, "PT4H") == "2026-11-23T13:00:00+07:00"

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"start": "2026-11-23T09:00:00", "duration": "PT1H"}, "start"),
            ({"start": "kemarin", "duration": "PT1H"}, "start"),
            ({"duration": "PT1H"}, "start"),
            ({"start": "2026-11-23T09:00:00+07:00", "duration": "3 jam"}, "duration"),
            ({"start": "2026-11-23T09:00:00+07:00", "duration": "P2D"}, "duration"),
            ({"start": "2026-11-23T09:00:00+07:00", "duration": "PT100000H"}, "duration"),
            ({"start": "2026-11-23T09:00:00+07:00"}, "duration"),
            ({"start": "1900-01-01T09:00:00+07:00", "duration": "PT1H"}, "start"),
        ],
    )
    def test_bad_start_or_duration_is_422(self, auth: Auth, query: dict, field: str) -> None:
        answer = auth.get("pengguna", "/api/v1/calendars/BKPSDM/deadline", query_string=query)
        assert answer.status_code == 422, answer.json
        assert field in answer.json["errors"]

    def test_unknown_agency_or_service_is_404(self, auth: Auth) -> None:
        start = "2026-11-23T09:00:00+07:00"
        assert deadline(auth, "TIDAK-ADA", start, "PT1H").status_code == 404
        assert deadline(auth, "BKPSDM", start, "PT1H", service="TIDAK-ADA").status_code == 404

    def test_a_service_of_another_pd_is_422(self, auth: Auth) -> None:
        answer = deadline(auth, "BKPSDM", "2026-11-23T09:00:00+07:00", "PT1H", service="EMAIL")
        assert answer.status_code == 422
        assert "service" in answer.json["errors"]


class TestCalendar:
    def test_shows_built_in_hours_and_the_years_holidays(self, auth: Auth) -> None:
        shown = calendar(auth, "default", year=2026)
        assert shown["key"] == "default"
        assert (shown["source"], shown["time_zone"]) == ("built-in", "Asia/Jakarta")
        assert shown["office_hours"] == BUILT_IN
        holidays = {h["day"]: (h["name"], h["category"]) for h in shown["holidays"]}
        assert holidays["2026-12-25"] == ("Hari Raya Natal", "public")
        assert holidays["2026-12-24"] == ("Cuti Bersama Hari Raya Natal", "government")
        assert {day[:4] for day in holidays} == {"2026"}
        assert calendar(auth, "default", year=2027)["holidays"][0]["day"] == "2027-01-01"

    def test_a_pd_lists_the_regional_days_of_every_pd_and_its_own(self, auth: Auth) -> None:
        added = {"default": "2026-12-03", "BPKAD": "2026-10-01", "BKPSDM": "2026-09-09"}
        for key, day in added.items():
            url = f"/api/v1/calendars/{key}/regional-days"
            assert auth.post("admin", url, json={"day": day, "name": key}).status_code == 201
        shown = calendar(auth, "BPKAD", year=2026)
        assert [(d["day"], d["agency"]) for d in shown["regional_days"]] == [
            ("2026-10-01", "BPKAD"),
            ("2026-12-03", None),
        ]
        assert calendar(auth, "BPKAD", year=2027)["regional_days"] == []
        assert [d["day"] for d in calendar(auth, "default")["regional_days"]] == ["2026-12-03"]

    def test_unknown_agency_is_404(self, auth: Auth) -> None:
        assert auth.get("pengguna", "/api/v1/calendars/TIDAK-ADA").status_code == 404


class TestEditing:
    def test_non_admin_gets_403_and_nothing_changes(self, auth: Auth, platform) -> None:
        headers = auth.headers("analis")
        base = "/api/v1/calendars/BKPSDM"
        day = {"day": "2026-12-03", "name": "Hari Jadi"}
        auth.post("admin", f"{base}/regional-days", json=day)
        for method, url, body in [
            ("put", f"{base}/office-hours", {"office_hours": MORNINGS}),
            ("put", "/api/v1/calendars/default/office-hours", {"office_hours": MORNINGS}),
            ("delete", f"{base}/office-hours", None),
            ("post", f"{base}/regional-days", {"day": "2026-12-04", "name": "X"}),
            ("delete", f"{base}/regional-days/2026-12-03", None),
        ]:
            answer = getattr(auth.client, method)(url, headers=headers, json=body)
            assert answer.status_code == 403, (method, url, answer.json)
        shown = calendar(auth, "BKPSDM", year=2026)
        assert (shown["source"], shown["office_hours"]) == ("built-in", BUILT_IN)
        assert [d["day"] for d in shown["regional_days"]] == ["2026-12-03"]
        assert [e.kind for e in calendar_events(platform)] == ["regional_day_added"]

    @pytest.mark.parametrize(
        "week",
        [
            MORNINGS[:6],
            [[["7:30", "16:00"]]] + MORNINGS[1:],
            [[["16:00", "07:30"]]] + MORNINGS[1:],
            [[["08:00", "12:00"], ["11:00", "15:00"]]] + MORNINGS[1:],
            [[["13:00", "15:00"], ["08:00", "12:00"]]] + MORNINGS[1:],
            [[["08:00", "25:00"]]] + MORNINGS[1:],
            [[["08:00", "12:00", "16:00"]]] + MORNINGS[1:],
            [[]] * 7,
            "Senin-Jumat",
            [["08:00-12:00"]] + MORNINGS[1:],
        ],
    )
    def test_malformed_office_hours_are_422_and_nothing_changes(
        self, auth: Auth, platform, week: object
    ) -> None:
        answer = auth.client.put(
            "/api/v1/calendars/BKPSDM/office-hours",
            headers=auth.headers("admin"),
            json={"office_hours": week},
        )
        assert answer.status_code == 422, answer.json
        assert answer.json["errors"]["office_hours"]
        assert calendar(auth, "BKPSDM")["source"] == "built-in"
        assert calendar_events(platform) == []

    def test_office_hours_edit_is_audited_with_before_and_after(self, auth: Auth, platform) -> None:
        lunch = [[["07:30", "12:00"], ["13:00", "24:00"]]] + MORNINGS[1:]
        answer = auth.client.put(
            "/api/v1/calendars/BKPSDM/office-hours",
            headers=auth.headers("admin"),
            json={"office_hours": lunch},
        )
        assert answer.status_code == 200, answer.json
        [event] = calendar_events(platform)
        assert event.kind == "working_calendar_updated"
        assert event.user_id is not None
        assert event.data == {
            "calendar": "BKPSDM",
            "before": BUILT_IN,
            "before_source": "built-in",
            "after": lunch,
        }

    def test_regional_days_conflict_missing_and_removed(self, auth: Auth, platform) -> None:
        url = "/api/v1/calendars/default/regional-days"
        day = {"day": "2026-12-03", "name": "Hari Jadi Kabupaten"}
        assert auth.post("admin", url, json=day).status_code == 201
        assert auth.post("admin", url, json=day).status_code == 409
        assert auth.post("admin", url, json={"day": "3/12/2026", "name": "X"}).status_code == 422
        headers = auth.headers("admin")
        assert auth.client.delete(f"{url}/2026-12-04", headers=headers).status_code == 404
        assert auth.client.delete(f"{url}/besok", headers=headers).status_code == 422
        # a day for every PD is not one of BKPSDM's own
        own = "/api/v1/calendars/BKPSDM/regional-days/2026-12-03"
        assert auth.client.delete(own, headers=headers).status_code == 404
        assert auth.client.delete(f"{url}/2026-12-03", headers=headers).status_code == 204
        assert calendar(auth, "default", year=2026)["regional_days"] == []
        events = calendar_events(platform)
        assert [e.kind for e in events] == ["regional_day_added", "regional_day_removed"]
        assert events[1].data == {
            "calendar": "default",
            "day": "2026-12-03",
            "name": "Hari Jadi Kabupaten",
        }

    def test_the_default_cannot_be_reset(self, auth: Auth) -> None:
        answer = auth.client.delete(
            "/api/v1/calendars/default/office-hours", headers=auth.headers("admin")
        )
        assert answer.status_code == 422


class TestEscalationWarningPercent:
    def test_admin_edits_it_and_it_is_audited(self, auth: Auth, platform) -> None:
        shown = auth.get("pengguna", "/api/v1/agencies/BKPSDM").json
        assert shown["escalation_warning_percent"] == 75
        changed = auth.client.patch(
            "/api/v1/agencies/BKPSDM",
            headers=auth.headers("admin"),
            json={"escalation_warning_percent": 60},
        )
        assert changed.status_code == 200, changed.json
        assert changed.json["escalation_warning_percent"] == 60
        with platform.sessions() as session:
            [event] = session.scalars(select(Event).where(Event.kind == "agency_updated")).all()
        assert event.data == {"code": "BKPSDM", "changed": {"escalation_warning_percent": 60}}

    @pytest.mark.parametrize("percent", [0, 100, -5, "tujuh puluh", True, 75.5, None])
    def test_outside_1_to_99_is_422(self, auth: Auth, percent: object) -> None:
        answer = auth.client.patch(
            "/api/v1/agencies/BKPSDM",
            headers=auth.headers("admin"),
            json={"escalation_warning_percent": percent},
        )
        assert answer.status_code == 422
        assert "escalation_warning_percent" in answer.json["errors"]
        shown = auth.get("pengguna", "/api/v1/agencies/BKPSDM").json
        assert shown["escalation_warning_percent"] == 75

    def test_non_admin_cannot_change_it(self, auth: Auth) -> None:
        answer = auth.client.patch(
            "/api/v1/agencies/BKPSDM",
            headers=auth.headers("pimpinan"),
            json={"escalation_warning_percent": 50},
        )
        assert answer.status_code == 403

    def test_set_when_an_agency_is_created(self, auth: Auth) -> None:
        created = auth.post(
            "admin",
            "/api/v1/agencies",
            json={"code": "DINKES", "name": "Dinas Kesehatan", "escalation_warning_percent": 80},
        )
        assert created.status_code == 201, created.json
        assert created.json["escalation_warning_percent"] == 80
