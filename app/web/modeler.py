"""Analysts' modeler: the models with their versions, the bpmn-js editor, new diagrams.

Saving and deploying are two steps (docs/bpmn-conventions.md, "Menyimpan dan
men-deploy"): "Simpan sebagai versi baru" stores a validated draft that no new instance
uses yet; "Deploy" makes it the version new instances start on. The checks and the
storage are the services' (`DraftService`, `DeployService`); these views only translate
between pages, JSON and those services.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import Conflict, DeploymentInvalid, InvalidInput, NotFound
from app.models import REQUESTER_LANE, Role
from app.request_scope import platform, session
from app.services.accounts.permissions import EDIT_MODELS
from app.services.process_models.drafts import DraftService
from app.services.process_models.form_library import SCHEMA_SUFFIX, UI_SUFFIX, FormLibrary
from app.services.process_models.overview import running_instances, summaries, summary
from app.web import nav
from app.web.access import me, permission_required
from app.web.i18n import half
from app.web.pages import blueprint

bp = blueprint("modeler", __name__, url_prefix="/model")
nav.register("modeler.index", _l("Model proses"), EDIT_MODELS, order=60)

STATUS_LABELS = {
    "running": _l("berjalan"),
    "waiting": _l("menunggu"),
    "suspended": _l("ditangguhkan"),
    "error": _l("galat"),
}


def _drafts() -> DraftService:
    built = platform()
    return DraftService(session(), built.clock, built.specs, built.settings.forms_dir)


def _lane_choices() -> list[str]:
    """Lane names a diagram may use: the requester lane and every known role."""
    return [REQUESTER_LANE, *session().scalars(select(Role.name).order_by(Role.name))]


@bp.get("")
@permission_required(EDIT_MODELS)
def index() -> Any:
    """Every model with its versions, who deployed each, and the instances still on it."""
    return render_template("modeler/index.html", models=summaries(session()))


@bp.get("/<model_id>")
@permission_required(EDIT_MODELS)
def detail(model_id: str) -> Any:
    """One model: versions, drafts, and its running instances by version."""
    found = summary(session(), model_id)
    if found is None:
        abort(404)
    return render_template(
        "modeler/detail.html",
        model=found,
        drafts=_drafts().drafts(model_id),
        instances=running_instances(session(), model_id),
        status_labels=STATUS_LABELS,
    )


@bp.get("/<model_id>/ubah")
@permission_required(EDIT_MODELS)
def edit(model_id: str) -> Any:
    """The bpmn-js modeler on the pending draft, else the newest version."""
    try:
        copy = _drafts().working_copy(model_id)
    except NotFound:
        abort(404)
    names = FormLibrary(session(), platform().clock, platform().settings.forms_dir).names()
    editor = {
        "modelId": model_id,
        "xml": copy.bpmn,
        "baseVersion": copy.base_version,
        "draft": copy.draft.number if copy.draft else None,
        "saveUrl": url_for("modeler.save", model_id=model_id),
        "moddleUrl": url_for("static", filename="spiffworkflow-moddle.json"),
        "lanes": _lane_choices(),
        "schemaFiles": [n for n in names if n.endswith(SCHEMA_SUFFIX)],
        "uiFiles": [n for n in names if n.endswith(UI_SUFFIX)],
        "messages": {
            "saving": _("Menyimpan dan memeriksa…"),
            "saved": _("Tersimpan sebagai draf #%(number)s. Deploy untuk memakainya."),
            "invalid": _("Model belum dapat disimpan: perbaiki kesalahan yang ditandai."),
            "failed": _("Gagal menyimpan (kode %(status)s). Coba lagi."),
            "unsaved": _("Ada perubahan yang belum disimpan."),
            "deployDraft": _("Deploy draf #%(number)s"),
            "noDraft": _("Belum ada draf untuk di-deploy"),
            "saveFirst": _("Simpan dulu sebelum deploy"),
            "badId": _(
                "Id harus diawali huruf atau '_' dan hanya memuat huruf, angka, '_', '-', '.'"
            ),
            "takenId": _("Id itu sudah dipakai elemen lain."),
            "unknownLane": _("(bukan peran yang dikenal)"),
            "unknownForm": _("(berkas tidak ada)"),
            "noForm": _("— tanpa formulir —"),
            "openError": _("Diagram tidak dapat dibuka: %(detail)s"),
            "element": _("Elemen %(id)s"),
            "line": _("baris %(line)s"),
        },
    }
    return render_template("modeler/edit.html", copy=copy, editor=editor)


def _problems(err: DeploymentInvalid) -> list[dict[str, Any]]:
    return [problem.as_dict() for problem in err.problems]


@bp.post("/<model_id>/simpan")
@permission_required(EDIT_MODELS)
def save(model_id: str) -> Any:
    """Validate the posted diagram and store it as a draft (JSON in, JSON out).

    Body: `{"xml": "...", "base_version": N | null}`. Answers 201 with the draft, 422 with
    `errors` located by element id and line, 409 when someone deployed meanwhile, 404 for
    an unknown model, 400 for a body that is not that JSON.
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        return jsonify(message=_("Permintaan tidak valid: kirim JSON dengan 'xml'.")), 400
    base = body.get("base_version")
    if base is not None and not isinstance(base, int):
        return jsonify(message=_("Permintaan tidak valid: base_version harus angka.")), 400
    drafts = _drafts()
    try:
        drafts.working_copy(model_id)
        draft = drafts.save(model_id, body["xml"].encode("utf-8"), me(), base)
    except DeploymentInvalid as err:
        return jsonify(message=err.message, errors=_problems(err)), 422
    except (Conflict, NotFound) as err:
        return jsonify(message=err.message), err.status
    session().commit()
    return jsonify(draft=draft.number, warnings=draft.warnings), 201


