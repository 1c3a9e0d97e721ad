"""Error pages for people: the same statuses as the API, as a page in their language.

The API keeps its JSON answers; a page blueprint calls `attach` so a domain error, a
refused CSRF token or a 403 raised in its views renders `error.html` instead.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.errors import DomainError
from app.web.i18n import half


def _page(status: int, title: str, detail: str) -> Any:
    return render_template("error.html", status=status, title=title, detail=detail), status


def _title(status: int) -> str:
    titles = {
        400: _("Permintaan tidak valid"),
        403: _("Akses ditolak"),
        404: _("Halaman tidak ditemukan"),
        405: _("Metode tidak diizinkan"),
        409: _("Data sudah berubah"),
    }
    return titles.get(status, _("Tidak dapat diproses"))


def _http(err: HTTPException) -> Any:
    details = {
        403: _("Peran Anda tidak mengizinkan halaman atau tindakan ini."),
        404: _("Alamat yang Anda buka tidak ada atau sudah dihapus."),
    }
    status = err.code or 500
    return _page(status, _title(status), details.get(status, ""))


def _domain(err: DomainError) -> Any:
    return _page(err.status, _title(err.status), half(err.message))


def _csrf(_err: CSRFError) -> Any:
    return _page(
        400,
        _("Sesi formulir kedaluwarsa"),
        _("Muat ulang halaman lalu kirim lagi; data Anda belum disimpan."),
    )


def attach(bp: Blueprint) -> None:
    """Render errors raised in `bp`'s views as pages."""
    bp.register_error_handler(CSRFError, _csrf)
    bp.register_error_handler(DomainError, _domain)
    for status in (400, 403, 404, 405, 409):
        bp.register_error_handler(status, _http)


def register(app: Flask) -> None:
    """Unknown addresses: a page outside /api, the API's JSON shape inside it."""

    @app.errorhandler(404)
    def not_found(err: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return current_app.extensions["spbe_api"].handle_http_exception(err)
        return _http(err)
