"""Deploying process models: validate, store an immutable version, cache the parse."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.bundles import unresolved_calls, with_called
from app.engine.specs import (
    BPMN_NS,
    FORM_PROPERTY,
    UI_FORM_PROPERTY,
    Bundle,
    ParsedModel,
    SpecCache,
)
from app.engine.validation import validate_model
from app.engine.xmlsafe import XmlRejected, parse_xml
from app.errors import Conflict, DeploymentInvalid, DeployProblem, NotFound
from app.models import (
    REQUESTER_LANE,
    Agency,
    ProcessFile,
    ProcessModel,
    ProcessModelVersion,
    Role,
    RoleAssignment,
    User,
)
from app.models.change_stamp import RowCache, detached
from app.services.accounts.permissions import DEPLOY_MODELS, require
from app.services.audit.events import audit

MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
MAX_FILE_BYTES = 2 * 1024 * 1024
#: What an upload without files is refused with (the API names its multipart field).
NO_FILES = "tidak ada berkas / no file uploaded (multipart field 'file')"


@dataclass
class DeployResult:
    """What a deploy did: a new version, or nothing because the content was unchanged."""

    model_id: str
    version: int
    created: bool
    warnings: list[DeployProblem] = field(default_factory=list)


def model_id_for(bundle: Bundle) -> str:
    """The model id is the BPMN file's stem, e.g. `permintaan-layanan`."""
    bpmn = [name for name in bundle.files if bundle.kind(name) == "bpmn"]
    return Path(bpmn[0]).stem.lower() if len(bpmn) == 1 else ""


def _named_forms(root: object, folders: Iterable[Path]) -> dict[str, bytes]:
    """The form files a diagram names, looked up in `folders` in order; a form found in
    none is left out, so that validation reports it as missing."""
    names = {
        prop.get("value")
        for prop in root.iter("{*}property")  # type: ignore[attr-defined]
        if prop.get("name") in (FORM_PROPERTY, UI_FORM_PROPERTY) and prop.get("value")
    }
    found: dict[str, bytes] = {}
    for name in sorted(n for n in names if n):
        for folder in folders:
            candidate = folder / Path(name).name
            if candidate.is_file():
                found[candidate.name] = candidate.read_bytes()
                break
    return found


def bundle_from_directory(bpmn_path: Path, forms_dir: Path) -> Bundle:
    """Gather a BPMN file with the forms it names and the DMN files beside it it calls.

    Forms are looked up in `forms_dir` and then beside the BPMN file; a form that is
    found in neither is left out, so that validation reports it as missing.
    """
    content = bpmn_path.read_bytes()
    files = {bpmn_path.name: content}
    try:
        root = parse_xml(content)
    except XmlRejected:
        return Bundle(files)
    files |= _named_forms(root, (forms_dir, bpmn_path.parent))
    called = {(el.text or "").strip() for el in root.iter("{*}calledDecisionId")}
    for dmn in sorted(bpmn_path.parent.glob("*.dmn")):
        dmn_content = dmn.read_bytes()
        if any(f'id="{decision}"'.encode() in dmn_content for decision in called if decision):
            files[dmn.name] = dmn_content
    return Bundle(files)


def bundle_from_folder(folder: Path, forms_dir: Path) -> Bundle:
    """Gather a model of several files: every .bpmn, .dmn and .json file in `folder`,
    and the forms its diagrams name from `forms_dir` (the folder's own copy wins)."""
    files = {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix.lower() in (".bpmn", ".dmn", ".json")
    }
    for name, content in list(files.items()):
        if not name.lower().endswith(".bpmn"):
            continue
        try:
            root = parse_xml(content)
        except XmlRejected:
            continue  # reported by the deploy, located
        for form, text in _named_forms(root, (forms_dir,)).items():
            files.setdefault(form, text)
    return Bundle(files)


def _read_latest(session: Session, model_id: str) -> ProcessModelVersion | None:
    row = session.execute(
        select(*ProcessModelVersion.__table__.columns)
        .where(ProcessModelVersion.process_model_id == model_id)
        .order_by(ProcessModelVersion.version.desc())
        .limit(1)
    ).first()
    return None if row is None else detached(ProcessModelVersion, row._mapping)


