"""The Flask application factory."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Settings
from app.services.context import Platform


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> Flask:
    """Build the app: settings, platform (database, clock, spec cache), API, pages, handlers.

    Args:
        settings: defaults to `Settings.from_env()`.
        platform: a prepared platform (tests pass one with a fixed clock).
    """
    from app.api import register_api
    from app.api.errors import register_error_handlers
    from app.extensions import IdConverter, StrictJSONProvider
    from app.headers import register_security_headers
    from app.request_scope import close_session
    from app.web import register_web

    settings = settings or (platform.settings if platform else Settings.from_env())
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        # Set here, not with setdefault: Flask defines every SESSION_COOKIE_* key already.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.https,
        PREFERRED_URL_SCHEME="https" if settings.https else "http",
    )
    app.json = StrictJSONProvider(app)
    # Keys keep their order: a served form lists its fields in `ui:order`.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.converters["int"] = IdConverter
    app.extensions["spbe"] = platform or Platform.build(settings)
    app.teardown_appcontext(close_session)
    register_api(app)
    register_error_handlers(app)
    register_web(app)
    register_security_headers(app)
    if settings.trusted_proxies:
        # Behind N proxies the client's address and scheme are in their X-Forwarded-*
        # headers; only then are they believed (the sign-in limits count by address).
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app
