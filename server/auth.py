"""Team mode: a bearer token on every API route; health and the API description stay open.

A token from ``TELLTALE_TOKEN_FILE`` follows the file: each request checks the file's
modification time and, when it changed, reads the token again, so a team rotates it by
rewriting the file (every worker picks it up, no restart). A file that cannot be read
or holds no valid token keeps the last good token in force, and the log says so
(without the token).
"""

from __future__ import annotations

import hmac
import logging
import os
import threading

from flask import Flask, request

from .errors import Unauthorized
from .settings import ServerSettings, SettingsError

OPEN_ENDPOINTS = {"service.healthz", "service.openapi", "static"}
log = logging.getLogger("telltale.server")


class TokenSource:
    """The token in force: fixed (``TELLTALE_TOKEN``) or read from the token file."""

    def __init__(self, settings: ServerSettings):
        self._settings = settings
        self._lock = threading.Lock()
        self._stamp = self._file_stamp()
        self._token = settings.resolved_token()

    def _file_stamp(self):
        if self._settings.token or not self._settings.token_file:
            return None
        try:
            st = os.stat(self._settings.token_file)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size, st.st_ino

    def current(self) -> str | None:
        stamp = self._file_stamp()
        if stamp is None or stamp == self._stamp:
            return self._token
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._token = self._settings.resolved_token()
                    log.info("team token re-read from TELLTALE_TOKEN_FILE")
                except SettingsError as exc:
                    log.error("%s Keeping the previous token.", exc)
        return self._token


def init_auth(app: Flask, settings: ServerSettings) -> TokenSource | None:
    tokens = TokenSource(settings)
    if not tokens.current():
        return None

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
        if not hmac.compare_digest(given.strip().encode("utf-8"), tokens.current().encode("utf-8")):
            raise Unauthorized("The token is wrong. Check it with whoever runs this server.")
        return None

    return tokens
