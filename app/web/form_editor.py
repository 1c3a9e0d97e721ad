"""Form files for analysts: list them, edit a JSON Schema and its UI schema as JSON with
validation, and see the form as staff will see it while typing.

An edited form goes to the form library (`FormLibrary`), never into a deployed version,
so nothing running changes. Saving it also saves a new draft of every model whose
diagram names it (`DraftService`), which the analyst deploys when ready
(docs/bpmn-conventions.md, "Menyimpan dan men-deploy").
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.errors import DeploymentInvalid, InvalidInput, NotFound
from app.request_scope import platform, session
from app.services.accounts.permissions import EDIT_MODELS
from app.services.process_models.drafts import DraftService
from app.services.process_models.form_library import FormLibrary, FormPair, FormProblem, check_form
from app.services.process_models.overview import summaries
from app.web import nav
from app.web.access import me, permission_required
from app.web.formfields import render_form
from app.web.i18n import half
from app.web.pages import blueprint

bp = blueprint("form_editor", __name__, url_prefix="/formulir")
nav.register("form_editor.index", _l("Formulir"), EDIT_MODELS, order=61)


def _library() -> FormLibrary:
    return FormLibrary(session(), platform().clock, platform().settings.forms_dir)


def _drafts() -> DraftService:
    built = platform()
    return DraftService(session(), built.clock, built.specs, built.settings.forms_dir)


def _pair_or_404(stem: str) -> FormPair:
    try:
        return _library().pair(stem)
    except NotFound:
        abort(404)


def _diagrams() -> dict[str, str]:
    """Each model's working diagram (pending draft, else newest version), by model id."""
    drafts = _drafts()
    return {m.model_id: drafts.working_copy(m.model_id).bpmn for m in summaries(session())}


def _users(pair: FormPair, diagrams: dict[str, str]) -> list[str]:
    """The models whose working diagram names one of the form's files."""
    return [
        model_id
        for model_id, bpmn in diagrams.items()
        if f'"{pair.schema_file}"' in bpmn or f'"{pair.ui_file}"' in bpmn
    ]


def describe(problem: FormProblem) -> str:
    """A problem in the reader's language."""
    values = {
        "file": problem.file,
        "detail": problem.detail,
        "line": problem.line,
        "column": problem.column,
    }
    texts = {
        "syntax": _(
            "%(file)s: JSON tidak valid di baris %(line)s, kolom %(column)s: %(detail)s", **values
        ),
        "not_object": _("%(file)s: isinya harus objek JSON { ... }.", **values),
        "metaschema": _("%(file)s: bukan JSON Schema yang valid: %(detail)s", **values),
        "unknown_field": _(
            "%(file)s: kunci '%(detail)s' menyebut isian yang tidak ada di schema.", **values
        ),
        "too_large": _("%(file)s: berkas melebihi %(detail)s KB.", **values),
    }
    return texts.get(problem.kind, f"{problem.file}: {problem.detail}")


def _preview(schema: dict[str, Any] | None, ui: dict[str, Any] | None) -> Markup | None:
    if schema is None:
        return None
    return render_form(schema, ui, None, None, prefix="pratinjau-")


@bp.get("")
@permission_required(EDIT_MODELS)
def index() -> Any:
    """Every form with the models that use it."""
    pairs = _library().pairs()
    diagrams = _diagrams()
    uses = {pair.stem: _users(pair, diagrams) for pair in pairs}
    return render_template("modeler/forms.html", pairs=pairs, uses=uses)


@bp.post("/baru")
@permission_required(EDIT_MODELS)
def create() -> Any:
    """A new empty form, opened in the editor; a bad or taken name is said on the list."""
    stem = request.form.get("stem", "").strip()
    try:
        pair = _library().create(stem, me())
    except InvalidInput as err:
        for message in (err.errors or {}).get("stem", [err.message]):
            flash(_("Formulir baru tidak dibuat: %(message)s", message=message), "error")
        return redirect(url_for("form_editor.index"))
    session().commit()
    return redirect(url_for("form_editor.edit", stem=pair.stem))


@bp.route("/<stem>", methods=["GET", "POST"])
@permission_required(EDIT_MODELS)
def edit(stem: str) -> Any:
    """View and edit one form; a save that fails validation keeps the analyst's text."""
    pair = _pair_or_404(stem)
    library = _library()
    if request.method == "POST":
        schema_text = request.form.get("schema", "")
        ui_text = request.form.get("ui_schema", "")
    else:
        schema_text = library.read(pair.schema_file) or ""
        ui_text = library.read(pair.ui_file) or ""
    problems, schema, ui = check_form(pair, schema_text, ui_text)
    status = 200
    if request.method == "POST":
        if problems:
            status = 422
        else:
            _save(pair, schema_text, ui_text)
            return redirect(url_for("form_editor.edit", stem=stem))
    return render_template(
        "modeler/form_edit.html",
        pair=pair,
        schema_text=schema_text,
        ui_text=ui_text,
        problems=[describe(p) for p in problems],
        preview=_preview(schema, ui),
        users=_users(pair, _diagrams()),
    ), status


def _save(pair: FormPair, schema_text: str, ui_text: str) -> None:
    """Store the form and a new draft of each model that uses it, in one transaction."""
    changed = _library().save(pair, schema_text, ui_text, me())
    if not changed:
        flash(_("Tidak ada perubahan."), "info")
        return
    drafts = _drafts()
    made, refused = [], []
    for model_id in _users(pair, _diagrams()):
        copy = drafts.working_copy(model_id)
        try:
            with session().begin_nested():
                draft = drafts.save(model_id, copy.bpmn.encode("utf-8"), me(), copy.base_version)
        except DeploymentInvalid as err:
            refused.append((model_id, half(err.message)))
        else:
            made.append(f"{model_id} #{draft.number}")
    session().commit()
    flash(_("Formulir disimpan. Instans yang berjalan tidak berubah."), "success")
    if made:
        flash(
            _(
                "Draf baru memakai formulir ini (deploy untuk memakainya): %(drafts)s",
                drafts=", ".join(made),
            ),
            "success",
        )
    for model_id, message in refused:
        flash(
            _("%(model)s: draf tidak dibuat: %(message)s", model=model_id, message=message), "error"
        )


@bp.post("/<stem>/pratinjau")
@permission_required(EDIT_MODELS)
def preview(stem: str) -> Any:
    """Live preview and validation while typing: JSON in, HTML and problems out."""
    pair = _pair_or_404(stem)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(message=_("Permintaan tidak valid: kirim JSON.")), 400
    schema_text = body.get("schema")
    ui_text = body.get("ui_schema")
    if not isinstance(schema_text, str) or not isinstance(ui_text, (str, type(None))):
        return jsonify(message=_("Permintaan tidak valid: kirim JSON.")), 400
    problems, schema, ui = check_form(pair, schema_text, ui_text)
    html = _preview(schema, ui)
    return jsonify(
        problems=[describe(p) for p in problems],
        html=str(html) if html is not None else None,
    )
