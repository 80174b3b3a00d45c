"""Team mode: a bearer token on every API route; health and the API description stay open.
Personal mode (no token): only requests addressed to a loopback name are served.

A token from ``TELLTALE_TOKEN_FILE`` follows the file: each request checks the file's
modification time and, when it changed, reads the token again, so a team rotates it by
rewriting the file (every worker picks it up, no restart). A file that cannot be read
or holds no valid token keeps the last good token in force, and the log says so
(without the token).

Without a token the server trusts whoever can reach it, which is meant to be this
machine only. A web page can still reach it by DNS rebinding: it points its own host
name at 127.0.0.1, and its requests are then same-origin, so CORS does not apply.
Such requests carry the page's host name in ``Host``; every route answers them 421
``bad_host``, so the page learns nothing (not even that the server runs). The extension,
curl and the Docker health check address the server by 127.0.0.1 or localhost.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading

from flask import Flask, request

from .errors import BadHost, Unauthorized
from .settings import ServerSettings, SettingsError, is_loopback

OPEN_ENDPOINTS = {"service.healthz", "service.openapi", "static"}
log = logging.getLogger("telltale.server")


def loopback_host(header: str) -> bool:
    """Whether a ``Host`` header names this machine's loopback: ``localhost``, 127.x.x.x or
    ``[::1]``, with or without a port.

    >>> [loopback_host(h) for h in ("127.0.0.1:8765", "LOCALHOST", "[::1]:8765", "127.3.2.1")]
    [True, True, True, True]
    >>> [loopback_host(h) for h in ("evil.example:8765", "localhost.evil.example", "0.0.0.0", "::1", "127.0.0.1:x")]
    [False, False, False, False, False]
    """
    value = header.strip().lower()
    if value.startswith("["):  # an IPv6 literal
        host, bracket, port = value[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return False
        port = port[1:]
    else:
        host, _, port = value.partition(":")
    return (not port or port.isdigit()) and is_loopback(host)


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
        app.before_request(_require_loopback_host)
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
                               "(in the extension: Telltale settings, Team token).")
        if not hmac.compare_digest(given.strip().encode("utf-8"), tokens.current().encode("utf-8")):
            raise Unauthorized("The token is wrong. Check it with whoever runs this server.")
        return None

    return tokens


def _require_loopback_host():
    host = request.environ.get("HTTP_HOST")
    # no Host at all (HTTP/1.0) is no browser, so no rebinding page
    if host is not None and not loopback_host(host):
        # the name is the client's own (it may be an attacker's): not echoed
        raise BadHost("This personal server (no team token) answers only requests addressed to this "
                      "machine: use http://127.0.0.1:<port> or http://localhost:<port>. To serve other "
                      "names, run it as a team server with a token.")
    return None
