"""The HTTP API under /api/v1, documented at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask

from app.extensions import Api


def register_api(app: Flask) -> None:
    """Attach flask-smorest and every blueprint, plus the unauthenticated health check."""
    from app.api import (
        agencies,
        attachments,
        auth,
        availability,
        calendars,
        capacity,
        change_calendar,
        comments,
        configuration_baselines,
        configuration_items,
        continuity,
        delegations,
        events,
        forms,
        known_errors,
        maturity,
        notifications,
        process_instances,
        process_models,
        reference_tables,
        reports,
        role_assignments,
        schedules,
        search,
        services,
        sla_documents,
        tasks,
        users,
    )

    app.config.update(
        API_TITLE="SPBE Manajemen Layanan API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = Api(app)
    app.extensions["spbe_api"] = api  # web.errors answers unknown /api paths through it
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    for module in (
        auth,
        process_models,
        process_instances,
        tasks,
        agencies,
        users,
        role_assignments,
        services,
        reference_tables,
        calendars,
        delegations,
        notifications,
        known_errors,
        schedules,
        change_calendar,
        availability,
        forms,
        comments,
        attachments,
        search,
        configuration_items,
        configuration_baselines,
        capacity,
        continuity,
        sla_documents,
        maturity,
        reports,
        events,
    ):
        api.register_blueprint(module.blp)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}
