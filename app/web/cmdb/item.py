"""An item's page (/cmdb/<id>): its facts, attributes, licences, relations drawn as a graph
and listed, its impact (the items, services and open cases depending on it), its capacity
(measurements against thresholds, drawn and tabled, and the forecast) and its history; its
keepers add and remove relations here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from app.errors import DomainError
from app.models import RelationType
from app.request_scope import platform, session
from app.services.configuration.capacity import CapacityService, Reading
from app.services.configuration.overview import LICENCE_NOTICE_DAYS, OverviewService
from app.services.configuration.relations import RelationService
from app.web.access import me
from app.web.admin.forms import REFUSED, FormState
from app.web.cmdb.labels import SERVICE_EDGE, relation_label
from app.web.i18n import half
from app.web.instances import status_badge as case_status_badge

bp = Blueprint("item", __name__)

RELATION_FIELDS = ("type", "target", "reason")


def _overview() -> OverviewService:
    return OverviewService(session(), platform().clock, me())


def _graph_data(graph: dict[str, Any]) -> dict[str, Any]:
    """The graph with each edge's label in the reader's language and each item's URL."""
    for node in graph["nodes"]:
        if node["item_id"] is not None:
            node["url"] = url_for(".show", item_id=node["item_id"])
    for edge in graph["edges"]:
        relation = edge["relation"]
        edge["label"] = str(SERVICE_EDGE) if relation == "service" else relation_label(relation)
    return graph


def _capacity_chart(readings: list[Reading]) -> dict[str, Any]:
    """Each metric's measurements and thresholds for capacity-chart.js; the tables on the
    page carry the same figures for those without the chart."""
    return {
        "warning": _("Ambang peringatan"),
        "critical": _("Ambang kritis"),
        "metrics": [
            {
                "id": f"kapasitas-{reading.metric}",
                "label": f"{reading.metric} ({reading.threshold.unit})"
                if reading.threshold
                else reading.metric,
                "labels": [format_datetime(m.measured_at, "short") for m in reading.measurements],
                "values": [m.value for m in reading.measurements],
                "warning": reading.threshold.warning if reading.threshold else None,
                "critical": reading.threshold.critical if reading.threshold else None,
            }
            for reading in readings
        ],
    }


def show_page(item_id: int, relation_form: FormState | None = None, status: int = 200) -> Any:
    """The item's page; `relation_form` is a refused relation form shown again."""
    overview = _overview()
    view = overview.of(item_id)
    readings = CapacityService(
        session(), platform().clock, platform().instances(session()), me()
    ).readings(item_id)
    has_cases = view.cases or view.impact.cases
    procedures = platform().tracking(session()).options()["procedures"] if has_cases else {}
    return (
        render_template(
            "cmdb/item.html",
            view=view,
            item=view.item,
            graph=_graph_data(view.graph.as_dict()),
            relation_form=relation_form or FormState(values={"type": "depends_on"}),
            relation_types=[(kind.value, relation_label(kind)) for kind in RelationType],
            suggestions=overview.names(exclude=item_id) if view.editable else [],
            notice_days=LICENCE_NOTICE_DAYS,
            procedures=procedures,
            case_status=case_status_badge,
            readings=readings,
            capacity_chart=_capacity_chart(readings),
        ),
        status,
    )


@bp.get("/<int:item_id>")
def show(item_id: int) -> Any:
    """One item with its relations, impact and history."""
    return show_page(item_id)


@bp.post("/<int:item_id>/relasi")
def add_relation(item_id: int) -> Any:
    """Relate this item (the source) to another, named by its name."""
    state = FormState.posted(request.form, RELATION_FIELDS)
    target_id = None
    if not state.values["target"]:
        state.add("target", _("Wajib diisi."))
    else:
        target_id = _overview().find(state.values["target"])
        if target_id is None:
            state.add("target", _("Tidak ada komponen bernama ini."))
    if state.ok:
        relations = RelationService(session(), platform().clock, me())
        try:
            relations.add(item_id, state.values["type"], target_id, state.values["reason"] or None)
        except DomainError as err:
            state.refuse(err, aliases={"target_id": "target"})
        else:
            session().commit()
            flash(_("Relasi ditambahkan."), "success")
            return redirect(url_for(".show", item_id=item_id, _anchor="relasi"))
    return show_page(item_id, state, REFUSED)


@bp.post("/<int:item_id>/relasi/<int:relation_id>/hapus")
def remove_relation(item_id: int, relation_id: int) -> Any:
    """Remove a relation from or to this item; its history stays."""
    relations = RelationService(session(), platform().clock, me())
    reason = request.form.get("reason", "").strip() or None
    try:
        relations.remove(item_id, relation_id, reason)
    except DomainError as err:
        session().rollback()
        if err.status in (403, 404):
            raise
        flash(half(err.message), "error")
    else:
        session().commit()
        flash(_("Relasi dihapus."), "success")
    return redirect(url_for(".show", item_id=item_id, _anchor="relasi"))
