"""How the CMDB's pages name statuses, relations and types in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import ConfigurationItemType, ItemStatus, RelationType
from app.web.i18n import current_language

STATUS_LABELS = {
    ItemStatus.PLANNED: (_l("Direncanakan"), "badge-muted"),
    ItemStatus.ACTIVE: (_l("Aktif"), "badge-ok"),
    ItemStatus.MAINTENANCE: (_l("Pemeliharaan"), "badge-warn"),
    ItemStatus.RETIRED: (_l("Pensiun"), "badge-muted"),
}
#: relation type -> (as its source reads it, as its target reads it)
RELATION_LABELS = {
    RelationType.RUNS_ON: (_l("berjalan di"), _l("menjalankan")),
    RelationType.DEPENDS_ON: (_l("bergantung pada"), _l("diandalkan oleh")),
    RelationType.CONNECTS_TO: (_l("terhubung melalui"), _l("menghubungkan")),
    RelationType.HOSTS: (_l("menampung"), _l("ditampung di")),
    RelationType.USES_LICENCE: (_l("memakai lisensi"), _l("melisensikan")),
}
#: A catalog service runs on an item: the graph's edges from services.
SERVICE_EDGE = _l("layanan berjalan di")


def status_badge(status: str) -> tuple[str, str]:
    """Label and badge class of an item status."""
    label, css = STATUS_LABELS.get(status, (status, "badge-muted"))  # type: ignore[call-overload]
    return str(label), css


def relation_label(relation: str, outgoing: bool = True) -> str:
    """A relation type read from its source (`outgoing`) or its target."""
    labels = RELATION_LABELS.get(relation)  # type: ignore[call-overload]
    if labels is None:
        return relation
    return str(labels[0] if outgoing else labels[1])


def type_name(item_type: ConfigurationItemType) -> str:
    """A type's name in the reader's language."""
    if current_language() == "en" and item_type.name_en:
        return item_type.name_en
    return item_type.name
