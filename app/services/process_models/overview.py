"""Which versions each process model has, and which of them running instances use.

A version stays in use as long as an instance started on it has not ended: the engine
never moves a running instance to a newer diagram.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import Instance, InstanceStatus, ModelDraft, ProcessModel, ProcessModelVersion
from app.services.process_models.drafts import is_pending

#: Statuses of an instance that has not ended (it may still move on).
UNENDED = (
    InstanceStatus.RUNNING,
    InstanceStatus.WAITING,
    InstanceStatus.SUSPENDED,
    InstanceStatus.ERROR,
)


@dataclass
class VersionUse:
    """A deployed version and how many unended instances run on it."""

    version: ProcessModelVersion
    running: int


@dataclass
class ModelSummary:
    """A model (or a new diagram not deployed yet) with its versions and pending draft."""

    model_id: str
    name: str
    versions: list[VersionUse] = field(default_factory=list)
    pending: ModelDraft | None = None

    @property
    def newest(self) -> VersionUse | None:
        return self.versions[-1] if self.versions else None

    @property
    def running(self) -> int:
        return sum(use.running for use in self.versions)


def _running_by_version(session: Session, model_id: str | None = None) -> dict[int, int]:
    query = (
        select(Instance.version_id, func.count())
        .where(Instance.status.in_(UNENDED))
        .group_by(Instance.version_id)
    )
    if model_id is not None:
        query = query.where(Instance.process_model_id == model_id)
    return {version_id: count for version_id, count in session.execute(query).all()}


def _pending_drafts(session: Session) -> dict[str, ModelDraft]:
    """The newest undeployed draft of each model, if made from its newest version."""
    newest_version = dict(
        session.execute(
            select(
                ProcessModelVersion.process_model_id, func.max(ProcessModelVersion.version)
            ).group_by(ProcessModelVersion.process_model_id)
        ).all()
    )
    newest_number = (
        select(ModelDraft.process_model_id, func.max(ModelDraft.number).label("number"))
        .group_by(ModelDraft.process_model_id)
        .subquery()
    )
    drafts = session.scalars(
        select(ModelDraft).join(
            newest_number,
            (ModelDraft.process_model_id == newest_number.c.process_model_id)
            & (ModelDraft.number == newest_number.c.number),
        )
    )
    return {
        draft.process_model_id: draft
        for draft in drafts
        if is_pending(draft, newest_version.get(draft.process_model_id))
    }


def summaries(session: Session) -> list[ModelSummary]:
    """Every model with its versions (oldest first), plus diagrams only saved as drafts."""
    running = _running_by_version(session)
    pending = _pending_drafts(session)
    models = session.scalars(
        select(ProcessModel)
        .options(selectinload(ProcessModel.versions).selectinload(ProcessModelVersion.deployed_by))
        .order_by(ProcessModel.id)
    )
    result = {
        model.id: ModelSummary(
            model.id,
            model.name,
            [VersionUse(v, running.get(v.id, 0)) for v in model.versions],
            pending.get(model.id),
        )
        for model in models
    }
    for model_id, draft in pending.items():
        result.setdefault(model_id, ModelSummary(model_id, draft.name, [], draft))
    return [result[key] for key in sorted(result)]


def summary(session: Session, model_id: str) -> ModelSummary | None:
    """One model's summary, or None when it is neither deployed nor drafted."""
    return next((s for s in summaries(session) if s.model_id == model_id), None)


def running_instances(
    session: Session, model_id: str, limit: int = 200
) -> dict[int, list[Instance]]:
    """The newest unended instances of a model (at most `limit`), by version number."""
    rows = session.scalars(
        select(Instance)
        .where(Instance.process_model_id == model_id, Instance.status.in_(UNENDED))
        .options(selectinload(Instance.version), selectinload(Instance.started_by))
        .order_by(Instance.started_at.desc(), Instance.id.desc())
        .limit(limit)
    )
    grouped: dict[int, list[Instance]] = defaultdict(list)
    for instance in rows:
        grouped[instance.version.version].append(instance)
    return dict(sorted(grouped.items(), reverse=True))
