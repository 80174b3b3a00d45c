"""Every error the API can return, mapped to a status and a JSON body in one place.

The body is always ``{"error": {"type": ..., "message": ...}}``. Messages say what
went wrong and how to fix it, and never quote the submitted text. Unexpected
exceptions become a 500 whose log line carries the exception type and stack but
not its message (which could contain article text); no traceback reaches a client.
"""

from __future__ import annotations

import logging
import traceback

from flask import Flask, current_app, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from scorer.errors import (
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    HtmlInputError,
    InputTooLargeError,
    ModelLoadError,
    TelltaleError,
    UnsupportedLanguageError,
)

log = logging.getLogger("telltale.server")


class ApiError(Exception):
    """An error with its HTTP status, a stable ``type`` and a user-facing message."""

    status = 400
    type = "bad_request"

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class InvalidJson(ApiError):
    status, type = 400, "invalid_json"


class InvalidRequest(ApiError):
    status, type = 422, "invalid_request"


class Unauthorized(ApiError):
    status, type = 401, "unauthorized"


class PayloadTooLarge(ApiError):
    status, type = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    status, type = 415, "unsupported_media_type"


class Overloaded(ApiError):
    status, type = 429, "overloaded"


class BadHost(ApiError):
    """Personal mode: a request addressed to a name other than this machine's loopback."""

    status, type = 421, "bad_host"


class NotReady(ApiError):
    status, type = 503, "not_ready"


class ModelUnavailable(ApiError):
    """The model failed to load: permanent until a restart, so no Retry-After. Its message
    is the same for every route; the reason (an exception text, often with a host path) goes
    to the server log only."""

    status, type = 503, "model_unavailable"
    MESSAGE = ("The model could not be loaded, so this server cannot score until it is restarted "
               "with a working model. The reason is in the server log.")

    def __init__(self, message: str = MESSAGE):
        super().__init__(message)


# The scorer library's input errors: (status, type). Looked up along the MRO, so a
# new subclass of TelltaleError falls back to its parent's entry.
LIBRARY_ERRORS: dict[type, tuple[int, str]] = {
    EmptyInputError: (422, "empty_input"),
    BinaryInputError: (422, "binary_input"),
    DecodingError: (422, "decoding_error"),
    HtmlInputError: (422, "html_input"),
    UnsupportedLanguageError: (422, "unsupported_language"),
    InputTooLargeError: (413, "input_too_large"),
    TelltaleError: (422, "invalid_input"),
}


def error_response(status: int, type_: str, message: str, headers: dict | None = None):
    response = jsonify({"error": {"type": type_, "message": message}})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    metrics = current_app.extensions.get("telltale_metrics")
    if metrics is not None:
        metrics.failures.labels(type=type_).inc()
    return response


def _api_error(exc: ApiError):
    headers = {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="telltale"'
    return error_response(exc.status, exc.type, exc.message, headers)


def _library_error(exc: TelltaleError):
    if isinstance(exc, ModelLoadError):
        # as the engine's own load failure: one message, no Retry-After, and the reason
        # (often a host path) in the log only
        log.error("model unavailable: %s", exc)
        return _api_error(ModelUnavailable())
    for cls in type(exc).__mro__:
        if cls in LIBRARY_ERRORS:
            status, type_ = LIBRARY_ERRORS[cls]
            break
    # the language refusal's advice is a Python/CLI switch an API client cannot use
    message = exc.reason if isinstance(exc, UnsupportedLanguageError) else str(exc)
    return error_response(status, type_, message)


def _http_error(exc: HTTPException):
    if isinstance(exc, RequestEntityTooLarge):
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return error_response(413, "payload_too_large",
                              f"The request body is larger than the server's limit of {limit:,} bytes. "
                              "Send fewer or shorter paragraphs (e.g. the article body only).")
    type_ = (exc.name or "http_error").lower().replace(" ", "_").replace("'", "")
    headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
    return error_response(exc.code or 500, type_, exc.description or exc.name, headers)


def _unexpected(exc: Exception):
    # The message of an arbitrary exception may contain article text: log the type
    # and the stack only.
    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unhandled %s while serving a request\n%s", type(exc).__name__, stack)
    return error_response(500, "internal_error",
                          "The server failed on this request; the error is in the server log "
                          "(without your text). Try again, or report it if it persists.")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(TelltaleError, _library_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
