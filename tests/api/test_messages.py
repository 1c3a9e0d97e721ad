"""Messages and signals sent to waiting instances from outside (issue 16, item 2):
`POST /process-instances/{id}/messages`, `POST /messages`, `POST /signals`.

Each construct has a small diagram of its own: a message catch event with a correlation
key, a receive task, an event-based gateway with a message and a timer branch, a message
boundary event on a user task, a signal catch event and a message start event. Instances
are started without a service, so only supervisors holding their role everywhere
(`pj.layanan`) reach them; `pimpinan` supervises PD DISKOMINFO only.

Who is refused how: the per-instance endpoint answers 403 to a signed-in user who may not
supervise the instance (as suspend and terminate do: the id is already known); the global
endpoints answer 404 when no instance within the caller's reach waits, so instances
outside it are never revealed.
"""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select

from app.engine.catching import Delivery
from app.engine.specs import Bundle
from app.errors import Conflict
from app.models import Event, Instance, User
from app.services.context import Platform
from app.services.instances.messaging import MESSAGE, EventSender
from app.services.process_models.deploy import DeployService
from tests.conftest import Auth

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
)
SUPERVISOR = "pj.layanan"


def diagram(process_id: str, declared: str, body: str, collaboration: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions {NS} id="d" '
        f'targetNamespace="x">{collaboration}{declared}'
        f'<bpmn:process id="{process_id}" isExecutable="true">{body}</bpmn:process>'
        "</bpmn:definitions>"
    ).encode()


def flows(*pairs: tuple[str, str]) -> str:
    return "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}" />'
        for i, (a, b) in enumerate(pairs)
    )


def variable(name: str) -> str:
    return (
        "<bpmn:extensionElements><spiffworkflow:messageVariable>"
        f"{name}</spiffworkflow:messageVariable></bpmn:extensionElements>"
    )


