"""The standard names scripts get (issue 16, item 5): dates, times and `math` work in the
server and in a sandbox process alike, follow the engine's clock, and open no way out."""

from __future__ import annotations

import math as real_math
import types
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest

from app.clock import FixedClock
from app.engine.sandbox import RestrictedEnvironment, ScriptForbidden, check_script, rewrite
from app.engine.sandbox.footprint import inside_server
from app.engine.sandbox.standard_names import STANDARD_NAMES, import_loaded
from app.engine.sandbox.wire import decode, encode
from app.engine.spiff_time import engine_clock

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # a Monday, 08:30 WIB


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment({"double": lambda value: 2 * value}, time_limit=2.0)


class TestNames:
    def test_script_computes_with_dates_in_a_sandbox_process(
        self, env: RestrictedEnvironment
    ) -> None:
        script = "\n".join(
            [
                "awal = datetime.fromisoformat(mulai)",
                "batas = awal + timedelta(days=hari, hours=2)",
                "batas_teks = batas.isoformat()",
                "nama_hari = batas.strftime('%A')",
                "tahun = f'{batas:%Y}'",
                "jam = (batas - awal) / timedelta(hours=1)",
                "hari_bulat = math.ceil(jam / 24)",
                "tanggal = datetime.strptime('05-03-2026', '%d-%m-%Y').date().isoformat()",
                "pagi = time(8, 0).isoformat()",
                "berupa_waktu = isinstance(awal, datetime) and isinstance(awal, date)",
                "modul = datetime.timedelta(days=1) == timedelta(days=1)",
            ]
        )
        assert inside_server(script, "exec", frozenset({"double"})) is None
        data: dict[str, Any] = {"mulai": "2026-03-02T08:00:00+07:00", "hari": 3}
        env.execute(script, data)
        wib = timezone(timedelta(hours=7))
        assert data["awal"] == datetime(2026, 3, 2, 8, tzinfo=wib)
        assert data["batas"] == datetime(2026, 3, 5, 10, tzinfo=wib)
        assert data["batas_teks"] == "2026-03-05T10:00:00+07:00"
        assert (data["nama_hari"], data["tahun"]) == ("Thursday", "2026")
        assert (data["jam"], data["hari_bulat"]) == (74.0, 4)
        assert (data["tanggal"], data["pagi"]) == ("2026-03-05", "08:00:00")
        assert data["berupa_waktu"] is True
        assert data["modul"] is True

    def test_expression_without_calls_reads_them_in_the_server(
        self, env: RestrictedEnvironment
    ) -> None:
        expression = "batas.year > datetime.min.year and math.pi > 3 and f'{batas:%d %B %Y}'"
        assert inside_server(expression, "eval", frozenset()) is not None
        data = {"batas": datetime(2026, 3, 5, tzinfo=UTC)}
        assert env.evaluate(expression, data) == "05 March 2026"

    def test_values_cross_to_the_sandbox_process_and_back(self, env: RestrictedEnvironment) -> None:
        data: dict[str, Any] = {
            "batas": datetime(2026, 3, 5, 10, tzinfo=timezone(timedelta(hours=7))),
            "lama": timedelta(days=2, seconds=5, microseconds=7),
            "hari": date(2026, 3, 5),
            "jam": time(8, 30),
        }
        env.execute("selesai = batas + lama\nsalin = [hari, jam]\nn = len([x for x in [1]])", data)
        assert data["selesai"] == datetime(2026, 3, 7, 3, 0, 5, 7, tzinfo=UTC)
        assert data["salin"] == [date(2026, 3, 5), time(8, 30)]
        assert data["lama"] == timedelta(days=2, seconds=5, microseconds=7)

    @pytest.mark.parametrize(
        "message",
        [["dt", 1], ["dt", "kemarin"], ["td", 1, 2], ["td", 1, 2, "3"], ["td", 10**12, 0, 0]],
        ids=["dt-number", "dt-text", "td-short", "td-text", "td-overflow"],
    )
    def test_malformed_dates_from_a_process_are_refused(self, message: list[Any]) -> None:
        with pytest.raises(ValueError, match="not an encoded value"):
            decode(message)

    def test_wire_keeps_each_kind(self) -> None:
        values = [
            datetime(2026, 3, 5, 10, tzinfo=UTC),
            datetime(2026, 3, 5, 10),
            date(2026, 3, 5),
            time(8, 30, tzinfo=UTC),
            timedelta(days=-1, microseconds=1),
        ]
        back = decode(encode(values, 10_000))
        assert back == values
        assert [type(v) for v in back] == [type(v) for v in values]

    def test_now_and_today_read_the_engine_clock(self, env: RestrictedEnvironment) -> None:
        data: dict[str, Any] = {}
        with engine_clock(FixedClock(T0)):
            env.execute(
                "sekarang = datetime.now()\nhari_ini = date.today().isoformat()\n"
                "wib = datetime.now(timezone(timedelta(hours=7))).isoformat()\n"
                "naif = datetime.utcnow().isoformat()\nsama = datetime.today() == sekarang",
                data,
            )
            in_server = env.evaluate("datetime.now", {})  # a reference only: no call
            assert in_server is STANDARD_NAMES["datetime"].now  # type: ignore[attr-defined]
        assert data["sekarang"] == T0
        assert data["hari_ini"] == "2026-03-02"
        assert data["wib"] == "2026-03-02T08:30:00+07:00"
        assert data["naif"] == "2026-03-02T01:30:00"
        assert data["sama"] is True

    def test_task_data_may_use_the_same_names(self, env: RestrictedEnvironment) -> None:
        data: dict[str, Any] = {"date": "2026-03-05", "time": "08:00", "math": 90}
        env.execute("teks = date + ' ' + time\nnilai = math + 1", data)
        assert (data["teks"], data["nilai"]) == ("2026-03-05 08:00", 91)
        assert env.evaluate("datetime(2026, 1, 1).year + math", data) == 2116

    def test_math_offers_pure_functions_only(self, env: RestrictedEnvironment) -> None:
        assert env.evaluate("math.floor(2.5) + math.sqrt(16) + math.gcd(12, 18)", {}) == 12
        for name in ("factorial", "comb", "perm", "prod", "lcm"):
            with pytest.raises(AttributeError):
                env.evaluate(f"math.{name}(3)", {})