_LATEST: RowCache[ProcessModelVersion] = RowCache(size=256)


class DeployService:
    """Validate and store process model versions; hand out parsed models from the cache."""

    def __init__(self, session: Session, clock: Clock, specs: SpecCache) -> None:
        self.session = session
        self.clock = clock
        self.specs = specs

    def known_roles(self) -> set[str]:
        """Role names a lane may use."""
        return set(self.session.scalars(select(Role.name)))

    def check(self, model_id: str, bundle: Bundle) -> tuple[ParsedModel, list[DeployProblem]]:
        """Every check a deploy makes, storing nothing: sizes, the model id, parsing and
        validation. The modeler's drafts are checked by this too.

        Returns the parsed model and its warnings.

        Raises:
            DeploymentInvalid: every error found.
        """
        oversized = [
            DeployProblem(name, f"berkas melebihi {MAX_FILE_BYTES // 1024} KB / file too large")
            for name, content in bundle.files.items()
            if len(content) > MAX_FILE_BYTES
        ]
        if oversized:
            raise DeploymentInvalid(oversized)
        if model_id and not MODEL_ID.match(model_id):
            raise DeploymentInvalid(
                [
                    DeployProblem(
                        model_id,
                        "id model (nama berkas BPMN) harus huruf kecil, angka dan '-' / the "
                        "model id (the BPMN file name) must be lower-case letters, digits and '-'",
                    )
                ]
            )
        parsed = self.specs.parses.parse(model_id, bundle)
        problems = validate_model(parsed, self.known_roles())
        if parsed.external_calls:
            deployed = {v.process_id for m, v in self.models() if m.id != model_id}
            problems += unresolved_calls(parsed.roots, parsed.external_calls, deployed)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DeploymentInvalid(errors)
        warnings = [p for p in problems if p.severity == "warning"]
        return parsed, warnings + self._unstaffed_lanes(parsed)

    def _unstaffed_lanes(self, parsed: ParsedModel) -> list[DeployProblem]:
        """Warnings for lanes whose role nobody holds everywhere or for some PD: the
        procedure's tasks for that PD (or a service of it without its own holder) would
        wait for nobody."""
        lanes = [
            (name, lane)
            for name, root in sorted(parsed.roots.items())
            for lane in root.iter(f"{{{BPMN_NS}}}lane")
        ]
        if not lanes:
            return []
        agencies = dict(self.session.execute(select(Agency.id, Agency.code)).all())
        warnings = []
        for file, lane in lanes:
            role = (lane.get("name") or "").strip()
            if role in ("", REQUESTER_LANE):
                continue
            grants = self.session.execute(
                select(RoleAssignment.service_id, RoleAssignment.agency_id).where(
                    RoleAssignment.role == role
                )
            ).all()
            if any(s is None and a is None for s, a in grants):
                continue
            by_agency = {a for s, a in grants if s is None}
            missing = sorted(
                code for agency_id, code in agencies.items() if agency_id not in by_agency
            )
            if missing:
                shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
                warnings.append(
                    DeployProblem(
                        file,
                        f"lajur '{role}' tanpa pemegang peran di PD {shown} / nobody holds "
                        f"'{role}' for PD {shown}: its tasks there would wait for nobody",
                        lane.sourceline,
                        lane.get("id"),
                        severity="warning",
                    )
                )
        return warnings

    def deploy(
        self, bundle: Bundle, user: User | None = None, model_id: str | None = None
    ) -> DeployResult:
        """Validate `bundle` and store it as the model's next version, unless unchanged.

        Raises:
            DeploymentInvalid: any error in any file; nothing is stored.
            Conflict: someone deployed the same model at the same moment.
        """
        model_id = model_id or model_id_for(bundle) or self._entry_file_stem(bundle)
        content_hash = bundle.content_hash
        model = self.session.get(ProcessModel, model_id)
        latest = self._latest(model_id) if model else None
        if latest is not None and latest.content_hash == content_hash:
            # Checked when it was stored: an unchanged `spbe deploy processes` costs a query.
            stored = [DeployProblem(**w, severity="warning") for w in latest.warnings or []]
            return DeployResult(model_id, latest.version, created=False, warnings=stored)
        parsed, warnings = self.check(model_id, bundle)
        now = self.clock.now()
        if model is None:
            model = ProcessModel(id=model_id, name=parsed.name, created_at=now)
            self.session.add(model)
        model.name = parsed.name
        version = ProcessModelVersion(
            process_model_id=model_id,
            version=(latest.version + 1) if latest else 1,
            process_id=parsed.process_id,
            name=parsed.name,
            content_hash=content_hash,
            deployed_by_id=user.id if user else None,
            deployed_at=now,
            warnings=[w.as_dict() for w in warnings],
        )
        self.session.add(version)
        for name, content in sorted(bundle.files.items()):
            self.session.add(
                ProcessFile(
                    version=version,
                    name=name,
                    kind=bundle.kind(name),
                    content=content.decode("utf-8"),
                )
            )
        try:
            self.session.flush()
        except IntegrityError:
            raise Conflict(
                "Model sedang di-deploy oleh orang lain / deployed concurrently, try again"
            ) from None
        audit(
            self.session,
            user,
            "model_deployed",
            now,
            {
                "model": model_id,
                "version": version.version,
                "content_hash": content_hash,
                "files": sorted(bundle.files),
            },
        )
        self.specs.get(version.id, lambda: parsed)
        return DeployResult(model_id, version.version, created=True, warnings=warnings)

    def _entry_file_stem(self, bundle: Bundle) -> str:
        """The model id of a bundle of several BPMN files uploaded without one: the stem
        of the file holding its entry process (app/engine/bundles.py, rules 1 and 3).

        Raises:
            DeploymentInvalid: as `check`.
        """
        parsed = self.specs.parses.parse("", bundle)
        return Path(parsed.bpmn_file).stem.lower()

    def deploy_upload(
        self, files: Mapping[str, bytes], user: User, model_id: str | None = None
    ) -> DeployResult:
        """Deploy what a person uploaded, BPMN files with their DMN and form files, as the
        model's next version (`model_id`, else the BPMN file's stem, else the stem of the
        file holding the entry process).

        `deploy` itself checks no permission: the `spbe deploy` command and
        `DraftService` (which checks its own) call it. A person's upload needs
        `DEPLOY_MODELS`, checked before anything else.

        Args:
            files: file name (without folders) -> content.
            user: who uploads.

        Raises:
            NotPermitted: the user may not deploy models.
            DeploymentInvalid: no file, or any error in any file; nothing is stored.
            Conflict: someone deployed the same model at the same moment.
        """
        require(self.session, user, DEPLOY_MODELS)
        if not files:
            raise DeploymentInvalid([DeployProblem("-", NO_FILES)])
        return self.deploy(Bundle(dict(files)), user, model_id or None)

    def _latest(self, model_id: str) -> ProcessModelVersion | None:
        """The newest version, merged from this process's copy while the change stamp
        holds: every start asks it, a deploy changes it (and the stamp)."""
        return _LATEST.merged(self.session, model_id, lambda: _read_latest(self.session, model_id))

    def latest(self, model_id: str) -> ProcessModelVersion:
        """The newest version of a model; raises NotFound."""
        version = self._latest(model_id)
        if version is None:
            raise NotFound(f"Model proses '{model_id}' tidak ada / no process model '{model_id}'")
        return version

    def version(self, model_id: str, number: int) -> ProcessModelVersion:
        """One version of a model; raises NotFound."""
        version = self.session.scalar(
            select(ProcessModelVersion).where(
                ProcessModelVersion.process_model_id == model_id,
                ProcessModelVersion.version == number,
            )
        )
        if version is None:
            raise NotFound(f"Versi {number} dari '{model_id}' tidak ada / no such version")
        return version

    def models(self) -> list[tuple[ProcessModel, ProcessModelVersion]]:
        """Every model with its newest version."""
        newest = (
            select(
                ProcessModelVersion.process_model_id,
                func.max(ProcessModelVersion.version).label("version"),
            )
            .group_by(ProcessModelVersion.process_model_id)
            .subquery()
        )
        rows = self.session.execute(
            select(ProcessModel, ProcessModelVersion)
            .join(newest, newest.c.process_model_id == ProcessModel.id)
            .join(
                ProcessModelVersion,
                (ProcessModelVersion.process_model_id == ProcessModel.id)
                & (ProcessModelVersion.version == newest.c.version),
            )
            .order_by(ProcessModel.id)
        ).all()
        return [(row[0], row[1]) for row in rows]

    def parsed(self, version_id: int) -> ParsedModel:
        """The parsed model of a version: from the cache, or parsed once from its files.

        Takes the id, not the row, so a cache hit costs no query.
        """

        def load() -> ParsedModel:
            version = self.session.get_one(ProcessModelVersion, version_id)
            return self.specs.parses.known(
                version.process_model_id,
                version.content_hash,
                lambda: Bundle({f.name: f.content.encode("utf-8") for f in version.files}),
            )

        return self.specs.get(version_id, load)

    def called_versions(self, model: ParsedModel) -> dict[str, int]:
        """What the calls of `model` to other models run now: for each called process,
        and those they call in turn, the newest version of the model whose entry it is
        (the newest deployed when several are). An instance keeps these for its life.

        Raises:
            NotFound: a called process no deployed model has any more.
        """
        pins: dict[str, int] = {}
        todo = list(model.external_calls)
        while todo:
            process_id = todo.pop()
            if process_id in pins:
                continue
            newest = [
                latest
                for model_id in self.session.scalars(
                    select(ProcessModelVersion.process_model_id)
                    .where(ProcessModelVersion.process_id == process_id)
                    .distinct()
                )
                if (latest := self._latest(model_id)) is not None
                and latest.process_id == process_id
            ]
            if not newest:
                raise NotFound(
                    f"Proses '{process_id}' yang dipanggil tidak di-deploy / called process "
                    f"'{process_id}' is no deployed model's entry"
                )
            pins[process_id] = max(newest, key=lambda v: v.id).id
            todo += self.parsed(pins[process_id]).external_calls
        return pins

    def parsed_with(self, version_id: int, called: Mapping[str, int] | None) -> ParsedModel:
        """The parsed model of a version with its calls to other models resolved to the
        versions in `called` (`called_versions`, as the instance stored them)."""
        model = self.parsed(version_id)
        if not model.external_calls or not called:
            return model
        key = (version_id, tuple(sorted(called.items())))
        return self.specs.composed.get(
            key,
            lambda: with_called(model, {pid: self.parsed(vid) for pid, vid in called.items()}),
        )

    def named_file(self, version: ProcessModelVersion, name: str) -> ProcessFile:
        """A BPMN or DMN file of the version by its name; raises NotFound."""
        for stored in version.files:
            if stored.name == name and stored.kind in ("bpmn", "dmn"):
                return stored
        raise NotFound(f"Berkas '{name}' tidak ada / no BPMN or DMN file '{name}'")

    def file(self, version: ProcessModelVersion, kind: str) -> ProcessFile:
        """The stored file of `kind`: for "bpmn" the one holding the entry process (a
        bundle has several, app/engine/bundles.py), else the first."""
        stored = [f for f in version.files if f.kind == kind]
        if kind == "bpmn" and len(stored) > 1:
            entry_file = self.parsed(version.id).bpmn_file
            stored = [f for f in stored if f.name == entry_file] or stored
        if stored:
            return stored[0]
        raise NotFound(f"Berkas {kind} tidak ada / no {kind} file")


def deploy_paths(
    service: DeployService,
    paths: Iterable[Path],
    forms_dir: Path,
    user: User | None = None,
    bundles: bool = False,
) -> list[tuple[Path, DeployResult]]:
    """Deploy what `paths` hold (docs/bpmn-conventions.md, "Models of several files").

    A .bpmn file is one model named after it. A folder holds one model per .bpmn file
    directly in it and one model per subfolder holding .bpmn files (a bundle, named
    after the subfolder); with `bundles`, each folder given is itself one model, named
    after it.
    """
    results = []
    for path in paths:
        if path.is_dir() and bundles:
            folders, files = [path], []
        elif path.is_dir():
            folders = sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.bpmn")))
            files = sorted(path.glob("*.bpmn"))
        else:
            folders, files = [], [path]
        for bpmn in files:
            results.append((bpmn, service.deploy(bundle_from_directory(bpmn, forms_dir), user)))
        for folder in folders:
            bundle = bundle_from_folder(folder, forms_dir)
            results.append((folder, service.deploy(bundle, user, folder.name.lower())))
    return results
