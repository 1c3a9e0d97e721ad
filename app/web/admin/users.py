"""Users and role holders: accounts, passwords, deactivation, roles for a scope.

The same `AccountService` calls as /api/v1/users and /api/v1/role-assignments; a role is
held everywhere, for one PD or for one service.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import Conflict, DomainError, NotFound
from app.models import User
from app.request_scope import platform, session
from app.services.accounts.users import MIN_PASSWORD_LENGTH, AccountService
from app.services.catalog.agencies import AgencyService
from app.services.catalog.services import CatalogService
from app.services.process_models.deploy import DeployService
from app.web.access import me
from app.web.admin.audit import trail
from app.web.admin.forms import REFUSED, FormState, required_text
from app.web.i18n import half

bp = Blueprint("users", __name__)

#: The most users a list shows; a search narrows it.
LIST_LIMIT = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NEW_FIELDS = ("username", "full_name", "email", "agency", "password", "password_confirm")
DETAIL_FIELDS = ("full_name", "email", "agency")
PASSWORD_FIELDS = ("password", "password_confirm")
GRANT_FIELDS = ("role", "scope", "agency", "service")
#: Where a role is held: everywhere, for one PD, or for one service.
SCOPES = ("semua", "pd", "layanan")


def _accounts() -> AccountService:
    return AccountService(session(), platform().clock, me(), platform().passwords)


def _roles() -> list[str]:
    return sorted(DeployService(session(), platform().clock, platform().specs).known_roles())


def _choices() -> dict[str, Any]:
    """The PDs, services and roles the forms offer."""
    return {
        "agencies": [
            (a.code, f"{a.code} — {a.name}")
            for a in AgencyService(session(), platform().clock).all()
        ],
        "services": [
            (s.code, f"{s.code} — {s.name}")
            for s in CatalogService(session(), platform().clock).all()
        ],
        "roles": [(role, role) for role in _roles()],
    }


def _matches(user: User, query: str) -> bool:
    needle = query.casefold()
    return any(
        needle in (text or "").casefold() for text in (user.username, user.full_name, user.email)
    )


def _check_email(state: FormState) -> None:
    email = state.values.get("email", "")
    if email and not _EMAIL.match(email):
        state.add("email", _("Alamat surel tidak valid."))


def _check_password(state: FormState) -> None:
    if len(state.values.get("password", "")) < MIN_PASSWORD_LENGTH:
        state.add("password", _("Minimal %(count)s karakter.", count=MIN_PASSWORD_LENGTH))
    elif state.values["password"] != state.values.get("password_confirm"):
        state.add("password_confirm", _("Kata sandi tidak sama."))


@bp.get("/pengguna/")
def index() -> Any:
    """Users, searched by name, full name or e-mail, active or not."""
    query = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    users = [
        user
        for user in _accounts().users()
        if (not query or _matches(user, query))
        and (status != "aktif" or user.active)
        and (status != "nonaktif" or not user.active)
    ]
    return render_template(
        "admin/users.html",
        users=users[:LIST_LIMIT],
        total=len(users),
        limit=LIST_LIMIT,
        query=query,
        status=status,
    )


@bp.route("/pengguna/baru", methods=["GET", "POST"])
def create() -> Any:
    """A new user with a password; roles are granted on the user's page."""
    if request.method == "GET":
        return render_template("admin/user_new.html", state=FormState(), **_choices())
    state = FormState.posted(request.form, NEW_FIELDS, as_typed=PASSWORD_FIELDS)
    required_text(state, "username", 80)
    _check_email(state)
    _check_password(state)
    if state.ok:
        try:
            user = _accounts().create_user(
                state.values["username"],
                state.values["password"],
                state.values["full_name"],
                state.values["email"] or None,
                state.values["agency"] or None,
            )
        except DomainError as err:
            state.refuse(err, default=_field_of(err))
        else:
            session().commit()
            flash(
                _("Pengguna %(name)s dibuat. Berikan perannya di bawah.", name=user.username),
                "success",
            )
            return redirect(url_for(".show", username=user.username))
    state.values["password"] = state.values["password_confirm"] = ""
    return render_template("admin/user_new.html", state=state, **_choices()), REFUSED


def _field_of(err: DomainError) -> str:
    """The field a refusal of a new user is about: an unknown PD, else the username."""
    return "agency" if isinstance(err, NotFound) else "username"


def _detail(user: User, status: int = 200, **states: FormState) -> Any:
    details = states.get("details") or FormState(
        values={
            "full_name": user.full_name,
            "email": user.email or "",
            "agency": user.agency.code if user.agency else "",
        }
    )
    grant = states.get("grant") or FormState(values={"scope": "semua"})
    return (
        render_template(
            "admin/user.html",
            user=user,
            details=details,
            password=states.get("password") or FormState(),
            grant=grant,
            assignments=_accounts().assignments(username=user.username),
            history=trail("user", user.username),
            **_choices(),
        ),
        status,
    )