@bp.post("/<model_id>/deploy")
@permission_required(EDIT_MODELS)
def deploy(model_id: str) -> Any:
    """Deploy a draft as the version new instances start on; back to the model page."""
    number = request.form.get("draft", "")
    if not number.isdigit():
        abort(400)
    try:
        result = _drafts().deploy(model_id, int(number), me())
    except DeploymentInvalid as err:
        flash(_("Deploy ditolak: %(message)s", message=half(err.message)), "error")
        for problem in err.problems:
            flash(f"{problem.element_id or problem.file}: {problem.message}", "error")
        return redirect(url_for("modeler.detail", model_id=model_id))
    except (Conflict, NotFound) as err:
        flash(half(err.message), "error")
        return redirect(url_for("modeler.detail", model_id=model_id))
    session().commit()
    if result.created:
        flash(
            _(
                "Draf #%(draft)s di-deploy sebagai versi %(version)s. Instans baru memakai versi "
                "ini; instans yang berjalan tetap pada versinya.",
                draft=number,
                version=result.version,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Isi draf sama dengan versi %(version)s; tidak ada versi baru.",
                version=result.version,
            ),
            "info",
        )
    return redirect(url_for("modeler.detail", model_id=model_id))


@bp.route("/baru", methods=["GET", "POST"])
@permission_required(EDIT_MODELS)
def new() -> Any:
    """A new diagram from the template: id, name and lanes; opens in the editor."""
    lanes = _lane_choices()
    form = {"id": "", "name": "", "lanes": [REQUESTER_LANE]}
    errors: dict[str, list[str]] = {}
    problems: list[dict[str, Any]] = []
    if request.method == "POST":
        form = {
            "id": request.form.get("id", "").strip(),
            "name": request.form.get("name", "").strip(),
            "lanes": [lane for lane in request.form.getlist("lanes") if lane in lanes],
        }
        try:
            _drafts().create(form["id"], form["name"], form["lanes"], me())
        except DeploymentInvalid as err:
            problems = _problems(err)
        except InvalidInput as err:
            errors = err.errors or {}
        else:
            session().commit()
            flash(_("Diagram baru tersimpan sebagai draf #1."), "success")
            return redirect(url_for("modeler.edit", model_id=form["id"]))
    status = 422 if errors or problems else 200
    return render_template(
        "modeler/new.html", form=form, lanes=lanes, errors=errors, problems=problems
    ), status
