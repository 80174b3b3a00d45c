"""Server settings: every option, its default, and where it comes from.

Precedence: the ``config`` mapping given to ``create_app`` (keys as below, upper
case), then ``TELLTALE_<KEY>`` environment variables, then the defaults. This
module imports nothing heavy, so the gunicorn config file can use it before any
worker starts.

>>> s = ServerSettings.from_sources({"MAX_PARAGRAPHS": "50"}, environ={})
>>> s.max_paragraphs, s.token
(50, None)
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Mapping

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class SettingsError(ValueError):
    """A setting has a bad value; the message names it and says how to fix it."""


@dataclass(frozen=True)
class ServerSettings:
    """Options of one server process (one gunicorn worker).

    token: team token. When set, ``/v1/*`` and ``/metrics`` require
        ``Authorization: Bearer <token>``; ``/healthz`` and ``/openapi.json`` stay open.
        Env ``TELLTALE_TOKEN``. Default None (personal server on loopback).
    token_file: a file holding the token (first line, whitespace stripped); used when
        ``token`` is unset. Env ``TELLTALE_TOKEN_FILE``. Suits docker/k8s secrets.
    cors_origins: extra origins (exact, comma-separated in the env) allowed by CORS
        besides the browser-extension schemes. Never ``*``.
    max_body_bytes: largest request body; larger gets 413. Default 2 MiB (a long
        article is ~50 KB of JSON).
    max_paragraphs: most paragraphs in one request; more gets 413. Default 1000.
    max_paragraph_chars: most characters in one paragraph (or in ``text``'s paragraph);
        more gets 413. Default 20000.
    max_text_chars: most characters in ``text`` or all paragraphs together. Default 200000.
    cache_size: results kept in the per-worker LRU cache (0 disables it). Default 256.
    cache_bytes: most bytes of results the per-worker cache keeps, each result counted as
        its JSON; a result over 1/8 of it is not cached (0 disables the cache). Env
        ``TELLTALE_CACHE_BYTES``. Default 64 MiB.
    max_concurrent: scoring calls running at once in one worker; torch already uses
        all its threads for one call, so more only adds latency. Default 1.
    queue_timeout: seconds a request waits for a free scoring slot before it gets 429
        with ``Retry-After``. Default 5.
    torch_threads: torch intra-op threads per worker (None: CPU count / workers, set by
        the gunicorn config; torch's default otherwise).
    model_path: a model folder from ``telltale train``; None uses the shipped model.
    load_in_background: load the model in a thread so ``/healthz`` answers 503 while
        it loads (True); False loads it inside ``create_app``.
    """

    token: str | None = None
    token_file: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 2 * 1024 * 1024
    max_paragraphs: int = 1000
    max_paragraph_chars: int = 20_000
    max_text_chars: int = 200_000
    cache_size: int = 256
    cache_bytes: int = 64 * 1024 * 1024
    max_concurrent: int = 1
    queue_timeout: float = 5.0
    torch_threads: int | None = None
    model_path: str | None = None
    load_in_background: bool = True

    @classmethod
    def from_sources(cls, config: Mapping | None = None,
                     environ: Mapping[str, str] | None = None) -> "ServerSettings":
        environ = os.environ if environ is None else environ
        config = dict(config or {})
        values = {}
        for f in fields(cls):
            key = f.name.upper()
            if key in config:
                raw = config.pop(key)
            elif f"TELLTALE_{key}" in environ:
                raw = environ[f"TELLTALE_{key}"]
            else:
                continue
            # a token setting that is set but blank is a mistake, not "no token" (personal mode)
            if key in ("TOKEN", "TOKEN_FILE") and isinstance(raw, str) and raw and not raw.strip():
                raise SettingsError(f"TELLTALE_{key} is set but blank; give the team token (or unset it for a "
                                    "personal server on this machine).")
            values[f.name] = _parse(f.name, f.type, raw)
        if values.get("token") and values.get("token_file"):
            raise SettingsError("TELLTALE_TOKEN and TELLTALE_TOKEN_FILE are both set; set one of them "
                                "(the file's token can be changed while the server runs).")
        settings = cls(**values)
        settings._check()
        return settings

    def resolved_token(self, name: str = "TELLTALE_TOKEN_FILE") -> str | None:
        """The token from ``token`` or ``token_file``; None when neither is set. ``name``
        is what errors call the file's setting (the flag or the variable the user set)."""
        if self.token:
            return self.token
        if self.token_file:
            path = Path(self.token_file)
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise SettingsError(f"{name} {path} cannot be read ({exc.strerror}).") from exc
            token = lines[0].strip() if lines else ""
            if not token:
                raise SettingsError(f"{name} {path} is empty; put the team token on its first line.")
            _check_token(token)
            return token
        return None

    def limits(self) -> dict:
        return {
            "max_body_bytes": self.max_body_bytes,
            "max_paragraphs": self.max_paragraphs,
            "max_paragraph_chars": self.max_paragraph_chars,
            "max_text_chars": self.max_text_chars,
        }

    def _check(self) -> None:
        for name in ("max_body_bytes", "max_paragraphs", "max_paragraph_chars", "max_text_chars", "max_concurrent"):
            if getattr(self, name) < 1:
                raise SettingsError(f"TELLTALE_{name.upper()} must be at least 1, not {getattr(self, name)}.")
        if self.cache_size < 0:
            raise SettingsError(f"TELLTALE_CACHE_SIZE must be 0 (no cache) or more, not {self.cache_size}.")
        if self.cache_bytes < 0:
            raise SettingsError(f"TELLTALE_CACHE_BYTES must be 0 (no cache) or more, not {self.cache_bytes}.")
        if not 0 <= self.queue_timeout < float("inf"):
            raise SettingsError("TELLTALE_QUEUE_TIMEOUT must be a finite number of seconds, 0 or more, "
                                f"not {self.queue_timeout}.")
        if self.torch_threads is not None and self.torch_threads < 1:
            raise SettingsError(f"TELLTALE_TORCH_THREADS must be at least 1, not {self.torch_threads}.")
        if self.token is not None:
            _check_token(self.token)
        if "*" in self.cors_origins:
            raise SettingsError("TELLTALE_CORS_ORIGINS cannot be '*'; list the exact origins (https://host:port).")
        for origin in self.cors_origins:
            check_origin(origin)


# scheme://host[:port], as a browser sends it in the Origin header (no path, no slash)
_ORIGIN = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s?#]+$")


def check_origin(origin: str, name: str = "TELLTALE_CORS_ORIGINS") -> None:
    """An origin as a browser sends it (scheme://host[:port]); anything else never matches."""
    if not _ORIGIN.match(origin):
        raise SettingsError(f"{name}: {origin!r} is not an origin; write scheme://host[:port] "
                            "with no path or trailing slash, e.g. https://newsroom.example.")


def _parse(name: str, kind: str, raw):
    if not isinstance(raw, str):
        if kind == "tuple[str, ...]":
            return tuple(str(x) for x in (raw or ()))
        return raw
    text = str(raw).strip()
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "int | None":
            return int(text) if text else None
        if kind == "bool":
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if kind == "tuple[str, ...]":
            return tuple(x.strip() for x in text.split(",") if x.strip())
    except ValueError:
        expected = {"int": "a whole number, e.g. 200000", "float": "a number of seconds, e.g. 5",
                    "bool": "one of 1, 0, true, false, yes, no, on, off"}.get(kind.split(" ")[0], "a value")
        raise SettingsError(f"TELLTALE_{name.upper()}={text!r} is not {expected}.") from None
    return text or None


def _check_token(token: str) -> None:
    if len(token) < 16:
        raise SettingsError("The team token is shorter than 16 characters; use a long random one, e.g. "
                            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`.")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; False for 0.0.0.0 and real addresses."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a team token."""
    if not is_loopback(host) and not token:
        raise SettingsError(
            f"Refusing to listen on {host} without a team token: anyone on the network could use this "
            "server. Set TELLTALE_TOKEN (or TELLTALE_TOKEN_FILE) to a long random secret, or bind to "
            "127.0.0.1 for a personal server."
        )
