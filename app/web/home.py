"""The landing page after sign-in: who you are, what you hold, where to go."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.web import nav
from app.web.access import held_roles, me
from app.web.pages import blueprint

bp = blueprint("home", __name__)
nav.register("home.index", _l("Beranda"), order=0)


@bp.get("/")
@login_required
def index() -> Any:
    """Beranda: the user's roles and the areas the navigation offers them."""
    user = me()
    return render_template(
        "home.html",
        user=user,
        assignments=user.assignments,
        areas=[item for item in nav.visible(held_roles()) if item.endpoint != "home.index"],
    )
