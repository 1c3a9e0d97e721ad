"""Saving a diagram as a validated draft, and deploying a draft as the model's next version.

Two steps, so that an analyst can save work that is not ready without changing what new
instances run: a save stores a draft after the same checks a deploy makes; a deploy
hands the draft's frozen files to `DeployService`, which stores the version new instances
start on (event `model_deployed`). Running instances stay on their version either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.specs import Bundle, SpecCache
from app.engine.xmlsafe import XmlRejected, parse_xml
from app.errors import Conflict, InvalidInput, NotFound
from app.models import ModelDraft, ProcessFile, ProcessModelVersion, User
from app.services.accounts.permissions import EDIT_MODELS, require
from app.services.audit.events import audit
from app.services.process_models.deploy import DeployResult, DeployService
from app.services.process_models.diagram_template import new_diagram
from app.services.process_models.form_library import FormLibrary, form_names_in


@dataclass(frozen=True)
class WorkingCopy:
    """What the editor opens: the pending draft if there is one, else the newest version."""

    model_id: str
    name: str
    bpmn: str
    #: The newest deployed version (None before the first deploy).
    base_version: int | None
    draft: ModelDraft | None


def is_pending(draft: ModelDraft | None, newest_version: int | None) -> bool:
    """Whether `draft` (a model's newest) waits to be deployed: not deployed yet, and made
    from the newest version, so deploying it loses nobody's version."""
    return (
        draft is not None
        and draft.deployed_version is None
        and draft.base_version == newest_version
    )


class DraftService:
    """Drafts of one or more models: open, save, deploy."""

    def __init__(self, session: Session, clock: Clock, specs: SpecCache, forms_dir: Path) -> None:
        self.session = session
        self.clock = clock
        self.deployer = DeployService(session, clock, specs)
        self.forms = FormLibrary(session, clock, forms_dir)

    def latest_number(self, model_id: str) -> int | None:
        """The newest deployed version number, or None before the first deploy."""
        return self.session.scalar(
            select(func.max(ProcessModelVersion.version)).where(
                ProcessModelVersion.process_model_id == model_id
            )
        )

    def drafts(self, model_id: str) -> list[ModelDraft]:
        """Every draft of a model, newest first."""
        return list(
            self.session.scalars(
                select(ModelDraft)
                .where(ModelDraft.process_model_id == model_id)
                .order_by(ModelDraft.number.desc())
            )
        )

    def pending(self, model_id: str) -> ModelDraft | None:
        """The newest draft if it is not deployed and was made from the newest version."""
        newest = self.session.scalar(
            select(ModelDraft)
            .where(ModelDraft.process_model_id == model_id)
            .order_by(ModelDraft.number.desc())
            .limit(1)
        )
        return newest if is_pending(newest, self.latest_number(model_id)) else None

    def working_copy(self, model_id: str) -> WorkingCopy:
        """The diagram to open in the editor; raises NotFound for an unknown model."""
        base = self.latest_number(model_id)
        draft = self.pending(model_id)
        if draft is not None:
            bpmn = draft.files[f"{model_id}.bpmn"]
            return WorkingCopy(model_id, draft.name, bpmn, base, draft)
        if base is None:
            raise NotFound(f"Model proses '{model_id}' tidak ada / no process model '{model_id}'")
        version = self.deployer.version(model_id, base)
        bpmn = self.deployer.file(version, "bpmn").content
        return WorkingCopy(model_id, version.name, bpmn, base, None)

    def bundle(self, model_id: str, bpmn: bytes) -> Bundle:
        """The diagram with the current text of every form it names and the DMN it calls.

        A form that does not exist is left out, so that validation reports it as missing.
        """
        files = {f"{model_id}.bpmn": bpmn}
        for name in sorted(form_names_in(bpmn)):
            text = self.forms.read(name)
            if text is not None:
                files[name] = text.encode("utf-8")
        for name, content in self._called_decisions(bpmn).items():
            files[name] = content.encode("utf-8")
        return Bundle(files)

    def _called_decisions(self, bpmn: bytes) -> dict[str, str]:
        """The newest deployed DMN file that defines each decision the diagram calls."""
        try:
            root = parse_xml(bpmn)
        except XmlRejected:
            return {}
        called = {(el.text or "").strip() for el in root.iter("{*}calledDecisionId")} - {""}
        found: dict[str, str] = {}
        for decision in sorted(called):
            row = self.session.execute(
                select(ProcessFile.name, ProcessFile.content)
                .join(ProcessModelVersion, ProcessFile.version_id == ProcessModelVersion.id)
                .where(
                    ProcessFile.kind == "dmn",
                    ProcessFile.content.contains(f'id="{decision}"'),
                )
                .order_by(ProcessModelVersion.id.desc())
                .limit(1)
            ).first()
            if row is not None:
                found[row[0]] = row[1]
        return found

    def save(self, model_id: str, bpmn: bytes, user: User, base_version: int | None) -> ModelDraft:
        """Validate a diagram and store it as the model's next draft.

        `base_version` is the version the analyst opened; when someone deployed since, the
        save is refused rather than silently dropping their version.

        Raises:
            NotPermitted: the user may not edit models.
            Conflict: the model was deployed since the editor opened it.
            DeploymentInvalid: the diagram or its forms fail validation; nothing stored.
        """
        require(self.session, user, EDIT_MODELS)
        latest = self.latest_number(model_id)
        if latest != base_version:
            raise Conflict(
                f"Model sudah di-deploy versi {latest} sejak Anda membukanya; muat ulang / "
                f"version {latest} was deployed since you opened the model; reload"
            )
        bundle = self.bundle(model_id, bpmn)
        parsed, warnings = self.deployer.check(model_id, bundle)
        number = (
            self.session.scalar(
                select(func.max(ModelDraft.number)).where(ModelDraft.process_model_id == model_id)
            )
            or 0
        ) + 1
        now = self.clock.now()
        draft = ModelDraft(
            process_model_id=model_id,
            number=number,
            name=parsed.name,
            base_version=latest,
            files={name: content.decode("utf-8") for name, content in bundle.files.items()},
            content_hash=bundle.content_hash,
            warnings=[w.as_dict() for w in warnings],
            saved_by_id=user.id,
            saved_at=now,
        )
        self.session.add(draft)
        try:
            self.session.flush()
        except IntegrityError:
            raise Conflict(
                "Model sedang disimpan oleh orang lain / saved concurrently, try again"
            ) from None
        audit(
            self.session,
            user,
            "model_draft_saved",
            now,
            {"model": model_id, "draft": number, "base_version": latest},
        )
        return draft

    def create(self, model_id: str, name: str, roles: list[str], user: User) -> ModelDraft:
        """A new model from the template, saved as its first draft.

        Raises:
            NotPermitted: the user may not edit models.
            InvalidInput: a bad or taken id, no name, no lanes (`errors` by field).
            DeploymentInvalid: a lane names no known role.
        """
        require(self.session, user, EDIT_MODELS)
        taken = self.latest_number(model_id) is not None or bool(self.drafts(model_id))
        if taken:
            raise InvalidInput(
                "Data tidak valid / invalid data",
                {"id": [f"id '{model_id}' sudah dipakai / id '{model_id}' is taken"]},
            )
        return self.save(model_id, new_diagram(model_id, name, roles), user, None)

    def deploy(self, model_id: str, number: int, user: User) -> DeployResult:
        """Deploy the pending draft `number` as the model's next version.

        Raises:
            NotPermitted: the user may not edit models.
            NotFound: no such draft.
            Conflict: the draft is deployed already, or a newer draft or version exists.
            DeploymentInvalid: validation refuses it now (e.g. a role was removed).
        """
        require(self.session, user, EDIT_MODELS)
        draft = self.session.scalar(
            select(ModelDraft).where(
                ModelDraft.process_model_id == model_id, ModelDraft.number == number
            )
        )
        if draft is None:
            raise NotFound(f"Draf {number} dari '{model_id}' tidak ada / no such draft")
        if draft.deployed_version is not None:
            raise Conflict(
                f"Draf {number} sudah di-deploy sebagai versi {draft.deployed_version} / "
                "already deployed"
            )
        if self.pending(model_id) is not draft:
            raise Conflict(
                f"Draf {number} bukan draf terbaru dari versi terbaru / draft {number} is "
                "not the newest draft of the newest version"
            )
        files = {name: text.encode("utf-8") for name, text in draft.files.items()}
        result = self.deployer.deploy(Bundle(files), user, model_id)
        draft.deployed_version = result.version
        self.session.flush()
        return result
