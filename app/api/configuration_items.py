"""The CMDB (Kepbup Polewali Mandar 685/2021, II.3; issue 14, items 1 and 2):
`/api/v1/configuration-items` and `/api/v1/configuration-item-types`.

Staff read; the keepers of an item's PD (its infrastructure roles) and Admin Sistem change
it (app/services/accounts/permissions.py, `EDIT_CONFIGURATION`); Admin Sistem edits the
types. Every refusal names its field: 422 for a wrong one (`attributes.<name>` for an
attribute against its type's schema), 409 for a duplicate, 404 for an unknown id. An
import is all or nothing: its 422 lists every problem with its row and column; an export
writes the columns the import reads.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from app.api.deps import (
    SHEET_UPLOAD,
    authenticated,
    current_user,
    platform,
    reader_language,
    session,
    uploaded_sheet,
)
from app.api.present import linked_dict
from app.api.schemas import (
    ConfigurationItemCreateSchema,
    ConfigurationItemDetailSchema,
    ConfigurationItemExportQuerySchema,
    ConfigurationItemImportSchema,
    ConfigurationItemPageSchema,
    ConfigurationItemPatchSchema,
    ConfigurationItemQuerySchema,
    ConfigurationItemRetireSchema,
    ConfigurationItemTypeSchema,
    ConfigurationRelationCreateSchema,
    ConfigurationRelationDeleteQuerySchema,
    ConfigurationRelationSchema,
    ImpactSchema,
)
from app.models import (
    ConfigurationItem,
    ConfigurationItemHistory,
    ConfigurationItemType,
    ConfigurationRelation,
    ConfigurationRelationHistory,
)
from app.services.configuration.cases import cases_of_item
from app.services.configuration.impact import Impact, ImpactService
from app.services.configuration.items import ItemFilter, ItemService
from app.services.configuration.relations import RelationService
from app.services.configuration.transfer import TransferService
from app.services.configuration.types import ItemTypeService
from app.services.spreadsheet import EXPORT_MAX, MIME_TYPES

blp = Blueprint(
    "configuration_items",
    __name__,
    url_prefix="/api/v1",
    description="Komponen konfigurasi (CMDB) / configuration items",
)
ITEMS = "/configuration-items"


def _items() -> ItemService:
    return ItemService(session(), platform().clock, current_user())


def _relations() -> RelationService:
    return RelationService(session(), platform().clock, current_user())


def summary_dict(item: ConfigurationItem) -> dict[str, Any]:
    """Enough of an item to show it and go there."""
    return {
        "id": item.id,
        "type": item.type.code,
        "name": item.name,
        "agency": item.agency.code,
        "status": item.status,
    }


def item_dict(item: ConfigurationItem) -> dict[str, Any]:
    """An item without its relations and history (the list's rows)."""
    return {
        **summary_dict(item),
        "type_name": item.type.name,
        "location": item.location,
        "labels": [label.label for label in item.labels],
        "attributes": item.attributes,
        "administrators": [user.username for user in item.administrators],
        "services": [service.code for service in item.services],
        "retain_until": item.retain_until,
        "licences": [
            {
                "holder": licence.holder,
                "seats": licence.seats,
                "expires_on": licence.expires_on,
                "reference": licence.reference,
            }
            for licence in item.licences
        ],
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def relation_dict(relation: ConfigurationRelation, item_id: int) -> dict[str, Any]:
    """A relation as item `item_id` sees it: outgoing when it is the source."""
    outgoing = relation.source_id == item_id
    return {
        "id": relation.id,
        "type": relation.type,
        "source_id": relation.source_id,
        "target_id": relation.target_id,
        "direction": "outgoing" if outgoing else "incoming",
        "item": summary_dict(relation.target if outgoing else relation.source),
        "created_at": relation.created_at,
        "created_by": relation.created_by.username if relation.created_by else None,
    }


def history_dict(row: ConfigurationItemHistory) -> dict[str, Any]:
    """One change of an item."""
    return {
        "id": row.id,
        "at": row.at,
        "by": row.user.username if row.user else None,
        "action": row.action,
        "reason": row.reason,
        "changes": row.changes,
        "source": linked_dict(row.source) if row.source is not None else None,
    }


def relation_history_dict(row: ConfigurationRelationHistory) -> dict[str, Any]:
    """One relation added or removed."""
    return {
        "id": row.id,
        "relation_id": row.relation_id,
        "type": row.type,
        "source_id": row.source_id,
        "target_id": row.target_id,
        "action": row.action,
        "at": row.at,
        "by": row.user.username if row.user else None,
        "reason": row.reason,
    }


def detail_dict(item: ConfigurationItem) -> dict[str, Any]:
    """An item with the cases naming it (newest first), its relations in force and both
    histories, oldest first."""
    relations = _relations()
    cases, total = cases_of_item(session(), item.id)
    return {
        **item_dict(item),
        "cases": [
            {
                **linked_dict(case),
                "service": case.service.code if case.service else None,
                "started_at": case.started_at,
            }
            for case in cases
        ],
        "cases_total": total,
        "relations": [relation_dict(r, item.id) for r in relations.of_item(item.id)],
        "history": [history_dict(row) for row in relations.items.history(item.id)],
        "relation_history": [relation_history_dict(row) for row in relations.history(item.id)],
    }


def impact_dict(impact: Impact) -> dict[str, Any]:
    """The impact analysis' answer: `{"items", "services", "cases"}`."""
    return {
        "items": [
            {
                **summary_dict(found.item),
                "depth": found.depth,
                "through_id": found.through_id,
                "relation": found.relation,
            }
            for found in impact.items
        ],
        "services": [
            {
                "code": found.service.code,
                "name": found.service.name,
                "agency": found.service.agency.code,
                "classification": found.service.classification,
                "items": found.item_ids,
            }
            for found in impact.services
        ],
        "cases": [
            {
                **linked_dict(found.instance),
                "service": found.instance.service.code if found.instance.service else None,
                "items": found.item_ids,
                "services": found.services,
            }
            for found in impact.cases
        ],
    }


def type_dict(item_type: ConfigurationItemType) -> dict[str, Any]:
    """An item type with what it asks of its items."""
    return {
        "code": item_type.code,
        "name": item_type.name,
        "name_en": item_type.name_en,
        "description": item_type.description,
        "attribute_schema": item_type.attribute_schema,
        "identifying_attributes": item_type.identifying_attributes,
        "naming_pattern": item_type.naming_pattern,
        "naming_example": item_type.naming_example,
        "holds_licences": item_type.holds_licences,
    }


@blp.route(ITEMS, methods=["GET"])
@authenticated
@blp.arguments(ConfigurationItemQuerySchema, location="query")
@blp.response(200, ConfigurationItemPageSchema)
@blp.alt_response(403, description="Staff only")
def list_items(query: dict[str, Any]) -> dict[str, Any]:
    """Items by name, filtered by type, PD, status, label, service and `q` (part of the
    name or location)."""
    filters = ItemFilter(**{key: query.get(key) for key in ItemFilter.__dataclass_fields__})
    page = _items().page(filters, query["page"], query["per_page"])
    return {"items": [item_dict(item) for item in page.items], "total": page.total}


@blp.route(ITEMS, methods=["POST"])
@authenticated
@blp.arguments(ConfigurationItemCreateSchema)
@blp.response(201, ConfigurationItemDetailSchema)
@blp.alt_response(403, description="Not a keeper of the PD's or the services' items")
@blp.alt_response(409, description="Another item has the name or the identifying attributes")
@blp.alt_response(422, description="A field is wrong; `errors` names it (attributes.<name>)")
def create_item(body: dict[str, Any]) -> dict[str, Any]:
    """Register an item."""
    item = _items().create(body)
    session().commit()
    return detail_dict(item)


@blp.route(f"{ITEMS}/export", methods=["GET"])
@authenticated
@blp.arguments(ConfigurationItemExportQuerySchema, location="query")
@blp.response(
    200,
    description=f"The items the filters select as CSV or XLSX, the columns import reads "
    f"(jenis, nama, pd, status, lokasi, label, layanan, administrator, simpan_sampai, "
    f"lisensi, relasi, atribut.<name>...); formula-like text kept as text; at most "
    f"{EXPORT_MAX:,} rows (a last row says when more matched)",
)
@blp.alt_response(403, description="Staff only")
def export_items(query: dict[str, Any]) -> Response:
    """The list as a spreadsheet (`?format=csv|xlsx`, the list's filters and `sort`)."""
    fmt = query.pop("format")
    sort = query.pop("sort")
    filters = ItemFilter(**{key: query.get(key) for key in ItemFilter.__dataclass_fields__})
    transfer = TransferService(session(), platform().clock, current_user())
    table = transfer.export(filters, sort, reader_language())
    return Response(
        table.to(fmt),
        mimetype=MIME_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename=komponen-konfigurasi.{fmt}"},
    )


@blp.route(f"{ITEMS}/import", methods=["POST"])
@authenticated
@blp.doc(**SHEET_UPLOAD)
@blp.response(
    201,
    ConfigurationItemImportSchema,
    description="Stored: how many items were created and updated, relations added and removed",
)
@blp.alt_response(403, description="Not a keeper of configuration items")
@blp.alt_response(
    422,
    description="Nothing stored: `errors` lists {row, column, field, message} for every "
    "problem of every row (the header is row 1), or the file is not a readable CSV or XLSX",
)
def import_items() -> dict[str, Any]:
    """Register and update items from a CSV or XLSX file (the export's columns) with
    their relations, all rows or none.

    A row whose `nama` is an item's name (regardless of case and spacing; names are
    unique across types) updates that item, and its `jenis` must be the item's type;
    any other row registers a new item. Items are matched by name, not id, so a file
    exported from one CMDB imports into another. An updating row is the item as it
    should be: each column of the file sets its field, an empty cell clears it (an
    empty `status` keeps it), a column the file lacks leaves it alone, and a `relasi`
    column makes the item's relations exactly those listed. Each change goes through the
    same checks as `PATCH /configuration-items/{id}` and is kept in the item's history
    with the import as its reason; a row that changes nothing writes no history, so an
    export imported again unchanged changes nothing.
    """
    transfer = TransferService(session(), platform().clock, current_user())
    result = transfer.import_file(*uploaded_sheet())
    session().commit()
    return {
        "created": len(result.items),
        "updated": len(result.updated),
        "relations": result.relations,
        "relations_removed": result.relations_removed,
        "items": [summary_dict(item) for item in result.items],
        "updated_items": [summary_dict(item) for item in result.updated],
    }


@blp.route(f"{ITEMS}/<int:item_id>", methods=["GET"])
@authenticated
@blp.response(200, ConfigurationItemDetailSchema)
@blp.alt_response(403, description="Staff only")
@blp.alt_response(404, description="No such item")
def get_item(item_id: int) -> dict[str, Any]:
    """An item with its relations and history."""
    return detail_dict(_items().get(item_id))


@blp.route(f"{ITEMS}/<int:item_id>", methods=["PATCH"])
@authenticated
@blp.arguments(ConfigurationItemPatchSchema)
@blp.response(200, ConfigurationItemDetailSchema)
@blp.alt_response(403, description="Not a keeper of the item")
@blp.alt_response(404, description="No such item")
@blp.alt_response(409, description="Another item has the new name or identifying attributes")
@blp.alt_response(422, description="A field is wrong, or no reason; `errors` names it")
def update_item(body: dict[str, Any], item_id: int) -> dict[str, Any]:
    """Change the fields given, with a reason kept in the item's history."""
    reason = body.pop("reason")
    source = body.pop("source_instance_id", None)
    item = _items().update(item_id, body, reason, source)
    session().commit()
    return detail_dict(item)


@blp.route(f"{ITEMS}/<int:item_id>/retire", methods=["POST"])
@authenticated
@blp.arguments(ConfigurationItemRetireSchema)
@blp.response(200, ConfigurationItemDetailSchema)
@blp.alt_response(403, description="Not a keeper of the item")
@blp.alt_response(404, description="No such item")
@blp.alt_response(409, description="Already retired")
def retire_item(body: dict[str, Any], item_id: int) -> dict[str, Any]:
    """Retire an item; its record stays, until `retain_until` when given."""
    item = _items().retire(
        item_id, body["reason"], body["retain_until"], body["source_instance_id"]
    )
    session().commit()
    return detail_dict(item)


@blp.route(f"{ITEMS}/<int:item_id>/relations", methods=["POST"])
@authenticated
@blp.arguments(ConfigurationRelationCreateSchema)
@blp.response(201, ConfigurationRelationSchema)
@blp.alt_response(403, description="Not a keeper of the item")
@blp.alt_response(404, description="No such item")
@blp.alt_response(409, description="The relation exists, or an end is retired")
@blp.alt_response(422, description="No such target, the item itself, a wrong type")
def add_relation(body: dict[str, Any], item_id: int) -> dict[str, Any]:
    """Relate this item (the source) to another: `this <type> target`."""
    relation = _relations().add(item_id, body["type"], body["target_id"], body["reason"])
    session().commit()
    return relation_dict(relation, item_id)


@blp.route(f"{ITEMS}/<int:item_id>/relations/<int:relation_id>", methods=["DELETE"])
@authenticated
@blp.arguments(ConfigurationRelationDeleteQuerySchema, location="query")
@blp.response(204)
@blp.alt_response(403, description="A keeper of neither end")
@blp.alt_response(404, description="No such item, or no such relation of it")
def remove_relation(query: dict[str, Any], item_id: int, relation_id: int) -> None:
    """Remove a relation from or to this item; its history stays."""
    _relations().remove(item_id, relation_id, query.get("reason"))
    session().commit()


@blp.route(f"{ITEMS}/<int:item_id>/impact", methods=["GET"])
@authenticated
@blp.response(200, ImpactSchema)
@blp.alt_response(403, description="Staff only")
@blp.alt_response(404, description="No such item")
def impact(item_id: int) -> dict[str, Any]:
    """Every item and service that depends on this one, transitively, and the open cases
    touching them."""
    found = ImpactService(session(), platform().clock, current_user()).of(item_id)
    return impact_dict(found)


@blp.route("/configuration-item-types", methods=["GET"])
@authenticated
@blp.response(200, ConfigurationItemTypeSchema(many=True))
@blp.alt_response(403, description="Staff only")
def list_types() -> list[dict[str, Any]]:
    """The item types, each with its attributes' JSON Schema, identifying attributes and
    naming standard."""
    types = ItemTypeService(session(), platform().clock, current_user())
    return [type_dict(item_type) for item_type in types.all()]


@blp.route("/configuration-item-types/<string:code>", methods=["PUT"])
@authenticated
@blp.arguments(ConfigurationItemTypeSchema)
@blp.response(200, ConfigurationItemTypeSchema)
@blp.alt_response(403, description="Admin Sistem only")
@blp.alt_response(409, description="Under the new identifying attributes two items are one")
@blp.alt_response(422, description="A field is wrong; `errors` names it")
def save_type(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Add a type or change one (Admin Sistem); the naming standard and the schema apply
    to each item's next change."""
    types = ItemTypeService(session(), platform().clock, current_user())
    item_type = types.save(code, body)
    session().commit()
    return type_dict(item_type)