#: Waits for `bayar` for its own `nomor`: the correlation key `kunci_bayar` holds the
#: property `nomor`, read from the message's payload and from the process's data.
CATCH = diagram(
    "tunggu_bayar",
    '<bpmn:message id="m_bayar" name="bayar" />'
    '<bpmn:correlationProperty id="nomor" name="Nomor">'
    '<bpmn:correlationPropertyRetrievalExpression messageRef="m_bayar">'
    "<bpmn:formalExpression>nomor</bpmn:formalExpression>"
    "</bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>",
    '<bpmn:startEvent id="mulai" />'
    '<bpmn:intermediateCatchEvent id="tunggu"><bpmn:messageEventDefinition messageRef="m_bayar">'
    "<bpmn:extensionElements><spiffworkflow:messageVariable>bayaran"
    "</spiffworkflow:messageVariable><spiffworkflow:processVariableCorrelation>"
    "<spiffworkflow:propertyId>nomor</spiffworkflow:propertyId>"
    "<spiffworkflow:expression>nomor</spiffworkflow:expression>"
    "</spiffworkflow:processVariableCorrelation></bpmn:extensionElements>"
    "</bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>"
    '<bpmn:scriptTask id="hitung"><bpmn:script>lunas = bayaran["jumlah"] &gt;= 100'
    "</bpmn:script></bpmn:scriptTask>"
    '<bpmn:endEvent id="akhir" />'
    + flows(("mulai", "tunggu"), ("tunggu", "hitung"), ("hitung", "akhir")),
    '<bpmn:collaboration id="kolaborasi"><bpmn:participant id="p" processRef="tunggu_bayar" />'
    '<bpmn:correlationKey name="kunci_bayar"><bpmn:correlationPropertyRef>nomor'
    "</bpmn:correlationPropertyRef></bpmn:correlationKey></bpmn:collaboration>",
)
RECEIVE = diagram(
    "terima_dokumen",
    '<bpmn:message id="m_dok" name="dokumen-diterima" />',
    '<bpmn:startEvent id="mulai" />'
    f'<bpmn:receiveTask id="terima" messageRef="m_dok">{variable("dokumen")}</bpmn:receiveTask>'
    '<bpmn:endEvent id="akhir" />' + flows(("mulai", "terima"), ("terima", "akhir")),
)
GATEWAY = diagram(
    "pilih_jawaban",
    '<bpmn:message id="m_jawab" name="jawaban" />',
    '<bpmn:startEvent id="mulai" /><bpmn:eventBasedGateway id="gerbang" />'
    '<bpmn:intermediateCatchEvent id="dijawab"><bpmn:messageEventDefinition messageRef="m_jawab">'
    f"{variable('jawaban')}</bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>"
    '<bpmn:intermediateCatchEvent id="lewat"><bpmn:timerEventDefinition>'
    '<bpmn:timeDuration>"P3D"</bpmn:timeDuration></bpmn:timerEventDefinition>'
    "</bpmn:intermediateCatchEvent>"
    '<bpmn:scriptTask id="catat_jawab"><bpmn:script>hasil = "dijawab"</bpmn:script>'
    "</bpmn:scriptTask>"
    '<bpmn:scriptTask id="catat_lewat"><bpmn:script>hasil = "lewat"</bpmn:script></bpmn:scriptTask>'
    '<bpmn:endEvent id="akhir_jawab" /><bpmn:endEvent id="akhir_lewat" />'
    + flows(
        ("mulai", "gerbang"),
        ("gerbang", "dijawab"),
        ("gerbang", "lewat"),
        ("dijawab", "catat_jawab"),
        ("catat_jawab", "akhir_jawab"),
        ("lewat", "catat_lewat"),
        ("catat_lewat", "akhir_lewat"),
    ),
)
BOUNDARY = diagram(
    "kerja_batal",
    '<bpmn:message id="m_batal" name="batalkan" />',
    '<bpmn:startEvent id="mulai" /><bpmn:userTask id="kerjakan" name="Kerjakan" />'
    '<bpmn:boundaryEvent id="dibatalkan" attachedToRef="kerjakan">'
    f'<bpmn:messageEventDefinition messageRef="m_batal">{variable("pembatalan")}'
    "</bpmn:messageEventDefinition></bpmn:boundaryEvent>"
    '<bpmn:endEvent id="selesai" /><bpmn:endEvent id="batal" />'
    + flows(("mulai", "kerjakan"), ("kerjakan", "selesai"), ("dibatalkan", "batal")),
)
SIGNAL = diagram(
    "siaga",
    '<bpmn:signal id="s_darurat" name="darurat"><bpmn:extensionElements>'
    "<spiffworkflow:variableName>isi_sinyal</spiffworkflow:variableName>"
    "</bpmn:extensionElements></bpmn:signal>",
    '<bpmn:startEvent id="mulai" />'
    '<bpmn:intermediateCatchEvent id="tunggu"><bpmn:signalEventDefinition signalRef="s_darurat" />'
    "</bpmn:intermediateCatchEvent>"
    '<bpmn:endEvent id="akhir" />' + flows(("mulai", "tunggu"), ("tunggu", "akhir")),
)
STARTED_BY_MESSAGE = diagram(
    "laporan_masuk",
    '<bpmn:message id="m_lapor" name="laporan-masuk" />',
    '<bpmn:startEvent id="mulai"><bpmn:messageEventDefinition messageRef="m_lapor" />'
    '</bpmn:startEvent><bpmn:userTask id="tindak" name="Tindak lanjuti" />'
    '<bpmn:endEvent id="akhir" />' + flows(("mulai", "tindak"), ("tindak", "akhir")),
)
MODELS = {
    "tunggu-bayar": CATCH,
    "terima-dokumen": RECEIVE,
    "pilih-jawaban": GATEWAY,
    "kerja-batal": BOUNDARY,
    "siaga": SIGNAL,
    "laporan-masuk": STARTED_BY_MESSAGE,
}


@pytest.fixture
def models(platform: Platform, demo: None) -> Platform:
    with platform.sessions() as session, session.begin():
        deployments = DeployService(session, platform.clock, platform.specs)
        for model_id, bpmn in MODELS.items():
            deployments.deploy(Bundle({f"{model_id}.bpmn": bpmn}))
    return platform


