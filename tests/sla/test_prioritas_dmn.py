"""`processes/prioritas-aduan.dmn` stays equal to Tabel 3 as `app.sla.matrix` holds it.

The decision runs in SpiffWorkflow the way the complaint procedure calls it: a business rule
task naming `prioritas_aduan`, with the three inputs in task data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from defusedxml import ElementTree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from app.sla.matrix import ALL_MATRIX_KEYS, Classification, Impact, ServiceGroup, priority
from tests.bpmn import linear

DMN = Path(__file__).parents[2] / "processes" / "prioritas-aduan.dmn"
DMN_NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
CALLER = linear(
    '<bpmn:businessRuleTask id="tentukan_prioritas" name="Tentukan prioritas">'
    "<bpmn:extensionElements>"
    "<spiffworkflow:calledDecisionId>prioritas_aduan</spiffworkflow:calledDecisionId>"
    "</bpmn:extensionElements></bpmn:businessRuleTask>"
)


def _parser(dmn: Path = DMN) -> SpiffBpmnParser:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_str(CALLER, filename="pemanggil.bpmn")
    parser.add_dmn_file(str(dmn))
    return parser


@pytest.fixture(scope="module")
def parser() -> SpiffBpmnParser:
    return _parser()


def _decide(parser: SpiffBpmnParser, **data: str) -> dict[str, object]:
    workflow = BpmnWorkflow(
        parser.get_spec("proses_uji"), parser.get_subprocess_specs("proses_uji")
    )
    workflow.task_tree.data.update(data)
    workflow.do_engine_steps()
    assert workflow.is_completed()
    return dict(workflow.data)


@pytest.mark.parametrize(("impact", "group", "classification"), ALL_MATRIX_KEYS)
def test_decision_equals_priority_matrix(
    parser: SpiffBpmnParser, impact: Impact, group: ServiceGroup, classification: Classification
) -> None:
    result = _decide(
        parser,
        dampak=impact.value,
        kelompok_layanan=group.value,
        klasifikasi_layanan=classification.value,
    )
    assert result["prioritas"] == priority(impact, group, classification)


def test_rules_cover_each_combination_exactly_once() -> None:
    """Spiff's UNIQUE returns the first match and never reports overlaps, so check here."""
    table = ElementTree.parse(DMN).getroot().find("dmn:decision/dmn:decisionTable", DMN_NS)
    assert table is not None
    assert table.get("hitPolicy") == "UNIQUE"
    rules = [
        tuple(
            entry.findtext("dmn:text", namespaces=DMN_NS)
            for entry in rule.findall("dmn:inputEntry", DMN_NS)
            + rule.findall("dmn:outputEntry", DMN_NS)
        )
        for rule in table.findall("dmn:rule", DMN_NS)
    ]
    expected = [
        (f'"{i}"', f'"{g}"', f'"{c}"', f'"{priority(i, g, c)}"') for i, g, c in ALL_MATRIX_KEYS
    ]
    assert sorted(rules) == sorted(expected)


def test_dmn_cites_the_regulation() -> None:
    assert "Perbup Bangka 21/2025, Tabel 3" in DMN.read_text(encoding="utf-8")


def test_dmn_parses_with_the_validator(parser: SpiffBpmnParser) -> None:
    assert parser.validator is VALIDATOR
    assert parser.get_spec("proses_uji").task_specs["tentukan_prioritas"]


def test_validator_rejects_a_broken_dmn(tmp_path: Path) -> None:
    """The check above means something only if the validator does look at the DMN."""
    broken = tmp_path / "rusak.dmn"
    broken.write_text(
        DMN.read_text(encoding="utf-8").replace("decisionTable", "tabelKeputusan"),
        encoding="utf-8",
    )
    with pytest.raises(ValidationException):
        _parser(broken)


def test_regulation_spelling_matches_no_rule(parser: SpiffBpmnParser) -> None:
    """The DMN takes the app's values only; Spiff then leaves the output unset, silently."""
    result = _decide(
        parser, dampak="Mayor", kelompok_layanan="Layanan Publik", klasifikasi_layanan="Kritis"
    )
    assert "prioritas" not in result
