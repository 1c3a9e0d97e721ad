"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.request_scope import platform
from app.request_scope import session as db_session
from app.services.accounts.sign_in_guard import SignInGuard, SignInLocked
from app.services.accounts.users import AccountService
from app.web.access import SignedIn
from app.web.i18n import LANGUAGES
from app.web.pages import blueprint

bp = blueprint("account", __name__)


class SignInForm(FlaskForm):  # type: ignore[misc]
    """Username and password; the CSRF token comes with FlaskForm."""

    username = StringField(_l("Nama pengguna"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in page; a wrong name or password says so without telling which.

    Too many failures for the name or the address (`SignInGuard`) answer 429 with
    `Retry-After` and say how many minutes to wait, even with the right password.
    """
    form = SignInForm()
    if form.validate_on_submit():
        accounts = AccountService(db_session(), platform().clock, passwords=platform().passwords)
        guard = SignInGuard(db_session(), platform().clock)
        try:
            user = guard.sign_in(
                accounts, form.username.data.strip(), form.password.data, request.remote_addr
            )
        except SignInLocked as locked:
            flash(
                _(
                    "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)s menit.",
                    minutes=math.ceil(locked.retry_after / 60),
                ),
                "error",
            )
            page = render_template("auth/login.html", form=form)
            return page, locked.status, {"Retry-After": str(locked.retry_after)}
        db_session().commit()
        if user is not None:
            login_user(SignedIn(user))
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
        flash(_("Nama pengguna atau kata sandi salah."), "error")
        return render_template("auth/login.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/keluar")
def logout() -> Any:
    """Sign out (a POST with the CSRF token, so no other site can sign anyone out)."""
    logout_user()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("account.login"))


@bp.post("/bahasa")
def language() -> Any:
    """Remember the chosen language for this browser and go back where the user was."""
    chosen = request.form.get("lang", "")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))
