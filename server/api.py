"""The versioned scoring API: ``POST /v1/score`` and ``GET /v1/info``."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify, request

from .errors import ModelUnavailable
from .payload import parse_score_request, read_json

bp = Blueprint("api", __name__, url_prefix="/v1")


@bp.post("/score")
def score():
    started = time.perf_counter()
    engine = current_app.extensions["telltale"]
    req = parse_score_request(read_json(request), engine.settings)
    result, cached = engine.score(req)
    body = dict(result)
    body["cached"] = cached
    body["timing_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return jsonify(body)


@bp.get("/info")
def info():
    from . import __version__

    engine = current_app.extensions["telltale"]
    body = {
        "server": {"name": "telltale", "version": __version__},
        "ready": engine.ready,
        "limits": engine.settings.limits(),
        "auth": bool(current_app.config.get("TELLTALE_AUTH")),
    }
    if engine.error:  # the type only: the reason (host paths) is in the server log
        body["error"] = ModelUnavailable.type
    if engine.ready:
        body["model"] = engine.model_info
        body["threshold"] = engine.thresholds["sentence"]
        body["thresholds"] = engine.thresholds
        body["server"]["torch_threads"] = engine.torch_threads
    return jsonify(body)
