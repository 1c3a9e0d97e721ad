"""The administrators' pages (Admin Sistem): PDs, users and roles, the service catalog,
the SLA reference tables, the working calendars, the periodic schedules and the settings of
the procedures.

One parent blueprint under /admin holds a child blueprint per page group. The parent
refuses everyone but Admin Sistem before any admin view runs (the services check again,
as they do for the API), so no admin page or form can be reached by another role.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.services.accounts.permissions import ADMINISTER
from app.web import nav
from app.web.access import granted
from app.web.admin import agencies, calendars, catalog, reference, schedules, settings, users
from app.web.extensions import login_manager
from app.web.pages import blueprint

bp = blueprint("admin", __name__, url_prefix="/admin")
for _group in (agencies, users, catalog, reference, calendars, schedules, settings):
    bp.register_blueprint(_group.bp)
nav.register("admin.index", _l("Administrasi"), ADMINISTER, order=90)

#: The page groups in the order the overview and the sub-navigation show them.
GROUPS = (
    ("admin.agencies.index", _l("Perangkat Daerah (PD)"), _l("Kode, nama, zona waktu, eskalasi")),
    ("admin.users.index", _l("Akun pengguna"), _l("Akun, kata sandi, peran per lingkup")),
    ("admin.users.roles", _l("Pemegang peran"), _l("Siapa memegang setiap peran")),
    ("admin.catalog.index", _l("Katalog layanan"), _l("Layanan SPBE, impor dan ekspor")),
    ("admin.reference.index", _l("Tabel acuan SLA"), _l("Tabel 2, 3, 4, 11-14")),
    ("admin.calendars.index", _l("Kalender kerja"), _l("Jam kerja, libur daerah, tenggat")),
    ("admin.schedules.index", _l("Jadwal berkala"), _l("Prosedur yang dimulai otomatis")),
    ("admin.settings.index", _l("Pengaturan prosedur"), _l("Lapisan reviu per PD")),
)


@bp.before_request
def admins_only() -> Any:
    """Sign-in, then Admin Sistem (any scope); everyone else gets 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not granted(ADMINISTER):
        abort(403)
    return None


@bp.context_processor
def admin_groups() -> dict[str, object]:
    """The sub-navigation of the admin pages, and which group this page belongs to."""
    endpoints = [group[0] for group in GROUPS]
    current = request.endpoint if request.endpoint in endpoints else None
    if current is None:
        current = next((e for e in endpoints if e.rsplit(".", 1)[0] == request.blueprint), None)
    return {"admin_groups": GROUPS, "admin_current": current}


@bp.get("/")
def index() -> Any:
    """Administrasi: where each page group is."""
    return render_template("admin/index.html")
