"""Server-rendered pages for staff, supervisors, analysts and administrators (issue 5).

Pages sign in with a session cookie (Flask-Login) and every form posts a CSRF token
(Flask-WTF); the HTTP API keeps its bearer tokens and needs neither. Text is Indonesian
first, English second (Flask-Babel). Each area is one blueprint module that registers its
own navigation entries (`app.web.nav`).
"""

from __future__ import annotations

from flask import Flask

from app.web.extensions import babel, csrf, login_manager


def register_web(app: Flask) -> None:
    """Attach sign-in, CSRF, translations, vendor assets and every page blueprint."""
    from app.web import (
        account,
        admin,
        assets,
        availability,
        cmdb,
        comments,
        continuity,
        dashboard,
        errors,
        form_editor,
        home,
        i18n,
        inbox,
        instances,
        kabupaten,
        maturity,
        modeler,
        my_cases,
        nav,
        reports,
        search,
        sla_documents,
        start,
        tasks,
    )
    from app.web.access import held_roles

    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # the API is token-based
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid for the whole session
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app, babel)
    errors.register(app)
    for module in (
        account,
        home,
        assets,
        admin,
        instances,
        dashboard,
        kabupaten,
        availability,
        reports,
        maturity,
        continuity,
        cmdb,
        modeler,
        form_editor,
        inbox,
        tasks,
        start,
        sla_documents,
        my_cases,
        comments,
        search,
    ):
        app.register_blueprint(module.bp)

    @app.context_processor
    def navigation() -> dict[str, object]:
        return {"nav_items": nav.visible(held_roles())}
