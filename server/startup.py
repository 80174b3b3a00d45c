"""Start-up checks of ``telltale serve`` and the gunicorn config: each raises a
``SettingsError`` with one line naming the flag or variable the user set, before any
worker starts (so a typo stops the start instead of leaving workers that never get ready).
"""

from __future__ import annotations

import errno
import os
import socket

from .settings import SettingsError

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def whole_number(raw: str, name: str, lowest: int = 1, highest: int | None = None) -> int:
    """``raw`` as a whole number within bounds, else a SettingsError naming ``name``
    (the flag or variable the user set)."""
    try:
        value = int(str(raw).strip())
        if value < lowest or (highest is not None and value > highest):
            raise ValueError(raw)
    except ValueError:
        bound = f"between {lowest} and {highest}" if highest is not None else f"at least {lowest}"
        raise SettingsError(f"{name} {str(raw).strip()!r} must be a whole number {bound}.") from None
    return value


def log_level(raw: str | None) -> str:
    """TELLTALE_LOG_LEVEL as a level name (gunicorn's and logging's), lower case."""
    level = (raw or "info").strip().lower()
    if level not in LOG_LEVELS:
        raise SettingsError(f"TELLTALE_LOG_LEVEL {raw!r} must be one of {', '.join(LOG_LEVELS)}.")
    return level


def check_model_path(path: str | None, name: str = "TELLTALE_MODEL_PATH") -> None:
    """A model folder given by the user must at least be a folder (its content is checked
    by the worker that loads it)."""
    if path and not os.path.isdir(path):
        raise SettingsError(f"{name} {path} is not a folder; give the folder written by `telltale train` "
                            "(or leave it out for the shipped model).")


def check_library_environment() -> None:
    """The scorer library's own variables (TELLTALE_PRECISION, TELLTALE_SENTENCE_CACHE), which
    each worker reads when it loads the model: checked before any worker starts, so a typo stops
    the start instead of leaving workers that never become ready."""
    from scorer.errors import ConfigError
    from scorer.inference import resolve_precision
    from scorer.model import cache_size_from_env

    try:
        resolve_precision(None)
        cache_size_from_env()
    except ConfigError as exc:
        raise SettingsError(str(exc)) from None


def check_port_free(host: str, port: int) -> None:
    """Refuse to start when ``host:port`` cannot be bound (another server, often Telltale
    itself, is on it), with one line instead of gunicorn's retries."""
    address = host.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, port))
    except OSError as exc:
        where = f"[{address}]:{port}" if family == socket.AF_INET6 else f"{address}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise SettingsError(f"{where} is already in use: is Telltale already running (try "
                                f"`curl http://{where}/healthz`)? Stop it, or choose another port with --port.") from None
        if exc.errno == errno.EACCES:
            raise SettingsError(f"Not allowed to listen on {where} (ports below 1024 need root); "
                                "choose a port above 1023 with --port.") from None
        raise SettingsError(f"Cannot listen on {where}: {exc.strerror or exc}.") from None
