"""The CMDB's pages (issue 14, items 1-2; Kepbup Polewali Mandar 685/2021, II.3): the list
with its filters, export and import (`listing`), an item's page with its relations drawn
as a graph, its impact and its history (`item`), the forms that register, change and
retire items (`forms`), and the editable list of item types (`item_types`).

Staff read; the parent blueprint refuses everyone else before any view runs. Changing is
for the keepers of an item (`EDIT_CONFIGURATION`, scoped by PD and service): the pages
offer the forms to those the service layer would let through, and every call is checked
again by the same services the API uses.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.services.accounts.permissions import EDIT_CONFIGURATION, STAFF
from app.web import nav
from app.web.access import granted
from app.web.cmdb import forms, item, item_types, listing
from app.web.cmdb.labels import relation_label, status_badge, type_name
from app.web.extensions import login_manager
from app.web.pages import blueprint

bp = blueprint("cmdb", __name__, url_prefix="/cmdb")
for _child in (listing, item, forms, item_types):
    bp.register_blueprint(_child.bp)
nav.register("cmdb.listing.index", _l("CMDB"), STAFF, order=50)


@bp.before_request
def staff_only() -> Any:
    """Sign-in, then a staff role (any scope); requesters get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not granted(STAFF):
        abort(403)
    return None


@bp.context_processor
def helpers() -> dict[str, object]:
    """What every CMDB template names items, statuses and relations with."""
    return {
        "status_badge": status_badge,
        "relation_label": relation_label,
        "type_name": type_name,
        "keeper": granted(EDIT_CONFIGURATION),
    }
