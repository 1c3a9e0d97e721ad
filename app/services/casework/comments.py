"""The work log of a case: internal notes and public replies (issue 12, item 2).

Writing one is a single transaction: the comment row, its files linked to the instance,
its words in the search index (internal ones for staff only), a `comment_added` entry in
the instance's history (the timeline shows it; internal ones are hidden from the
requester by `audience.audible`), and, for a public reply, a notification to the other
side: the requester when staff answer, else the people who hold the case's open tasks
(its supervisors when nobody does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.engine.routing import candidates
from app.errors import InvalidInput, NotPermitted
from app.models import (
    REQUESTER_LANE,
    Attachment,
    Comment,
    CommentAttachment,
    Instance,
    Task,
    TaskState,
    User,
    Visibility,
)
from app.services.accounts.permissions import supervisors_of
from app.services.audit.events import record
from app.services.casework.audience import COMMENT_EVENT, sees_internal
from app.services.casework.indexing import index_comment
from app.services.instances.lifecycle import InstanceService
from app.services.notifications.messages import MailConfig, NotificationService

#: Longest body accepted, in characters.
BODY_MAX = 10_000
#: Most files one comment carries.
ATTACHMENTS_MAX = 10
#: Notification kind of a public reply.
PUBLIC_REPLY = "comment_public"
#: How much of a reply a notification quotes.
_QUOTE = 300


@dataclass
class CommentPage:
    """One page of the comments a reader may see, oldest first."""

    items: list[Comment]
    total: int


def _excerpt(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= _QUOTE else flat[: _QUOTE - 1] + "…"


class CommentService:
    """Write and read an instance's work log, with the instance read's own access rule."""

    def __init__(
        self, session: Session, clock: Clock, instances: InstanceService, mail: MailConfig
    ) -> None:
        self.session = session
        self.clock = clock
        self.instances = instances
        self.mail = mail

    # -- reading -------------------------------------------------------------------------

    def _visible(self, instance: Instance, user: User) -> Any:
        query = select(Comment).where(Comment.instance_id == instance.id)
        if not sees_internal(self.session, user, instance):
            query = query.where(Comment.visibility == Visibility.PUBLIC)
        return query

    def page(self, instance_id: int, user: User, page: int = 1, per_page: int = 20) -> CommentPage:
        """The comments of an instance `user` may read, oldest first, a page at a time.

        Raises:
            NotFound: no such instance.
            NotPermitted: the user may not read the instance (`InstanceService.get`).
        """
        instance = self.instances.get(instance_id, user)
        query = self._visible(instance, user)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        items = self.session.scalars(
            query.options(selectinload(Comment.author), selectinload(Comment.attachments))
            .order_by(Comment.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        return CommentPage(list(items), total)

    def for_instance(self, instance: Instance, user: User) -> list[Comment]:
        """Every comment of an instance the caller already read that `user` may see,
        oldest first (the pages show the whole log)."""
        return list(
            self.session.scalars(
                self._visible(instance, user)
                .options(selectinload(Comment.author), selectinload(Comment.attachments))
                .order_by(Comment.id)
            )
        )

    def may_write_internal(self, instance: Instance, user: User) -> bool:
        """Whether `user` may read and write the instance's internal notes."""
        return sees_internal(self.session, user, instance)

    # -- writing -------------------------------------------------------------------------

    def post(
        self,
        instance_id: int,
        user: User,
        body: Any,
        visibility: Any,
        attachments: Any = None,
    ) -> Comment:
        """Add a comment; notify the other side of a public reply.

        Args:
            body: plain text, 1 to `BODY_MAX` characters once trimmed.
            visibility: "internal" (staff only) or "public" (the requester too).
            attachments: ids of files `user` uploaded, not yet on another case or comment;
                the case may then hold no more files or bytes than a form's file fields
                allow (`AttachmentClaims.over_instance_limits`).

        Raises:
            NotFound: no such instance.
            NotPermitted: the user may not read the instance, or a requester asks for an
                internal note (`errors` names `visibility`).
            InvalidInput: a field is missing or wrong; `errors` names each.
        """
        instance = self.instances.get(instance_id, user)
        text, kind, files = self._checked(instance, user, body, visibility, attachments)
        now = self.clock.now()
        comment = Comment(
            instance_id=instance.id,
            author_id=user.id,
            visibility=kind,
            body=text,
            created_at=now,
        )
        comment.author = user
        self.session.add(comment)
        self.session.flush()
        for attachment in files:
            attachment.instance_id = instance.id
            self.session.add(CommentAttachment(comment_id=comment.id, attachment_id=attachment.id))
        record(
            self.session,
            instance,
            COMMENT_EVENT,
            now,
            user,
            data={"comment": comment.id, "visibility": kind, "note": text},
        )
        index_comment(self.session, instance, comment)
        if kind == Visibility.PUBLIC:
            self._notify(instance, user, text)
        self.session.flush()
        self.session.refresh(comment, ["attachments"])
        return comment

    def _checked(
        self, instance: Instance, user: User, body: Any, visibility: Any, attachments: Any
    ) -> tuple[str, str, list[Attachment]]:
        errors: dict[str, list[str]] = {}
        text = body.strip() if isinstance(body, str) else ""
        if not text:
            errors["body"] = ["Isi catatan wajib diisi / the body is required"]
        elif len(text) > BODY_MAX:
            errors["body"] = [
                f"Isi catatan paling banyak {BODY_MAX} karakter / "
                f"the body has at most {BODY_MAX} characters"
            ]
        if visibility not in (Visibility.INTERNAL, Visibility.PUBLIC):
            errors["visibility"] = [
                "Pilih 'internal' atau 'public' / must be 'internal' or 'public'"
            ]
        files = self._files(user, instance, attachments, errors)
        if errors:
            raise InvalidInput("Catatan tidak valid / invalid comment", errors)
        if visibility == Visibility.INTERNAL and not sees_internal(self.session, user, instance):
            raise NotPermitted(
                "Pemohon hanya dapat menulis balasan publik / a requester writes public "
                "replies only",
                {"visibility": ["Hanya 'public' / 'public' only"]},
            )
        return text, str(visibility), files

    def _files(
        self, user: User, instance: Instance, ids: Any, errors: dict[str, list[str]]
    ) -> list[Attachment]:
        """The comment's files: only the author's own uploads (a staff note must not take
        over a file the requester sent with a form), within the case's limits."""
        if ids is None:
            return []
        if not isinstance(ids, list) or len(ids) > ATTACHMENTS_MAX:
            errors["attachments"] = [
                f"Daftar berisi paling banyak {ATTACHMENTS_MAX} attachment_id / "
                f"a list of at most {ATTACHMENTS_MAX} attachment_id"
            ]
            return []
        found: list[Attachment] = []
        for position, ident in enumerate(ids):
            if isinstance(ident, dict):
                ident = ident.get("attachment_id")
            attachment = (
                self.session.get(Attachment, ident)
                if isinstance(ident, int) and not isinstance(ident, bool)
                else None
            )
            taken = attachment is not None and self.session.scalar(
                select(CommentAttachment.comment_id).where(
                    CommentAttachment.attachment_id == attachment.id
                )
            )
            if (
                attachment is None
                or attachment.uploaded_by_id != user.id
                or attachment.instance_id not in (None, instance.id)
                or taken
                or attachment in found
            ):
                errors[f"attachments.{position}"] = [
                    "Bukan lampiran yang Anda unggah untuk kasus ini / not a file you "
                    "uploaded for this case"
                ]
                continue
            found.append(attachment)
        over = self.instances.attachments.over_instance_limits(
            instance.id, [a for a in found if a.instance_id is None]
        )
        if over is not None:
            errors["attachments"] = [over]
        return found

    def _notify(self, instance: Instance, author: User, text: str) -> None:
        number = instance.reference or f"#{instance.id}"
        name = author.full_name or author.username
        if author.id == instance.started_by_id:
            recipients: Sequence[User | str] = [
                n for n in self._staff_on(instance) if n != author.username
            ]
        else:
            recipients = [instance.started_by]
        NotificationService(self.session, self.clock, self.mail).notify(
            recipients,
            PUBLIC_REPLY,
            f"{number}: balasan baru / new reply",
            f"{name} menulis pada {number} / wrote on {number}:\n{_excerpt(text)}",
            f"/proses/{instance.id}#catatan-kerja",
            instance,
        )

    def _staff_on(self, instance: Instance) -> list[str]:
        """Who answers a requester: the holders of the case's open staff tasks (whoever
        claimed one, else its candidates), or its supervisors when there are none."""
        now = self.clock.now()
        names: list[str] = []
        tasks = self.session.scalars(
            select(Task).where(
                Task.instance_id == instance.id,
                Task.state.in_((TaskState.READY, TaskState.HELD)),
                Task.lane.is_distinct_from(REQUESTER_LANE),
            )
        )
        for task in tasks:
            holders = [task.claimed_by.username] if task.claimed_by else None
            names += holders or candidates(self.session, task, now)
        return names or supervisors_of(self.session, instance.service_id, instance.agency_id)
