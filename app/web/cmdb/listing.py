"""The CMDB list (/cmdb): filters, sort, pages, export of what the filters select, and the
import form with every row's problem shown when a file is refused."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.models import ItemStatus
from app.request_scope import platform, session
from app.services.catalog.agencies import AgencyService
from app.services.catalog.services import CatalogService
from app.services.configuration.items import SORTS, ItemFilter, ItemService
from app.services.configuration.spreadsheet import IMPORT_MAX
from app.services.configuration.transfer import TransferService
from app.services.configuration.types import ItemTypeService
from app.services.spreadsheet import EXPORT_MAX, MIME_TYPES
from app.web.access import me
from app.web.admin.forms import REFUSED
from app.web.i18n import current_language, half

bp = Blueprint("listing", __name__)

PER_PAGE = 25
#: query parameter -> ItemFilter field
FILTERS = {
    "q": "q",
    "jenis": "type",
    "pd": "agency",
    "status": "status",
    "label": "label",
    "layanan": "service",
}
FILENAME = "komponen-konfigurasi"
#: The sorts the filter form offers (column headings offer each both ways).
SORT_CHOICES = (
    ("name", _l("Nama, A-Z")),
    ("-name", _l("Nama, Z-A")),
    ("type", _l("Jenis")),
    ("agency", _l("PD")),
    ("status", _l("Status")),
    ("-updated", _l("Terakhir diubah")),
)
COLUMNS = {
    "name": _l("Nama"),
    "type": _l("Jenis"),
    "agency": _l("PD"),
    "status": _l("Status"),
    "updated": _l("Diubah"),
}


def _options() -> dict[str, Any]:
    clock = platform().clock
    return {
        "types": ItemTypeService(session(), clock, me()).all(),
        "agencies": AgencyService(session(), clock).all(),
        "services": CatalogService(session(), clock).all(),
        "statuses": list(ItemStatus),
    }


def _filters(options: dict[str, Any]) -> tuple[ItemFilter, str, int, dict[str, str]]:
    """The query string as a filter, a sort and a page; each bad value has a message."""
    args = request.args
    errors: dict[str, str] = {}
    known = {
        "jenis": {t.code for t in options["types"]},
        "pd": {a.code for a in options["agencies"]},
        "status": {s.value for s in options["statuses"]},
        "layanan": {s.code for s in options["services"]},
    }
    chosen: dict[str, str] = {}
    for name, key in FILTERS.items():
        value = args.get(name, "").strip()
        if not value:
            continue
        if name in known and value not in known[name]:
            errors[name] = _("Pilihan tidak dikenal.")
        elif len(value) > 200 or not value.isprintable():
            errors[name] = _("Teks tidak valid.")
        else:
            chosen[key] = value
    sort = args.get("urut", "") or "name"
    if sort.removeprefix("-") not in SORTS:
        errors["urut"] = _("Urutan tidak dikenal.")
        sort = "name"
    page_text = args.get("halaman", "1")
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 100_000 else 0
    if not page:
        errors["halaman"] = _("Nomor halaman tidak valid.")
    return ItemFilter(**chosen), sort, page or 1, errors


def _sorts(current: str) -> list[tuple[str, str]]:
    """The filter form's sorts, with the current one when a column heading chose another."""
    choices = [(value, str(label)) for value, label in SORT_CHOICES]
    if current not in dict(choices):
        column = COLUMNS.get(current.removeprefix("-"), current)
        choices.insert(0, (current, f"{column} {'↓' if current.startswith('-') else '↑'}"))
    return choices


def _kept_args() -> dict[str, str]:
    """The filters and sort, without the page, for links."""
    return {
        k: v for k, v in request.args.items() if k in (*FILTERS, "urut") and v and k != "halaman"
    }


def _list_page(
    problems: list[dict[str, Any]] | None = None, message: str = "", status: int = 200
) -> Any:
    options = _options()
    filters, sort, number, errors = _filters(options)
    page = None
    if not errors:
        page = ItemService(session(), platform().clock, me()).page(filters, number, PER_PAGE, sort)
    args = _kept_args()
    pages = max(1, -(-page.total // PER_PAGE)) if page else 1
    return (
        render_template(
            "cmdb/list.html",
            page=page,
            number=number,
            pages=pages,
            errors=errors,
            options=options,
            args=args,
            sort=sort,
            sorts=_sorts(sort),
            sorted_by=lambda value: url_for(".index", **{**args, "urut": value}),
            export_max=format_decimal(EXPORT_MAX),
            import_max=format_decimal(IMPORT_MAX),
            problems=[{**p, "message": half(str(p.get("message", "")))} for p in problems or []],
            message=message,
        ),
        422 if errors and status == 200 else status,
    )


@bp.get("/")
def index() -> Any:
    """The items the filters select, a page at a time, sorted by a column."""
    return _list_page()


@bp.get("/ekspor")
def export() -> Any:
    """What the filters select, every page of it in the list's order, as CSV or XLSX
    (`?format=`): the columns the import reads."""
    fmt = request.args.get("format", "csv")
    if fmt not in MIME_TYPES:
        return _list_page(
            message=_("Format unduhan tidak dikenal; pilih csv atau xlsx."), status=422
        )
    filters, sort, _number, errors = _filters(_options())
    if errors:
        return _list_page()
    transfer = TransferService(session(), platform().clock, me())
    table = transfer.export(filters, sort, current_language())
    return Response(
        table.to(fmt, get_timezone()),
        mimetype=MIME_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename={FILENAME}.{fmt}"},
    )


@bp.post("/impor")
def import_file() -> Any:
    """Register and update the items of a CSV or XLSX file (a row naming an item in the
    CMDB updates it): all rows, or none and every problem."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _list_page(message=_("Pilih berkas .csv atau .xlsx untuk diimpor."), status=REFUSED)
    transfer = TransferService(session(), platform().clock, me())
    try:
        result = transfer.import_file(upload.read(), upload.filename)
    except DomainError as err:
        session().rollback()
        problems = err.errors if isinstance(err.errors, list) else []
        return _list_page(problems, half(err.message), err.status)
    session().commit()
    flash(
        _(
            "Impor selesai: %(items)s komponen dan %(relations)s relasi dicatat, "
            "%(updated)s komponen diperbarui, %(removed)s relasi dihapus.",
            items=len(result.items),
            relations=result.relations,
            updated=len(result.updated),
            removed=result.relations_removed,
        ),
        "success",
    )
    return redirect(url_for(".index", urut="-updated"))
