"""Analysts' modeler: the models with their versions, the bpmn-js editor, new diagrams.

Saving and deploying are two steps (docs/bpmn-conventions.md, "Menyimpan dan
men-deploy"): "Simpan draf" stores a validated draft that no new instance uses yet;
"Deploy draf #n" makes it the version new instances start on. A `.bpmn` file can be
imported into the editor (saved as a draft once it validates), the draft or any version
exported, and a pending draft discarded. The checks and the storage are the services'
(`DraftService`, `DraftFiles`, `DeployService`, `check_code`); these views only translate
between pages, JSON and those services.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import Conflict, DeploymentInvalid, InvalidInput, NotFound
from app.models import REQUESTER_LANE, Role
from app.request_scope import platform, session
from app.services.accounts.permissions import EDIT_MODELS
from app.services.process_models.code_check import MODES, check_code
from app.services.process_models.draft_files import DraftFiles, read_import
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


def _files() -> DraftFiles:
    return DraftFiles(session(), _drafts())


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
        "importUrl": url_for("modeler.import_file", model_id=model_id),
        "checkUrl": url_for("modeler.check"),
        "exportBase": url_for("modeler.export", model_id=model_id),
        "moddleUrl": url_for("static", filename="spiffworkflow-moddle.json"),
        "lanes": _lane_choices(),
        "schemaFiles": [n for n in names if n.endswith(SCHEMA_SUFFIX)],
        "uiFiles": [n for n in names if n.endswith(UI_SUFFIX)],
        "callables": [
            {"id": found.process_id, "label": f"{found.name} ({found.model_id})"}
            for found in _files().callable_processes()
        ],
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
            "unknownProcess": _("(bukan proses yang di-deploy)"),
            "noForm": _("— tanpa formulir —"),
            "noProcess": _("— pilih proses —"),
            "openError": _("Diagram tidak dapat dibuka: %(detail)s"),
            "element": _("Elemen %(id)s"),
            "line": _("baris %(line)s"),
            "codeOk": _("Sintaks benar."),
            "codeAt": _("Baris %(line)s, kolom %(column)s: %(message)s"),
            "codeLine": _("Baris %(line)s: %(message)s"),
            "importing": _("Mengimpor %(name)s…"),
            "importReplaces": _(
                "Perubahan yang belum disimpan diganti oleh berkas ini. Lanjutkan impor?"
            ),
            "imported": _("%(name)s diimpor; menyimpan sebagai draf…"),
            "importFailed": _(
                "%(name)s tidak diimpor: %(detail)s. Diagram dan draf tidak berubah."
            ),
            "badTimer": _("Bukan nilai ISO 8601 yang dikenal untuk jenis pewaktu ini."),
            "badCorrelation": _("Tulis satu korelasi per baris: nama = ekspresi"),
            "noMessage": _("Isi nama pesan dulu."),
            "exportDraft": _("Ekspor draf #%(number)s (.bpmn)"),
            "discardDraft": _("Buang draf #%(number)s"),
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


@bp.post("/periksa-kode")
@permission_required(EDIT_MODELS)
def check() -> Any:
    """Check a condition, timer expression or script as it is typed (JSON in, JSON out).

    Body: `{"code": "...", "mode": "eval" | "exec"}`. Answers 200 with `ok` and the
    `problems` (message, line, column); nothing is run. 400 names a field that is wrong.
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        return jsonify(
            message=_("Permintaan tidak valid: kirim JSON dengan 'code'."), field="code"
        ), 400
    mode = body.get("mode", "eval")
    if mode not in MODES:
        return jsonify(
            message=_("Permintaan tidak valid: mode harus eval atau exec."), field="mode"
        ), 400
    problems = check_code(body["code"], mode)
    return jsonify(ok=not problems, problems=[problem.as_dict() for problem in problems])


@bp.post("/<model_id>/impor")
@permission_required(EDIT_MODELS)
def import_file(model_id: str) -> Any:
    """Read an uploaded `.bpmn` (field `file`) for the editor; the editor then saves it.

    Answers 200 `{"xml"}`, or 422 `{"message", "errors": {"file": [...]}}` for a file that
    is empty, unsafe, malformed (with its line) or not BPMN; nothing is stored either way.
    """
    try:
        _drafts().working_copy(model_id)
    except NotFound:
        abort(404)
    upload = request.files.get("file")
    if upload is None:
        message = _("Pilih berkas .bpmn untuk diimpor.")
        return jsonify(message=message, errors={"file": [message]}), 422
    try:
        xml = read_import(upload.read())
    except InvalidInput as err:
        errors = {
            name: [half(text) for text in texts] for name, texts in (err.errors or {}).items()
        }
        return jsonify(message=half(err.message), errors=errors), 422
    return jsonify(xml=xml)


@bp.get("/<model_id>/ekspor")
@permission_required(EDIT_MODELS)
def export(model_id: str) -> Any:
    """Download the BPMN of `?draf=N`, of `?versi=N`, or of the newest version."""
    numbers: dict[str, int | None] = {}
    for name in ("draf", "versi"):
        value = request.args.get(name)
        if value is not None and not value.isdigit():
            abort(400)
        numbers[name] = int(value) if value else None
    try:
        found = _files().export(model_id, numbers["versi"], numbers["draf"])
    except NotFound:
        abort(404)
    return Response(
        found.content,
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )


@bp.route("/<model_id>/buang-draf", methods=["GET", "POST"])
@permission_required(EDIT_MODELS)
def discard(model_id: str) -> Any:
    """Ask before discarding the pending draft; on POST discard it, back to the model."""
    drafts = _drafts()
    pending = drafts.pending(model_id)
    if pending is None:
        flash(_("Tidak ada draf yang menunggu deploy."), "info")
        return redirect(url_for("modeler.detail", model_id=model_id))
    if request.method == "GET":
        return render_template(
            "modeler/discard.html",
            model_id=model_id,
            draft=pending,
            version=drafts.latest_number(model_id),
        )
    try:
        number = DraftFiles(session(), drafts).discard(model_id, me())
    except (Conflict, NotFound) as err:
        flash(half(err.message), "error")
        return redirect(url_for("modeler.detail", model_id=model_id))
    session().commit()
    flash(
        _(
            "Draf #%(number)s dibuang. Editor membuka versi %(version)s lagi.",
            number=number,
            version=drafts.latest_number(model_id),
        ),
        "success",
    )
    return redirect(url_for("modeler.detail", model_id=model_id))


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