def start(auth: Auth, model_id: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": model_id, "data": data or {}},
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def read(auth: Auth, instance_id: int) -> dict[str, Any]:
    return auth.get(SUPERVISOR, f"/api/v1/process-instances/{instance_id}").json


def events(platform: Platform, instance_id: int, kind: str) -> list[dict[str, Any]]:
    """The instance's events of `kind`: their data and who caused them."""
    with platform.sessions() as session:
        return [
            {"data": e.data, "user": e.user.username if e.user else None}
            for e in session.scalars(
                select(Event)
                .where(Event.instance_id == instance_id, Event.kind == kind)
                .order_by(Event.id)
            )
        ]


def states(platform: Platform) -> dict[int, tuple[str, bytes]]:
    with platform.sessions() as session:
        return {i.id: (i.status, i.state) for i in session.scalars(select(Instance))}


def test_a_correlated_message_reaches_its_instance_which_moves_on(
    auth: Auth, models: Platform
) -> None:
    first = start(auth, "tunggu-bayar", {"nomor": "A-1"})
    second = start(auth, "tunggu-bayar", {"nomor": "A-2"})
    assert read(auth, first["id"])["waiting_for"] == [
        {"kind": "message", "name": "bayar", "correlation": ["nomor"]}
    ]
    answer = auth.post(
        SUPERVISOR,
        "/api/v1/messages",
        json={
            "name": "bayar",
            "correlation": {"nomor": "A-2"},
            "payload": {"nomor": "A-2", "jumlah": 150},
        },
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["started"] is False
    [reached] = answer.json["instances"]
    assert reached["id"] == second["id"]
    assert reached["status"] == "complete"
    assert reached["data"]["bayaran"] == {"nomor": "A-2", "jumlah": 150}
    assert reached["data"]["lunas"] is True
    assert read(auth, first["id"])["status"] == "waiting"
    [event] = events(models, second["id"], "message_received")
    assert event["data"]["message"] == "bayar"
    assert event["data"]["from"] == SUPERVISOR
    assert event["user"] == SUPERVISOR
    assert read(auth, second["id"])["waiting_for"] == []


def test_the_end_data_equal_spiffworkflow_alone(auth: Auth, models: Platform) -> None:
    started = start(auth, "tunggu-bayar", {"nomor": "B-7"})
    payload = {"nomor": "B-7", "jumlah": 40, "catatan": {"via": "bank"}}
    answer = auth.post(
        SUPERVISOR,
        f"/api/v1/process-instances/{started['id']}/messages",
        json={"name": "bayar", "payload": payload},
    )
    assert answer.status_code == 200, answer.json
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(CATCH, filename="tunggu-bayar.bpmn")
    alone = BpmnWorkflow(parser.get_spec("tunggu_bayar"))
    alone.task_tree.data.update(started["data"])
    alone.do_engine_steps()
    definition = MessageEventDefinition("bayar")
    waiting = next(iter(alone.event_manager.tasks.values()))
    correlations = definition.calculate_correlations(
        alone.script_engine, waiting.task_spec.event_definition.correlation_properties, payload
    )
    alone.send_event(BpmnEvent(definition, payload, correlations))
    alone.do_engine_steps()
    assert alone.is_completed()
    assert answer.json["status"] == "complete"
    assert answer.json["data"] == alone.data


def test_an_ambiguous_correlation_is_409_and_changes_nothing(auth: Auth, models: Platform) -> None:
    start(auth, "tunggu-bayar", {"nomor": "C-1"})
    start(auth, "terima-dokumen")
    start(auth, "terima-dokumen")
    before = states(models)
    answer = auth.post(
        SUPERVISOR, "/api/v1/messages", json={"name": "dokumen-diterima", "payload": {"x": 1}}
    )
    assert answer.status_code == 409, answer.json
    assert "correlation" in answer.json["errors"]
    assert states(models) == before


def test_a_name_nobody_waits_for_is_404(auth: Auth, models: Platform) -> None:
    waiting = start(auth, "tunggu-bayar", {"nomor": "D-1"})
    for url, body in (
        ("/api/v1/messages", {"name": "tidak-ada", "payload": {}}),
        ("/api/v1/signals", {"name": "tidak-ada"}),
        (f"/api/v1/process-instances/{waiting['id']}/messages", {"name": "tidak-ada"}),
        # waits for `bayar`, but for its own number only
        (
            "/api/v1/messages",
            {"name": "bayar", "correlation": {"nomor": "Z-9"}, "payload": {"nomor": "Z-9"}},
        ),
    ):
        answer = auth.post(SUPERVISOR, url, json=body)
        assert answer.status_code == 404, (url, answer.json)
    assert read(auth, waiting["id"])["status"] == "waiting"


def test_who_may_not_supervise_gets_403_on_the_instance_and_404_globally(
    auth: Auth, models: Platform
) -> None:
    waiting = start(auth, "terima-dokumen")
    # the requester sees her own case but supervises nothing
    refused = auth.post(
        "pengguna",
        f"/api/v1/process-instances/{waiting['id']}/messages",
        json={"name": "dokumen-diterima"},
    )
    assert refused.status_code == 403, refused.json
    # a PD's head reaches that PD's cases only: the waiting case is not revealed
    for username in ("pengguna", "pimpinan"):
        hidden = auth.post(username, "/api/v1/messages", json={"name": "dokumen-diterima"})
        assert hidden.status_code == 404, hidden.json
        assert auth.post(username, "/api/v1/signals", json={"name": "darurat"}).status_code == 404
    assert read(auth, waiting["id"])["status"] == "waiting"
    assert events(models, waiting["id"], "message_received") == []


def test_a_signal_reaches_every_waiting_instance(auth: Auth, models: Platform) -> None:
    ids = [start(auth, "siaga")["id"], start(auth, "siaga")["id"]]
    other = start(auth, "terima-dokumen")
    assert read(auth, ids[0])["waiting_for"] == [
        {"kind": "signal", "name": "darurat", "correlation": []}
    ]
    answer = auth.post(
        SUPERVISOR, "/api/v1/signals", json={"name": "darurat", "payload": {"tingkat": 3}}
    )
    assert answer.status_code == 200, answer.json
    assert sorted(i["id"] for i in answer.json["instances"]) == ids
    for instance_id in ids:
        done = read(auth, instance_id)
        assert done["status"] == "complete"
        assert done["data"]["isi_sinyal"] == {"tingkat": 3}
        [event] = events(models, instance_id, "signal_received")
        assert event["data"]["signal"] == "darurat"
        assert event["user"] == SUPERVISOR
    assert read(auth, other["id"])["status"] == "waiting"


def test_a_message_nobody_waits_for_starts_the_model_it_names(auth: Auth, models: Platform) -> None:
    answer = auth.post(
        SUPERVISOR,
        "/api/v1/messages",
        json={"name": "laporan-masuk", "payload": {"judul": "Server mati"}},
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["started"] is True
    [started] = answer.json["instances"]
    assert started["process_model_id"] == "laporan-masuk"
    assert started["data"]["judul"] == "Server mati"
    assert started["status"] == "running"
    assert events(models, started["id"], "message_received")[0]["data"]["from"] == SUPERVISOR


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "bayar", "payload": [1, 2]}, "payload"),
        ({"name": "bayar", "payload": "teks"}, "payload"),
        ({"name": "bayar", "payload": {"x": "a" * 300_000}}, "payload.x"),
        ({"name": "bayar", "payload": {"jumlah": 5}}, "payload"),  # lacks `nomor`
        ({"name": "", "payload": {}}, "name"),
        ({"name": "bayar", "correlation": [1], "payload": {}}, "correlation"),
    ],
)
def test_a_bad_payload_is_422_naming_it(
    auth: Auth, models: Platform, body: dict[str, Any], field: str
) -> None:
    waiting = start(auth, "tunggu-bayar", {"nomor": "E-1"})
    answer = auth.post(SUPERVISOR, "/api/v1/messages", json=body)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"], answer.json
    if "correlation" not in body:
        direct = auth.post(
            SUPERVISOR, f"/api/v1/process-instances/{waiting['id']}/messages", json=body
        )
        assert direct.status_code == 422, direct.json
        assert field in direct.json["errors"], direct.json
    assert read(auth, waiting["id"])["status"] == "waiting"


