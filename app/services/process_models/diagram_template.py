"""A new, valid, minimal diagram from `processes-templates/new-diagram.bpmn`.

The template draws a pool with the chosen lanes (roles), a start event and an end event in
the first lane and one user task in the second lane (or the first, when there is only
one), with full diagram interchange, so that the analyst starts from something that
opens in the modeler and passes the deploy checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.config import PROJECT_ROOT
from app.errors import InvalidInput
from app.services.process_models.deploy import MODEL_ID

TEMPLATES = PROJECT_ROOT / "processes-templates"
POOL_X, POOL_Y, POOL_WIDTH, LABEL_STRIP, LANE_HEIGHT = 160, 80, 720, 30, 150
EVENT, TASK_WIDTH, TASK_HEIGHT = 36, 100, 80
START_X, TASK_X, END_X = 240, 340, 560

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # names go into XML attributes and text
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Box:
    """A shape's bounds (and, for events, its label's)."""

    id: str
    x: int
    y: int
    width: int
    height: int
    label: Box | None = None


def lane_id(role: str) -> str:
    """A lane id from a role name, e.g. `lane_administrator_layanan`."""
    return "lane_" + (re.sub(r"[^a-z0-9]+", "_", role.lower()).strip("_") or "peran")


def _event(element_id: str, x: int, centre_y: int) -> Box:
    top = centre_y - EVENT // 2
    label = Box(f"{element_id}_label", x - 7, top + EVENT + 7, 50, 14)
    return Box(element_id, x, top, EVENT, EVENT, label)


def new_diagram(model_id: str, name: str, roles: list[str]) -> bytes:
    """The BPMN of a new model `model_id` named `name` with one lane per role.

    Raises:
        InvalidInput: a bad id, an empty name, no lane, or a role given twice.
    """
    name = name.strip()
    problems: dict[str, list[str]] = {}
    if not MODEL_ID.match(model_id):
        problems["id"] = ["huruf kecil, angka dan '-' / lower-case letters, digits and '-'"]
    if not name or len(name) > 200:
        problems["name"] = ["wajib diisi, paling banyak 200 huruf / required, at most 200"]
    cleaned = [role.strip() for role in roles if role.strip()]
    if not cleaned:
        problems["lanes"] = ["pilih paling sedikit satu lajur / choose at least one lane"]
    elif len({lane_id(r) for r in cleaned}) != len(cleaned):
        problems["lanes"] = ["lajur tidak boleh sama / lanes must differ"]
    if problems:
        raise InvalidInput("Data tidak valid / invalid data", problems)

    task_lane = 1 if len(cleaned) > 1 else 0
    centres = [POOL_Y + LANE_HEIGHT * i + LANE_HEIGHT // 2 for i in range(len(cleaned))]
    start = _event("mulai", START_X, centres[0])
    end = _event("selesai", END_X, centres[0])
    task = Box(
        "tugas_pertama", TASK_X, centres[task_lane] - TASK_HEIGHT // 2, TASK_WIDTH, TASK_HEIGHT
    )
    lanes: list[dict[str, Any]] = []
    for index, role in enumerate(cleaned):
        nodes = (["mulai", "selesai"] if index == 0 else []) + (
            ["tugas_pertama"] if index == task_lane else []
        )
        lanes.append(
            {
                "id": lane_id(role),
                "name": role,
                "nodes": nodes,
                "x": POOL_X + LABEL_STRIP,
                "y": POOL_Y + LANE_HEIGHT * index,
                "width": POOL_WIDTH - LABEL_STRIP,
                "height": LANE_HEIGHT,
            }
        )
    task_mid_x, task_mid_y = TASK_X + TASK_WIDTH // 2, centres[task_lane]
    end_mid_x = END_X + EVENT // 2
    if task_lane == 0:
        into_task = [(START_X + EVENT, centres[0]), (TASK_X, centres[0])]
        out_of_task = [(TASK_X + TASK_WIDTH, centres[0]), (END_X, centres[0])]
    else:
        into_task = [(START_X + EVENT, centres[0]), (task_mid_x, centres[0]), (task_mid_x, task.y)]
        out_of_task = [
            (TASK_X + TASK_WIDTH, task_mid_y),
            (end_mid_x, task_mid_y),
            (end_mid_x, end.y + EVENT),
        ]
    text = _environment.get_template("new-diagram.bpmn").render(
        process_id=model_id.replace("-", "_"),
        name=name,
        lanes=lanes,
        pool={
            "x": POOL_X,
            "y": POOL_Y,
            "width": POOL_WIDTH,
            "height": LANE_HEIGHT * len(cleaned),
        },
        shapes=[start, task, end],
        edges=[
            {"id": "f_mulai_tugas_pertama", "points": into_task},
            {"id": "f_tugas_pertama_selesai", "points": out_of_task},
        ],
    )
    return text.encode("utf-8")
