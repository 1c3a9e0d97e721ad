"""The work log on the instance page (/proses/<id>) and the task page (/tugas/<id>):
read the comments, write an internal note or a public reply (issue 12, item 2).

Both pages include `instances/_comments.html`, which asks `work_log(instance)` for what
the reader may see; the form posts here and comes back to the page it was sent from. The
requester reaches the log on the instance page, which they may open (the same rule as the
API's instance read), and writes public replies only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup, escape

from app.errors import InvalidInput, NotPermitted
from app.models import Comment, Instance
from app.request_scope import platform, session
from app.services.casework.comments import BODY_MAX
from app.web.access import me
from app.web.i18n import half
from app.web.pages import blueprint

bp = blueprint("work_log", __name__)

#: Only web links become clickable; everything else stays text.
_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


@dataclass
class WorkLog:
    """What the partial shows: the comments the reader may see, and what they may write."""

    instance: Instance
    comments: list[Comment]
    internal: bool
    body_max: int = BODY_MAX


@bp.app_template_global()
def work_log(instance: Instance) -> WorkLog:
    """The work log of an instance the page already let the signed-in user read."""
    comments = platform().comments(session())
    user = me()
    return WorkLog(
        instance, comments.for_instance(instance, user), comments.may_write_internal(instance, user)
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


def _back(instance_id: int) -> str:
    """The page the form was on (a path of this site only), else the instance page."""
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = f"/proses/{instance_id}"
    return f"{target}#catatan-kerja"


@bp.post("/proses/<int:instance_id>/catatan")
@login_required
def post(instance_id: int) -> Any:
    """Write a comment from the form, then go back to the page it came from.

    A refused comment (empty, too long, or internal from a requester) goes back with the
    reason; reading the instance is refused as the page refuses it (403/404).
    """
    try:
        platform().comments(session()).post(
            instance_id, me(), request.form.get("body"), request.form.get("visibility")
        )
    except (InvalidInput, NotPermitted) as err:
        session().rollback()
        if err.errors is None:
            raise
        reasons = "; ".join(half(m) for messages in err.errors.values() for m in messages)
        flash(_("Catatan tidak disimpan: %(reason)s", reason=reasons), "error")
        return redirect(_back(instance_id), 303)
    session().commit()
    flash(_("Catatan disimpan."), "success")
    return redirect(_back(instance_id), 303)
