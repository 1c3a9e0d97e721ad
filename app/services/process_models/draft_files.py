"""A model's diagram as a file: imported into the modeler, exported, or a draft discarded.

The modeler edits one `.bpmn` at a time; analysts also draw elsewhere and keep copies, so
a file goes in and out as it is. An imported file only reaches the editor after the same
XML safety checks every upload passes (`app.engine.xmlsafe`: no DTD, no entities, well
formed) and after it is seen to be a BPMN document with a process; it becomes a draft
only when the analyst's save validates it, so a bad file never replaces a draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.engine.specs import BPMN_NS
from app.engine.xmlsafe import XmlRejected, parse_xml
from app.errors import Conflict, InvalidInput, NotFound
from app.models import User
from app.services.accounts.permissions import EDIT_MODELS, require
from app.services.audit.events import audit
from app.services.process_models.drafts import DraftService

#: Larger than any diagram the project ships (the biggest is a few hundred kB).
MAX_IMPORT_BYTES = 5 * 1024 * 1024
_DEFINITIONS = f"{{{BPMN_NS}}}definitions"
_PROCESS = f"{{{BPMN_NS}}}process"


@dataclass(frozen=True)
class BpmnFile:
    """A diagram to download: its file name and its text."""

    filename: str
    content: str


@dataclass(frozen=True)
class CallableProcess:
    """An executable process of a deployed model, which a call activity may name."""

    process_id: str
    model_id: str
    name: str


def _field_error(message: str) -> InvalidInput:
    return InvalidInput(
        "Berkas tidak dapat diimpor / the file cannot be imported", {"file": [message]}
    )


def read_import(content: bytes) -> str:
    """The text of an uploaded `.bpmn` file, once it is safe and a BPMN diagram.

    Raises:
        InvalidInput: `errors["file"]` says why (empty, too large, not safe XML with its
            line, not BPMN, no process); nothing is stored either way.
    """
    if not content.strip():
        raise _field_error("Berkas kosong / the file is empty")
    if len(content) > MAX_IMPORT_BYTES:
        raise _field_error(
            f"Berkas lebih dari {MAX_IMPORT_BYTES // (1024 * 1024)} MB / the file is larger "
            f"than {MAX_IMPORT_BYTES // (1024 * 1024)} MB"
        )
    try:
        root = parse_xml(content)
    except XmlRejected as err:
        indonesian, _, english = err.message.partition(" / ")
        if err.line:
            indonesian, english = f"{indonesian} (baris {err.line})", f"{english} (line {err.line})"
        raise _field_error(f"{indonesian} / {english}" if english else indonesian) from None
    if root.tag != _DEFINITIONS:
        raise _field_error(
            "Bukan diagram BPMN 2.0: akarnya harus bpmn:definitions / not a BPMN 2.0 "
            "diagram: the root must be bpmn:definitions"
        )
    if root.find(_PROCESS) is None:
        raise _field_error("Diagram tidak memuat proses / the diagram holds no process")
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    text = content.decode(encoding)
    return text.removeprefix("\ufeff")


class DraftFiles:
    """Export a draft or version, discard a pending draft, list callable processes."""

    def __init__(self, session: Session, drafts: DraftService) -> None:
        self.session = session
        self.drafts = drafts

    def export(self, model_id: str, version: int | None, draft: int | None) -> BpmnFile:
        """The BPMN of draft `draft` or of version `version` (the newest if neither).

        Raises:
            NotFound: no such model, version or draft.
        """
        if draft is not None:
            found = next((d for d in self.drafts.drafts(model_id) if d.number == draft), None)
            if found is None:
                raise NotFound(f"Draf {draft} dari '{model_id}' tidak ada / no such draft")
            return BpmnFile(f"{model_id}-draf-{draft}.bpmn", found.files[f"{model_id}.bpmn"])
        deployer = self.drafts.deployer
        stored = deployer.version(model_id, version) if version else deployer.latest(model_id)
        content = deployer.file(stored, "bpmn").content
        return BpmnFile(f"{model_id}-v{stored.version}.bpmn", content)

    def discard(self, model_id: str, user: User) -> int:
        """Delete the pending draft; the editor opens the newest version again.

        Returns the discarded draft's number.

        Raises:
            NotPermitted: the user may not edit models.
            NotFound: the model has no pending draft.
            Conflict: the model was never deployed, so there is no version to go back to.
        """
        require(self.session, user, EDIT_MODELS)
        pending = self.drafts.pending(model_id)
        if pending is None:
            raise NotFound(f"'{model_id}' tidak punya draf tertunda / no pending draft")
        base = self.drafts.latest_number(model_id)
        if base is None:
            raise Conflict(
                "Model belum pernah di-deploy: tidak ada versi untuk kembali / the model was "
                "never deployed: there is no version to go back to"
            )
        number = pending.number
        self.session.delete(pending)
        self.session.flush()
        audit(
            self.session,
            user,
            "model_draft_discarded",
            self.drafts.clock.now(),
            {"model": model_id, "draft": number, "base_version": base},
        )
        return number

    def callable_processes(self) -> list[CallableProcess]:
        """Every executable process of each deployed model's newest version, by model."""
        found: list[CallableProcess] = []
        deployer = self.drafts.deployer
        for model, version in deployer.models():
            found.extend(
                CallableProcess(process_id, model.id, model.name)
                for process_id in _executable_processes(deployer.file(version, "bpmn").content)
            )
        return found


def _executable_processes(bpmn: str) -> list[str]:
    try:
        root = parse_xml(bpmn.encode("utf-8"))
    except XmlRejected:
        return []
    return [
        process.get("id", "")
        for process in root.iter(_PROCESS)
        if process.get("isExecutable") == "true" and process.get("id")
    ]
