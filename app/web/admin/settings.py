"""Pengaturan prosedur: the settings a diagram leaves to an administrator (review layers the
regulations do not name...), for the whole kabupaten or one PD, with the same
`SettingsService` calls as /api/v1/process-models/{id}/settings."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.request_scope import platform, session
from app.services.catalog.agencies import AgencyService
from app.services.process_models.settings import EffectiveSetting, SettingsService
from app.web.access import me
from app.web.admin.forms import REFUSED
from app.web.i18n import half

bp = Blueprint("settings", __name__, url_prefix="/pengaturan")

SOURCE_LABELS = {
    "default": _l("bawaan diagram"),
    "kabupaten": _l("seluruh kabupaten"),
    "pd": _l("PD ini"),
}
#: The choice that removes a PD's or the kabupaten's own value (the next level applies).
INHERIT = ""


def _service() -> SettingsService:
    return SettingsService(session(), platform().clock, platform().specs, me())


def shown(value: Any) -> str:
    """A setting's value as a page reads it."""
    if value is True:
        return str(_("Aktif"))
    if value is False:
        return str(_("Nonaktif"))
    return "—" if value is None else str(value)


def _choice(setting: EffectiveSetting, scope: str | None) -> str:
    """What the form shows as chosen at this scope: its own value, or inherit."""
    own = setting.own if scope else setting.kabupaten
    if own is None:
        return INHERIT
    return ("true" if own else "false") if isinstance(own, bool) else str(own)


def _render(
    scope: str | None,
    errors: dict[str, dict[str, list[str]]] | None = None,
    typed: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> Any:
    service = _service()
    agencies = AgencyService(session(), platform().clock).all()
    models = []
    for model_id, name in service.configurable():
        here = service.read(model_id, scope)
        by_pd = {
            agency.code: {s.spec.name: s for s in service.read(model_id, agency.code)}
            for agency in agencies
        }
        kabupaten = {s.spec.name: s for s in service.read(model_id, None)}
        models.append(
            {
                "id": model_id,
                "name": name,
                "settings": here,
                "chosen": {
                    s.spec.name: (typed or {}).get(model_id, {}).get(s.spec.name, _choice(s, scope))
                    for s in here
                },
                "errors": (errors or {}).get(model_id, {}),
                "kabupaten": kabupaten,
                "by_pd": by_pd,
            }
        )
    return (
        render_template(
            "admin/settings.html",
            scope=scope,
            agencies=agencies,
            models=models,
            source_labels=SOURCE_LABELS,
            shown=shown,
        ),
        status,
    )


@bp.get("/")
def index() -> Any:
    """Every model's settings: per PD at a glance, and the form for the chosen scope."""
    return _render(request.args.get("pd") or None)


def _parsed(setting: EffectiveSetting, text: str) -> tuple[Any, str | None]:
    """The posted text as the setting's value (None: inherit), or why it is not one."""
    if text == INHERIT:
        return None, None
    kind = setting.spec.type
    if kind == "boolean":
        if text not in ("true", "false"):
            return None, _("Pilih Aktif atau Nonaktif.")
        return text == "true", None
    if kind == "integer":
        if not re.fullmatch(r"-?\d{1,9}", text):
            return None, _("Harus bilangan bulat.")
        return int(text), None
    return text, None


@bp.post("/<string:model_id>")
def update(model_id: str) -> Any:
    """Choose the model's values for the PD posted (`pd`), or for the whole kabupaten."""
    scope = request.form.get("pd", "").strip() or None
    declared = _service().read(model_id, scope)
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    for setting in declared:
        text = request.form.get(setting.spec.name, "").strip()
        typed[setting.spec.name] = text
        value, why = _parsed(setting, text)
        if why is not None:
            errors[setting.spec.name] = [why]
        values[setting.spec.name] = value
    if not errors:
        try:
            _service().update(model_id, scope, values)
        except DomainError as err:
            session().rollback()
            named = err.errors if isinstance(err.errors, dict) else {}
            errors = {key: [half(m) for m in messages] for key, messages in named.items()}
            if not errors:
                errors = {"": [half(err.message)]}
        else:
            session().commit()
            flash(_("Pengaturan %(model)s disimpan.", model=model_id), "success")
            return redirect(url_for(".index", pd=scope or None))
    return _render(scope, {model_id: errors}, {model_id: typed}, REFUSED)
