"""``telltale serve``: run the scoring server under gunicorn with the repository's config.

``scorer/cli.py`` calls ``add_arguments(parser)`` to build the sub-command and
``main(args)`` to run it. ``main`` checks what its flags can set (a bad value, a port
already in use or a model path that is not a folder stops it with one line naming the
flag or variable that was set, and exit status 2; settings only an environment variable
sets are checked by gunicorn.conf.py), then replaces this process with gunicorn, so
signals such as SIGTERM reach gunicorn's master directly (graceful shutdown).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .settings import DEFAULT_HOST, DEFAULT_PORT, ServerSettings, SettingsError, check_bind, check_origin
from .startup import check_model_path, check_port_free, whole_number

GUNICORN_CONF = Path(__file__).with_name("gunicorn.conf.py")


# flag -> (environment variable, default); a flag left out falls back to its variable
_FROM_ENV = {
    "host": ("TELLTALE_HOST", DEFAULT_HOST),
    "port": ("TELLTALE_PORT", str(DEFAULT_PORT)),
    "workers": ("TELLTALE_WORKERS", "1"),
    "threads": ("TELLTALE_THREADS", "4"),
    "torch_threads": ("TELLTALE_TORCH_THREADS", None),
    "token_file": ("TELLTALE_TOKEN_FILE", None),
    "model": ("TELLTALE_MODEL_PATH", None),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help=f"address to listen on (default $TELLTALE_HOST or {DEFAULT_HOST}; "
                                       "anything but loopback needs a token)")
    parser.add_argument("--port", help=f"port (default $TELLTALE_PORT or {DEFAULT_PORT}, the extension's default)")
    parser.add_argument("--workers", help="worker processes, each with its own model (default $TELLTALE_WORKERS or 1)")
    parser.add_argument("--threads", help="request threads per worker (default $TELLTALE_THREADS or 4)")
    parser.add_argument("--torch-threads", help="torch threads per worker (default $TELLTALE_TORCH_THREADS or "
                                                "CPU cores / workers)")
    parser.add_argument("--token-file", help="file holding the team token, turns on team mode "
                                             "(default $TELLTALE_TOKEN_FILE; or set $TELLTALE_TOKEN)")
    parser.add_argument("--model", help="model folder from `telltale train` (default $TELLTALE_MODEL_PATH or "
                                        "the shipped model)")
    parser.add_argument("--cors-origin", action="append", default=None, metavar="ORIGIN",
                        help="extra origin allowed by CORS, scheme://host[:port] (repeatable; default "
                             "$TELLTALE_CORS_ORIGINS, comma-separated); extension origins are always allowed")
    parser.epilog = ("Other settings are environment variables: TELLTALE_LOG_LEVEL, TELLTALE_PRECISION, "
                     "TELLTALE_MAX_TEXT_CHARS and more, listed in docker/README.md.")


def _option(args: argparse.Namespace, attr: str, environ) -> tuple[str | None, str]:
    """The value of a flag, else of its environment variable, else the default, with the
    name to quote in an error (the one the user set)."""
    flag = "--" + attr.replace("_", "-")
    variable, default = _FROM_ENV[attr]
    given = getattr(args, attr)
    if given is not None:
        return given, flag
    return environ.get(variable, default), variable


def main(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    try:
        host, _ = _option(args, "host", env)
        port = whole_number(*_option(args, "port", env), lowest=1, highest=65535)
        workers = whole_number(*_option(args, "workers", env))
        threads = whole_number(*_option(args, "threads", env))
        env.update({"TELLTALE_HOST": host, "TELLTALE_PORT": str(port),
                    "TELLTALE_WORKERS": str(workers), "TELLTALE_THREADS": str(threads)})
        torch_threads, name = _option(args, "torch_threads", env)
        if torch_threads:
            env["TELLTALE_TORCH_THREADS"] = str(whole_number(torch_threads, name))
        model, name = _option(args, "model", env)
        check_model_path(model, name)
        _, token_file_name = _option(args, "token_file", env)
        if args.token_file:  # the flag wins over both variables, as every flag does
            env["TELLTALE_TOKEN_FILE"] = args.token_file
            env.pop("TELLTALE_TOKEN", None)
        if args.model:
            env["TELLTALE_MODEL_PATH"] = args.model
        if args.cors_origin:
            for origin in args.cors_origin:
                check_origin(origin, "--cors-origin")
            env["TELLTALE_CORS_ORIGINS"] = ",".join(args.cors_origin)
        settings = ServerSettings.from_sources(environ=env)
        check_bind(host, settings.resolved_token(token_file_name))
        check_port_free(host, port)
    except SettingsError as exc:
        print(f"telltale serve: {exc}", file=sys.stderr)
        return 2
    argv = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "server:create_app()"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe(argv[0], argv, env)
    return 0  # pragma: no cover - exec does not return


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="python -m server.cli", description=__doc__.splitlines()[0])
    add_arguments(_parser)
    sys.exit(main(_parser.parse_args()))