def test_a_receive_task_takes_its_message(auth: Auth, models: Platform) -> None:
    waiting = start(auth, "terima-dokumen")
    answer = auth.post(
        SUPERVISOR,
        f"/api/v1/process-instances/{waiting['id']}/messages",
        json={"name": "dokumen-diterima", "payload": {"nomor_surat": "800/12"}},
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "complete"
    assert answer.json["data"]["dokumen"] == {"nomor_surat": "800/12"}
    again = auth.post(
        SUPERVISOR,
        f"/api/v1/process-instances/{waiting['id']}/messages",
        json={"name": "dokumen-diterima"},
    )
    assert again.status_code == 409  # complete: it waits for nothing any more


def test_an_event_based_gateway_takes_the_message_branch(auth: Auth, models: Platform) -> None:
    waiting = start(auth, "pilih-jawaban")
    assert read(auth, waiting["id"])["waiting_for"] == [
        {"kind": "message", "name": "jawaban", "correlation": []}
    ]
    answer = auth.post(
        SUPERVISOR, "/api/v1/messages", json={"name": "jawaban", "payload": {"setuju": True}}
    )
    assert answer.status_code == 200, answer.json
    [done] = answer.json["instances"]
    assert done["status"] == "complete"
    assert done["data"]["hasil"] == "dijawab"
    assert done["data"]["jawaban"] == {"setuju": True}
    with models.sessions() as session:
        assert session.get_one(Instance, waiting["id"]).next_timer_at is None


def test_a_message_boundary_event_interrupts_the_task(auth: Auth, models: Platform) -> None:
    waiting = start(auth, "kerja-batal")
    detail = read(auth, waiting["id"])
    assert detail["status"] == "running"
    assert [t["name"] for t in detail["tasks"]] == ["kerjakan"]
    assert detail["waiting_for"] == [{"kind": "message", "name": "batalkan", "correlation": []}]
    answer = auth.post(
        SUPERVISOR,
        f"/api/v1/process-instances/{waiting['id']}/messages",
        json={"name": "batalkan", "payload": {"alasan": "ganda"}},
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "complete"
    assert answer.json["data"]["pembatalan"] == {"alasan": "ganda"}
    assert read(auth, waiting["id"])["tasks"] == []
    cancelled = events(models, waiting["id"], "task_cancelled")
    assert [e["data"]["task"] for e in cancelled] == ["kerjakan"]


def test_the_endpoints_are_documented(auth: Auth, demo: None) -> None:
    spec = auth.get("pengguna", "/api/v1/openapi.json").json
    for path in (
        "/api/v1/messages",
        "/api/v1/signals",
        "/api/v1/process-instances/{instance_id}/messages",
    ):
        operation = spec["paths"][path]["post"]
        assert {"200", "404", "422"} <= set(operation["responses"]), path
        assert operation["requestBody"]["content"]["application/json"]["schema"]
    detail = spec["components"]["schemas"]["InstanceDetail"]["properties"]
    assert "waiting_for" in detail


def test_a_user_who_never_signed_in_is_401(auth: Auth) -> None:
    assert auth.client.post("/api/v1/signals", json={"name": "darurat"}).status_code == 401


def test_a_suspended_instance_takes_no_message(auth: Auth, models: Platform) -> None:
    waiting = start(auth, "terima-dokumen")
    url = f"/api/v1/process-instances/{waiting['id']}"
    assert auth.post(SUPERVISOR, f"{url}/suspend").status_code == 200
    refused = auth.post(SUPERVISOR, f"{url}/messages", json={"name": "dokumen-diterima"})
    assert refused.status_code == 409, refused.json
    # nor is it counted as waiting by the global endpoint
    assert (
        auth.post(SUPERVISOR, "/api/v1/messages", json={"name": "dokumen-diterima"}).status_code
        == 404
    )
    assert read(auth, waiting["id"])["status"] == "suspended"


def test_an_instance_moved_on_after_it_was_found_is_a_409(auth: Auth, models: Platform) -> None:
    """The global endpoints find the waiting instances first and lock each only to deliver:
    one that another writer moved on in between is a lost race, not a silent drop."""
    waiting = start(auth, "terima-dokumen")
    delivery = Delivery(MESSAGE, "dokumen-diterima", {"x": 1})
    with models.sessions() as session:
        user = session.scalars(select(User).where(User.username == SUPERVISOR)).one()
        found = EventSender(models.instances(session))._matching(delivery, user)
    assert found == [waiting["id"]]
    first = auth.post(
        SUPERVISOR,
        f"/api/v1/process-instances/{waiting['id']}/messages",
        json={"name": "dokumen-diterima"},
    )
    assert first.status_code == 200
    with models.sessions() as session:
        user = session.scalars(select(User).where(User.username == SUPERVISOR)).one()
        with pytest.raises(Conflict):
            EventSender(models.instances(session))._deliver_found(found[0], delivery, user)
    assert len(events(models, waiting["id"], "message_received")) == 1