ESCAPES = [
    "datetime.__class__.__subclasses__()",
    "datetime.__class__.__base__.__subclasses__()",
    "timedelta.__class__.__base__.__subclasses__()",
    "datetime.now().__class__.__mro__",
    "datetime.now.__globals__",
    "date.today.__globals__['datetime']",
    "datetime._real",
    "datetime.mro()",
    "math.__class__.__dict__",
    "math.floor.__self__",
    "math.sqrt.__module__",
    "timezone.utc.__reduce__()",
    "time.__init_subclass__",
    "'{0.__class__}'.format(datetime)",
    "'{0.now.__globals__}'.format(datetime)",
    "f'{datetime.now.__code__}'",
    "__import__('time').sleep(60)",
]


class TestNoWayOut:
    @pytest.mark.parametrize("code", ESCAPES)
    def test_escape_through_a_standard_name_is_refused(
        self, env: RestrictedEnvironment, code: str
    ) -> None:
        assert check_script(code, "eval")
        with pytest.raises(ScriptForbidden):
            env.evaluate(code, {})

    def test_nothing_offered_is_or_holds_a_module(self) -> None:
        for name, value in STANDARD_NAMES.items():
            assert not isinstance(value, types.ModuleType), name
            for attribute in dir(value):
                if not attribute.startswith("_"):
                    held = getattr(value, attribute)
                    assert not isinstance(held, types.ModuleType), f"{name}.{attribute}"
        assert STANDARD_NAMES["time"] is time  # the datetime class, not the time module

    def test_math_cannot_be_changed(self) -> None:
        with pytest.raises(AttributeError):
            STANDARD_NAMES["math"].floor = print  # type: ignore[attr-defined]
        assert STANDARD_NAMES["math"].floor is real_math.floor  # type: ignore[attr-defined]

    def test_import_hook_lets_only_datetimes_own_modules_through_and_returns_none(
        self,
    ) -> None:
        assert import_loaded("time") is None
        assert import_loaded("_strptime") is None
        for name in ("os", "sys", "subprocess", "importlib", "builtins"):
            with pytest.raises(NameError, match="__import__"):
                import_loaded(name)

    @pytest.mark.parametrize(
        "code",
        ["__import__('time')", "__import__('_strptime')", "__import__('os')"],
    )
    def test_no_module_reaches_code_that_got_past_the_check(
        self, env: RestrictedEnvironment, monkeypatch: pytest.MonkeyPatch, code: str
    ) -> None:
        rewrite._compiled.cache_clear()
        monkeypatch.setattr(rewrite, "_problems", lambda code, mode: ())
        try:
            try:
                value = env.evaluate(code, {})
            except NameError:
                value = None
            assert value is None
        finally:
            rewrite._compiled.cache_clear()  # do not keep code compiled without the check
