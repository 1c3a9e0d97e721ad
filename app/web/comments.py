"""The work log on the instance page (/proses/<id>) and the task page (/tugas/<id>):
read the comments, write an internal note or a public reply, with files (issue 12, item 2).

Both pages include `instances/_comments.html`, which asks `work_log(instance)` for what
the reader may see; the form posts here and, once the comment is written, goes back to
the page it was sent from. A refused comment instead shows that page again, with the
refusal's status (422; 403 for an internal note from a requester, 413 for a file over
the size limit), the reasons beside the fields and the text kept: rather than a redirect
that keeps the text in the session, since the text may be 10,000 characters, more than a
session cookie carries. The
requester reaches the log on the instance page, which they may open (the same rule as the
API's instance read), and writes public replies only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, g, redirect, request
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from app.errors import DomainError, InvalidInput, NotPermitted
from app.models import Attachment, Comment, Instance
from app.request_scope import platform, session
from app.services.casework.comments import BODY_MAX
from app.web.access import me
from app.web.i18n import half
from app.web.pages import blueprint

bp = blueprint("work_log", __name__)

#: The pages that include the work log, shown again around a refused comment.
_PAGES = ("instances.show", "task_page.show")
#: Only web links become clickable; everything else stays text.
_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


@dataclass
class RefusedComment:
    """A refused comment, put back in the form: what was typed, and why it was refused,
    by form field (`body`, `visibility`, `attachments`), in the reader's language."""

    instance_id: int
    body: str
    visibility: str
    errors: dict[str, list[str]]
    origin: str


@dataclass
class WorkLog:
    """What the partial shows: the comments the reader may see, what they may write, the
    page the form returns to, and a refused comment's text and reasons."""

    instance: Instance
    comments: list[Comment]
    internal: bool
    back: str
    refused: RefusedComment | None = None
    body_max: int = BODY_MAX


@bp.app_template_global()
def work_log(instance: Instance) -> WorkLog:
    """The work log of an instance the page already let the signed-in user read."""
    comments = platform().comments(session())
    user = me()
    pending: RefusedComment | None = g.get("refused_comment")
    return WorkLog(
        instance,
        comments.for_instance(instance, user),
        comments.may_write_internal(instance, user),
        back=pending.origin if pending else request.path,
        refused=pending if pending and pending.instance_id == instance.id else None,
    )


@bp.app_template_filter("linkify")
def linkify(text: str) -> Markup:
    """Plain text, escaped, with its http(s) links made clickable (nothing else is HTML)."""
    pieces: list[Markup] = []
    position = 0
    for match in _LINK.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        pieces.append(escape(text[position : match.start()]))
        pieces.append(
            Markup('<a href="{0}" rel="nofollow noopener noreferrer ugc">{0}</a>').format(url)
        )
        position = end
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


def _origin(instance_id: int) -> str:
    """The page the form was on (a path of this site only), else the instance page."""
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = f"/proses/{instance_id}"
    return target


def _again(instance_id: int, err: DomainError) -> Any:
    """The page the form was on, drawn again with the refused text and the reasons beside
    the fields (the instance page when the form names no page that has the work log)."""
    errors: dict[str, list[str]] = {}
    for key, messages in (err.errors or {}).items():
        errors.setdefault(key.split(".", 1)[0], []).extend(half(m) for m in messages)
    origin = _origin(instance_id)
    g.refused_comment = RefusedComment(
        instance_id,
        request.form.get("body", ""),
        request.form.get("visibility", ""),
        errors,
        origin,
    )
    try:
        endpoint, args = current_app.url_map.bind("").match(origin, method="GET")
    except HTTPException:
        endpoint = ""
    if endpoint not in _PAGES:
        endpoint, args = "instances.show", {"instance_id": instance_id}
    reasons = "; ".join(m for messages in errors.values() for m in messages)
    flash(_("Catatan tidak disimpan: %(reason)s", reason=reasons), "error")
    page = current_app.make_response(current_app.view_functions[endpoint](**args))
    page.status_code = err.status
    return page


@bp.post("/proses/<int:instance_id>/catatan")
@login_required
def post(instance_id: int) -> Any:
    """Write a comment from the form, with its files, then go back to the page it came
    from.

    The files are stored with the attachment store's checks (kind, size per file), then
    linked by `CommentService.post` (the author's own, the case's limits). A refused
    comment (empty, too long, internal from a requester, a file refused or over the
    case's limits) shows the page again, the files stored for it deleted (a browser
    cannot put them back in the file input anyway); reading the instance is refused as
    the page refuses it (403/404), before any file is stored.
    """
    user = me()
    platform().instances(session()).get(instance_id, user)
    files = platform().attachments(session())
    stored: list[Attachment] = []
    try:
        for upload in request.files.getlist("files"):
            if upload.filename:
                stored.append(files.store(upload, user, "attachments"))
        platform().comments(session()).post(
            instance_id,
            user,
            request.form.get("body"),
            request.form.get("visibility"),
            [attachment.id for attachment in stored],
        )
    except (InvalidInput, NotPermitted) as err:
        written = [attachment.stored_name for attachment in stored]
        session().rollback()
        files.unlink_files(written)
        if err.errors is None:
            raise
        return _again(instance_id, err)
    session().commit()
    flash(_("Catatan disimpan."), "success")
    return redirect(f"{_origin(instance_id)}#catatan-kerja", 303)