def _refused(accounts: AccountService, username: str, err: Conflict) -> Any:
    """The user's page again with the refusal on top (the last Admin Sistem stays), 409."""
    flash(half(err.message), "error")
    return _detail(accounts.by_username(username), err.status)


@bp.get("/pengguna/<username>")
def show(username: str) -> Any:
    """A user: details, status, password, roles and the audit trail."""
    return _detail(_accounts().by_username(username))


@bp.post("/pengguna/<username>")
def update(username: str) -> Any:
    """Change the full name, e-mail or PD."""
    accounts = _accounts()
    user = accounts.by_username(username)
    state = FormState.posted(request.form, DETAIL_FIELDS)
    required_text(state, "full_name", 200)
    _check_email(state)
    if state.ok:
        email = state.values["email"] or ("" if user.email else None)
        try:
            accounts.update_user(
                username,
                full_name=state.values["full_name"],
                email=email,
                agency_code=state.values["agency"] or None,
            )
        except DomainError as err:
            state.refuse(err, default="agency")
        else:
            session().commit()
            flash(_("Data pengguna disimpan."), "success")
            return redirect(url_for(".show", username=username))
    return _detail(accounts.by_username(username), REFUSED, details=state)


@bp.post("/pengguna/<username>/status")
def set_active(username: str) -> Any:
    """Deactivate (claimed tasks go back to the pool) or reactivate a user."""
    active = request.form.get("active") == "1"
    accounts = _accounts()
    try:
        accounts.update_user(username, active=active)
    except Conflict as err:
        return _refused(accounts, username, err)
    session().commit()
    if active:
        flash(_("Pengguna %(name)s diaktifkan kembali.", name=username), "success")
    else:
        flash(
            _(
                "Pengguna %(name)s dinonaktifkan; tugas yang diklaimnya kembali ke antrean.",
                name=username,
            ),
            "success",
        )
    return redirect(url_for(".show", username=username))


@bp.post("/pengguna/<username>/sandi")
def reset_password(username: str) -> Any:
    """Give the user a new password (the audit trail records that, never the password)."""
    accounts = _accounts()
    accounts.by_username(username)
    state = FormState.posted(request.form, PASSWORD_FIELDS, as_typed=PASSWORD_FIELDS)
    _check_password(state)
    if state.ok:
        try:
            accounts.update_user(username, password=state.values["password"])
        except DomainError as err:
            state.refuse(err, default="password")
        else:
            session().commit()
            flash(_("Kata sandi %(name)s diganti.", name=username), "success")
            return redirect(url_for(".show", username=username))
    state.values = {name: "" for name in PASSWORD_FIELDS}
    return _detail(accounts.by_username(username), REFUSED, password=state)


@bp.post("/pengguna/<username>/peran")
def grant(username: str) -> Any:
    """Grant a role everywhere, for one PD or for one service."""
    accounts = _accounts()
    accounts.by_username(username)
    state = FormState.posted(request.form, GRANT_FIELDS)
    scope = state.values["scope"]
    if not state.values["role"]:
        state.add("role", _("Pilih peran."))
    if scope not in SCOPES:
        state.add("scope", _("Pilih lingkup."))
    elif scope == "pd" and not state.values["agency"]:
        state.add("agency", _("Pilih PD untuk lingkup satu PD."))
    elif scope == "layanan" and not state.values["service"]:
        state.add("service", _("Pilih layanan untuk lingkup satu layanan."))
    if state.ok:
        try:
            _assignment, created = accounts.grant(
                username,
                state.values["role"],
                state.values["service"] if scope == "layanan" else None,
                state.values["agency"] if scope == "pd" else None,
            )
        except DomainError as err:
            state.refuse(err, default="role")
        else:
            session().commit()
            if created:
                flash(_("Peran %(role)s diberikan.", role=state.values["role"]), "success")
            else:
                flash(_("Peran itu sudah dipegang untuk lingkup yang sama."), "info")
            return redirect(url_for(".show", username=username))
    return _detail(accounts.by_username(username), REFUSED, grant=state)


@bp.post("/pengguna/<username>/peran/<int:assignment_id>/cabut")
def revoke(username: str, assignment_id: int) -> Any:
    """Revoke one of the user's role assignments."""
    accounts = _accounts()
    held = {a.id: a.role for a in accounts.assignments(username=username)}
    if assignment_id not in held:
        abort(404)
    try:
        accounts.revoke_assignment(assignment_id)
    except Conflict as err:
        return _refused(accounts, username, err)
    session().commit()
    flash(_("Peran %(role)s dicabut.", role=held[assignment_id]), "success")
    return redirect(url_for(".show", username=username))


@bp.get("/peran/")
def roles() -> Any:
    """Who holds each role, and for which scope (`?role=` narrows to one role)."""
    chosen = request.args.get("role", "")
    known = _roles()
    if chosen and chosen not in known:
        abort(404)
    holders: dict[str, list[Any]] = {role: [] for role in ([chosen] if chosen else known)}
    for assignment in _accounts().assignments(role=chosen or None):
        holders.setdefault(assignment.role, []).append(assignment)
    return render_template("admin/roles.html", holders=holders, roles=known, chosen=chosen)
