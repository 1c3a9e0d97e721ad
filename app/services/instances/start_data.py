"""The data an instance starts with: the start form's fields plus what the app adds.

One function for the whole starting data (the catalog's part is
`catalog.services.catalog_facts`), so that the runtime (`InstanceService.start`) and the
engine tests (tests/engine/harness.py) start instances with exactly the same variables
(docs/bpmn-conventions.md, "Data the runtime provides").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.engine.specs import SETTINGS_VARIABLE
from app.services.deadlines.service_levels import NEVER, SLA_VARIABLE, clock_kind

#: The escalation timers' due times an instance with SLA clocks starts with; the first
#: reading of its clocks re-arms them.
_ESCALATION_DUES = (
    "respons_peringatan",
    "respons_batas",
    "penyelesaian_peringatan",
    "penyelesaian_batas",
)


def start_variables(
    form: dict[str, Any],
    facts: dict[str, Any],
    requester: tuple[str, str],
    now: datetime,
    reference: str | None,
    settings: dict[str, Any],
) -> dict[str, Any]:
    """The starting data of an instance.

    Args:
        form: the start form's data, already valid.
        facts: `catalog_facts` of its service, or {} without one.
        requester: the starter's username and full name (`pemohon`).
        now: the start time (`waktu_permintaan`).
        reference: its number (`nomor_referensi`), when the model numbers instances.
        settings: the effective settings of its model for its PD
            (`process_models.settings.effective_values`), empty when the diagram declares
            none. They become `pengaturan` and stay as they were at the start: an
            administrator's later change applies to the next instance, not to this one.
    """
    username, full_name = requester
    initial = {
        **form,
        **facts,
        "pemohon": {"username": username, "nama": full_name},
        "waktu_permintaan": now.isoformat(),
    }
    if reference is not None:
        initial["nomor_referensi"] = reference
    if settings:
        initial[SETTINGS_VARIABLE] = dict(settings)
    if clock_kind(initial) is not None:
        initial[SLA_VARIABLE] = dict.fromkeys(_ESCALATION_DUES, NEVER)
    return initial
