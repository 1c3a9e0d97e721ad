"""Configuration items for the CMDB tests: valid defaults per seeded type, so each test
states only what it varies."""

from __future__ import annotations

from typing import Any

from app.models import ConfigurationItem
from app.services.configuration.items import ItemService

#: A valid name and attributes per seeded type; tests state only what they vary.
DEFAULTS: dict[str, dict[str, Any]] = {
    "application": {"name": "APP-SIMPEG", "attributes": {"url": "https://simpeg.example.go.id"}},
    "server": {"name": "SRV-DC1-01", "attributes": {"serial_number": "SN-001", "ram_gb": 8}},
    "virtual_machine": {"name": "VM-SIMPEG-01", "attributes": {"hostname": "simpeg-01"}},
    "database": {
        "name": "DB-SIMPEG",
        "attributes": {"host": "10.0.0.5", "port": 5432, "database_name": "simpeg"},
    },
    "network_device": {"name": "NET-CORE-SW01", "attributes": {"kind": "switch"}},
    "link": {"name": "LNK-ISP1", "attributes": {"provider": "ISP", "circuit_id": "C-1"}},
    "data_centre": {"name": "DC-DISKOMINFO", "attributes": {"kind": "own"}},
    "licence": {"name": "LIC-OFFICE-2026", "attributes": {"vendor": "V", "agreement_number": "A1"}},
    "document": {"name": "DOC-DRP-SIMPEG", "attributes": {"number": "DRP/1/2026"}},
}


def entry(item_type: str, **fields: Any) -> dict[str, Any]:
    """A valid create body for `item_type` with `fields` over the defaults."""
    return {"type": item_type, "agency": "DISKOMINFO", **DEFAULTS[item_type], **fields}


def make(items: ItemService, item_type: str, **fields: Any) -> ConfigurationItem:
    """Register an item of `item_type` (valid defaults, `fields` over them)."""
    return items.create(entry(item_type, **fields))
