"""Team mode: a bearer token on every API route; health and the API description stay open."""

from __future__ import annotations

import hmac

from flask import Flask, request

from .errors import Unauthorized

OPEN_ENDPOINTS = {"service.healthz", "service.openapi", "static"}


def init_auth(app: Flask, token: str | None) -> None:
    if not token:
        return
    expected = token.encode("utf-8")

    @app.before_request
    def require_token():
        # CORS preflights carry no credentials by design; flask-cors answers them.
        if request.method == "OPTIONS" or request.endpoint in OPEN_ENDPOINTS:
            return None
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise Unauthorized("This server needs a team token: send `Authorization: Bearer <token>` "
                               "(in the extension: Options, Server token).")
        if not hmac.compare_digest(given.strip().encode("utf-8"), expected):
            raise Unauthorized("The token is wrong. Check it with whoever runs this server.")
        return None
