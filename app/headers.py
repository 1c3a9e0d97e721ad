"""Security headers on every response the app sends: pages, API, static files and errors.

One `after_request` hook sets them, so no view can forget them (issue 13, item 6). The
pages run no inline script and carry no inline style (scripts and rules live under
`app/web/static/`; data a script needs travels in `data-*` attributes or
`<script type="application/json">` blocks, which are not executed), so the policy allows
only the app's own origin. The API serves JSON and its OpenAPI document only, no Swagger
UI, so it needs no looser policy.
"""

from __future__ import annotations

from flask import Flask, Response, request

#: `data:` images and fonts come from bpmn-js's own style sheets: the breadcrumb arrow
#: (bpmn-js.css) and the embedded icon font (bpmn-embedded.css).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

#: Sent on every response; `Strict-Transport-Security` is added only where HTTPS is true.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

#: One year, the value browsers' preload lists expect; subdomains are not ours to commit.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def register_security_headers(app: Flask) -> None:
    """Add the security headers to every response `app` sends.

    HSTS goes only where HTTPS is true: on a request that came over HTTPS, or from an app
    the operator says is served over HTTPS (`PREFERRED_URL_SCHEME=https`), as behind a
    proxy that terminates TLS and forwards plain HTTP. A development server on plain HTTP
    never sends it.
    """
    served_over_https = app.config["PREFERRED_URL_SCHEME"] == "https"

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        if served_over_https or request.is_secure:
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        return response
