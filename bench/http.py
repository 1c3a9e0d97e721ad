"""User tasks completed per second over HTTP, one web process and one sequential client:
the shape SpiffArena was measured on (issue 13, item 1).

`python -m bench.http [--instances N] [--pg SERVER_URL]` builds a database as `make run`
does, deploys a two-lane, two-task process (the service desk, then the service owner),
starts `spbe serve --workers 1 --threads 1 --no-worker` on it and drives N instances one
after another: a user starts one, the desk finds its task in the inbox and completes it,
the owner likewise. It prints the rate of completions (the completion calls alone, and
with the inbox read that finds the task) beside SpiffArena's on this machine (about 15
user tasks per second on SQLite and 14 on PostgreSQL) and the ratio to the target of ten
times that.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from app.models import RoleName
from app.services.demo import SAMPLE_REQUEST
from app.services.process_models.deploy import DeployService, deploy_paths
from bench.database import Backend, build_platform, created_postgres, redact, sqlite_backend
from bench.load import Client, free_port, serve
from bench.stats import percentile

MODEL_ID = "dua-lajur"
#: SpiffArena's user tasks per second on this machine, one worker and one client.
SPIFFARENA_RATE = {"sqlite": 15.0, "postgresql": 14.0}
TARGET_FACTOR = 10
STEPS = (("tugas_meja", "admin.layanan"), ("tugas_pemilik", "pj.layanan"))


def _diagram() -> str:
    """Start, the desk's task in its lane, the owner's task in theirs, end."""
    desk, owner = RoleName.SERVICE_ADMINISTRATOR.value, RoleName.SERVICE_OWNER.value
    shapes = "".join(
        f'<bpmndi:BPMNShape id="{ref}_di" bpmnElement="{ref}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>'
        for ref, x, y, w, h in (
            ("lajur_meja", 100, 50, 600, 150),
            ("lajur_pemilik", 100, 200, 600, 150),
            ("mulai", 160, 107, 36, 36),
            ("tugas_meja", 250, 85, 100, 80),
            ("tugas_pemilik", 400, 235, 100, 80),
            ("selesai", 560, 257, 36, 36),
        )
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  id="defs_dua_lajur" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="kolaborasi"><bpmn:participant id="peserta" name="Dua lajur"
    processRef="dua_lajur" /></bpmn:collaboration>
  <bpmn:process id="dua_lajur" name="Dua lajur" isExecutable="true">
    <bpmn:laneSet id="lajur">
      <bpmn:lane id="lajur_meja" name="{desk}">
        <bpmn:flowNodeRef>mulai</bpmn:flowNodeRef><bpmn:flowNodeRef>tugas_meja</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="lajur_pemilik" name="{owner}">
        <bpmn:flowNodeRef>tugas_pemilik</bpmn:flowNodeRef><bpmn:flowNodeRef>selesai</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="mulai" />
    <bpmn:userTask id="tugas_meja" name="Periksa" />
    <bpmn:userTask id="tugas_pemilik" name="Setujui" />
    <bpmn:endEvent id="selesai" />
    <bpmn:sequenceFlow id="a1" sourceRef="mulai" targetRef="tugas_meja" />
    <bpmn:sequenceFlow id="a2" sourceRef="tugas_meja" targetRef="tugas_pemilik" />
    <bpmn:sequenceFlow id="a3" sourceRef="tugas_pemilik" targetRef="selesai" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="gambar"><bpmndi:BPMNPlane id="bidang" bpmnElement="kolaborasi">
    {shapes}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def run(backend: AbstractContextManager[Backend], instances: int) -> None:
    """Build, deploy, serve, drive, print."""
    with backend as made:
        platform = build_platform(made)
        dialect = platform.engine.dialect.name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{MODEL_ID}.bpmn"
            path.write_text(_diagram(), encoding="utf-8")
            with platform.sessions() as session, session.begin():
                deploy_paths(
                    DeployService(session, platform.clock, platform.specs), [path], Path(folder)
                )
        platform.engine.dispose()
        port = free_port()
        server = serve(made.url, port, workers=1, threads=1)
        timings: dict[str, list[float]] = defaultdict(list)
        codes: Counter[str] = Counter()
        client = Client(port, timings, codes)
        try:
            for user in ("pengguna", *(name for _, name in STEPS)):
                client.sign_in(user)
            data = {"layanan": SAMPLE_REQUEST["layanan"]}
            began = time.perf_counter()
            for _ in range(instances):
                status, instance = client.call(
                    "start",
                    "POST",
                    "/api/v1/process-instances",
                    {"process_model_id": MODEL_ID, "data": data},
                    "pengguna",
                )
                if status != 201:
                    raise RuntimeError(f"start: {status} {instance}")
                for bpmn_id, user in STEPS:
                    status, inbox = client.call(
                        "inbox", "GET", f"/api/v1/tasks?instance_id={instance['id']}", None, user
                    )
                    found = [t for t in inbox["items"] if t["name"] == bpmn_id]
                    if status != 200 or len(found) != 1:
                        raise RuntimeError(f"inbox of {user}: {status} {inbox}")
                    status, answer = client.call(
                        "complete",
                        "POST",
                        f"/api/v1/tasks/{found[0]['id']}/complete",
                        {"data": {}},
                        user,
                    )
                    if status != 200:
                        raise RuntimeError(f"complete: {status} {answer}")
            wall = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
    completions = timings["complete"]
    found_and_done = [a + b for a, b in zip(timings["inbox"], completions, strict=True)]
    reference = SPIFFARENA_RATE[dialect]
    rates = {
        "completion calls alone": len(completions) / sum(completions),
        "inbox read + completion": len(completions) / sum(found_and_done),
        "whole flow (start, 2 x inbox + completion)": len(completions) / wall,
    }
    print(f"# {redact(made.url)}: {instances} instances of {MODEL_ID}, 1 process x 1 thread")
    print(
        f"completion p50 {percentile(completions, 50) * 1000:.1f} ms, "
        f"p95 {percentile(completions, 95) * 1000:.1f} ms; "
        f"start p50 {percentile(timings['start'], 50) * 1000:.1f} ms; "
        f"inbox p50 {percentile(timings['inbox'], 50) * 1000:.1f} ms"
    )
    print(f"{'user tasks per second':<45} {'rate':>7} {'x SpiffArena':>13} {'target 10x':>11}")
    for label, rate in rates.items():
        ratio = rate / reference
        verdict = "PASS" if ratio >= TARGET_FACTOR else "MISS"
        print(f"{label:<45} {rate:>7.1f} {ratio:>12.1f}x {verdict:>11}")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run on SQLite, or on a new PostgreSQL database with --pg."""
    parser = argparse.ArgumentParser(prog="python -m bench.http")
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--pg", metavar="SERVER_URL", help="e.g. postgresql://postgres@127.0.0.1")
    options = parser.parse_args(argv)
    backend = created_postgres(options.pg) if options.pg else sqlite_backend()
    run(backend, options.instances)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
