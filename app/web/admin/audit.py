"""The audit trail shown under the object an admin page edits."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

from app.request_scope import platform, session
from app.services.audit.trail import AuditEntry, AuditTrail
from app.web.access import me

#: How each audited change reads on a page.
KIND_LABELS = {
    "agency_created": _l("PD dibuat"),
    "agency_updated": _l("PD diubah"),
    "user_created": _l("Pengguna dibuat"),
    "user_updated": _l("Pengguna diubah"),
    "user_deactivated": _l("Pengguna dinonaktifkan"),
    "role_granted": _l("Peran diberikan"),
    "role_revoked": _l("Peran dicabut"),
    "service_created": _l("Layanan dibuat"),
    "service_updated": _l("Layanan diubah"),
    "reference_table_updated": _l("Tabel diubah"),
    "reference_table_reset": _l("Tabel dikembalikan ke peraturan"),
    "working_calendar_updated": _l("Jam kerja diubah"),
    "working_calendar_reset": _l("Jam kerja dikembalikan ke bawaan"),
    "regional_day_added": _l("Libur daerah ditambahkan"),
    "regional_day_removed": _l("Libur daerah dihapus"),
    "schedule_created": _l("Jadwal dibuat"),
    "schedule_paused": _l("Jadwal dijeda"),
    "schedule_resumed": _l("Jadwal dilanjutkan"),
    "schedule_deleted": _l("Jadwal dihapus"),
    "schedule_failed": _l("Jadwal gagal memulai"),
    "process_settings_changed": _l("Pengaturan prosedur diubah"),
}


def trail(subject: str, name: object) -> list[dict[str, Any]]:
    """The object's audited changes, newest first, ready for `admin/_audit.html`."""
    entries = AuditTrail(session(), platform().clock, me()).of(subject, name)
    return [_shown(entry) for entry in entries]


def _shown(entry: AuditEntry) -> dict[str, Any]:
    details = {
        key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for key, value in entry.data.items()
    }
    return {
        "at": entry.at,
        "kind": KIND_LABELS.get(entry.kind, entry.kind),
        "actor": entry.actor,
        "details": details,
    }
