"""Service routes, kept apart from the API: health, metrics, the OpenAPI description."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify

from .errors import ModelUnavailable

bp = Blueprint("service", __name__)

OPENAPI_FILE = Path(__file__).with_name("openapi.json")


@bp.get("/healthz")
def healthz():
    engine = current_app.extensions["telltale"]
    if engine.ready:
        return jsonify({"status": "ok", "model": engine.model_info})
    if engine.error:
        # Open to anyone (team mode too): ModelUnavailable's message, never the reason. No
        # Retry-After: only a restart changes this.
        error = ModelUnavailable()
        return jsonify({"status": "error", "error": {"type": error.type, "message": error.message}}), error.status
    return jsonify({"status": "loading"}), 503, {"Retry-After": "2"}


@bp.get("/metrics")
def metrics():
    data, content_type = current_app.extensions["telltale_metrics"].exposition()
    return Response(data, content_type=content_type)


@bp.get("/openapi.json")
def openapi():
    from . import __version__

    settings = current_app.extensions["telltale"].settings
    return jsonify(openapi_document(__version__, settings.limits()))


@lru_cache(maxsize=1)
def _template() -> dict:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


def openapi_document(version: str, limits: dict) -> dict:
    """The shipped description with this server's version and configured limits filled in."""
    doc = copy.deepcopy(_template())
    doc["info"]["version"] = version
    schemas = doc["components"]["schemas"]
    paragraphs = schemas["ParagraphsRequest"]["properties"]["paragraphs"]
    paragraphs["maxItems"] = limits["max_paragraphs"]
    paragraphs["items"]["maxLength"] = limits["max_paragraph_chars"]
    schemas["TextRequest"]["properties"]["text"]["maxLength"] = limits["max_text_chars"]
    return doc
