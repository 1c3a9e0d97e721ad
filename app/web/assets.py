"""Front-end libraries installed from npm (`make install` runs `npm ci`), served from
`node_modules` under /vendor: only their built `dist` folders, nothing from a CDN."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, send_from_directory

from app.config import PROJECT_ROOT

bp = Blueprint("assets", __name__)

#: package name -> the folder inside it that pages may load.
VENDOR = {"bpmn-js": "dist", "chart.js": "dist", "cytoscape": "dist"}
NODE_MODULES = PROJECT_ROOT / "node_modules"


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str) -> Any:
    """A file from an allowed package's dist folder; 404 for anything else."""
    if package not in VENDOR:
        abort(404)
    return send_from_directory(NODE_MODULES / package / VENDOR[package], filename, max_age=86400)
