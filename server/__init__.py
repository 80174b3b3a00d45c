"""Telltale's scoring server: a Flask app factory run by gunicorn.

    gunicorn -c server/gunicorn.conf.py 'server:create_app()'

or ``telltale serve``. Each worker builds one app, which loads the model once.
"""

from __future__ import annotations

import logging
import os
import re
import time

from flask import Flask, g, request
from flask_cors import CORS

from .settings import ServerSettings

__version__ = "0.1.0"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"})
# Refusals answered before the body is read (no or wrong token, too large, not JSON, not
# addressed to loopback): the connection is closed after them instead of kept alive, which
# would first read (drain) the unwanted body, however slowly the client sends it.
CLOSE_AFTER = frozenset({401, 413, 415, 421})

# Browser-extension origins: Chrome's 32-letter ids and Firefox's per-install UUIDs.
EXTENSION_ORIGINS = (
    re.compile(r"^chrome-extension://[a-p]{32}$"),
    re.compile(r"^moz-extension://[0-9a-fA-F-]{36}$"),
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides settings (see ``server.settings``), e.g.
    ``create_app({"TOKEN": "...", "MAX_PARAGRAPHS": 200})``; the key ``SCORER`` passes
    an already loaded ``scorer.Scorer`` to share.
    """
    from . import api, service
    from .auth import init_auth
    from .engine import Engine
    from .errors import register_error_handlers
    from .metrics import Metrics

    config = dict(config or {})
    scorer = config.pop("SCORER", None)
    settings = ServerSettings.from_sources(config)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False
    _configure_logging()

    metrics = Metrics()
    engine = Engine(settings, metrics, scorer=scorer)
    app.extensions["telltale"] = engine
    app.extensions["telltale_metrics"] = metrics

    CORS(app, origins=list(EXTENSION_ORIGINS) + [re.compile("^" + re.escape(o) + "$") for o in settings.cors_origins],
         methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type", "Authorization"],
         expose_headers=["Retry-After"], max_age=600, supports_credentials=False)
    app.config["TELLTALE_AUTH"] = init_auth(app, settings) is not None
    register_error_handlers(app)
    app.register_blueprint(service.bp)
    app.register_blueprint(api.bp)
    _record_requests(app, metrics)
    app.wsgi_app = _close_after_refusals(app.wsgi_app)

    engine.start()
    return app


def _configure_logging() -> None:
    """Send the server's own log lines (start-up, failures; never text) to gunicorn's error
    log, at ``TELLTALE_LOG_LEVEL`` (info) like gunicorn's own."""
    logger = logging.getLogger("telltale")
    level = logging.getLevelName(os.environ.get("TELLTALE_LOG_LEVEL", "info").strip().upper())
    logger.setLevel(level if isinstance(level, int) else logging.INFO)
    if not logger.handlers:
        gunicorn_handlers = logging.getLogger("gunicorn.error").handlers
        if gunicorn_handlers:
            logger.handlers = list(gunicorn_handlers)
            logger.propagate = False


def _record_requests(app: Flask, metrics) -> None:
    @app.before_request
    def start_timer():
        g.telltale_started = time.perf_counter()

    @app.after_request
    def record(response):
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        # a bounded label set: any client can send any method name
        method = request.method if request.method in KNOWN_METHODS else "other"
        metrics.requests.labels(endpoint=endpoint, method=method, status=str(response.status_code)).inc()
        started = g.get("telltale_started")
        if started is not None:
            metrics.latency.labels(endpoint=endpoint).observe(time.perf_counter() - started)
        response.headers.setdefault("Cache-Control", "no-store")
        # error bodies quote client-chosen strings (a content type): never sniff them as HTML
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def _close_after_refusals(wsgi_app):
    """Close the connection after a ``CLOSE_AFTER`` status.

    A WSGI app cannot simply send ``Connection: close``: it is a hop-by-hop header, which
    gunicorn drops, keeping the connection alive (and reading the refused body in a request
    thread first). gunicorn's ``start_response`` is a method of its response object, whose
    ``force_close()`` makes gunicorn send ``Connection: close`` and close the socket at once,
    freeing the thread (its close still lingers up to 2 s for the client to stop sending,
    see docker/README.md, "Slow clients"). Under another server this does nothing.
    """
    def app(environ, start_response):
        def start(status, headers, exc_info=None):
            if status[:3].isdigit() and int(status[:3]) in CLOSE_AFTER:
                force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
                if callable(force_close):
                    force_close()
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, start)

    return app
