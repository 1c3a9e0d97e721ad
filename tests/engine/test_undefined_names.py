"""Deploy warns about names scripts and timer expressions read that nothing before them
can set, as it does for conditions (issue 16, item 5), and stays quiet where something can."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from app.engine.data_names import undefined_names
from app.engine.specs import Bundle, parse_bundle
from app.engine.validation import validate_model
from app.engine.xmlsafe import parse_xml
from app.errors import DeployProblem
from tests.bpmn import HEADER, document, form, linear, sequence

FORM = json.dumps(
    {"type": "object", "properties": {"hari": {"type": "integer"}, "catatan": {"type": "string"}}}
).encode()


def warnings_of(bpmn: bytes) -> list[tuple[str | None, str]]:
    """(element id, name) of every warning; fails on an error."""
    model = parse_bundle("uji", Bundle({"uji.bpmn": bpmn, "f.schema.json": FORM}))
    problems = validate_model(model, set())
    assert all(p.severity == "warning" for p in problems), problems
    return [(p.element_id, _name(p)) for p in problems]


def _name(problem: DeployProblem) -> str:
    return problem.message.split("'")[1]


def script(element_id: str, code: str) -> str:
    return f'<bpmn:scriptTask id="{element_id}"><bpmn:script>{code}</bpmn:script></bpmn:scriptTask>'


def timer_event(element_id: str, kind: str, expression: str) -> str:
    return (
        f'<bpmn:intermediateCatchEvent id="{element_id}">'
        f'<bpmn:timerEventDefinition id="{element_id}_timer">'
        f'<bpmn:{kind} xsi:type="bpmn:tFormalExpression">{expression}</bpmn:{kind}>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


def user_task(element_id: str, pre: str = "", post: str = "") -> str:
    scripts = (f"<spiffworkflow:preScript>{pre}</spiffworkflow:preScript>" if pre else "") + (
        f"<spiffworkflow:postScript>{post}</spiffworkflow:postScript>" if post else ""
    )
    extensions = form("f.schema.json").replace(
        "</bpmn:extensionElements>", f"{scripts}</bpmn:extensionElements>"
    )
    return f'<bpmn:userTask id="{element_id}">{extensions}</bpmn:userTask>'


class TestScripts:
    def test_script_reading_a_name_nothing_sets_is_warned_with_its_task_and_line(self) -> None:
        bpmn = linear(script("hitung", "total = 1\nbatas = awal + timedelta(days=total)"))
        model = parse_bundle("uji", Bundle({"uji.bpmn": bpmn}))
        [warning] = validate_model(model, set())
        assert (warning.severity, warning.element_id, warning.line) == ("warning", "hitung", 4)
        assert "'awal'" in warning.message
        assert "script task" in warning.message

    def test_names_set_before_by_a_form_or_a_script_are_fine(self) -> None:
        bpmn = linear(
            user_task("isi"),
            script("awal_kerja", "awal = datetime(2026, 3, 2, tzinfo=timezone.utc)"),
            script("hitung", "batas = awal + timedelta(days=hari)\nteks = catatan.upper()"),
        )
        assert warnings_of(bpmn) == []

    def test_standard_names_helpers_builtins_and_start_data_are_known(self) -> None:
        code = (
            "a = tambah_waktu_kerja(waktu_permintaan, 'PT8H')\nb = math.ceil(len(pemohon))\n"
            "c = [x * 2 for x in range(3)]\nd = date.today().isoformat()\n"
            "def f(v):\n    return v + 1\ne = f(1)"
        )
        assert warnings_of(linear(script("s", code))) == []

    def test_a_name_set_only_after_the_script_is_warned(self) -> None:
        bpmn = linear(script("pakai", "x = nilai * 2"), script("isi_nilai", "nilai = 1"))
        assert warnings_of(bpmn) == [("pakai", "nilai")]

    def test_pre_script_runs_before_the_form_and_post_script_after_it(self) -> None:
        bpmn = linear(user_task("isi", pre="x = catatan", post="y = hari + 1\nz = w"))
        assert warnings_of(bpmn) == [("isi", "catatan"), ("isi", "w")]

    def test_a_loop_makes_a_later_name_available(self) -> None:
        body = (
            '<bpmn:startEvent id="start" /><bpmn:exclusiveGateway id="gabung" />'
            + script("pakai", "putaran = putaran_lalu + 1 if ulang else 0")
            + script("simpan", "putaran_lalu = putaran\nulang = putaran &lt; 3")
            + '<bpmn:exclusiveGateway id="lagi" default="f_selesai" /><bpmn:endEvent id="end" />'
            + sequence("start", "gabung", "pakai", "simpan", "lagi")
            + '<bpmn:sequenceFlow id="f_ulang" sourceRef="lagi" targetRef="gabung">'
            '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">ulang'
            "</bpmn:conditionExpression></bpmn:sequenceFlow>"
            '<bpmn:sequenceFlow id="f_selesai" sourceRef="lagi" targetRef="end" />'
        )
        assert warnings_of(document(body)) == []


class TestTimers:
    @pytest.mark.parametrize("kind", ["timeDuration", "timeDate", "timeCycle"])
    def test_timer_reading_a_name_nothing_sets_is_warned_at_its_event(self, kind: str) -> None:
        bpmn = linear(timer_event("tunggu", kind, "jadwal_tunggu"))
        assert warnings_of(bpmn) == [("tunggu", "jadwal_tunggu")]

    def test_timer_reading_what_a_script_before_computed_is_fine(self) -> None:
        bpmn = linear(
            script("hitung", "batas = (datetime.now() + timedelta(hours=2)).isoformat()"),
            timer_event("tunggu", "timeDate", "batas"),
            timer_event("jeda", "timeDuration", '"PT" + str(math.ceil(hari * 1.5)) + "H"'),
        )
        assert warnings_of(bpmn) == [("jeda", "hari")]

    def test_boundary_timer_sees_the_pre_script_but_not_the_form_of_its_task(self) -> None:
        boundary = (
            '<bpmn:boundaryEvent id="batas_{0}" attachedToRef="isi" cancelActivity="false">'
            '<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">{1}'
            "</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        )
        bpmn = linear(
            user_task("isi", pre="tenggat = akhir_hari_kerja(3)"),
            extra=boundary.format("a", "tenggat") + boundary.format("b", "catatan"),
        )
        assert warnings_of(bpmn) == [("batas_b", "catatan")]


class TestWhereTheDiagramCannotTell:
    def test_inside_and_after_a_subprocess(self) -> None:
        inner = (
            '<bpmn:subProcess id="sub"><bpmn:startEvent id="s_start" />'
            + script("di_dalam", "hasil = awal * 2")
            + '<bpmn:endEvent id="s_end" />'
            + sequence("s_start", "di_dalam", "s_end", prefix="sf")
            + "</bpmn:subProcess>"
        )
        bpmn = linear(script("sebelum", "awal = 1"), inner, script("sesudah", "akhir = hasil + 1"))
        assert warnings_of(bpmn) == []

    def test_event_subprocess_sees_what_its_parent_sets(self) -> None:
        event_sub = (
            '<bpmn:subProcess id="es" triggeredByEvent="true"><bpmn:startEvent id="es_start">'
            '<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">'
            "jeda</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>"
            + script("tindak", "pesan = catatan + str(kosong)")
            + '<bpmn:endEvent id="es_end" />'
            + sequence("es_start", "tindak", "es_end", prefix="ef")
            + "</bpmn:subProcess>"
        )
        bpmn = linear(script("atur", "jeda = 'PT1H'"), user_task("isi"), extra=event_sub)
        assert warnings_of(bpmn) == [("tindak", "kosong")]

    @pytest.mark.parametrize(
        ("called", "expected"),
        [
            ("bantuan", [("bantu", "tidak_ada")]),
            ("di_luar_bundel", [("bantu", "nilai"), ("bantu", "tidak_ada")]),
        ],
    )
    def test_call_activities(self, called: str, expected: list[tuple[str, str]]) -> None:
        """A called process in the bundle starts with what precedes the call and gives back
        what it sets; one outside it (a deployed model, issue 16 item 3) may set anything."""
        main = sequence("start", "awal", "panggil", "pakai", "end")
        helper = sequence("b_start", "bantu", "b_end", prefix="bf")
        xml = (
            f'{HEADER}<bpmn:process id="utama" isExecutable="true">'
            '<bpmn:startEvent id="start" />'
            + script("awal", "nilai = 1")
            + f'<bpmn:callActivity id="panggil" calledElement="{called}" />'
            + script("pakai", "akhir = hasil + 1")
            + f'<bpmn:endEvent id="end" />{main}</bpmn:process>'
            '<bpmn:process id="bantuan" isExecutable="true"><bpmn:startEvent id="b_start" />'
            + script("bantu", "hasil = nilai + tidak_ada")
            + f'<bpmn:endEvent id="b_end" />{helper}</bpmn:process></bpmn:definitions>'
        ).encode()
        base = parse_bundle("uji", Bundle({"uji.bpmn": linear('<bpmn:task id="t" />')}))
        root = parse_xml(xml)
        model = replace(base, roots={"uji.bpmn": root})
        found = [(p.element_id, _name(p)) for p in undefined_names(model, "uji.bpmn", root)]
        assert found == expected

    def test_message_variables_and_multi_instance_items_count(self) -> None:
        body = (
            '<bpmn:startEvent id="start" />'
            '<bpmn:intermediateCatchEvent id="terima"><bpmn:messageEventDefinition '
            'messageRef="m" /></bpmn:intermediateCatchEvent>'
            '<bpmn:scriptTask id="tiap"><bpmn:multiInstanceLoopCharacteristics>'
            "<bpmn:loopDataInputRef>daftar</bpmn:loopDataInputRef>"
            '<bpmn:inputDataItem id="butir" name="butir" />'
            "</bpmn:multiInstanceLoopCharacteristics>"
            "<bpmn:script>nilai = butir * 2 + balasan['n']</bpmn:script></bpmn:scriptTask>"
            '<bpmn:endEvent id="end" />' + sequence("start", "terima", "tiap", "end")
        )
        message = (
            '<bpmn:message id="m" name="balas"><bpmn:extensionElements>'
            "<spiffworkflow:messageVariable>balasan</spiffworkflow:messageVariable>"
            "</bpmn:extensionElements></bpmn:message>"
        )
        bpmn = document(body).replace(
            b"</bpmn:definitions>", f"{message}</bpmn:definitions>".encode()
        )
        assert warnings_of(bpmn) == []
