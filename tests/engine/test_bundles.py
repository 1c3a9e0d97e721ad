"""The entry of a bundle of several files (app/engine/bundles.py), rule by rule."""

from __future__ import annotations

import pytest

from app.engine.bundles import choose_entry
from app.engine.xmlsafe import parse_xml
from app.errors import DeploymentInvalid

HEAD = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">'
)
MARK = (
    "<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property "
    'name="entryProcess" value="true" /></spiffworkflow:properties></bpmn:extensionElements>'
)


def process(pid: str, calls: str = "", marked: bool = False, executable: bool = True) -> str:
    call = f'<bpmn:callActivity id="panggil_{calls}" calledElement="{calls}" />' if calls else ""
    flag = "true" if executable else "false"
    mark = MARK if marked else ""
    return f'<bpmn:process id="{pid}" isExecutable="{flag}">{mark}{call}</bpmn:process>'


def roots(**files: str) -> dict[str, object]:
    return {
        f"{name}.bpmn": parse_xml(f"{HEAD}{body}</bpmn:definitions>".encode())
        for name, body in files.items()
    }


def test_the_process_named_like_the_model_is_the_entry() -> None:
    found = choose_entry("izin-usaha", roots(a=process("bantu"), b=process("izin_usaha", "bantu")))
    assert (found.process_id, found.bpmn_file, found.collaboration) == (
        "izin_usaha",
        "b.bpmn",
        False,
    )


def test_a_called_process_is_never_the_entry_even_when_named_like_the_model() -> None:
    found = choose_entry("bantu", roots(a=process("bantu"), b=process("utama", "bantu")))
    assert found.process_id == "utama"


def test_the_file_named_like_the_model_narrows_the_uncalled_processes() -> None:
    bundle = roots(utama=process("mulai", "bantu"), lain=process("bantu") + process("cadangan"))
    assert choose_entry("utama", bundle).process_id == "mulai"
    with pytest.raises(DeploymentInvalid) as refused:
        choose_entry("lain-nama", bundle)
    assert sorted(p.element_id for p in refused.value.problems) == ["cadangan", "mulai"]


def test_a_marked_process_wins_over_the_name() -> None:
    bundle = roots(a=process("izin", marked=True), b=process("izin_usaha"))
    assert choose_entry("izin-usaha", bundle).process_id == "izin"


def test_the_pools_of_one_collaboration_make_it_the_entry() -> None:
    pools = (
        '<bpmn:collaboration id="kerja_sama" name="Kerja sama">'
        '<bpmn:participant id="p1" processRef="satu" />'
        '<bpmn:participant id="p2" processRef="dua" />'
        "</bpmn:collaboration>"
    )
    found = choose_entry("kerja", roots(kerja=pools + process("satu") + process("dua")))
    assert (found.process_id, found.collaboration, found.name) == ("kerja_sama", True, "Kerja sama")
    # one executable pool: that process is the entry, as in every shipped diagram
    single = choose_entry(
        "kerja", roots(kerja=pools + process("satu") + process("dua", executable=False))
    )
    assert (single.process_id, single.collaboration) == ("satu", False)


def test_processes_that_call_each_other_leave_no_entry() -> None:
    with pytest.raises(DeploymentInvalid) as refused:
        choose_entry("m", roots(a=process("a", "b"), b=process("b", "a")))
    assert "no entry process" in refused.value.problems[0].message
